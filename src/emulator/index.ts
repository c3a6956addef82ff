/**
 * A local emulator of the Douyin Open Platform's OAuth endpoints, for tests, demos and offline
 * development. Node only.
 * @example
 * import { startEmulator } from "douyin-oauth-emulator";
 * const emu = await startEmulator({ port: 0 });
 * const douyin = createDouyinOAuth({ ...emu.apps[0], baseUrl: emu.url });
 */
import type { AddressInfo } from "node:net";
import { checkApps } from "./apps.js";
import { bareAddress, isLoopback } from "./control-api.js";
import { Control, type FaultList, type LiveTokens } from "./control.js";
import { DEMO_APP } from "./demo-app.js";
import type { Fault } from "./faults.js";
import type { EmulatorApp, EmulatorStats, RegisteredApp, UserProfile } from "./ledger.js";
import type { RequestEntry } from "./activity.js";
import { createEmulatorServer } from "./server.js";
import { loadState, StateWriter } from "./state-file.js";

export { DEMO_APP } from "./demo-app.js";
export type { Fault, FaultKind } from "./faults.js";
export type { FaultList, LiveTokens } from "./control.js";
export type { RequestEntry } from "./activity.js";
export { StateFileError } from "./state-file.js";
export {
  LIFETIMES,
  MAX_RENEWALS,
  type EmulatorApp,
  type EmulatorStats,
  type RegisteredApp,
  type UserProfile,
} from "./ledger.js";

/** What {@link startEmulator} takes: host and port, the registered apps, a clock, the control token, a state file. */
export interface EmulatorOptions {
  /**
   * Default `127.0.0.1`; an IPv6 address bare or in brackets (`::1`, `[::1]`). An address beyond
   * loopback (e.g. `0.0.0.0`) needs `controlToken`: the control API mints codes, moves the clock
   * and resets everything.
   */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /**
   * Registered apps; default one demo app ({@link DEMO_APP}). Checked: key, secret, redirect
   * domains or exact URIs (domains default to `127.0.0.1` and `localhost` when neither is given).
   */
  apps?: EmulatorApp[];
  /** The clock in milliseconds since the epoch; default `Date.now`. `advanceTime` adds to it. */
  now?: () => number;
  /** Answer numbers as numeric strings (`"7200"`), as the platform sometimes does. */
  stringNumbers?: boolean;
  /**
   * The secret every request to the control API (`/_emulator/...`) must carry, as
   * `Authorization: Bearer <token>` or HTTP Basic's password. Without it, the control API answers
   * loopback peers only.
   */
  controlToken?: string;
  /**
   * A JSON file that keeps the codes, tokens and the clock's advance across restarts: loaded at
   * start (a damaged file rejects with {@link StateFileError}), written at start (a folder that
   * is missing or not writable rejects with {@link StateFileError} too), atomically after changes
   * and at `close()`.
   */
  stateFile?: string;
}

/** A running emulator: its URL and apps, what it counted and holds, its clock and faults, and `close()`. */
export interface Emulator {
  /** Base URL to hand to `createDouyinOAuth({ baseUrl })`. */
  readonly url: string;
  /** Registered apps: clientKey, clientSecret, redirect domains and URIs. */
  readonly apps: RegisteredApp[];
  /** Calls per operation (errors included). */
  readonly stats: Readonly<EmulatorStats>;
  /** Live codes and tokens (expired ones are purged). */
  readonly stored: {
    codes: number;
    accessTokens: number;
    refreshTokens: number;
    clientTokens: number;
  };
  /**
   * A code as if the user had approved, without a browser. The user is `openId`, or `user` (an
   * account name, turned into a stable open_id as on the consent page), or `demo_user`;
   * `profile` is how the user appears on the activity page.
   */
  issueCode(options: {
    clientKey?: string;
    scope: string | string[];
    openId?: string;
    user?: string;
    profile?: UserProfile;
  }): string;
  /** Moves the emulator's clock forward by whole milliseconds. */
  advanceTime(ms: number): void;
  /** The emulator's clock, in milliseconds since the epoch. */
  now(): number;
  /** Whether an access, refresh or client token is still valid. */
  isValid(token: string): boolean;
  /**
   * Makes token calls misbehave: latency, a 5xx, an HTML page, an empty or truncated body, a
   * reset connection, a body that stalls, or an answer lost after the platform acted (`lost`:
   * the code is spent or the refresh token renewed, then the connection is reset before any
   * answer byte; the client sees kind `network`). Per operation or for all; `times` limits it.
   * @example
   * emu.injectFault({ operation: "renewRefreshToken", kind: "lost", times: 1 });
   */
  injectFault(fault: Fault): void;
  clearFaults(): void;
  /** The active faults, with the requests each still hits (`left`, null until cleared). */
  listFaults(): FaultList["faults"];
  /** Live users, codes and tokens, each code and token shown only as its first characters. */
  tokens(): LiveTokens;
  /** The last 100 requests to the platform's paths, newest first, secrets redacted. */
  requests(): RequestEntry[];
  /** Forgets every code, token, fault, count and request, and undoes the clock's advance. */
  reset(): void;
  close(): Promise<void>;
}

