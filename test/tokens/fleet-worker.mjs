// One server of a fleet, as a real process: a client-token provider sharing a Redis store (one
// Redis, a Redis Cluster or Sentinel). SOURCE picks the token (default: the provider's),
// WAIT_REPLICAS (and WAIT_TIMEOUT_MS) the store's waitForReplicas. FLEET_MODE=burst (default):
// COUNT concurrent get(), then one JSON line with the distinct tokens it got and the errors. FLEET_MODE=repeat: a get() every
// INTERVAL_MS for DURATION_MS, then one JSON line with the calls, the errors, the slowest call
// and, per token, when the last call that served it began (Date.now()).
// Runs the built package (the tests' global setup builds dist/).
import { createClient, createCluster, createSentinel } from "redis";
import { createDouyinOAuth } from "douyin-oauth";
import { RedisTokenStore } from "douyin-oauth/redis";
import { createClientTokenProvider } from "douyin-oauth/tokens";

const env = process.env;
const kind = env.REDIS_KIND ?? "single";
const redis =
  kind === "cluster"
    ? createCluster({ rootNodes: env.REDIS_NODES.split(",").map((url) => ({ url })) })
    : kind === "sentinel"
      ? createSentinel({
          name: env.SENTINEL_NAME,
          sentinelRootNodes: env.SENTINELS.split(",").map((port) => ({
            host: "127.0.0.1",
            port: Number(port),
          })),
        })
      : createClient({ url: env.REDIS_URL, socket: { reconnectStrategy: false } });
redis.on("error", (error) => {
  if (env.DEBUG) process.stderr.write(`redis ${Date.now()} ${error?.message}\n`);
});
process.stderr.write(`connecting to ${kind} Redis\n`);
await redis.connect();
process.stderr.write(`connected\n`);
const douyin = createDouyinOAuth({
  clientKey: env.CLIENT_KEY,
  clientSecret: env.CLIENT_SECRET,
  baseUrl: env.EMU_URL,
  retry: false,
  timeoutMs: 10_000,
});
// A clock running CLOCK_SCALE times faster than Date.now() from CLOCK_T0, shared with the
// emulator: a 2-hour client token lives 3 s of real time at a scale of 2400.
const t0 = Number(env.CLOCK_T0 ?? 0);
const scale = Number(env.CLOCK_SCALE ?? 1);
const now = scale === 1 ? Date.now : () => t0 + (Date.now() - t0) * scale;
const storeErrors = [];
const waitForReplicas = env.WAIT_REPLICAS
  ? { replicas: Number(env.WAIT_REPLICAS), timeoutMs: Number(env.WAIT_TIMEOUT_MS ?? 500) }
  : undefined;
const tokens = createClientTokenProvider(douyin, {
  store: new RedisTokenStore(redis, waitForReplicas ? { waitForReplicas } : {}),
  now,
  ...(env.SOURCE ? { source: env.SOURCE } : {}),
  ...(env.RECHECK_MS ? { recheckIntervalMs: Number(env.RECHECK_MS) } : {}),
  ...(env.STORE_TIMEOUT_MS ? { storeTimeoutMs: Number(env.STORE_TIMEOUT_MS) } : {}),
  lockTtlMs: Number(env.LOCK_TTL_MS ?? 15_000),
  ...(env.REFRESH_BEFORE_MS ? { refreshBeforeExpiryMs: Number(env.REFRESH_BEFORE_MS) } : {}),
  ...(env.WHEN_STORE_DOWN ? { whenStoreDown: env.WHEN_STORE_DOWN } : {}),
  ...(env.STORE_RETRY_MS ? { storeRetryMs: Number(env.STORE_RETRY_MS) } : {}),
  onError: (error) => {
    storeErrors.push(Date.now());
    if (env.DEBUG) process.stderr.write(`onError ${Date.now()} ${error?.name} ${error?.message}\n`);
  },
});
process.stdout.write("ready\n");
// Started together: the test writes a line to every worker's stdin once all are ready.
if (env.WAIT_GO) await new Promise((resolve) => process.stdin.once("data", resolve));

if ((env.FLEET_MODE ?? "burst") === "burst") {
  const results = await Promise.allSettled(
    Array.from({ length: Number(env.COUNT ?? 100) }, () => tokens.get()),
  );
  const got = [...new Set(results.filter((r) => r.status === "fulfilled").map((r) => r.value))];
  const errors = results.filter((r) => r.status === "rejected").map((r) => String(r.reason));
  process.stdout.write(`${JSON.stringify({ tokens: got, errors })}\n`);
} else {
  const until = Date.now() + Number(env.DURATION_MS);
  const interval = Number(env.INTERVAL_MS ?? 20);
  const served = {};
  const errors = [];
  let calls = 0;
  let slowest = 0;
  while (Date.now() < until) {
    const started = Date.now();
    calls++;
    try {
      const token = await tokens.get();
      // When the call began: the provider checks the token at or after it, and a process
      // preempted between that check and this line (a loaded machine) would shift a later
      // time by milliseconds, seconds on the fast clock.
      served[token] = Math.max(served[token] ?? 0, started);
    } catch (error) {
      errors.push(`${error?.name}: ${error?.message}`);
    }
    slowest = Math.max(slowest, Date.now() - started);
    if (env.DEBUG && Date.now() - started > 300)
      process.stderr.write(`slow ${started} ${Date.now() - started}\n`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
  process.stdout.write(
    `${JSON.stringify({ calls, errors, slowest, served, storeErrors: storeErrors.length, firstStoreError: storeErrors[0], lastStoreError: storeErrors.at(-1) })}\n`,
  );
}
await redis.destroy();
