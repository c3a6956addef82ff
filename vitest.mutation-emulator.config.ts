// The suites `npm run mutation:emulator` runs against each mutant of the emulator
// (stryker.emulator.config.mjs): the emulator's own tests and the spec's conformance test, which
// together pin the emulator's contract for anyone who runs it, from any language. Every client
// test also runs the emulator, so a mutant these miss may still fail a client test: the score is
// the emulator's own suites' score, a lower bound, and about ten times faster to measure.
import { defineConfig } from "vitest/config";
import mutation from "./vitest.mutation.config.js";

export default defineConfig({
  ...mutation,
  test: {
    ...mutation.test,
    include: ["test/emulator/**/*.test.ts", "test/spec/**/*.test.ts"],
  },
});
