// RedisTokenStore behind Redis Sentinel (1 master, 1 replica, 3 sentinels, started by the test):
// the fleet's one fetch, and the master SIGKILLed while 8 processes keep calling get().
import { describe, it } from "vitest";
import {
  expectFleetKeptItsPromise,
  expectOneFetchFromBurst,
  runFailoverFleet,
  sentinelEnv,
  useFailoverFleet,
} from "../support/fleet.js";
import { startRedisSentinel } from "../support/redis-cluster.js";

const fleet = useFailoverFleet(startRedisSentinel);

describe("a fleet behind Redis Sentinel", () => {
  it("8 worker processes × 100 concurrent get(): one client_token fetch; every token valid", async () => {
    const platform = await fleet.startPlatform(1);
    await expectOneFetchFromBurst(platform, sentinelEnv(fleet.redis), fleet.workers);
  }, 90_000);

  it("the master SIGKILLed while 8 processes call get() every 20 ms: no error, every token valid when served, one fetch per window plus one", async () => {
    const platform = await fleet.startPlatform();
    const run = await runFailoverFleet(platform, sentinelEnv(fleet.redis), fleet.workers, () =>
      fleet.redis.failover(),
    );
    expectFleetKeptItsPromise("Sentinel failover", run);
  }, 120_000);
});
