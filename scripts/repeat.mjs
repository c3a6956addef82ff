#!/usr/bin/env node
// Runs the same test files again and again and stops at the first failure: the proof that a
// fleet test gives one verdict however the machine is loaded (its bounds come from outcomes,
// not timing luck). `npm run repeat -- --runs 20 test/redis/cluster.test.ts test/redis/sentinel.test.ts`;
// `--load N` adds N busy processes (a CPU hog each) for the whole run, stopped by PID at the end.
import { spawn, spawnSync } from "node:child_process";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: "string", default: "20" },
    load: { type: "string", default: "0" },
  },
});
const runs = Number(values.runs);
const load = Number(values.load);
if (!Number.isInteger(runs) || runs < 1 || runs > 1000) throw new TypeError(`--runs: 1 to 1000`);
if (!Number.isInteger(load) || load < 0 || load > 16) throw new TypeError(`--load: 0 to 16`);
if (positionals.length === 0) throw new TypeError("name the test files to repeat");

const hogs = Array.from({ length: load }, () =>
  spawn(process.execPath, ["-e", "for (;;) Math.sqrt(Math.random());"], { stdio: "ignore" }),
);
const stop = () => {
  // Each once: a second kill of an ended process would throw (ESRCH) and fail the loop.
  for (const hog of hogs.splice(0)) if (hog.pid !== undefined) process.kill(hog.pid, "SIGKILL");
};
process.on("exit", stop);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    stop();
    process.exit(130);
  });
}

let passed = 0;
const started = Date.now();
for (let run = 1; run <= runs; run++) {
  const t0 = Date.now();
  const result = spawnSync(
    "npx",
    ["vitest", "run", ...positionals, "--typecheck.enabled=false", "--reporter=dot"],
    { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" },
  );
  const seconds = ((Date.now() - t0) / 1000).toFixed(0);
  if (result.status !== 0) {
    process.stdout.write(result.stdout + result.stderr);
    console.log(`run ${run}: FAILED after ${seconds} s; ${passed} passed in a row before it`);
    process.exit(1);
  }
  passed += 1;
  console.log(`run ${run}: passed (${seconds} s)`);
}
// The busy processes keep this one alive: stop them, or the loop never ends once its runs are done.
stop();
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
console.log(
  `${passed} of ${runs} runs passed in a row, ${minutes} min, ${load} busy processes beside`,
);