/** Starts the emulator on loopback; resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const apps = checkApps(options.apps ?? [DEMO_APP]);
  const { host = "127.0.0.1", port = 0, now = Date.now, stringNumbers = false } = options;
  const { controlToken, stateFile } = options;
  if (typeof host !== "string" || host === "") {
    throw new TypeError(`"host" must be a non-empty string`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new TypeError(`"port" must be an integer from 0 to 65535`);
  }
  if (typeof now !== "function") {
    throw new TypeError(`"now" must be a function returning milliseconds`);
  }
  if (typeof stringNumbers !== "boolean") {
    throw new TypeError(`"stringNumbers" must be true or false`);
  }
  if (stateFile !== undefined && (typeof stateFile !== "string" || stateFile === "")) {
    throw new TypeError(`"stateFile" must be a non-empty path`);
  }
  if (controlToken !== undefined && (typeof controlToken !== "string" || controlToken.length < 8)) {
    throw new TypeError(`"controlToken" must be a string of at least 8 characters`);
  }
  if (!isLoopback(host) && controlToken === undefined) {
    throw new TypeError(
      `"host" is beyond loopback: give "controlToken", or the control API would be open to the network`,
    );
  }
  const address = bareAddress(host); // as isLoopback reads it
  const control = new Control(apps, now, stringNumbers);
  let state: StateWriter | undefined;
  if (stateFile !== undefined) {
    const saved = await loadState(stateFile);
    if (saved) control.restore(saved.clockOffsetMs, saved.platform);
    const writer = new StateWriter(stateFile, () => ({
      clockOffsetMs: control.readClock().offsetMs,
      platform: control.ledger.exportState(),
    }));
    await writer.open();
    control.onChange = () => writer.changed();
    state = writer;
  }
  const server = createEmulatorServer(
    control,
    controlToken === undefined ? {} : { token: controlToken },
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, address, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const purgeTimer = setInterval(() => control.ledger.purge(true), 60_000);
  purgeTimer.unref();
  const { port: listening } = server.address() as AddressInfo;
  const shownHost = address.includes(":") ? `[${address}]` : address;
  const { ledger } = control;

  return {
    url: `http://${shownHost}:${listening}`,
    get apps() {
      return ledger.listApps();
    },
    get stats() {
      return { ...ledger.stats };
    },
    get stored() {
      return ledger.stored();
    },
    issueCode: (request) => control.issueCode(request).code,
    advanceTime(ms) {
      control.advanceTime(ms);
    },
    now: () => control.now(),
    isValid: (token) => control.isValid(token),
    injectFault(fault) {
      control.injectFault(fault);
    },
    clearFaults: () => control.clearFaults(),
    listFaults: () => control.listFaults().faults,
    tokens: () => control.tokens(),
    requests: () => control.activity.list(),
    reset: () => control.reset(),
    async close() {
      clearInterval(purgeTimer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await state?.close();
    },
  };
}
