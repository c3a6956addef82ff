#!/usr/bin/env node
// npm run simulate: bundles the seeded simulation (test/simulation/) with esbuild and runs it.
//   SEED=42 npm run simulate                      replay one seed
//   npm run simulate -- --days 365 --users 5000 --seeds 200   the long run
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build/simulate.mjs");
mkdirSync(dirname(out), { recursive: true });
await build({
  entryPoints: [join(root, "test/simulation/cli.ts")],
  outfile: out,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "warning",
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
});
const run = spawnSync(process.execPath, [out, ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(run.status ?? 1);
