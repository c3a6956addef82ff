// The schedule explorer in every test run, at a bound that fits the test's time: each scenario
// with one fault and at most two preemptions (one for the three client-token providers), every
// schedule within that bound explored (states seen before cut short). `npm run explore` goes
// deeper. A failure prints the shortest schedule per invariant broken, as a replayable list:
// `npm run explore -- --scenario <name> --replay <choices>`.
import { describe, expect, it } from "vitest";
import { printReport } from "./report.js";
import { explore } from "./explore.js";
import { CLIENT_SCENARIOS, USER_SCENARIOS } from "./scenarios.js";

const BOUNDS = [
  ...USER_SCENARIOS.map((scenario) => ({ scenario: { ...scenario, preemptions: 2 }, cap: 12_000 })),
  ...CLIENT_SCENARIOS.map((scenario) => ({
    scenario: { ...scenario, preemptions: 1 },
    cap: 10_000,
  })),
];

describe("the grant protocol, every schedule within a bound", () => {
  it.each(BOUNDS.map((b) => [b.scenario.name, b] as const))(
    "%s: no invariant broken",
    async (_, { scenario, cap }) => {
      const report = await explore(scenario, { maxSchedules: cap });
      const lines: string[] = [];
      printReport(report, (line) => lines.push(line));
      expect(Object.keys(report.byInvariant), lines.join("\n")).toEqual([]);
      // The bound was explored whole, and the run did something.
      expect(report.exhaustive, lines[0]).toBe(true);
      expect(report.complete).toBeGreaterThan(0);
    },
    60_000,
  );
});
