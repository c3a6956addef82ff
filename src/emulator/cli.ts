#!/usr/bin/env node
// douyin-oauth-emulator [--port N] [--host H] [--string-numbers]
import { startEmulator } from "./index.js";

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const port = Number(option("--port") ?? 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error("--port needs a number from 0 to 65535");
  process.exit(2);
}
const emu = await startEmulator({
  port,
  host: option("--host") ?? "127.0.0.1",
  stringNumbers: process.argv.includes("--string-numbers"),
});
const [app] = emu.apps;
console.log(`Douyin OAuth emulator listening on ${emu.url}`);
console.log(`  docs:          ${emu.url}/docs`);
console.log(`  client_key:    ${app!.clientKey}`);
console.log(`  client_secret: ${app!.clientSecret}   (a public demo value)`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void emu.close().then(() => process.exit(0)));
}
