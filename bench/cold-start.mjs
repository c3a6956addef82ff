// Cold start: fresh node processes, bare and importing the package, alternated round by round;
// medians. Part of `npm run bench`; `node bench/cold-start.mjs [rounds]` runs this part alone
// (after `npm run build`), printing the same line.
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { fmt, median, rotate } from "./stats.mjs";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));

/** Median ms for a fresh node to start (and import `specifier`), alternated with bare node. */
export function coldStart(runs) {
  const variants = {
    "bare node": ["-e", ""],
    "bare node (ESM)": ["--input-type=module", "-e", ""],
    "import openapi-fetch": ["--input-type=module", "-e", 'await import("openapi-fetch")'],
    "import douyin-oauth": ["--input-type=module", "-e", 'await import("douyin-oauth")'],
    "require douyin-oauth": ["-e", 'require("douyin-oauth")'],
  };
  const names = Object.keys(variants);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < runs; round++) {
    for (const name of rotate(names, round)) {
      const t = performance.now();
      const ran = spawnSync(process.execPath, variants[name], { cwd: root });
      if (ran.status !== 0) throw new Error(`${name} failed: ${ran.stderr}`);
      times[name].push(performance.now() - t);
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(times[n])]));
}

/** The line `npm run bench` prints for {@link coldStart}'s medians. */
export function coldStartLine(cold) {
  const bare = cold["bare node"];
  const esm = cold["bare node (ESM)"];
  return (
    `cold start (median of spawns): bare node ${fmt(bare)} ms (${fmt(esm)} ms with the ESM loader); ` +
    `import douyin-oauth +${fmt(cold["import douyin-oauth"] - bare)} ms over bare ` +
    `(+${fmt(cold["import douyin-oauth"] - esm)} ms over the ESM loader), ` +
    `require() +${fmt(cold["require douyin-oauth"] - bare)} ms; ` +
    `openapi-fetch alone +${fmt(cold["import openapi-fetch"] - bare)} ms; ratio ${fmt(cold["import douyin-oauth"] / bare, 2)}`
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rounds = Number(process.argv[2] ?? 25);
  const before = loadavg()[0];
  const cold = coldStart(rounds);
  console.log(coldStartLine(cold));
  console.log(
    `${rounds} rounds; load average ${fmt(before, 2)} at the start, ${fmt(loadavg()[0], 2)} at the end`,
  );
}
