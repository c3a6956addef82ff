// A fleet of real worker processes (test/tokens/fleet-worker.mjs) around one emulator, on a
// clock that runs fast so that client tokens live seconds, with a platform log in between.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { DEMO_APP, startEmulator, type Emulator } from "../../src/emulator/index.js";
import { startPlatformLog, type PlatformLog } from "./platform-log.js";
import { root } from "./project.js";
import type { RedisCluster, RedisSentinel } from "./redis-cluster.js";

/** 2 hours of the platform's time in 3 s of real time: a client token lives 3 s. */
export const SCALE = 2_400;
export const TOKEN_LIFE_MS = (2 * 60 * 60_000) / SCALE;

export interface Platform {
  emu: Emulator;
  log: PlatformLog;
  /** Environment for the workers: the platform's URL and the shared clock. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** The emulator on a clock SCALE times faster than Date.now(), behind a platform log. */
export async function startFastPlatform(scale = SCALE): Promise<Platform> {
  const t0 = Date.now();
  const emu = await startEmulator({ now: () => t0 + (Date.now() - t0) * scale });
  const log = await startPlatformLog(emu.url, scale);
  return {
    emu,
    log,
    env: {
      EMU_URL: log.url,
      CLOCK_T0: String(t0),
      CLOCK_SCALE: String(scale),
      CLIENT_KEY: DEMO_APP.clientKey,
      CLIENT_SECRET: DEMO_APP.clientSecret,
    },
    async close() {
      await log.close();
      await emu.close();
    },
  };
}

export interface BurstResult {
  tokens: string[];
  errors: string[];
}

export interface RepeatResult {
  calls: number;
  errors: string[];
  slowest: number;
  /** Per token, the last time this worker served it. */
  served: Record<string, number>;
  storeErrors: number;
}

export interface Worker<R> {
  child: ChildProcess;
  done: Promise<R>;
  ready(): boolean;
  /** What it printed so far (its stdout, then its stderr). */
  output(): string;
  /** With WAIT_GO set: starts its run. */
  go(): void;
}

/** Runs fleet-worker.mjs as a real process, killed after `limitMs`; resolves with its result. */
export function startWorker<R = BurstResult>(
  env: Record<string, string>,
  limitMs = 60_000,
): Worker<R> {
  const child = spawn(process.execPath, [join(root, "test/tokens/fleet-worker.mjs")], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stdin.on("error", () => undefined);
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk));
  child.stderr.on("data", (chunk: Buffer) => (err += chunk));
  const done = new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`worker hung: ${out} ${err}`));
    }, limitMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      const line = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || !line.startsWith("{"))
        reject(new Error(`worker exited ${code}: ${out} ${err}`));
      else {
        if (env.DEBUG) console.log(err);
        resolve(JSON.parse(line) as R);
      }
    });
  });
  return {
    child,
    done,
    output: () => `${out} ${err}`.trim(),
    ready: () => out.includes("ready"),
    go: () => void child.stdin.end("go\n"),
  };
}

/**
 * Resolves once every worker is connected and waiting, then starts them together. A worker
 * that exits first fails it at once, with its output; one not ready within `limitMs` (far
 * above a loaded machine's start-up: a hang, not slowness) fails it with what each printed.
 */
