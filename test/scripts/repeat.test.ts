// scripts/repeat.mjs, the loop that runs test files again and again beside busy processes: it
// ends when its runs are done, and its busy processes end with it. The runs here are vitest
// runs that find no test file (about a second each, no build), so the loop itself is what is
// tested.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../support/project.js";

const repeat = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, "scripts/repeat.mjs"), ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
  });

describe("npm run repeat", () => {
  it("exits once its runs are done, its busy processes stopped (they kept it alive before)", () => {
    const ran = repeat(
      "--runs",
      "2",
      "--load",
      "1",
      "--",
      "no-such-test-file",
      "--passWithNoTests",
    );
    // Still running at 60 s, it is stopped with SIGTERM, on which it exits 130.
    expect(ran.status, "still running after its runs were done").toBe(0);
    expect(ran.stdout).toContain("2 of 2 runs passed in a row");
  }, 90_000);

  it("refuses a run count or a load out of bounds, and no test files", () => {
    expect(repeat("--runs", "0", "x").stderr).toContain("--runs: 1 to 1000");
    expect(repeat("--load", "17", "x").stderr).toContain("--load: 0 to 16");
    expect(repeat().stderr).toContain("name the test files to repeat");
  });
});
