// Paths and a child-process helper shared by the tests that run the project's own scripts.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const specPath = join(root, "openapi/douyin-oauth.yaml");
export const bin = (name: string) => join(root, "node_modules/.bin", name);
/** The emulator's package, douyin-oauth-emulator, and its bin as the build writes them. */
export const emulatorDir = join(root, "packages/emulator");
export const emulatorCli = join(emulatorDir, "dist/cli.js");

/**
 * The ```ts block right after the `<!-- name` marker in README.md, as written (a block inside a
 * list item loses its two-space indent).
 */
export function readmeBlock(name: string): string {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const marker = readme.indexOf(`<!-- ${name}`);
  if (marker < 0) throw new Error(`README.md has no "${name}" marker`);
  const block = readme.slice(marker).match(/```ts\n([\s\S]*?)```/);
  if (block === null) throw new Error(`README.md has no ts block after "${name}"`);
  return block[1]!.replace(/^ {2}/gm, "");
}

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

export interface Packed {
  /** The tarball's path. */
  tarball: string;
  /** Its files, sorted. */
  files: string[];
  unpackedSize: number;
  entryCount: number;
}

/**
 * `npm pack` of the package in `dir` (the root's douyin-oauth, or `emulatorDir`) into `dest`, as
 * built: --ignore-scripts keeps other tests' dist/ in place (the global setup built it).
 */
export function pack(dir: string, dest: string): Packed {
  const packed = runCommand(
    "npm",
    ["pack", "--ignore-scripts", "--json", "--pack-destination", dest],
    { cwd: dir, timeoutMs: 180_000 },
  );
  if (packed.status !== 0) throw new Error(`npm pack in ${dir} failed:\n${packed.stderr}`);
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("[")));
  return {
    tarball: join(dest, info.filename),
    files: info.files.map((f: { path: string }) => f.path).sort(),
    unpackedSize: info.unpackedSize,
    entryCount: info.entryCount,
  };
}
