// A fleet sharing one real Redis: the store's lock, one fetch per expiry window across processes,
// a lock holder killed mid-fetch, and Redis stopped mid-test.
import { createClient } from "redis";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDouyinOAuth, DouyinStoreError } from "../../src/index.js";
import { RedisTokenStore } from "../../src/redis/index.js";
import { createClientTokenProvider, createUserTokenManager } from "../../src/tokens/index.js";
import { DEMO_APP, startEmulator, type Emulator } from "../../src/emulator/index.js";
import { startWorker, stopWorkers, type BurstResult, type Worker } from "../support/fleet.js";
import { startRedis, useRedis } from "../support/redis.js";

const redis = useRedis();
let emu: Emulator;
beforeEach(async () => {
  await emu?.close();
  emu = await startEmulator();
});
afterAll(() => emu?.close());

const workers: Array<Worker<unknown>> = [];
afterEach(() => stopWorkers(workers.splice(0)));

/** fleet-worker.mjs as a real process on this file's Redis and emulator; killed after the test. */
function worker(env: Record<string, string>): Worker<BurstResult> {
  const started = startWorker(
    {
      REDIS_URL: redis.server.url,
      EMU_URL: emu.url,
      CLIENT_KEY: DEMO_APP.clientKey,
      CLIENT_SECRET: DEMO_APP.clientSecret,
      SOURCE: "client_token",
      ...env,
    },
    30_000,
  );
  workers.push(started);
  return started;
}

describe("RedisTokenStore", () => {
  it("get, set with a TTL, delete", async () => {
    const store = new RedisTokenStore(redis.client);
    await store.set("k", "v", 150);
    expect(await store.get("k")).toBe("v");
    expect(await redis.client.pTTL("k")).toBeGreaterThan(0);
    await store.delete("k");
    expect(await store.get("k")).toBeUndefined();
    await store.set("short", "v", 50);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await store.get("short")).toBeUndefined();
  });

  it("lock: NX with a unique value; a second taker is refused; release frees only its own lock", async () => {
    const store = new RedisTokenStore(redis.client);
    const mine = await store.lock("L", 200);
    expect(mine).toBeDefined();
    expect(await store.lock("L", 200)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 250)); // expired: a crashed holder frees it
    const theirs = await store.lock("L", 5_000);
    expect(theirs).toBeDefined();
    await mine!.release(); // the first holder, late: must not delete the new holder's lock
    expect(await mine!.extend(5_000)).toBe(false); // nor extend it
    expect(await redis.client.exists("L")).toBe(1);
    expect(await theirs!.extend(10_000)).toBe(true);
    expect(await redis.client.pTTL("L")).toBeGreaterThan(5_000);
    await theirs!.release();
    expect(await redis.client.exists("L")).toBe(0);
  });

  it("compareAndSet writes or deletes only over the expected value; list() finds keys by SCAN", async () => {
    const store = new RedisTokenStore(redis.client);
    expect(await store.compareAndSet("c", undefined, "one", 10_000)).toBe(true);
    expect(await store.compareAndSet("c", undefined, "two", 10_000)).toBe(false);
    expect(await store.compareAndSet("c", "zero", "two", 10_000)).toBe(false);
    expect(await store.compareAndSet("c", "one", "two", 10_000)).toBe(true);
    expect(await store.get("c")).toBe("two");
    expect(await redis.client.pTTL("c")).toBeGreaterThan(9_000);
    expect(await store.compareAndSet("c", "two", undefined, 1)).toBe(true);
    expect(await redis.client.exists("c")).toBe(0);
    for (let n = 0; n < 2_500; n++) await redis.client.set(`p:user:${n}`, "x");
    await redis.client.set("p:user*odd", "x"); // glob characters in the prefix are matched literally
    await redis.client.set("q:user:1", "x");
    const all = async (prefix: string) => {
      const keys: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.list(prefix, cursor);
        keys.push(...page.keys);
        cursor = page.cursor;
        pages += 1;
      } while (cursor !== undefined && pages < 100);
      return { keys: [...new Set(keys)], pages };
    };
    const listed = await all("p:user:");
    expect(listed.pages).toBeGreaterThan(1); // one SCAN a page
    expect(listed.keys).toHaveLength(2_500);
    expect((await all("p:user*")).keys).toEqual(["p:user*odd"]);
  });

  it("refuses something that is not a client", () => {
    expect(() => new RedisTokenStore({} as never)).toThrow(
      new TypeError('"redis" must be a connected node-redis client'),
    );
  });
});

