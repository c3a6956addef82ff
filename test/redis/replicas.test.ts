// RedisTokenStore's waitForReplicas on one real master and one real replica (two redis-servers on
// loopback, the second started with --replicaof): the option's checks, WAIT after each write and
// after taking a lock, on the connection that wrote, and the failure when fewer replicas
// acknowledge than asked, as the store and as the token managers report it. The WAIT of a
// Cluster or Sentinel client (their sendCommand differ) is driven by test/redis/cluster.test.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDouyinOAuth, DouyinStoreError } from "../../src/index.js";
import { DEMO_APP, startEmulator, type Emulator } from "../../src/emulator/index.js";
import { RedisTokenStore, type RedisTokenStoreOptions } from "../../src/redis/index.js";
import { createClientTokenProvider, createUserTokenManager } from "../../src/tokens/index.js";
import { freePort } from "../support/loopback.js";
import { command, RedisNode } from "../support/redis-cluster.js";
import { redisArgs, useRedis } from "../support/redis.js";

const master = useRedis();
let replica: RedisNode | undefined;
let replicaDir: string | undefined;
let onReplica: ReturnType<typeof createClient> | undefined;

/** `INFO replication` of the server on `port`, as field → value. */
async function replication(port: number): Promise<Map<string, string>> {
  const text = String(await command(port, ["INFO", "replication"]));
  return new Map(
    text
      .split("\r\n")
      .filter((line) => line.includes(":"))
      .map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1)]),
  );
}

beforeAll(async () => {
  // A full sync straight over the socket, at once (the default waits 5 s for more replicas).
  await master.client.configSet({ "repl-diskless-sync": "yes", "repl-diskless-sync-delay": "0" });
  const port = await freePort();
  replicaDir = mkdtempSync(join(tmpdir(), "douyin-oauth-replica-"));
  const dir = replicaDir;
  replica = new RedisNode(port, () => [
    ...redisArgs(port),
    "--dir",
    dir,
    "--replicaof",
    "127.0.0.1",
    String(master.server.port),
  ]);
  await replica.start();
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ours = await replication(port).catch(() => new Map<string, string>());
    const theirs = await replication(master.server.port).catch(() => new Map<string, string>());
    if (
      ours.get("master_link_status") === "up" &&
      theirs.get("connected_slaves") === "1" &&
      theirs.get("slave0")?.includes("state=online")
    ) {
      break;
    }
    if (Date.now() > deadline) throw new Error("the replica's link to its master did not come up");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  onReplica = createClient({ url: replica.url });
  onReplica.on("error", () => undefined);
  await onReplica.connect();
});

afterAll(async () => {
  onReplica?.destroy();
  await replica?.kill(); // by its PID; useRedis stops the master
  if (replicaDir !== undefined) rmSync(replicaDir, { recursive: true, force: true });
});

/** Connections of this file's own, closed after each test. */
const opened: Array<ReturnType<typeof createClient>> = [];
afterEach(() => {
  for (const client of opened.splice(0)) client.destroy();
});

/** A connection of its own to the master, and its CLIENT ID. */
async function connection() {
  const client = createClient({ url: master.server.url });
  client.on("error", () => undefined);
  opened.push(client);
  await client.connect();
  return { client, id: await client.clientId() };
}

/** The last command the master ran on connection `id` (CLIENT LIST's `cmd`). */
async function lastCommand(id: number): Promise<string | undefined> {
  const line = String(await master.client.sendCommand(["CLIENT", "LIST", "ID", String(id)]));
  return /\bcmd=(\S+)/.exec(line)?.[1];
}

