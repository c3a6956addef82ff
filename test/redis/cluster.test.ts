// RedisTokenStore on a real Redis Cluster (3 masters, 3 replicas, started by the test): the
// fleet's one fetch, and a failover of the master holding the client token while 8 processes
// keep calling get(): the stable token (the default), and client_token with waitForReplicas.
import { createCluster } from "redis";
import { afterEach, describe, expect, it } from "vitest";
import { createDouyinOAuth, DouyinReauthorizeError } from "../../src/index.js";
import { DEMO_APP, startEmulator } from "../../src/emulator/index.js";
import { RedisTokenStore } from "../../src/redis/index.js";
import { createUserTokenManager } from "../../src/tokens/index.js";
import { startPlatformLog } from "../support/platform-log.js";
import {
  clusterEnv,
  expectFleetKeptItsPromise,
  expectOneFetchFromBurst,
  runFailoverFleet,
  useFailoverFleet,
} from "../support/fleet.js";
import { command, startRedisCluster } from "../support/redis-cluster.js";

const CLIENT_TOKEN_KEY = `douyin-oauth:${DEMO_APP.clientKey}:client_token`;
const STABLE_TOKEN_KEY = `douyin-oauth:${DEMO_APP.clientKey}:stable_client_token`;
const fleet = useFailoverFleet(startRedisCluster);

/** A cluster client of this process, connected; destroyed in teardown. */
const clients: Array<ReturnType<typeof createCluster>> = [];
async function connect() {
  const client = createCluster({ rootNodes: fleet.redis.rootNodes });
  client.on("error", () => undefined);
  clients.push(client);
  return client.connect();
}
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

describe("a fleet on a Redis Cluster", () => {
  it("8 worker processes × 100 concurrent get(): one client_token fetch; every token valid", async () => {
    const platform = await fleet.startPlatform(1);
    await expectOneFetchFromBurst(platform, clusterEnv(fleet.redis), fleet.workers);
  }, 90_000);

  it("the stable token's master SIGKILLed while 8 processes call get() every 20 ms (the default source): no error, every token valid when served, two fetches per token's life plus one per process per failover", async () => {
    const platform = await fleet.startPlatform();
    const run = await runFailoverFleet(platform, clusterEnv(fleet.redis), fleet.workers, () =>
      fleet.redis.failover(STABLE_TOKEN_KEY),
    );
    expectFleetKeptItsPromise("Redis Cluster failover, stable_client_token", run);
  }, 240_000);

  it("the client_token key's master SIGKILLed while 8 processes call get() every 20 ms, waitForReplicas 1: no error, every token valid when served, at most one second fetch in a window per failover", async () => {
    const platform = await fleet.startPlatform();
    const run = await runFailoverFleet(
      platform,
      clusterEnv(fleet.redis),
      fleet.workers,
      () => fleet.redis.failover(CLIENT_TOKEN_KEY),
      { source: "client_token", waitForReplicas: { replicas: 1, timeoutMs: 500 } },
    );
    expectFleetKeptItsPromise("Redis Cluster failover, client_token, waitForReplicas", run);
  }, 240_000);
});