export async function startTogether(workers: Array<Worker<unknown>>, limitMs = 90_000) {
  const deadline = Date.now() + limitMs;
  let exited: unknown;
  const watch = workers.map((w) => w.done.catch((error: unknown) => (exited ??= error)));
  while (!workers.every((w) => w.ready())) {
    if (exited !== undefined) throw exited;
    if (Date.now() > deadline) {
      const waiting = workers.filter((w) => !w.ready()).map((w) => `[${w.output()}]`);
      throw new Error(`${waiting.length} workers not ready in time: ${waiting.join(" ")}`);
    }
    await Promise.race([...watch, sleep(50)]);
  }
  for (const w of workers) w.go();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Kills every worker still running (teardown, also after a failure). */
export async function stopWorkers(workers: Array<Worker<unknown>>): Promise<void> {
  for (const w of workers) if (w.child.exitCode === null) w.child.kill("SIGKILL");
  await Promise.all(workers.map((w) => w.done.catch(() => undefined)));
}

export interface FleetCounts {
  source: "stable_client_token" | "client_token";
  waitForReplicas: boolean;
  processes: number;
  calls: number;
  errors: string[];
  /** The longest get(), ms. */
  slowest: number;
  /** Upstream client-token fetches, and of those stable_client_token. */
  fetches: number;
  stable: number;
  /**
   * Expiry windows the platform's answers show: distinct stable tokens with source stable (each
   * lives one window); with source client_token, the client_token fetches made when the token
   * before was due (at least half the refresh interval after it, see `early`).
   */
  windows: number;
  /**
   * client_token fetches that came less than half a refresh interval (TOKEN_LIFE_MS minus the
   * refresh margin) after the one before: a second fetch in one window.
   */
  early: number;
  failovers: number;
  /** Tokens served that the platform no longer accepted at that moment. */
  invalid: number;
  storeErrors: number;
  seconds: number;
}

export interface FleetOptions {
  durationMs?: number;
  firstAtMs?: number;
  everyMs?: number;
  processes?: number;
  /** The provider's source; default: the provider's own default (stable_client_token). */
  source?: "stable_client_token" | "client_token";
  /** RedisTokenStore's waitForReplicas for every worker. */
  waitForReplicas?: { replicas: number; timeoutMs: number };
}

/**
 * 8 workers calling get() every 20 ms for `durationMs` on 3-second client tokens refreshed 1 s
 * ahead (a stable token rechecked once in that second), started together; `failover()` runs
 * every `everyMs` from `firstAtMs` on.
 */
export async function runFailoverFleet(
  platform: Platform,
  redisEnv: Record<string, string>,
  workers: Array<Worker<unknown>>,
  failover: () => Promise<unknown>,
  {
    durationMs = 12_000,
    firstAtMs = 4_000,
    everyMs = Infinity,
    processes = 8,
    source = "stable_client_token",
    waitForReplicas,
  }: FleetOptions = {},
): Promise<{ counts: FleetCounts; boundMs: number }> {
  const refreshBeforeMs = 1_000;
  const fleet = Array.from({ length: processes }, () =>
    startWorker<RepeatResult>(
      {
        ...platform.env,
        ...redisEnv,
        FLEET_MODE: "repeat",
        WAIT_GO: "1",
        DURATION_MS: String(durationMs),
        INTERVAL_MS: "20",
        REFRESH_BEFORE_MS: String(refreshBeforeMs * SCALE),
        RECHECK_MS: String(refreshBeforeMs * SCALE),
        // Above the failover's length on a loaded machine (kill, promotion, MOVED): see guide/tokens.md.
        STORE_RETRY_MS: "30000",
        SOURCE: source,
        ...(waitForReplicas
          ? {
              WAIT_REPLICAS: String(waitForReplicas.replicas),
              WAIT_TIMEOUT_MS: String(waitForReplicas.timeoutMs),
              // A store call holds the write and its WAIT: its bound must be above WAIT's.
              STORE_TIMEOUT_MS: String(waitForReplicas.timeoutMs + 1_000),
            }
          : {}),
      },
      durationMs + 120_000,
    ),
  );
  workers.push(...fleet);
  await startTogether(fleet);
  const started = Date.now();
  let failovers = 0;
  for (let at = firstAtMs; at < durationMs; at += everyMs) {
    await sleep(started + at - Date.now());
    await failover();
    failovers++;
  }
  const results = await Promise.all(fleet.map((w) => w.done));
  const seconds = (Date.now() - started) / 1000;
  const { log } = platform;
  const ordinary = log.issued.filter((i) => !i.stable);
  const early = ordinary.filter(
    (issued, n) =>
      n > 0 &&
      issued.arrivedAt - ordinary[n - 1]!.arrivedAt < (TOKEN_LIFE_MS - refreshBeforeMs) / 2,
  ).length;
  const counts: FleetCounts = {
    source,
    waitForReplicas: waitForReplicas !== undefined,
    processes,
    calls: results.reduce((n, r) => n + r.calls, 0),
    errors: results.flatMap((r) => r.errors),
    slowest: Math.max(...results.map((r) => r.slowest)),
    fetches: log.fetches,
    stable: log.issued.filter((i) => i.stable).length,
    windows:
      source === "stable_client_token"
        ? new Set(log.issued.filter((i) => i.stable).map((i) => i.token)).size
        : ordinary.length - early,
    early,
    failovers,
    invalid: invalidServed(log, results),
    storeErrors: results.reduce((n, r) => n + r.storeErrors, 0),
    seconds: Math.round(seconds),
  };
  // A get() waits at most: storeRetryMs (30 s), then a store call (1 s, or WAIT's bound plus
  // 1 s), then a fetch (10 s).
  return { counts, boundMs: 41_000 + (waitForReplicas ? waitForReplicas.timeoutMs : 0) };
}

/** Served tokens the platform did not accept at the moment they were served. */
export function invalidServed(log: PlatformLog, results: RepeatResult[]): number {
  let invalid = 0;
  for (const result of results) {
    for (const [token, at] of Object.entries(result.served)) {
      if (!log.validAt(token, at)) invalid++;
    }
  }
  return invalid;
}

/**
 * 8 worker processes × 100 concurrent get() through the store `redisEnv` names: one upstream
 * fetch, one token, valid, and no error, as on one Redis.
 */
export async function expectOneFetchFromBurst(
  platform: Platform,
  redisEnv: Record<string, string>,
  workers: Array<Worker<unknown>>,
): Promise<void> {
  const fleet = Array.from({ length: 8 }, () =>
    startWorker({ ...platform.env, ...redisEnv, COUNT: "100", SOURCE: "client_token" }),
  );
  workers.push(...fleet);
  const results = await Promise.all(fleet.map((w) => w.done));
  expect(results.flatMap((r) => r.errors)).toEqual([]);
  const tokens = new Set(results.flatMap((r) => r.tokens));
  expect(tokens.size).toBe(1);
  expect(platform.emu.stats.clientToken).toBe(1);
  for (const token of tokens) expect(platform.emu.isValid(token)).toBe(true);
}

/**
 * A failover run's promise, each bound counted from what the platform's answers show rather than
 * from the run's length: no error, no hang, and
 * - stable_client_token: at most two fetches per token's life (its first fetch and one recheck
 *   in its refresh second; each may be asked once more if it came back expired) plus, per
 *   failover, one per process (a lost write or a lock taken twice: every such fetch gets the
 *   same token back), and no invalid token served;
 * - client_token with waitForReplicas: at most one second fetch in a window per failover (a
 *   write its fetcher saw fail, lost with the old master), and none of its own kind otherwise;
 *   validity of every token served is not promised for this source through a failover.
 */
export function expectFleetKeptItsPromise(
  name: string,
  run: Awaited<ReturnType<typeof runFailoverFleet>>,
): void {
  const { counts } = run;
  console.log(`${name}: ${JSON.stringify(counts)}`);
  expect(counts.errors).toEqual([]);
  expect(counts.slowest).toBeLessThanOrEqual(run.boundMs);
  if (counts.source === "stable_client_token") {
    expect(counts.invalid).toBe(0);
    expect(counts.fetches - counts.stable).toBe(0); // whenStoreDown's fetch is the same one
    expect(counts.stable).toBeLessThanOrEqual(
      2 * counts.windows + counts.processes * counts.failovers,
    );
  } else {
    expect(counts.waitForReplicas).toBe(true); // client_token is not promised without it
    expect(counts.early).toBeLessThanOrEqual(counts.failovers);
    // Through a failover client_token is promised no more than these bounds: servers that
    // cannot reach the store serve what they hold, which newer fetches may have knocked out
    // (RELIABILITY.md, "Redis failover"; runs under load saw 7 of about 3,900 calls). Counted
    // in the log line above, not asserted: the stable source (the default) is asserted at 0.
    expect(counts.stable).toBeLessThanOrEqual(counts.processes * counts.failovers); // whenStoreDown
  }
}

/** What fleet-worker.mjs needs to reach a Redis Cluster. */
export const clusterEnv = (cluster: RedisCluster): Record<string, string> => ({
  REDIS_KIND: "cluster",
  REDIS_NODES: cluster.rootNodes.map((n) => n.url).join(","),
});

/** What fleet-worker.mjs needs to reach Redis through Sentinel. */
export const sentinelEnv = (sentinel: RedisSentinel): Record<string, string> => ({
  REDIS_KIND: "sentinel",
  SENTINEL_NAME: sentinel.name,
  SENTINELS: sentinel.sentinelRootNodes.map((n) => n.port).join(","),
});

export interface FailoverFleet<R> {
  /** The replicated Redis, started before the file's first test. */
  readonly redis: R;
  /** The test's worker processes: killed after it. */
  readonly workers: Array<Worker<unknown>>;
  /** A fast platform (startFastPlatform) for the test: closed after it. */
  startPlatform(scale?: number): Promise<Platform>;
}

/** A failover file's hooks: its Redis for all tests; each test's workers and platform stopped. */
export function useFailoverFleet<R extends { stop(): Promise<void> }>(
  startRedis: () => Promise<R>,
): FailoverFleet<R> {
  let redis: R | undefined;
  const platforms: Platform[] = [];
  const workers: Array<Worker<unknown>> = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    await stopWorkers(workers.splice(0));
    for (const platform of platforms.splice(0)) await platform.close();
  });
  return {
    get redis() {
      if (redis === undefined) throw new Error("the Redis deployment starts in beforeAll");
      return redis;
    },
    workers,
    async startPlatform(scale) {
      const platform = await startFastPlatform(scale);
      platforms.push(platform);
      return platform;
    },
  };
}
