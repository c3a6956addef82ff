/**
 * A local emulator of the Douyin Open Platform's OAuth endpoints, for tests, demos and offline
 * development. Node only.
 * @example
 * import { startEmulator } from "douyin-oauth/emulator";
 * const emu = await startEmulator({ port: 0 });
 * const douyin = createDouyinOAuth({ ...emu.apps[0], baseUrl: emu.url });
 */
import type { AddressInfo } from "node:net";
import { DEMO_APP } from "./demo-app.js";
import { Faults, type Fault } from "./faults.js";
import { Platform, type EmulatorApp, type EmulatorStats } from "./platform.js";
import { createEmulatorServer } from "./server.js";

export { DEMO_APP } from "./demo-app.js";
export type { Fault, FaultKind } from "./faults.js";
export { LIFETIMES, MAX_RENEWALS, type EmulatorApp, type EmulatorStats } from "./platform.js";

export interface EmulatorOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Registered apps; default one demo app ({@link DEMO_APP}). */
  apps?: EmulatorApp[];
  /** The clock in milliseconds since the epoch; default `Date.now`. `advanceTime` adds to it. */
  now?: () => number;
  /** Answer numbers as numeric strings (`"7200"`), as the platform sometimes does. */
  stringNumbers?: boolean;
}

export interface Emulator {
  /** Base URL to hand to `createDouyinOAuth({ baseUrl })`. */
  readonly url: string;
  /** Registered apps: clientKey, clientSecret, redirect domains. */
  readonly apps: EmulatorApp[];
  /** Calls per operation (errors included). */
  readonly stats: Readonly<EmulatorStats>;
  /** Live codes and tokens (expired ones are purged). */
  readonly stored: {
    codes: number;
    accessTokens: number;
    refreshTokens: number;
    clientTokens: number;
  };
  /** A code as if the user had approved, without a browser. */
  issueCode(options: { clientKey?: string; scope: string | string[]; openId?: string }): string;
  /** Moves the emulator's clock forward. */
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
  close(): Promise<void>;
}

/** Starts the emulator on loopback; resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const apps = options.apps ?? [DEMO_APP];
  if (apps.length === 0) throw new TypeError(`"apps" must list at least one app`);
  const clock = options.now ?? Date.now;
  let offset = 0;
  const now = () => clock() + offset;
  const platform = new Platform(apps, now, options.stringNumbers === true);
  const faults = new Faults();
  const server = createEmulatorServer(platform, faults);
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const purgeTimer = setInterval(() => platform.purge(true), 60_000);
  purgeTimer.unref();
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(":") ? `[${host}]` : host;

  return {
    url: `http://${shownHost}:${port}`,
    get apps() {
      return platform.listApps();
    },
    get stats() {
      return { ...platform.stats };
    },
    get stored() {
      return platform.stored();
    },
    issueCode({ clientKey = apps[0]!.clientKey, scope, openId }) {
      if (!platform.app(clientKey)) throw new TypeError(`"clientKey" is not a registered app`);
      const scopes = Array.isArray(scope) ? scope.join(",") : scope;
      return platform.issueCode(
        clientKey,
        openId ?? platform.openIdFor(clientKey, "demo_user"),
        scopes,
      );
    },
    advanceTime(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new TypeError(`"ms" must be a non-negative number`);
      offset += ms;
    },
    now,
    isValid: (token) => platform.isValid(token),
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    async close() {
      clearInterval(purgeTimer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
