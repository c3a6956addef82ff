// RedisTokenStore on a real redis-server, method by method: the prefix, lifetimes in whole
// milliseconds, each branch of compare-and-set, SCAN paging and glob characters in a prefix,
// and the lock's holder.
import { describe, expect, it } from "vitest";
import { RedisTokenStore } from "../../src/redis/index.js";
import { useRedis } from "../support/redis.js";

const redis = useRedis();

describe("RedisTokenStore › construction", () => {
  it("needs a client with get and eval", () => {
    for (const client of [undefined, null, {}, { get() {} }, { eval() {} }]) {
      expect(() => new RedisTokenStore(client as never)).toThrow(
        new TypeError('"redis" must be a connected node-redis client'),
      );
    }
  });
});

describe("RedisTokenStore › get, set, delete", () => {
  it("keys under the prefix; none by default", async () => {
    const plain = new RedisTokenStore(redis.client);
    const prefixed = new RedisTokenStore(redis.client, { prefix: "app1:" });
    await plain.set("k", "a", 10_000);
    await prefixed.set("k", "b", 10_000);
    expect(await redis.client.get("k")).toBe("a");
    expect(await redis.client.get("app1:k")).toBe("b");
    expect(await plain.get("k")).toBe("a");
    expect(await prefixed.get("k")).toBe("b");
    await prefixed.delete("k");
    expect(await redis.client.get("app1:k")).toBeNull();
    expect(await plain.get("k")).toBe("a");
    expect(await prefixed.get("k")).toBeUndefined();
  });

  it("lifetimes go to Redis as whole milliseconds, at least 1", async () => {
    const store = new RedisTokenStore(redis.client);
    await store.set("long", "v", 600_000.9);
    const pttl = await redis.client.pTTL("long");
    expect(pttl).toBeLessThanOrEqual(600_000);
    expect(pttl).toBeGreaterThan(500_000);
    await store.set("short", "v", 0.2);
    expect(await redis.client.pTTL("short")).toBeLessThanOrEqual(1);
  });
});

describe("RedisTokenStore › compareAndSet", () => {
  it("expected undefined: only where there is no value, not even an empty one", async () => {
    const store = new RedisTokenStore(redis.client, { prefix: "p:" });
    expect(await store.compareAndSet("k", undefined, "a", 600_000)).toBe(true);
    expect(await redis.client.get("p:k")).toBe("a");
    expect(await redis.client.pTTL("p:k")).toBeGreaterThan(500_000);
    expect(await store.compareAndSet("k", undefined, "b", 600_000)).toBe(false);
    await redis.client.set("p:empty", "");
    expect(await store.compareAndSet("empty", undefined, "b", 600_000)).toBe(false);
    expect(await store.compareAndSet("empty", "", "b", 600_000)).toBe(true);
    expect(await redis.client.get("p:empty")).toBe("b");
  });

  it("a matching value is replaced, with the new lifetime; a stale one changes nothing", async () => {
    const store = new RedisTokenStore(redis.client);
    await redis.client.set("k", "a", { PX: 1_000 });
    expect(await store.compareAndSet("k", "x", "b", 600_000)).toBe(false);
    expect(await redis.client.get("k")).toBe("a");
    expect(await store.compareAndSet("k", "a", "b", 600_000.7)).toBe(true);
    expect(await redis.client.get("k")).toBe("b");
    const pttl = await redis.client.pTTL("k");
    expect(pttl).toBeGreaterThan(500_000);
    expect(pttl).toBeLessThanOrEqual(600_000);
  });

  it("next undefined deletes, only over the expected value", async () => {
    const store = new RedisTokenStore(redis.client);
    await redis.client.set("k", "a");
    expect(await store.compareAndSet("k", "b", undefined, 1_000)).toBe(false);
    expect(await redis.client.get("k")).toBe("a");
    expect(await store.compareAndSet("k", "a", undefined, 1_000)).toBe(true);
    expect(await redis.client.exists("k")).toBe(0);
  });
});

describe("RedisTokenStore › list", () => {
  it("every key under the prefix, across SCAN pages, without the store's prefix", async () => {
    const store = new RedisTokenStore(redis.client, { prefix: "app:" });
    const many = Array.from({ length: 2_500 }, (_, i) => `user:${i}`);
    for (let i = 0; i < many.length; i += 500) {
      await redis.client.mSet(
        many.slice(i, i + 500).map((key) => [`app:${key}`, "v"] as [string, string]),
      );
    }
    await redis.client.mSet([
      ["app:client", "v"],
      ["other:user:1", "v"],
    ]);
    // One SCAN page per call: the cursor leads through all of them.
    const listed: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.list("user:", cursor);
      listed.push(...page.keys);
      cursor = page.cursor;
      pages += 1;
    } while (cursor !== undefined && pages < 100);
    expect(pages).toBeGreaterThan(1);
    expect(new Set(listed)).toEqual(new Set(many));
  });

  it("glob characters in a prefix match only themselves", async () => {
    const store = new RedisTokenStore(redis.client, { prefix: "a*[x]?\\:" });
    await redis.client.mSet([
      ["a*[x]?\\:u*1", "v"],
      ["aZxQ\\:u*2", "v"],
      ["a*[x]?\\:uX3", "v"],
      ["abc[x]d\\:u*4", "v"],
    ]);
    expect((await store.list("u*")).keys).toEqual(["u*1"]);
  });

  it("a client without scan (a cluster) is refused with a TypeError", async () => {
    const noScan = {
      get: (key: string) => redis.client.get(key),
      set: redis.client.set.bind(redis.client),
      del: (key: string) => redis.client.del(key),
      eval: redis.client.eval.bind(redis.client),
    };
    await expect(new RedisTokenStore(noScan as never).list("x")).rejects.toThrow(
      new TypeError(`list() needs a client with scan(): a single Redis or Sentinel client`),
    );
  });
});

describe("RedisTokenStore › lock", () => {
  it("one holder at a time; its ttl in whole milliseconds", async () => {
    const store = new RedisTokenStore(redis.client, { prefix: "p:" });
    const lock = await store.lock("L", 600_000.5);
    expect(lock).toBeDefined();
    expect(await store.lock("L", 600_000)).toBeUndefined();
    expect(await redis.client.get("p:L")).toMatch(/^[0-9a-f-]{36}$/);
    const pttl = await redis.client.pTTL("p:L");
    expect(pttl).toBeGreaterThan(500_000);
    expect(pttl).toBeLessThanOrEqual(600_000);
    await lock!.release();
    expect(await redis.client.exists("p:L")).toBe(0);
    expect(await store.lock("L", 1_000)).toBeDefined();
  });

  it("extend: true and a new lifetime for the holder; false once someone else holds it", async () => {
    const store = new RedisTokenStore(redis.client);
    const lock = (await store.lock("L", 1_000))!;
    expect(await lock.extend(600_000.9)).toBe(true);
    const pttl = await redis.client.pTTL("L");
    expect(pttl).toBeGreaterThan(500_000);
    expect(pttl).toBeLessThanOrEqual(600_000);
    await redis.client.set("L", "someone-else");
    expect(await lock.extend(600_000)).toBe(false);
    await lock.release();
    expect(await redis.client.get("L")).toBe("someone-else");
  });

  it("each lock has its own holder", async () => {
    const store = new RedisTokenStore(redis.client);
    const first = (await store.lock("L", 600_000))!;
    const firstHolder = await redis.client.get("L");
    await first.release();
    await store.lock("L", 600_000);
    expect(await redis.client.get("L")).not.toBe(firstHolder);
  });
});
