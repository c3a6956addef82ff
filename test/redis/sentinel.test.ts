// RedisTokenStore behind Redis Sentinel (1 master, 1 replica, 3 sentinels, started by the test):
// waitForReplicas through a Sentinel client, the fleet's one fetch, and the master SIGKILLed
// while 8 processes keep calling get().
import { createClient, createSentinel } from "redis";
import { describe, expect, it } from "vitest";
import { RedisTokenStore } from "../../src/redis/index.js";
import {
  expectFleetKeptItsPromise,
  expectOneFetchFromBurst,
  runFailoverFleet,
  sentinelEnv,
  useFailoverFleet,
} from "../support/fleet.js";
import { startRedisSentinel } from "../support/redis-cluster.js";

const fleet = useFailoverFleet(startRedisSentinel);

describe("RedisTokenStore › waitForReplicas through a Sentinel client", () => {
  // First in the file: before any failover, the replica is in sync with its master.
  it("WAIT goes to the master: a write the replica acknowledged is on it; asking for two fails", async () => {
    const { name, sentinelRootNodes } = fleet.redis;
    const sentinel = createSentinel({ name, sentinelRootNodes });
    sentinel.on("error", () => undefined);
    const master = await fleet.redis.master();
    const replica = fleet.redis.nodes.find((node) => node !== master)!;
    const onReplica = createClient({ url: replica.url });
    onReplica.on("error", () => undefined);
    try {
      await sentinel.connect();
      await onReplica.connect();
      const one = { waitForReplicas: { replicas: 1, timeoutMs: 10_000 } };
      const store = new RedisTokenStore(sentinel, one);
      await store.set("k", "v1", 600_000);
      expect(await onReplica.get("k")).toBe("v1");
      expect(await store.compareAndSet("k", "v1", "v2", 600_000)).toBe(true);
      expect(await onReplica.get("k")).toBe("v2");
      const lock = await store.lock("L", 600_000);
      expect(lock).toBeDefined();
      await lock!.release();
      const two = new RedisTokenStore(sentinel, {
        waitForReplicas: { replicas: 2, timeoutMs: 200 },
      });
      await expect(two.set("k", "v3", 600_000)).rejects.toThrow(
        /^WAIT: [01] of 2 replicas acknowledged within 200 ms$/,
      );
      await expect(two.lock("L", 600_000)).rejects.toThrow(/^WAIT: [01] of 2 replicas/);
      expect(await sentinel.exists("L")).toBe(0); // released first
    } finally {
      onReplica.destroy();
      sentinel.destroy();
    }
  }, 60_000);
});

describe("a fleet behind Redis Sentinel", () => {
  it("8 worker processes × 100 concurrent get(): one client_token fetch; every token valid", async () => {
    const platform = await fleet.startPlatform(1);
    await expectOneFetchFromBurst(platform, sentinelEnv(fleet.redis), fleet.workers);
  }, 90_000);

  it("the master SIGKILLed while 8 processes call get() every 20 ms (stable_client_token, the default): no error, every token valid when served, two fetches per token's life plus one per process per failover", async () => {
    const platform = await fleet.startPlatform();
    const run = await runFailoverFleet(platform, sentinelEnv(fleet.redis), fleet.workers, () =>
      fleet.redis.failover(),
    );
    expectFleetKeptItsPromise("Sentinel failover", run);
  }, 240_000);
});
