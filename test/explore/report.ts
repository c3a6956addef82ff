// A report of the explorer, as lines: the figures, then per invariant broken the shortest
// schedule, replayable with `npm run explore -- --scenario <name> --replay <choices>`.
import type { ExploreReport } from "./explore.js";

export function printReport(report: ExploreReport, log = console.log) {
  const bounds = `--scenario ${report.scenario} --faults ${report.faults} --preemptions ${report.preemptions ?? "none"}`;
  const invariants = Object.keys(report.byInvariant);
  log(
    `${report.scenario} (faults ≤ ${report.faults}, preemptions ≤ ${report.preemptions ?? "∞"}): ${report.schedules} schedules (${report.complete} complete, ${report.pruned} stopped at a state seen before${
      report.truncated ? `, ${report.truncated} cut at the step bound` : ""
    }), ${report.states} states, ${report.steps} steps, ${(report.ms / 1000).toFixed(1)} s, ${
      report.exhaustive ? "exhaustive" : "budget spent (not exhaustive)"
    }; lost renewal answers in ${report.lostRenewals} schedules; served from memory in a store outage after a sign-out (within offlineGraceMs, not promised) in ${report.servedOffline}; violations: ${
      invariants.length === 0
        ? "0"
        : invariants.map((name) => `${name} ×${report.byInvariant[name]!.count}`).join(", ")
    }`,
  );
  if (report.firstTruncated) {
    log(
      `  first schedule cut at the step bound: ${bounds} --replay ${report.firstTruncated.join(",")}`,
    );
  }
  for (const name of invariants) {
    const { shortest } = report.byInvariant[name]!;
    log(`  shortest for ${name} (${shortest.schedule.length} steps): ${shortest.message}`);
    log(`    replay: ${bounds} --replay ${shortest.schedule.join(",")}`);
    for (const label of shortest.labels) log(`      ${label}`);
  }
}
