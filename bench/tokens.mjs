// Cost of createClientTokenProvider().get(): on a warm cache (memory and Redis stores), and the
// first get() of a fresh provider that finds the token in Redis (what another server pays).
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { createClient } from "redis";
import { createDouyinOAuth } from "douyin-oauth";
import { RedisTokenStore } from "douyin-oauth/redis";
import { createClientTokenProvider } from "douyin-oauth/tokens";
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
