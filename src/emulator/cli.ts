#!/usr/bin/env node
// douyin-oauth-emulator: see USAGE in cli-options.ts, or run it with --help.
import { createRequire } from "node:module";
import { emulatorOptions, parseCli, UsageError, USAGE, type CliOptions } from "./cli-options.js";
import { DEMO_APP, StateFileError, startEmulator, type Emulator } from "./index.js";

const NAME = "douyin-oauth-emulator";

/** One line on stderr, then the exit status: 2 for a command-line mistake, 1 otherwise. */
function fail(error: unknown, cli: CliOptions | undefined): never {
  const known = error instanceof UsageError || error instanceof StateFileError;
  const message =
    known || error instanceof TypeError
      ? error.message
      : (error as NodeJS.ErrnoException).code === "EADDRINUSE"
        ? `port ${cli?.port} on ${cli?.host} is already in use (--port 0 takes a free one)`
        : (error as NodeJS.ErrnoException).code === "EADDRNOTAVAIL"
          ? "the --host address is not one of this machine's"
          : "could not start";
  process.stderr.write(
    `${NAME}: ${message}${error instanceof UsageError ? ` (see ${NAME} --help)` : ""}\n`,
  );
  process.exit(error instanceof UsageError ? 2 : 1);
}

let emu: Emulator | undefined;
// Listened for before the start: a signal right after the "listening" line still closes it.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    // A second signal while closing takes Node's default: the process ends at once.
    if (emu === undefined) process.exit(1); // not started: nothing to close
    emu.close().then(
      () => {
        process.stdout.write(`${NAME}: stopped (${signal})\n`);
        process.exit(0);
      },
      () => {
        process.stderr.write(`${NAME}: stopped (${signal}), but the state file was not written\n`);
        process.exit(1);
      },
    );
  });
}
let cli: CliOptions | undefined;
try {
  cli = parseCli(process.argv.slice(2), process.env);
  if (cli.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  if (cli.version) {
    // The package's own package.json, through its exports (a self-reference by name).
    const { version } = createRequire(import.meta.url)("douyin-oauth-emulator/package.json") as {
      version: string;
    };
    process.stdout.write(`${NAME} ${version}\n`);
    process.exit(0);
  }
  emu = await startEmulator(await emulatorOptions(cli));
  const restored = emu.stored;
  const lines = [
    `Douyin OAuth emulator listening on ${emu.url}`,
    `  docs:          ${emu.url}/docs`,
    `  spec:          ${emu.url}/openapi.yaml (or .json); the control API's: ${emu.url}/_emulator/openapi.yaml`,
    `  control API:   ${emu.url}/_emulator/ (docs: ${emu.url}/docs/control)${cli.controlToken === undefined ? "" : ", token required"}`,
    `  activity:      ${emu.url}/_emulator`,
  ];
  for (const app of emu.apps) {
    lines.push(
      `  client_key:    ${app.clientKey}`,
      app.clientSecret === DEMO_APP.clientSecret
        ? `  client_secret: ${app.clientSecret}   (a public demo value)`
        : "  client_secret: (not shown)",
      `  redirect to:   ${[...app.redirectDomains, ...app.redirectUris].join(", ")}`,
    );
  }
  if (cli.state !== undefined) {
    lines.push(
      `  state:         ${cli.state} (${restored.codes} codes, ${restored.accessTokens + restored.refreshTokens + restored.clientTokens} tokens restored)`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);
} catch (error) {
  fail(error, cli);
}