describe("the lock through a failover", () => {
  it("a lock taken on a master that dies before replicating it is taken again on the promoted replica", async () => {
    const key = "douyin-oauth:test:lock:unreplicated";
    const first = new RedisTokenStore(await connect());
    let held: Awaited<ReturnType<RedisTokenStore["lock"]>>;
    await fleet.redis.failover(key, {
      async beforeKill(replica, master) {
        // The replica lags: paused, and its link dropped, so the lock never reaches it (a paused
        // replica would still read what its socket had buffered once it resumes).
        replica.pause();
        await command(master.port, ["CLIENT", "KILL", "TYPE", "replica"]);
        held = await first.lock(key, 60_000);
      },
      async afterKill(replica) {
        replica.resume();
      },
    });
    expect(held).toBeDefined();
    const second = await new RedisTokenStore(await connect()).lock(key, 60_000);
    expect(second).toBeDefined(); // two holders of one lock
    await second!.release();
  }, 240_000);

  it("waitForReplicas: a lock a replica acknowledged survives the failover; one it did not is refused and released", async () => {
    const acked = "{douyin-oauth:test}:lock:acked";
    const lagging = "{douyin-oauth:test}:lock:lagging";
    const store = new RedisTokenStore(await connect(), {
      waitForReplicas: { replicas: 1, timeoutMs: 200 },
    });
    // The acknowledged lock may wait longer: a replica restarted by an earlier failover can
    // still be catching up with its master on a busy machine.
    const patient = new RedisTokenStore(await connect(), {
      waitForReplicas: { replicas: 1, timeoutMs: 10_000 },
    });
    let kept: Awaited<ReturnType<RedisTokenStore["lock"]>>;
    let refused: unknown;
    await fleet.redis.failover(acked, {
      async beforeKill(replica) {
        kept = await patient.lock(acked, 60_000);
        replica.pause();
        refused = await store.lock(lagging, 60_000).catch((error: unknown) => error);
      },
      async afterKill(replica) {
        replica.resume();
      },
    });
    expect(kept).toBeDefined();
    expect(refused).toEqual(new Error("WAIT: 0 of 1 replicas acknowledged within 200 ms"));
    const other = new RedisTokenStore(await connect());
    expect(await other.lock(acked, 60_000)).toBeUndefined(); // still held: it was replicated
    const free = await other.lock(lagging, 60_000); // nobody held it
    expect(free).toBeDefined();
    await free!.release();
  }, 240_000);
});

describe("user tokens through a failover", () => {
  it("two servers refreshing and renewing while a master is SIGKILLed: no refresh token presented twice for renewal, no grant lost", async () => {
    let clock = Date.UTC(2026, 10, 25, 8);
    const emu = await startEmulator({ now: () => clock });
    const log = await startPlatformLog(emu.url);
    try {
      const douyin = createDouyinOAuth({ ...DEMO_APP, baseUrl: log.url, retry: false });
      // A store call holds the write and its WAIT: its bound must be above WAIT's own (a save
      // timed out at 500 ms against a 500 ms WAIT in one loaded CI run).
      const options = { now: emu.now, storeTimeoutMs: 2_000, onError: () => undefined };
      // As guide/tokens.md advises for replicated deployments that renew user tokens: without a
      // replica's acknowledgement, a renewal written just before the kill can be lost with the
      // master (asynchronous replication), leaving the promoted replica the spent refresh token.
      const replicated = { waitForReplicas: { replicas: 1, timeoutMs: 1_000 } };
      const a = createUserTokenManager(douyin, {
        ...options,
        store: new RedisTokenStore(await connect(), replicated),
      });
      const b = createUserTokenManager(douyin, {
        ...options,
        store: new RedisTokenStore(await connect(), replicated),
      });
      const users = Array.from({ length: 40 }, (_, n) => `u-${n}`);
      for (const openId of users) {
        await a.save(
          await douyin.accessToken({ code: emu.issueCode({ scope: "user_info", openId }) }),
        );
      }
      clock += 26 * 24 * 60 * 60_000; // every refresh token within its renewal window
      emu.injectFault({ operation: "renewRefreshToken", kind: "latency", latencyMs: 100 });
      const ask = () =>
        Promise.allSettled(users.flatMap((u) => [a.getAccessToken(u), b.getAccessToken(u)]));
      const during = ask();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await fleet.redis.failover(`douyin-oauth:${DEMO_APP.clientKey}:user:u-0`);
      const first = await during;
      const after = await ask();
      const reauthorized = [...first, ...after].filter(
        (r) => r.status === "rejected" && r.reason instanceof DouyinReauthorizeError,
      );
      expect(reauthorized).toEqual([]);
      expect(log.renewals.length).toBeGreaterThan(0);
      expect(new Set(log.renewals).size).toBe(log.renewals.length);
      // A renewal the store refused mid-failover is in its server's memory until a background
      // rewrite lands (seconds later): close() writes it now, and says if any is left unsaved.
      expect(await Promise.all([a.close(), b.close()])).toEqual([{ unsaved: 0 }, { unsaved: 0 }]);
      // Read back through a fresh client: the two above may still be reconnecting.
      const reader = createUserTokenManager(douyin, {
        ...options,
        store: new RedisTokenStore(await connect()),
      });
      for (const u of users) {
        const record = await reader.get(u);
        expect(emu.isValid(record!.refreshToken)).toBe(true);
      }
    } finally {
      await log.close();
      await emu.close();
    }
  }, 240_000);
});
