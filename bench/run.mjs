#!/usr/bin/env node
// npm run bench: per-call overhead on every runtime present (and against ByteDance's Node SDK on
// Node), cold start, sizes, codegen time. Prints the tables and writes build/bench.json.
// `--quick` runs fewer rounds (a smoke run, not numbers to quote).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { installConsumer } from "../scripts/test-runtimes.mjs";
import { printClientJs } from "./client-js.mjs";
import { coldStart, coldStartLine } from "./cold-start.mjs";
import { printHeapSlope } from "./heap-slope.mjs";
import { clientJsAndHeapBench, perRuntimeBench, sdkBench, startFloorServer } from "./per-call.mjs";
import { bundleSize } from "./sizes.mjs";
import { tokensBench } from "./tokens.mjs";
import { fmt, median } from "./stats.mjs";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const quick = process.argv.includes("--quick");

function dirSize(dir) {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    bytes += entry.isDirectory() ? dirSize(path) : statSync(path).size;
  }
  return bytes;
}

/** What installing the packed tarball (with its runtime dependencies) put in `consumer`. */
function installFootprint(consumer, packed) {
  const modules = join(consumer, "node_modules");
  const packages = readdirSync(modules)
    .filter((name) => !name.startsWith("."))
    .flatMap((name) =>
      name.startsWith("@") ? readdirSync(join(modules, name)).map((n) => `${name}/${n}`) : [name],
    );
  return {
    tarball: packed.size,
    unpacked: packed.unpackedSize,
    installedPackages: packages.sort(),
    installedBytes: packages.reduce((sum, name) => sum + dirSize(join(modules, name)), 0),
  };
}

function generateTime(runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    execFileSync(process.execPath, [join(root, "scripts/generate.mjs")], {
      cwd: root,
      stdio: "ignore",
    });
    times.push(performance.now() - t);
  }
  return median(times);
}

const machine = {
  cpu: `${cpus().length} × ${cpus()[0]?.model ?? "unknown"}`,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  date: new Date().toISOString(),
  loadAverageAtStart: loadavg(),
  quick,
};

