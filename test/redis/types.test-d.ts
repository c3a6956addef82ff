// RedisTokenStore takes node-redis v5's three clients as they come, with no cast: a client, a
// cluster client and a Sentinel client.
import { createClient, createCluster, createSentinel } from "redis";
import { expectTypeOf, test } from "vitest";
import { RedisTokenStore, type RedisClientLike } from "../../src/redis/index.js";

test("createClient, createCluster and createSentinel clients are RedisClientLike", () => {
  const client = createClient({ url: "redis://127.0.0.1:6379" });
  const cluster = createCluster({ rootNodes: [{ url: "redis://127.0.0.1:7000" }] });
  const sentinel = createSentinel({
    name: "mymaster",
    sentinelRootNodes: [{ host: "127.0.0.1", port: 26379 }],
  });
  expectTypeOf(client).toExtend<RedisClientLike>();
  expectTypeOf(cluster).toExtend<RedisClientLike>();
  expectTypeOf(sentinel).toExtend<RedisClientLike>();
  expectTypeOf(new RedisTokenStore(cluster)).toEqualTypeOf<RedisTokenStore>();
  expectTypeOf(
    new RedisTokenStore(sentinel, { waitForReplicas: { replicas: 1, timeoutMs: 100 } }),
  ).toEqualTypeOf<RedisTokenStore>();
  // @ts-expect-error: not a Redis client
  new RedisTokenStore({ get: async () => null });
});
