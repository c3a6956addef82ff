#!/usr/bin/env node
// npm run simulate: bundles the seeded simulation (test/simulation/) with esbuild and runs it.
//   SEED=42 npm run simulate                      replay one seed
//   npm run simulate -- --days 365 --users 5000 --seeds 200   the long run
import { runBundled } from "./run-bundled.mjs";

await runBundled("test/simulation/cli.ts", "simulate", process.argv.slice(2));
