// `npm run explore`: every scenario explored to a deeper bound than the test's, or one replayed.
//   npm run explore              every scenario: one fault more than the test, 3 preemptions,
//                                at most 120 s each (the report says whether it was exhaustive)
//   npm run explore -- --scenario get-vs-get --faults 1 --preemptions none --seconds 600
//   npm run explore -- --scenario get-vs-get --faults 1 --preemptions 2 --replay 0,0,3,1
//                                one schedule, step by step (with the bounds it was found at)
import { explore, runOnce } from "./explore.js";
import { printReport } from "./report.js";
import { SCENARIOS } from "./scenarios.js";

function parse(argv: string[]) {
  const options = {
    scenario: "",
    faults: -1,
    preemptions: 3,
    seconds: 120,
    replay: "",
    noPrune: false,
    keep: 3,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === "--no-prune") {
      options.noPrune = true;
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new Error(`explore: ${flag} needs a value`);
    if (flag === "--scenario") options.scenario = value;
    else if (flag === "--replay") options.replay = value;
    else if (flag === "--faults") options.faults = Number(value);
    else if (flag === "--preemptions") options.preemptions = value === "none" ? -1 : Number(value);
    else if (flag === "--seconds") options.seconds = Number(value);
    else if (flag === "--keep") options.keep = Number(value);
    else throw new Error(`explore: unknown flag ${flag}`);
  }
  return options;
}

const options = parse(process.argv.slice(2));
const chosen = SCENARIOS.filter((s) => options.scenario === "" || s.name === options.scenario);
if (chosen.length === 0) throw new Error(`explore: no scenario ${options.scenario}`);
let failed = false;
for (const base of chosen) {
  const { preemptions: _, ...unbounded } = base;
  const scenario = {
    ...unbounded,
    faults: options.faults >= 0 ? options.faults : base.faults + 1,
    ...(options.preemptions >= 0 ? { preemptions: options.preemptions } : {}),
  };
  if (options.replay !== "") {
    const prefix = options.replay.split(",").map(Number);
    console.log(`${scenario.name}: replaying ${prefix.length} choices`);
    const result = await runOnce(scenario, prefix, { verbose: true });
    for (const v of result.violations) console.log(`  VIOLATION ${v.invariant}: ${v.message}`);
    failed ||= result.violations.length > 0;
    continue;
  }
  // Fault bound by fault bound (0, 1, ... as asked), as CHESS bounds contexts: a depth-first
  // search cut short by the time budget has then covered the small bounds whole.
  const until = performance.now() + options.seconds * 1000;
  for (let faults = 0; faults <= scenario.faults; faults++) {
    const left = until - performance.now();
    if (left <= 0) break;
    const report = await explore(
      { ...scenario, faults },
      { timeMs: left, keep: options.keep, ...(options.noPrune ? { prune: false } : {}) },
    );
    printReport(report);
    failed ||= report.violations.length > 0;
  }
}
process.exit(failed ? 1 : 0);
