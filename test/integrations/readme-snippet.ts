// The README's framework blocks, run as written: each block is written to build/readme/ after a
// prelude that gives it what the README says comes from the app (the quick start's `douyin`
// client, a database), then imported.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Emulator } from "../../src/emulator/index.js";
import { root } from "../support/project.js";

/** The ```ts block right after `<!-- marker` in README.md. */
export function readmeBlock(marker: string): string {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const at = readme.indexOf(`<!-- ${marker}:`);
  if (at < 0) throw new Error(`README.md has no <!-- ${marker}: --> block`);
  const block = readme.slice(at).match(/```ts\n([\s\S]*?)```/);
  if (!block) throw new Error(`README.md: no ts block after the ${marker} marker`);
  return block[1]!;
}

/** Imports the README block `marker` with `prelude` before it. */
export async function importReadmeBlock(marker: string, prelude: string): Promise<any> {
  const dir = join(root, "build/readme");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${marker}.ts`);
  writeFileSync(file, `${prelude}\n${readmeBlock(marker)}`);
  return import(pathToFileURL(file).href);
}

/** Points QUICK_START_CLIENT at the emulator's first app, through the environment it reads. */
export function setQuickStartEnv(emu: Emulator): void {
  const [demo] = emu.apps;
  process.env.DOUYIN_CLIENT_KEY = demo!.clientKey;
  process.env.DOUYIN_CLIENT_SECRET = demo!.clientSecret;
  process.env.DOUYIN_BASE_URL = emu.url;
}

/** The quick start's client, against the URL and app in the environment. */
export const QUICK_START_CLIENT = `import { createDouyinOAuth } from "douyin-oauth";
const douyin = createDouyinOAuth({
  clientKey: process.env.DOUYIN_CLIENT_KEY!,
  clientSecret: process.env.DOUYIN_CLIENT_SECRET,
  baseUrl: process.env.DOUYIN_BASE_URL,
});`;
