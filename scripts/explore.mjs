#!/usr/bin/env node
// npm run explore: bundles the schedule explorer (test/explore/cli.ts) with esbuild and runs it.
//   npm run explore                                   every scenario, deeper than npm test
//   npm run explore -- --scenario get-vs-get --faults 1 --preemptions 2 --replay 0,0,3,1
import { runBundled } from "./run-bundled.mjs";

await runBundled("test/explore/cli.ts", "explore", process.argv.slice(2));
