// The emulator bin's command line, strictly: every flag known, every value checked, one-line
// reasons that never repeat a secret. No output here: cli.ts prints.
import { readFile } from "node:fs/promises";
import { checkApps, unknownField, type EmulatorApp, type RegisteredApp } from "./apps.js";
import { isLoopback } from "./control-api.js";
import type { EmulatorOptions } from "./index.js";

export const USAGE = `Usage: douyin-oauth-emulator [options]

A local emulator of the Douyin Open Platform's OAuth endpoints, for tests in any language:
the platform's paths, a control API under /_emulator/ (docs at /docs/control) and an activity
page at /_emulator. The platform spec it implements is served at /openapi.yaml and
/openapi.json, the control API's at /_emulator/openapi.yaml and /_emulator/openapi.json.

Options:
  --host <address>        Address to listen on (default 127.0.0.1). An address beyond
                          loopback needs --control-token.
  --port <number>         Port to listen on, 0 for a free one (default 8787).
  --app <client_key>:<client_secret>[:<domain or URI>,...]
                          Register an app (repeatable). An item with :// is a redirect
                          URI registered exactly (the fragment aside), any other a domain
                          (any path on it). Without either, domains 127.0.0.1,localhost.
  --config <file.json>    Register the apps of a JSON file:
                          {"apps": [{"clientKey": "...", "clientSecret": "...",
                                     "redirectDomains": ["127.0.0.1"],
                                     "redirectUris": ["https://app.example/cb"],
                                     "name": "...", "canRenew": true}]}
                          redirectDomains and redirectUris are optional, as for --app.
  --state <file>          Keep codes, tokens and the clock's advance in this file across
                          restarts (written atomically; a damaged file is an error).
  --control-token <token> Require this token (8+ characters) on the control API, as
                          "Authorization: Bearer <token>" or HTTP Basic's password.
  --string-numbers        Answer numbers as numeric strings, as the platform sometimes does.
  -v, --version           Print the version and exit.
  -h, --help              Print this help and exit.

Environment:
  DOUYIN_CLIENT_KEY, DOUYIN_CLIENT_SECRET  Register this app too (redirect domains
                                           127.0.0.1,localhost); both or neither.
  DOUYIN_EMULATOR_CONTROL_TOKEN            The control token, kept out of the process list.

Without --app, --config or DOUYIN_CLIENT_KEY, one demo app is registered and its public test
credentials are printed. Secrets of your own apps are never printed.
`;

/** A command-line mistake: the bin prints the message on one line and exits with status 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export interface CliOptions {
  help: boolean;
  version: boolean;
  host: string;
  port: number;
  /** Apps from --app and the environment, in that order, each with where it came from. */
  apps: Array<{ app: RegisteredApp; from: string }>;
  config: string | undefined;
  state: string | undefined;
  controlToken: string | undefined;
  stringNumbers: boolean;
}

const VALUED = ["--host", "--port", "--app", "--config", "--state", "--control-token"] as const;
const FLAGS = ["--string-numbers", "--help", "-h", "--version", "-v"] as const;
/** An option name safe to repeat in a message: the caller typed it, but it is not a value. */
const shownFlag = (flag: string) => (/^--?[a-z][a-z-]{0,30}$/i.test(flag) ? flag : "an option");

/** One app through checkApps, its message a UsageError naming `at`. */
function checked(app: EmulatorApp, at: string): RegisteredApp {
  try {
    return checkApps([app], at)[0]!;
  } catch (error) {
    throw new UsageError((error as Error).message.replace(`${at}[0].`, `${at}: `));
  }
}

/**
 * `<client_key>:<client_secret>[:<domain or URI>,...]`; the secret cannot hold a colon. An item
 * with `://` is a redirect URI registered exactly, any other a domain.
 */
function appOf(value: string, at: string): RegisteredApp {
  const first = value.indexOf(":");
  const second = value.indexOf(":", first + 1); // -1 when there is no colon at all
  if (first <= 0 || first === value.length - 1 || second === first + 1) {
    throw new UsageError(`${at} needs <client_key>:<client_secret>[:<domain or URI>,...]`);
  }
  const clientKey = value.slice(0, first);
  const clientSecret = second < 0 ? value.slice(first + 1) : value.slice(first + 1, second);
  if (second < 0) return checked({ clientKey, clientSecret }, at);
  const items = value
    .slice(second + 1)
    .split(",")
    .map((d) => d.trim());
  const redirectUris = items.filter((item) => item.includes("://"));
  const redirectDomains = items.filter((item) => !item.includes("://"));
  return checked(
    {
      clientKey,
      clientSecret,
      ...(redirectDomains.length > 0 || redirectUris.length === 0 ? { redirectDomains } : {}),
      ...(redirectUris.length > 0 ? { redirectUris } : {}),
    },
    at,
  );
}

