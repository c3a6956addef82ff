// RedisTokenStore on a real Redis Cluster (3 masters, 3 replicas, started by the test): the
// fleet's one fetch, and a failover of the master holding the client token while 8 processes
// keep calling get().
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO_APP } from "../../src/emulator/index.js";
import {
  runFailoverFleet,
  startFastPlatform,
  startWorker,
  stopWorkers,
  type Platform,
  type Worker,
} from "../support/fleet.js";
import { startRedisCluster, type RedisCluster } from "../support/redis-cluster.js";

const CLIENT_TOKEN_KEY = `douyin-oauth:${DEMO_APP.clientKey}:client_token`;
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
  platform = undefined;
});

const clusterEnv = () => ({
  REDIS_KIND: "cluster",
  REDIS_NODES: cluster.rootNodes.map((n) => n.url).join(","),
});

describe("a fleet on a Redis Cluster", () => {
  it("8 worker processes × 100 concurrent get(): one client_token fetch; every token valid", async () => {
    platform = await startFastPlatform(1);
    const fleet = Array.from({ length: 8 }, () =>
      startWorker({ ...platform!.env, ...clusterEnv(), COUNT: "100" }),
    );
    workers.push(...fleet);
    const results = await Promise.all(fleet.map((w) => w.done));
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    const tokens = new Set(results.flatMap((r) => r.tokens));
    expect(tokens.size).toBe(1);
    expect(platform.emu.stats.clientToken).toBe(1);
    for (const token of tokens) expect(platform.emu.isValid(token)).toBe(true);
  }, 90_000);

  it("the client-token key's master SIGKILLed while 8 processes call get() every 20 ms: no error, every token valid when served, one fetch per window plus one", async () => {
    platform = await startFastPlatform();
    const run = await runFailoverFleet(platform, clusterEnv(), workers, () =>
      cluster.failover(CLIENT_TOKEN_KEY),
    );
    console.log(`Redis Cluster failover: ${JSON.stringify(run.counts)}`);
    expect(run.counts.errors).toEqual([]);
    expect(run.counts.invalid).toBe(0);
    expect(run.counts.fetches).toBeLessThanOrEqual(run.counts.windows + run.counts.failovers);
    expect(run.counts.slowest).toBeLessThanOrEqual(run.boundMs);
  }, 120_000);
});
