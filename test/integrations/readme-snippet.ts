// The integration guide's framework blocks, run as written: each block is written to build/readme/
// after a prelude that gives it what the guide says comes from the app (the quick start's `douyin`
// client, a database), then imported.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Emulator } from "../../src/emulator/index.js";
import { docBlock, root } from "../support/project.js";

/** Imports the block `name` of a doc page (guide/integrations.md) with `prelude` before it. */
export async function importDocBlock(page: string, name: string, prelude: string): Promise<any> {
  const dir = join(root, "build/readme");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, `${prelude}\n${docBlock(page, name)}`);
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
