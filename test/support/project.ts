// Paths and a child-process helper shared by the tests that run the project's own scripts.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const specPath = join(root, "openapi/douyin-oauth.yaml");
export const bin = (name: string) => join(root, "node_modules/.bin", name);
/** The emulator's package, douyin-oauth-emulator, and its bin as the build writes them. */
export const emulatorDir = join(root, "packages/emulator");
export const emulatorCli = join(emulatorDir, "dist/cli.js");

/** The pages whose code blocks tests run: README.md and every guide/*.md, as paths from root. */
export function docPages(): string[] {
  const guides = readdirSync(join(root, "guide")).filter((name) => name.endsWith(".md"));
  return ["README.md", ...guides.sort().map((name) => `guide/${name}`)];
}

/** A fenced code block of a doc page, with the `<!-- name: ... -->` marker right above it. */
export interface DocBlock {
  page: string;
  /** The line of the opening fence, from 1. */
  line: number;
  /** The fence's language: ts, sh, json... */
  lang: string;
  /** The marker's name and the rest of its text (the test files it names), or undefined. */
  name: string | undefined;
  marker: string | undefined;
  /** The block as written, without the indent of a list item. */
  text: string;
}

/** Every fenced block of a page, each with the marker above it (blank lines between allowed). */
export function docBlocks(page: string): DocBlock[] {
  const lines = readFileSync(join(root, page), "utf8").split("\n");
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)```(\S*)\s*$/.exec(lines[i]!);
    if (open === null) continue;
    const [, indent, lang] = open;
    const end = lines.findIndex((l, j) => j > i && l.trimEnd() === `${indent}\`\`\``);
    if (end < 0) throw new Error(`${page}:${i + 1}: a code block that never ends`);
    let above = i - 1;
    while (above >= 0 && lines[above]!.trim() === "") above--;
    const marker = /^\s*<!-- ([\w-]+):(.*)-->\s*$/.exec(lines[above] ?? "");
    blocks.push({
      page,
      line: i + 1,
      lang: lang!,
      name: marker?.[1],
      marker: marker?.[2]?.trim(),
      text: lines
        .slice(i + 1, end)
        .map((l) => l.slice(Math.min(indent!.length, l.length - l.trimStart().length)))
        .join("\n")
        .concat("\n"),
    });
    i = end;
  }
  return blocks;
}

/**
 * The code block named `name` (by the `<!-- name: ... -->` marker right above it) on `page`
 * (README.md or guide/<page>.md), as written.
 */
export function docBlock(page: string, name: string): string {
  const block = docBlocks(page).find((b) => b.name === name);
  if (block === undefined) throw new Error(`${page} has no block marked "${name}"`);
  return block.text;
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
