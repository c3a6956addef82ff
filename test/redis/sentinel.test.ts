// RedisTokenStore behind Redis Sentinel (1 master, 1 replica, 3 sentinels, started by the test):
// the fleet's one fetch, and the master SIGKILLed while 8 processes keep calling get().
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  runFailoverFleet,
  startFastPlatform,
  startWorker,
  stopWorkers,
  type Platform,
  type Worker,
} from "../support/fleet.js";
import { startRedisSentinel, type RedisSentinel } from "../support/redis-cluster.js";

let sentinel: RedisSentinel;
let platform: Platform | undefined;
const workers: Array<Worker<unknown>> = [];

beforeAll(async () => {
  sentinel = await startRedisSentinel();
});
afterAll(async () => {
  await sentinel?.stop();
});
afterEach(async () => {
  await stopWorkers(workers.splice(0));
  await platform?.close();
  platform = undefined;
});

const sentinelEnv = () => ({
  REDIS_KIND: "sentinel",
  SENTINEL_NAME: sentinel.name,
  SENTINELS: sentinel.sentinelRootNodes.map((n) => n.port).join(","),
});

describe("a fleet behind Redis Sentinel", () => {
  it("8 worker processes × 100 concurrent get(): one client_token fetch; every token valid", async () => {
    platform = await startFastPlatform(1);
    const fleet = Array.from({ length: 8 }, () =>
      startWorker({ ...platform!.env, ...sentinelEnv(), COUNT: "100" }),
    );
    workers.push(...fleet);
    const results = await Promise.all(fleet.map((w) => w.done));
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    const tokens = new Set(results.flatMap((r) => r.tokens));
    expect(tokens.size).toBe(1);
    expect(platform.emu.stats.clientToken).toBe(1);
    for (const token of tokens) expect(platform.emu.isValid(token)).toBe(true);
  }, 90_000);

  it("the master SIGKILLed while 8 processes call get() every 20 ms: no error, every token valid when served, one fetch per window plus one", async () => {
    platform = await startFastPlatform();
    const run = await runFailoverFleet(platform, sentinelEnv(), workers, () => sentinel.failover());
    console.log(`Sentinel failover: ${JSON.stringify(run.counts)}`);
    expect(run.counts.errors).toEqual([]);
    expect(run.counts.invalid).toBe(0);
    expect(run.counts.fetches).toBeLessThanOrEqual(run.counts.windows + run.counts.failovers);
    expect(run.counts.slowest).toBeLessThanOrEqual(run.boundMs);
  }, 120_000);
});
