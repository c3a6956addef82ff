// A short soak on a real Redis Cluster: 8 processes call get() for 60 s while the master holding
// the client token is SIGKILLed every 15 s (and comes back as a replica). Prints the counts.
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { DEMO_APP } from "../../src/emulator/index.js";
import {
  expectFleetKeptItsPromise,
  runFailoverFleet,
  startFastPlatform,
  stopWorkers,
  type Platform,
  type Worker,
} from "../support/fleet.js";
import { startRedisCluster, type RedisCluster } from "../support/redis-cluster.js";

let cluster: RedisCluster;
let platform: Platform | undefined;
const workers: Array<Worker<unknown>> = [];

beforeAll(async () => {
  cluster = await startRedisCluster();
});
afterAll(async () => {
  await cluster?.stop();
});
afterEach(async () => {
  await stopWorkers(workers.splice(0));
  await platform?.close();
});

it("soak: 60 s, 8 processes, a failover every 15 s: no error, every token valid when served, one fetch per window plus one per failover", async () => {
  platform = await startFastPlatform();
  const key = `douyin-oauth:${DEMO_APP.clientKey}:client_token`;
  const run = await runFailoverFleet(
    platform,
    { REDIS_KIND: "cluster", REDIS_NODES: cluster.rootNodes.map((n) => n.url).join(",") },
    workers,
    () => cluster.failover(key),
    { durationMs: 60_000, firstAtMs: 7_500, everyMs: 15_000 },
  );
  expectFleetKeptItsPromise("soak", run);
  expect(run.counts.failovers).toBe(4);
}, 300_000);
