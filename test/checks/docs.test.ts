// `npm run docs` builds one self-contained HTML page listing all seven operations.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSpec, runCommand } from "../support/project.js";

// The docs build takes seconds alone, far more on a busy machine.
describe("npm run docs", { timeout: 90_000 }, () => {
  it("builds docs/index.html with every operation and nothing loaded from the network", () => {
    // Into a temporary file: docs/index.html is what the emulator tests are serving.
    const dir = mkdtempSync(join(tmpdir(), "douyin-docs-"));
    const out = join(dir, "index.html");
    const ran = runCommand("npm", ["run", "--silent", "docs", "--", "--out", out]);
    expect(ran.status).toBe(0);
    expect(ran.stdout).toContain(`docs: ${out}`);
    const html = readFileSync(out, "utf8");
    rmSync(dir, { recursive: true, force: true });
    const spec = readSpec();
    for (const item of Object.values<any>(spec.paths)) {
      for (const op of Object.values<any>(item)) {
        expect(html).toContain(op.summary.split(" / ")[1]);
        expect(html).toContain(op.operationId);
      }
    }
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
    expect(html).not.toMatch(/<link[^>]+href="https?:/);
    expect(html).not.toMatch(/@import\s+url\(["']?https?:/);
  });
});
