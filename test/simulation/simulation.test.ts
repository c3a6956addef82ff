// The seeded simulation in every test run: a fixed set of seeds, 90 virtual days each. A failure
// prints the seed and the step; `SEED=<seed> npm run simulate` replays it exactly.
import { describe, expect, it } from "vitest";
import { simulate } from "./simulate.js";

const SEEDS = [1, 2, 3, 4, 5, 6];

describe("the token lifecycle, simulated", () => {
  it.each(SEEDS)(
    "seed %i: 90 days, 40 users, 3 servers, faults: no invariant broken",
    async (seed) => {
      const report = await simulate({ seed, days: 90, users: 40 });
      expect(report.violations).toEqual([]);
      expect(report.checks).toBeGreaterThan(500);
      expect(report.renewals).toBeGreaterThan(0);
      expect(Object.keys(report.faults).length).toBeGreaterThan(5);
    },
    60_000,
  );

  it("one seed replays exactly", async () => {
    const a = await simulate({ seed: 7, days: 30, users: 20 });
    const b = await simulate({ seed: 7, days: 30, users: 20 });
    expect(b).toEqual(a);
  }, 60_000);
});
