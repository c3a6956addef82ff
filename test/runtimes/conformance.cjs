// The conformance checks from `require`, as a consumer's CommonJS module on Node, Deno or Bun.
// The checks themselves are an ES module; the package comes in through require().
const lib = require("douyin-oauth");
const tokens = require("douyin-oauth/tokens");

const env = globalThis.Deno ? globalThis.Deno.env.toObject() : globalThis.process.env;
import("./checks.mjs")
  .then(({ conform }) =>
    conform(lib, tokens, { emulatorUrl: env.DOUYIN_EMULATOR_URL, user: env.CONFORMANCE_USER }),
  )
  .then((passed) => {
    const entry = require.resolve("douyin-oauth");
    console.log(JSON.stringify({ passed, entry: entry.slice(entry.indexOf("/dist/") + 1) }));
  })
  .catch((error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
