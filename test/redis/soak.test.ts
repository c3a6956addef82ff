// A short soak on a real Redis Cluster: 8 processes call get() for 60 s while the master holding
// the client token is SIGKILLed every 15 s (and comes back as a replica). Prints the counts.
import { expect, it } from "vitest";
import { DEMO_APP } from "../../src/emulator/index.js";
import {
  clusterEnv,
  expectFleetKeptItsPromise,
  runFailoverFleet,
  useFailoverFleet,
} from "../support/fleet.js";
import { startRedisCluster } from "../support/redis-cluster.js";

const fleet = useFailoverFleet(startRedisCluster);

it("soak: 60 s, 8 processes, a failover every 15 s (stable_client_token, the default): no error, every token valid when served, two fetches per token's life plus one per process per failover", async () => {
  const platform = await fleet.startPlatform();
  const key = `douyin-oauth:${DEMO_APP.clientKey}:stable_client_token`;
  const run = await runFailoverFleet(
    platform,
    clusterEnv(fleet.redis),
    fleet.workers,
    () => fleet.redis.failover(key),
    { durationMs: 60_000, firstAtMs: 7_500, everyMs: 15_000 },
  );
  expectFleetKeptItsPromise("soak", run);
  expect(run.counts.failovers).toBe(4);
}, 300_000);