/** Reads argv (without node and the script) and the environment; throws UsageError. */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  const options: CliOptions = {
    help: false,
    version: false,
    host: "127.0.0.1",
    port: 8787,
    apps: [],
    config: undefined,
    state: undefined,
    controlToken: env.DOUYIN_EMULATOR_CONTROL_TOKEN || undefined,
    stringNumbers: false,
  };
  const seen = new Set<string>();
  let appCount = 0;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    if ((FLAGS as readonly string[]).includes(flag)) {
      if (eq !== -1) throw new UsageError(`${flag} takes no value`);
      if (flag === "--string-numbers") options.stringNumbers = true;
      else if (flag === "--version" || flag === "-v") options.version = true;
      else options.help = true;
      continue;
    }
    if (!(VALUED as readonly string[]).includes(flag)) {
      throw new UsageError(
        arg.startsWith("-")
          ? `unknown option ${shownFlag(flag)}`
          : "unexpected argument (every option starts with --)",
      );
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith("--")) value = argv[(i += 1)];
    if (value === undefined || value === "") throw new UsageError(`${flag} needs a value`);
    if (flag !== "--app" && seen.has(flag)) throw new UsageError(`${flag} is given twice`);
    seen.add(flag);
    switch (flag as (typeof VALUED)[number]) {
      case "--host":
        options.host = value;
        break;
      case "--port":
        if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
          throw new UsageError("--port needs a number from 0 to 65535");
        }
        options.port = Number(value);
        break;
      case "--app":
        appCount += 1;
        options.apps.push({ app: appOf(value, `--app #${appCount}`), from: `--app #${appCount}` });
        break;
      case "--config":
        options.config = value;
        break;
      case "--state":
        options.state = value;
        break;
      case "--control-token":
        options.controlToken = value;
        break;
    }
  }
  const { DOUYIN_CLIENT_KEY: key, DOUYIN_CLIENT_SECRET: secret } = env;
  if (Boolean(key) !== Boolean(secret)) {
    throw new UsageError(
      "DOUYIN_CLIENT_KEY and DOUYIN_CLIENT_SECRET go together: set both or neither",
    );
  }
  if (key && secret) {
    // taken whole: a secret from the environment may hold a colon
    const app = { clientKey: key, clientSecret: secret };
    options.apps.push({ app: checked(app, "DOUYIN_CLIENT_KEY"), from: "the environment" });
  }
  if (options.controlToken !== undefined && options.controlToken.length < 8) {
    throw new UsageError("--control-token needs at least 8 characters");
  }
  if (!isLoopback(options.host) && options.controlToken === undefined) {
    throw new UsageError(
      "--host beyond loopback exposes the control API: give --control-token (or DOUYIN_EMULATOR_CONTROL_TOKEN)",
    );
  }
  return options;
}

/** The apps of a --config file, checked; throws UsageError naming the file and the place. */
export async function configApps(file: string): Promise<RegisteredApp[]> {
  let raw: string;
  try {
    raw = await readFile(file, "utf8");
  } catch {
    throw new UsageError(`--config ${file} cannot be read`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new UsageError(`--config ${file} is not JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`--config ${file} must hold an object: {"apps": [...]}`);
  }
  const unknown = Object.keys(parsed).find((key) => key !== "apps");
  if (unknown !== undefined)
    throw new UsageError(unknownField(`--config ${file}`, unknown, ["apps"]));
  try {
    return checkApps((parsed as { apps?: unknown }).apps, `--config ${file}: "apps"`);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The emulator's options from the command line: apps from every source, keys unique. */
export async function emulatorOptions(cli: CliOptions): Promise<EmulatorOptions> {
  const apps = [
    ...cli.apps,
    ...(cli.config === undefined
      ? []
      : (await configApps(cli.config)).map((app) => ({ app, from: `--config` }))),
  ];
  const keys = new Map<string, string>();
  for (const { app, from } of apps) {
    const earlier = keys.get(app.clientKey);
    if (earlier !== undefined) {
      throw new UsageError(
        `client_key ${app.clientKey} is registered twice (${earlier} and ${from})`,
      );
    }
    keys.set(app.clientKey, from);
  }
  return {
    host: cli.host,
    port: cli.port,
    ...(apps.length > 0 ? { apps: apps.map(({ app }) => app) } : {}),
    ...(cli.state === undefined ? {} : { stateFile: cli.state }),
    ...(cli.controlToken === undefined ? {} : { controlToken: cli.controlToken }),
    stringNumbers: cli.stringNumbers,
  };
}
