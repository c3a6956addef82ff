// One server of a fleet, as a real process: N concurrent get() on a client-token provider that
// shares a Redis store. Prints one JSON line: the distinct tokens it got, and errors.
// Runs the built package (the tests' global setup builds dist/).
import { createClient } from "redis";
import { createDouyinOAuth } from "douyin-oauth";
import { RedisTokenStore } from "douyin-oauth/redis";
import { createClientTokenProvider } from "douyin-oauth/tokens";

const env = process.env;
const redis = createClient({ url: env.REDIS_URL, socket: { reconnectStrategy: false } });
redis.on("error", () => undefined);
await redis.connect();
const douyin = createDouyinOAuth({
  clientKey: env.CLIENT_KEY,
  clientSecret: env.CLIENT_SECRET,
  baseUrl: env.EMU_URL,
  retry: false,
  timeoutMs: 10_000,
});
const tokens = createClientTokenProvider(douyin, {
  store: new RedisTokenStore(redis),
  lockTtlMs: Number(env.LOCK_TTL_MS ?? 15_000),
  onError: (error) => process.stderr.write(`onError: ${error?.name}\n`),
});
process.stdout.write("ready\n");
const results = await Promise.allSettled(
  Array.from({ length: Number(env.COUNT ?? 100) }, () => tokens.get()),
);
const got = [...new Set(results.filter((r) => r.status === "fulfilled").map((r) => r.value))];
const errors = results.filter((r) => r.status === "rejected").map((r) => String(r.reason));
process.stdout.write(`${JSON.stringify({ tokens: got, errors })}\n`);
await redis.close();