// dist/ is built (npm run bench builds first): pack it as is, install it as a consumer would.
const scratch = mkdtempSync(join(tmpdir(), "douyin-bench-"));
let perRuntime;
let clientJs;
let sdk;
let footprint;
try {
  const { consumer, packed } = installConsumer(scratch, { ignoreScripts: true });
  footprint = installFootprint(consumer, packed);
  clientJs = await clientJsAndHeapBench(consumer, { quick });
  perRuntime = await perRuntimeBench(consumer, { quick });
  sdk = await sdkBench(consumer, { quick });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const floor = await startFloorServer();
let tokens;
try {
  tokens = await tokensBench(floor.url, { quick });
} finally {
  floor.close();
}
const cold = coldStart(quick ? 5 : 25);
const sizes = {
  core: await bundleSize('export * from "douyin-oauth";'),
  openapiFetchAlone: await bundleSize('export { default } from "openapi-fetch";'),
  ...footprint,
};
const generateMs = generateTime(quick ? 1 : 3);

const results = { machine, clientJs, perRuntime, sdk, tokens, coldStart: cold, sizes, generateMs };
mkdirSync(join(root, "build"), { recursive: true });
writeFileSync(join(root, "build/bench.json"), `${JSON.stringify(results, null, 2)}\n`);

// ---- tables -------------------------------------------------------------------------------
const ratio = (a, b) => (Number.isFinite(a / b) ? `${fmt(a / b, 2)}×` : "–");
/** One runtime's table: µs per call, and ratios to the named contenders. */
function table(result, against) {
  const rows = [
    ["", "sequential", ...against.map((a) => `vs ${a}`), "at 32", ...against.map((a) => `vs ${a}`)],
  ];
  for (const name of Object.keys(result.sequential)) {
    const seq = result.sequential[name];
    const c32 = result.concurrent32[name];
    rows.push([
      name,
      `${fmt(seq)} µs`,
      ...against.map((a) => ratio(seq, result.sequential[a])),
      `${fmt(c32)} µs`,
      ...against.map((a) => ratio(c32, result.concurrent32[a])),
    ]);
  }
  const width = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows)
    console.log(
      row.map((cell, i) => (i === 0 ? cell.padEnd(width[i]) : cell.padStart(width[i]))).join("  "),
    );
}
console.log(
  `\nmachine: ${machine.cpu}, ${machine.memoryGiB} GiB, load average at the end ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}${quick ? " (quick run)" : ""}`,
);
for (const { runtime, clientJs: own, heap } of clientJs) {
  if (own.error) console.log(`\n${runtime}: the client's own work: failed, ${own.error}`);
  else printClientJs(own, runtime);
  if (heap.error) console.log(`${runtime}: heap slope failed, ${heap.error}`);
  else printHeapSlope(heap, runtime);
}
console.log(
  "\nper call, clientToken against the floor server (loopback): median µs; the floor is the " +
    "faster bare request of the runtime (fetch() or node:http(s)) in each column; CPU: this " +
    "process's CPU time per call at 32",
);
/** The faster of the runtime's two bare requests in one column. */
const floorOf = (column) => {
  const bare = Object.keys(column).filter((n) => n === "… fetch()" || n.endsWith("keep-alive"));
  return Math.min(...bare.map((n) => column[n]));
};
for (const result of perRuntime) {
  console.log(
    `\n${result.runtime}${result.protocol ? `, ${result.protocol}` : ""}${result.skipped ? `: skipped, ${result.skipped}` : ""}${result.error ? `: failed, ${result.error}` : ""}`,
  );
  if (!result.sequential) continue;
  const floors = {
    sequential: floorOf(result.sequential),
    concurrent32: floorOf(result.concurrent32),
    cpu32: floorOf(result.cpu32),
  };
  const rows = [["", "sequential", "vs floor", "at 32", "vs floor", "CPU at 32", "vs floor"]];
  for (const name of Object.keys(result.sequential)) {
    rows.push([
      name,
      ...["sequential", "concurrent32", "cpu32"].flatMap((k) => [
        `${fmt(result[k][name])} µs`,
        ratio(result[k][name], floors[k]),
      ]),
    ]);
  }
  const width = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows)
    console.log(
      row.map((cell, i) => (i === 0 ? cell.padEnd(width[i]) : cell.padStart(width[i]))).join("  "),
    );
}
console.log(
  "\nper call, clientToken over HTTPS against ByteDance's Node SDK (open.douyin.com → 127.0.0.1:443)",
);
if (sdk.skipped) console.log(`skipped: ${sdk.skipped}`);
for (const result of sdk.tables ?? []) {
  console.log(`\n${result.runtime}${result.error ? `: failed, ${result.error}` : ""}`);
  if (result.sequential) table(result, ["@open-dy/open_api_sdk 1.1.0", "… node:https keep-alive"]);
}
console.log(`\n${coldStartLine(cold)}`);
console.log(
  `core bundle: ${sizes.core.minified} B minified, ${sizes.core.gzipped} B gzipped (openapi-fetch alone: ${sizes.openapiFetchAlone.gzipped} B gzipped)`,
);
console.log(
  `tarball: ${sizes.tarball} B packed, ${sizes.unpacked} B unpacked; installed: ${sizes.installedPackages.length} packages (${sizes.installedPackages.join(", ")}), ${sizes.installedBytes} B`,
);
console.log(`npm run generate: ${fmt(generateMs, 0)} ms`);
console.log(
  `client token get(): warm cache ${fmt(tokens.memoryWarmNs, 0)} ns (memory store), ` +
    (typeof tokens.redis === "string"
      ? tokens.redis
      : `${fmt(tokens.redisWarmNs, 0)} ns (Redis store); a fresh provider's first get() from Redis ${fmt(tokens.redisFirstGetUs)} µs`),
);
console.log(
  `user getAccessToken(), fresh record: ${fmt(tokens.userWarmMemoryNs, 0)} ns (memory store)` +
    (typeof tokens.redis === "string" ? "" : `, ${fmt(tokens.userWarmRedisUs)} µs (Redis store)`),
);
console.log(
  `renewDue() over ${tokens.sweep.users} users due: ` +
    `${tokens.sweep.concurrency4.ms} ms at concurrency 4 (${tokens.sweep.concurrency4.perSecond}/s), ` +
    `${tokens.sweep.concurrency16.ms} ms at 16 (${tokens.sweep.concurrency16.perSecond}/s)`,
);
console.log("\nwrote build/bench.json");