/** How many WAIT commands the master has run since its stats were reset. */
async function waits(): Promise<number> {
  const stats = String(await master.client.sendCommand(["INFO", "commandstats"]));
  return Number(/cmdstat_wait:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

beforeEach(async () => {
  await master.client.sendCommand(["CONFIG", "RESETSTAT"]);
});

/** WAIT's refusal when the one replica is asked to be two: it acknowledged, or not yet. */
const tooFew = (timeoutMs: number) =>
  new RegExp(`^WAIT: [01] of 2 replicas acknowledged within ${timeoutMs} ms$`);

describe("RedisTokenStore › waitForReplicas: the option", () => {
  it("each invalid value is a TypeError naming it, before any command; 1 and 1 ms are accepted", () => {
    const calls: string[] = [];
    const recorded = (name: string) => () => {
      calls.push(name);
      return Promise.resolve(0);
    };
    const client = {
      get: recorded("get"),
      set: recorded("set"),
      del: recorded("del"),
      eval: recorded("eval"),
      sendCommand: recorded("sendCommand"),
    };
    const numbers = `"waitForReplicas" needs whole numbers: replicas of at least 1 and timeoutMs of at least 1`;
    for (const waitForReplicas of [
      null,
      {},
      { timeoutMs: 100 }, // no replicas
      { replicas: 1 }, // no timeoutMs
      { replicas: 1.5, timeoutMs: 100 },
      { replicas: "1", timeoutMs: 100 },
      { replicas: 0, timeoutMs: 100 },
      { replicas: -1, timeoutMs: 100 },
      { replicas: Number.NaN, timeoutMs: 100 },
      { replicas: 1, timeoutMs: 0 },
      { replicas: 1, timeoutMs: 1.5 },
      { replicas: 1, timeoutMs: Number.POSITIVE_INFINITY },
    ]) {
      const options = { waitForReplicas } as unknown as RedisTokenStoreOptions;
      expect(() => new RedisTokenStore(client, options), JSON.stringify(waitForReplicas)).toThrow(
        expect.objectContaining({ name: "TypeError", message: numbers }),
      );
    }
    const { sendCommand: _, ...noSendCommand } = client;
    for (const replicas of [1, 2]) {
      expect(
        () => new RedisTokenStore(noSendCommand, { waitForReplicas: { replicas, timeoutMs: 100 } }),
      ).toThrow(
        expect.objectContaining({
          name: "TypeError",
          message: `"waitForReplicas" needs a node-redis client with sendCommand()`,
        }),
      );
    }
    expect(calls).toEqual([]);
    // The smallest values are whole and at least 1; without the option, no sendCommand needed.
    expect(
      new RedisTokenStore(client, { waitForReplicas: { replicas: 1, timeoutMs: 1 } }),
    ).toBeInstanceOf(RedisTokenStore);
    expect(new RedisTokenStore(noSendCommand, { prefix: "p:" })).toBeInstanceOf(RedisTokenStore);
    expect(calls).toEqual([]);
  });
});

describe("RedisTokenStore › waitForReplicas: one replica asked, one there", () => {
  const replicated = { waitForReplicas: { replicas: 1, timeoutMs: 10_000 } };

  it("set: WAIT on the connection that wrote; the value is on the replica when it resolves", async () => {
    const { client, id } = await connection();
    const store = new RedisTokenStore(client, { prefix: "p:", ...replicated });
    await store.set("k", "v1", 600_000);
    expect(await lastCommand(id)).toBe("wait");
    expect(await waits()).toBe(1);
    expect(await onReplica!.get("p:k")).toBe("v1");
    expect(await onReplica!.pTTL("p:k")).toBeGreaterThan(500_000);
  });

  it("compareAndSet: WAIT after a write or a delete it made, none when it changed nothing", async () => {
    const { client, id } = await connection();
    const store = new RedisTokenStore(client, replicated);
    expect(await store.compareAndSet("k", undefined, "a", 600_000)).toBe(true);
    expect(await lastCommand(id)).toBe("wait");
    expect(await onReplica!.get("k")).toBe("a");
    expect(await store.compareAndSet("k", "a", "b", 600_000)).toBe(true);
    expect(await onReplica!.get("k")).toBe("b");
    expect(await waits()).toBe(2);
    expect(await store.compareAndSet("k", "stale", "c", 600_000)).toBe(false);
    expect(await lastCommand(id)).toBe("eval");
    expect(await waits()).toBe(2);
    expect(await store.compareAndSet("k", "b", undefined, 1_000)).toBe(true);
    expect(await lastCommand(id)).toBe("wait");
    expect(await waits()).toBe(3);
    expect(await onReplica!.exists("k")).toBe(0);
  });

  it("delete (a sign-out): WAIT after it; the key is gone from the replica when it resolves", async () => {
    const { client, id } = await connection();
    const store = new RedisTokenStore(client, replicated);
    await store.set("k", "v", 600_000);
    await store.delete("k");
    expect(await lastCommand(id)).toBe("wait");
    expect(await waits()).toBe(2);
    expect(await onReplica!.exists("k")).toBe(0);
  });

  it("lock: WAIT once taken; the holder is on the replica; a lock not taken waits for nothing", async () => {
    const { client, id } = await connection();
    const store = new RedisTokenStore(client, replicated);
    const lock = await store.lock("L", 600_000);
    expect(lock).toBeDefined();
    expect(await lastCommand(id)).toBe("wait");
    expect(await onReplica!.get("L")).toBe(await master.client.get("L"));
    expect(await store.lock("L", 600_000)).toBeUndefined();
    expect(await waits()).toBe(1);
    await lock!.release();
    expect(await master.client.exists("L")).toBe(0);
  });
});

describe("RedisTokenStore › waitForReplicas: two replicas asked, one there", () => {
  const tooMany = { waitForReplicas: { replicas: 2, timeoutMs: 200 } };

  it("set and compareAndSet fail saying how many acknowledged", async () => {
    const { client, id } = await connection();
    const store = new RedisTokenStore(client, tooMany);
    await expect(store.set("k", "v", 600_000)).rejects.toThrow(tooFew(200));
    expect(await lastCommand(id)).toBe("wait");
    await expect(store.compareAndSet("k", "v", "w", 600_000)).rejects.toThrow(tooFew(200));
    expect(await waits()).toBe(2);
  });

  it("lock: fails saying so, and is released first", async () => {
    const { client } = await connection();
    const store = new RedisTokenStore(client, tooMany);
    const refused = await store.lock("L", 600_000).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toMatch(tooFew(200));
    expect(await waits()).toBe(1);
    expect(await master.client.exists("L")).toBe(0);
    const other = await new RedisTokenStore(master.client).lock("L", 600_000);
    expect(other).toBeDefined(); // nobody holds it
    await other!.release();
  });

  describe("through the token managers", () => {
    let emu: Emulator | undefined;
    afterEach(async () => {
      await emu?.close();
      emu = undefined;
    });

    it("the client token: a DouyinStoreError (lock, failed) with WAIT's refusal as its cause; the lock freed; no fetch", async () => {
      emu = await startEmulator();
      const douyin = createDouyinOAuth({ ...DEMO_APP, baseUrl: emu.url, retry: false });
      const { client } = await connection();
      const tokens = createClientTokenProvider(douyin, {
        source: "client_token",
        store: new RedisTokenStore(client, tooMany),
        storeTimeoutMs: 10_000, // above WAIT's own bound
        storeRetryMs: 0,
        whenStoreDown: "fail",
        onError: () => undefined,
      });
      const error = await tokens.get().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DouyinStoreError);
      expect(error).toMatchObject({ reason: "failed", operation: "lock" });
      expect(((error as DouyinStoreError).cause as Error).message).toMatch(tooFew(200));
      expect(emu.stats.clientToken).toBe(0);
      const lockKey = `douyin-oauth:${DEMO_APP.clientKey}:lock:client_token`;
      expect(await master.client.exists(lockKey)).toBe(0);
    });

    it("a user's tokens: save rejects with a DouyinStoreError (compareAndSet, failed) that holds no token", async () => {
      emu = await startEmulator();
      const douyin = createDouyinOAuth({ ...DEMO_APP, baseUrl: emu.url, retry: false });
      const { client } = await connection();
      const users = createUserTokenManager(douyin, {
        store: new RedisTokenStore(client, tooMany),
        storeTimeoutMs: 10_000,
        onError: () => undefined,
      });
      const data = await douyin.accessToken({
        code: emu.issueCode({ scope: "user_info", openId: "u-1" }),
      });
      const error = await users.save(data).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DouyinStoreError);
      expect(error).toMatchObject({ reason: "failed", operation: "compareAndSet" });
      const cause = (error as DouyinStoreError).cause as Error;
      expect(cause.message).toMatch(tooFew(200));
      for (const text of [(error as Error).message, cause.message, String(cause.stack)]) {
        expect(text).not.toContain(data.access_token);
        expect(text).not.toContain(data.refresh_token);
      }
    });
  });
});
