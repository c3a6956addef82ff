// Paths and a child-process helper shared by the tests that run the project's own scripts.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const specPath = join(root, "openapi/douyin-oauth.yaml");
export const bin = (name: string) => join(root, "node_modules/.bin", name);

/** The spec, parsed as YAML (no $ref resolution). */
export function readSpec(): any {
  return parseYaml(readFileSync(specPath, "utf8"));
}

export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion with a hard time limit; never inherits the terminal. */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Ran {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? root,
    encoding: "utf8",
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...(options.env ?? process.env), NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  return { status: result.status, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}
