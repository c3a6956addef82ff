// Mutation testing: `npm run mutation` (minutes; not part of `npm test`). MUTATION.md has the
// last scores. While killing survivors in one file: `npx stryker run --mutate src/redact.ts`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts" },
  plugins: ["@stryker-mutator/vitest-runner"],
  mutate: [
    "src/**/*.ts",
    // generated from the spec; checked by `generate --check` instead
    "!src/generated/**",
    // the emulator has its own run against its own suites: `npm run mutation:emulator`
    "!src/emulator/**",
  ],
  coverageAnalysis: "perTest",
  // A static mutant (a module-level constant: a table, a regex, a default) can only be tested by
  // reloading everything and running every test, about 100 s each on this machine; there are
  // about a thousand. They are left out of the score; MUTATION.md says so beside it.
  ignoreStatic: true,
  // two cores, shared
  concurrency: 2,
  incremental: true,
  incrementalFile: "reports/stryker-incremental.json",
  timeoutMS: 10_000,
  reporters: ["clear-text", "progress-append-only", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
};
