// The conformance checks from `import`, as a consumer's ES module on Node, Deno or Bun: the
// package resolves with the runtime's own export conditions. Prints one JSON line.
import * as lib from "douyin-oauth";
import * as tokens from "douyin-oauth/tokens";
import { conform } from "./checks.mjs";

const env = globalThis.Deno ? globalThis.Deno.env.toObject() : globalThis.process.env;
const passed = await conform(lib, tokens, {
  emulatorUrl: env.DOUYIN_EMULATOR_URL,
  user: env.CONFORMANCE_USER,
});
const entry = import.meta.resolve("douyin-oauth");
console.log(JSON.stringify({ passed, entry: entry.slice(entry.indexOf("/dist/") + 1) }));
