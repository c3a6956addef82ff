// The whole tree is formatted and type-checks under strict TypeScript.
import { describe, expect, it } from "vitest";
import { bin, runCommand } from "../support/project.js";

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
});
