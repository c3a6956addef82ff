// The whole tree is formatted and type-checks under strict TypeScript.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bin, root, runCommand } from "../support/project.js";

// Whole-tree tools: about 12 s each on an idle two-core machine, more beside other tests.
const WHOLE_TREE = { timeout: 90_000 };

describe("static checks", () => {
  it("prettier --check finds every file formatted", WHOLE_TREE, () => {
    const ran = runCommand(bin("prettier"), ["--check", "."]);
    expect(ran.stdout + ran.stderr).toContain("All matched files use Prettier code style!");
    expect(ran.status).toBe(0);
  });

  it("tsc --noEmit passes over src, test and scripts", WHOLE_TREE, () => {
    const ran = runCommand(bin("tsc"), ["--noEmit", "-p", "tsconfig.json"]);
    expect(ran.stdout + ran.stderr).toBe("");
    expect(ran.status).toBe(0);
  });

  it("the client, tokens and redis store (not src/node/ or src/emulator/) have no node: imports: they run wherever fetch exists", () => {
    const files = ["", "tokens", "redis"].flatMap((dir) =>
      readdirSync(join(root, "src", dir))
        .filter((f) => f.endsWith(".ts"))
        .map((f) => join(dir, f)),
    );
    expect(files.length).toBeGreaterThan(12);
    for (const file of files) {
      const source = readFileSync(join(root, "src", file), "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/^\s*\/\/.*$/gm, "");
      expect(source, file).not.toMatch(
        /from\s+["']node:|require\(["']node:|\bprocess\.|\bBuffer\b/,
      );
    }
  });
});
