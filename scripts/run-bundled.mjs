// Bundles a TypeScript entry of the project's tests with esbuild and runs it as a child of this
// node, with the arguments given: `npm run simulate` and `npm run explore` start here.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Bundles `entry` (relative to the root) to build/`name`.mjs, runs it, exits with its status. */
export async function runBundled(entry, name, args) {
  const out = join(root, `build/${name}.mjs`);
  mkdirSync(dirname(out), { recursive: true });
  await build({
    entryPoints: [join(root, entry)],
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
  const run = spawnSync(process.execPath, [out, ...args], { stdio: "inherit" });
  process.exit(run.status ?? 1);
}
