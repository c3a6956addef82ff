// RedisTokenStore behind Redis Sentinel (1 master, 1 replica, 3 sentinels, started by the test):
// the fleet's one fetch, and the master SIGKILLed while 8 processes keep calling get().
import { afterAll, afterEach, beforeAll, describe, it } from "vitest";
import {
  expectFleetKeptItsPromise,
  expectOneFetchFromBurst,
  runFailoverFleet,
  startFastPlatform,
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
    await expectOneFetchFromBurst(platform, sentinelEnv(), workers);
  }, 90_000);

  it("the master SIGKILLed while 8 processes call get() every 20 ms: no error, every token valid when served, one fetch per window plus one", async () => {
    platform = await startFastPlatform();
    const run = await runFailoverFleet(platform, sentinelEnv(), workers, () => sentinel.failover());
    expectFleetKeptItsPromise("Sentinel failover", run);
  }, 120_000);
});
