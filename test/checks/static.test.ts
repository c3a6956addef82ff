// The whole tree is formatted and type-checks under strict TypeScript.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bin, root, runCommand } from "../support/project.js";

describe("static checks", () => {
  it("prettier --check finds every file formatted", () => {
    const ran = runCommand(bin("prettier"), ["--check", "."]);
    expect(ran.stdout + ran.stderr).toContain("All matched files use Prettier code style!");
    expect(ran.status).toBe(0);
  });

  it("tsc --noEmit passes over src, test and scripts", () => {
    const ran = runCommand(bin("tsc"), ["--noEmit", "-p", "tsconfig.json"]);
    expect(ran.stdout + ran.stderr).toBe("");
    expect(ran.status).toBe(0);
  });

  it("the client (src/*.ts; not src/node/ or src/emulator/) has no node: imports: it runs wherever fetch exists", () => {
    const files = readdirSync(join(root, "src")).filter((f) => f.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(8);
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
