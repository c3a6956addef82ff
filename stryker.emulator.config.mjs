// Mutation testing of the emulator: `npm run mutation:emulator` (not part of `npm test`).
// MUTATION.md has the last scores. Same settings as stryker.config.mjs, over src/emulator/
// and against the emulator's own suites (vitest.mutation-emulator.config.ts).
import base from "./stryker.config.mjs";

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  vitest: { configFile: "vitest.mutation-emulator.config.ts" },
  mutate: [
    "src/emulator/**/*.ts",
    // HTML for people, checked in a browser (test/browser/)
    "!src/emulator/pages.ts",
    // the bin's process entry: only the built bin runs it (test/emulator/cli.test.ts)
    "!src/emulator/cli.ts",
  ],
  incrementalFile: "reports/stryker-emulator-incremental.json",
  htmlReporter: { fileName: "reports/mutation-emulator/index.html" },
  jsonReporter: { fileName: "reports/mutation-emulator/mutation.json" },
};