describe("a fleet on one Redis", () => {
  it("8 worker processes × 100 concurrent get(): one client_token fetch; every token valid", async () => {
    const workers = Array.from({ length: 8 }, () => worker({ COUNT: "100" }));
    const results = await Promise.all(workers.map((w) => w.done));
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    const tokens = new Set(results.flatMap((r) => r.tokens));
    expect(tokens.size).toBe(1);
    expect(emu.stats.clientToken).toBe(1);
    for (const token of tokens) expect(emu.isValid(token)).toBe(true);
  }, 60_000);

  it("keys are namespaced by client_key; nothing but the token and its expiry is stored", async () => {
    const douyin = createDouyinOAuth({ ...DEMO_APP, baseUrl: emu.url });
    const store = new RedisTokenStore(redis.client);
    const token = await createClientTokenProvider(douyin, { source: "client_token", store }).get();
    const users = createUserTokenManager(douyin, { store });
    await users.save(
      await douyin.accessToken({ code: emu.issueCode({ scope: "user_info", openId: "u-9" }) }),
    );
    const keys = (await redis.client.keys("*")).sort();
    expect(keys).toEqual([
      `douyin-oauth:${DEMO_APP.clientKey}:client_token`,
      `douyin-oauth:${DEMO_APP.clientKey}:user:u-9`,
    ]);
    const values = await Promise.all(keys.map((k) => redis.client.get(k)));
    expect(JSON.parse(values[0]!)).toEqual({ token, expiresAt: expect.any(Number) });
    for (const value of values) expect(value).not.toContain(DEMO_APP.clientSecret);
  });

  it("the lock holder killed mid-fetch: another process takes over after the lock expires", async () => {
    emu.injectFault({ operation: "clientToken", kind: "latency", latencyMs: 5_000, times: 1 });
    const holder = worker({ COUNT: "1", LOCK_TTL_MS: "1000" });
    await expect.poll(() => emu.stats.clientToken, { timeout: 10_000 }).toBe(1); // it is mid-fetch
    holder.child.kill("SIGKILL");
    await holder.done.catch(() => undefined);
    const next = await worker({ COUNT: "20", LOCK_TTL_MS: "1000" }).done;
    expect(next.errors).toEqual([]);
    expect(next.tokens).toHaveLength(1);
    expect(emu.isValid(next.tokens[0]!)).toBe(true);
    // The second fetch is the new process's own, after the dead holder's lock expired (the
    // test's 30 s bound, not a wall-clock assertion, is what says it did not hang).
    expect(emu.stats.clientToken).toBe(2);
  }, 30_000);
});

describe("the renewal sweep on Redis", () => {
  it("two servers sweeping at once renew each refresh token once", async () => {
    const clock = Date.UTC(2026, 10, 25, 8);
    await emu.close();
    emu = await startEmulator({ now: () => clock });
    const douyin = createDouyinOAuth({ ...DEMO_APP, baseUrl: emu.url, retry: false });
    const second = createClient({ url: redis.server.url });
    second.on("error", () => undefined);
    await second.connect();
    try {
      const a = createUserTokenManager(douyin, {
        store: new RedisTokenStore(redis.client),
        now: emu.now,
      });
      const b = createUserTokenManager(douyin, {
        store: new RedisTokenStore(second),
        now: emu.now,
      });
      for (let n = 0; n < 30; n++) {
        const code = emu.issueCode({ scope: "user_info", openId: `u-${n}` });
        await a.save(await douyin.accessToken({ code }));
      }
      emu.advanceTime(26 * 24 * 60 * 60_000);
      emu.injectFault({ operation: "renewRefreshToken", kind: "latency", latencyMs: 10 });
      const [x, y] = await Promise.all([a.renewDue(), b.renewDue()]);
      expect(x.users).toBe(30);
      expect(x.renewed + y.renewed).toBe(30);
      expect(x.failed + y.failed).toBe(0);
      expect(emu.stats.renewRefreshToken).toBe(30);
      for (let n = 0; n < 30; n++) {
        const kept = await b.get(`u-${n}`);
        expect(kept!.renewals).toBe(1);
        expect(emu.isValid(kept!.refreshToken)).toBe(true);
      }
      expect(await redis.client.keys("*lock*")).toEqual([]);
    } finally {
      await second.close();
    }
  });
});

describe("Redis stopped mid-test", () => {
  it("users: getAccessToken is DouyinStoreError (never reauthorize) on a server holding nothing; served where held", async () => {
    const spare = await startRedis();
    const client = createClient({ url: spare.url, socket: { reconnectStrategy: () => 200 } });
    client.on("error", () => undefined);
    await client.connect();
    const douyin = createDouyinOAuth({ ...DEMO_APP, baseUrl: emu.url });
    const options = {
      store: new RedisTokenStore(client),
      storeTimeoutMs: 300,
      onError: () => undefined,
    };
    const here = createUserTokenManager(douyin, options);
    const there = createUserTokenManager(douyin, options);
    const record = await here.save(
      await douyin.accessToken({ code: emu.issueCode({ scope: "user_info", openId: "u-r" }) }),
    );
    await spare.stop();
    expect(await here.getAccessToken("u-r")).toBe(record.accessToken);
    const error = await there.getAccessToken("u-r").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DouyinStoreError);
    await expect(
      here.save(
        await douyin.accessToken({ code: emu.issueCode({ scope: "user_info", openId: "u-s" }) }),
      ),
    ).rejects.toBeInstanceOf(DouyinStoreError);
    client.destroy();
  }, 20_000);

  it("get() keeps working through the in-process path, onError reports, nothing hangs", async () => {
    const spare = await startRedis();
    const client = createClient({ url: spare.url, socket: { reconnectStrategy: () => 200 } });
    client.on("error", () => undefined);
    await client.connect();
    const errors: unknown[] = [];
    let clock = Date.now();
    const douyin = createDouyinOAuth({ ...DEMO_APP, baseUrl: emu.url });
    const tokens = createClientTokenProvider(douyin, {
      source: "client_token",
      store: new RedisTokenStore(client),
      storeTimeoutMs: 300,
      storeRetryMs: 0, // Redis stays down: turn to whenStoreDown at once
      now: () => clock,
      onError: (e) => errors.push(e),
    });
    const first = await tokens.get();
    expect(errors).toEqual([]);
    await spare.stop();
    clock += 2 * 60 * 60_000; // the cached token is now past its refresh point
    const second = await tokens.get();
    expect(second).not.toBe(first);
    expect(emu.isValid(second)).toBe(true);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e instanceof Error)).toBe(true);
    // close() would wait for the replies to commands queued while Redis is down: destroy() does not.
    client.destroy();
  }, 20_000);
});
