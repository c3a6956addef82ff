// The suites `npm run mutation` runs against each mutant (stryker.config.mjs). Only a test that
// runs src/ in its own process can kill a mutant, so this leaves out the suites that only drive
// the built package, a browser or a shell (browser/, package/, checks/, the emulator's bin, the
// README's shell walkthrough, the main job): they cannot see a mutant and would make every run
// slower. The seeded simulation stays: it runs src/ in-process, about a second a seed, and its
// invariants are what catch a mutant in the lock-and-store races of src/tokens/.
// `npm run mutation` builds dist/ and docs/ first, for the tests that still use them (the fleet
// worker, /docs). Type tests are left to `npm test`.
import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    globalSetup: [],
    reporters: ["default"],
    exclude: [
      "test/browser/**",
      "test/package/**",
      "test/checks/**",
      "test/emulator/cli.test.ts",
      "test/readme-emulator.test.ts",
      "test/main-job.test.ts",
      // a load and memory test: 35 s a run, and every behaviour it drives has a faster test
      "test/load.test.ts",
      // failovers of real Redis Cluster and Sentinel groups: each kills a master and waits for a
      // promotion, which under a mutant run's load can outlast the store's retry window (a dry
      // run failed so, while the file alone passes). test/redis/index.test.ts and store-retry drive
      // the same store code against one real redis-server.
      "test/redis/cluster.test.ts",
      "test/redis/sentinel.test.ts",
      "test/redis/soak.test.ts",
    ],
    typecheck: { enabled: false },
    // the simulation runs for every surviving mutant it covers: three seeds, not eight
    env: { ...base.test?.env, SIMULATION_SEEDS: "3" },
  },
});
