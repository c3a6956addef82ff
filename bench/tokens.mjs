// Cost of createClientTokenProvider().get(): on a warm cache (memory and Redis stores), and the
// first get() of a fresh provider that finds the token in Redis (what another server pays).
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { createClient } from "redis";
import { createDouyinOAuth } from "douyin-oauth";
import { RedisTokenStore } from "douyin-oauth/redis";
import { createClientTokenProvider, createUserTokenManager } from "douyin-oauth/tokens";
import { median } from "./stats.mjs";

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Median ns per call over `batches` batches of `size` sequential calls. */
async function perCall(call, { batches = 10, size = 20_000 } = {}) {
  for (let i = 0; i < 1_000; i++) await call();
  const results = [];
  for (let b = 0; b < batches; b++) {
    const t = performance.now();
    for (let i = 0; i < size; i++) await call();
    results.push(((performance.now() - t) * 1e6) / size);
  }
  return median(results);
}

export async function tokensBench(base, { quick = false } = {}) {
  const douyin = createDouyinOAuth({
    clientKey: "aw_bench",
    clientSecret: "bench_secret_value",
    baseUrl: base,
  });
  const shape = quick ? { batches: 3, size: 2_000 } : {};
  const memory = createClientTokenProvider(douyin);
  const results = { memoryWarmNs: await perCall(() => memory.get(), shape) };
  const users = createUserTokenManager(douyin);
  await users.save(await douyin.accessToken({ code: "bench" }));
  const openId = "0ff3b1a8-1c9e-4c1e-9b7e-1f2e3d4c5b6a";
  results.userWarmMemoryNs = await perCall(() => users.getAccessToken(openId), shape);
  results.sweep = await sweepBench(douyin, quick ? 200 : 2_000);

  if (spawnSync("redis-server", ["--version"]).status !== 0)
    return { ...results, redis: "redis-server not installed" };
  const port = await freePort();
  const server = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  try {
    const redis = createClient({ url: `redis://127.0.0.1:${port}` });
    redis.on("error", () => undefined);
    for (let i = 0; ; i++) {
      try {
        await redis.connect();
        break;
      } catch (error) {
        if (i > 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const store = new RedisTokenStore(redis);
    const shared = createClientTokenProvider(douyin, { store });
    results.redisWarmNs = await perCall(() => shared.get(), shape);
    const redisUsers = createUserTokenManager(douyin, { store });
    await redisUsers.save(await douyin.accessToken({ code: "bench" }));
    results.userWarmRedisUs =
      (await perCall(() => redisUsers.getAccessToken(openId), {
        batches: quick ? 3 : 10,
        size: quick ? 500 : 5_000,
      })) / 1000;
    results.redisFirstGetUs =
      (await perCall(() => createClientTokenProvider(douyin, { store }).get(), {
        batches: quick ? 3 : 10,
        size: quick ? 200 : 1_000,
      })) / 1000;
    redis.destroy();
  } finally {
    server.kill("SIGKILL");
  }
  return results;
}

/**
 * renewDue() over `count` users all inside their renewal window (memory store, the floor
 * server as the platform): wall time and renewals per second, at the default concurrency (4)
 * and at 16.
 */
async function sweepBench(douyin, count) {
  const out = { users: count };
  for (const concurrency of [4, 16]) {
    let clock = Date.UTC(2026, 0, 1);
    const users = createUserTokenManager(douyin, { now: () => clock });
    const data = await douyin.accessToken({ code: "bench" });
    for (let n = 0; n < count; n++) await users.save({ ...data, open_id: `user-${n}` });
    clock += 26 * 24 * 60 * 60_000;
    const started = performance.now();
    const summary = await users.renewDue({ concurrency });
    const ms = performance.now() - started;
    if (summary.renewed !== count) throw new Error(`sweep renewed ${summary.renewed} of ${count}`);
    out[`concurrency${concurrency}`] = {
      ms: Math.round(ms),
      perSecond: Math.round((count / ms) * 1000),
    };
  }
  return out;
}
