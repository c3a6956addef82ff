// `npm run simulate`: SEED=<n> replays one seed; --seeds, --days, --users, --servers size a run;
// --skewMinutes sets the largest clock offset (default: the seed's); --clientLockLoss 1 loses
// client-token locks too.
// Prints one line per seed and a summary; exits 1 on any violation, naming the seed and step.
import { simulate, type SimulationReport } from "./simulate.js";

function parse(argv: string[]) {
  const options = {
    days: 120,
    users: 150,
    servers: 3,
    seeds: 8,
    first: 1,
    /** 1: lose client-token locks too (off by default). */
    clientLockLoss: 0,
    /** The largest clock offset of a server, in minutes (default: the seed's choice, 120 or 2 s). */
    skewMinutes: 0,
    quiet: false,
    json: "",
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === "--quiet") {
      options.quiet = true;
      continue;
    }
    const value = argv[++i];
    const name = flag.replace(/^--/, "") as keyof typeof options;
    if (!(name in options) || value === undefined) {
      throw new Error(`simulate: unknown flag or missing value: ${flag}`);
    }
    if (name === "json") options.json = value;
    else if (name !== "quiet") {
      const n = Number(value);
      if (!Number.isSafeInteger(n) || n < 1)
        throw new Error(`simulate: ${flag} needs a positive integer`);
      options[name] = n;
    }
  }
  return options;
}

const options = parse(process.argv.slice(2));
const single = process.env.SEED;
const seeds =
  single !== undefined
    ? [Number(single)]
    : Array.from({ length: options.seeds }, (_, n) => options.first + n);
const totals = {
  seeds: 0,
  users: 0,
  days: 0,
  steps: 0,
  checks: 0,
  violations: 0,
  renewals: 0,
  lostRenewals: 0,
  reauthorizedAfterLostAnswer: 0,
  faults: 0,
  served: 0,
  storeErrors: 0,
  longestCallMs: 0,
  /** Seeds whose servers' clocks are over a minute apart. */
  skewedSeeds: 0,
};
const reports: SimulationReport[] = [];
const faultsByKind: Record<string, number> = {};
/** Process exits, what is counted apart from the violations, the store's odd answers. */
const exits: Record<string, number> = {};
const apart: Record<string, number> = {};
const storeAnswers: Record<string, number> = {};
const reauthorize: Record<string, number> = {};
const calls: Record<string, number> = {};
const add = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [name, n] of Object.entries(from)) into[name] = (into[name] ?? 0) + n;
};
const started = Date.now();
for (const seed of seeds) {
  const report = await simulate({
    seed,
    days: options.days,
    users: options.users,
    servers: options.servers,
    clientLockLoss: options.clientLockLoss > 0,
    ...(options.skewMinutes > 0 ? { maxSkewMs: options.skewMinutes * 60_000 } : {}),
  });
  reports.push(report);
  const faults = Object.values(report.faults).reduce((a, b) => a + b, 0);
  totals.seeds += 1;
  totals.users += report.users;
  totals.days += report.days;
  totals.steps += report.steps;
  totals.checks += report.checks;
  totals.violations += report.violations.length;
  totals.renewals += report.renewals;
  totals.lostRenewals += report.lostRenewals;
  totals.reauthorizedAfterLostAnswer += report.reauthorizedAfterLostAnswer;
  totals.faults += faults;
  totals.served += report.outcomes.served;
  totals.storeErrors += report.outcomes.storeErrors;
  totals.longestCallMs = Math.max(totals.longestCallMs, report.longestCallMs);
  add(faultsByKind, report.faults);
  add(exits, report.exits);
  add(apart, {
    servedAfterSignOutOffline: report.servedAfterSignOutOffline,
    servedReplacedGrantOffline: report.servedReplacedGrantOffline,
    reauthorizedAfterExitLoss: report.reauthorizedAfterExitLoss,
    clientTokenUnstoredKnockouts: report.clientTokenUnstoredKnockouts,
    servedExpiredUnderSkew: report.underSkew.servedExpired,
    reauthorizedNearEndUnderSkew: report.underSkew.reauthorizedNearEnd,
  });
  add(storeAnswers, report.store);
  if (Math.max(...report.skewMs.map(Math.abs)) > 60_000) totals.skewedSeeds += 1;
  add(reauthorize, report.outcomes.reauthorize);
  add(calls, report.calls);
  if (!options.quiet || report.violations.length > 0) {
    console.log(
      `seed ${seed}: ${report.steps} steps, ${report.checks} checks, ${faults} faults, ` +
        `${report.renewals} renewals (${report.lostRenewals} answers lost, ` +
        `${report.exits.renewalsLostWithProcess} lost with a process), ` +
        `${report.violations.length} violations`,
    );
  }
  for (const violation of report.violations.slice(0, 10)) console.log(`  ${violation}`);
}
const seconds = Math.round((Date.now() - started) / 1000);
console.log(JSON.stringify({ ...totals, seconds }));
console.log(JSON.stringify({ calls, reauthorize, exits, apart, store: storeAnswers }));
console.log(JSON.stringify({ faults: faultsByKind }));
if (options.json) {
  const { writeFileSync } = await import("node:fs");
  const summary = {
    totals: { ...totals, seconds },
    calls,
    reauthorize,
    exits,
    apart,
    store: storeAnswers,
    faults: faultsByKind,
  };
  writeFileSync(options.json, JSON.stringify({ ...summary, reports }, null, 2));
}
if (totals.violations > 0) {
  console.log(
    `replay one with: SEED=<seed> npm run simulate -- --days ${options.days} --users ${options.users} --servers ${options.servers}` +
      (options.skewMinutes > 0 ? ` --skewMinutes ${options.skewMinutes}` : "") +
      (options.clientLockLoss > 0 ? " --clientLockLoss 1" : ""),
  );
  process.exit(1);
}
