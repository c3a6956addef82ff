/**
 * A TokenStore in Redis, for several servers sharing one client token and one set of user
 * tokens. Takes a node-redis (`redis` v5) client you already have; this package does not open
 * connections of its own.
 * @example
 * import { createClient } from "redis";
 * import { RedisTokenStore } from "douyin-oauth/redis";
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * const tokens = createClientTokenProvider(douyin, { store: new RedisTokenStore(redis) });
 */
import type { StoreLock, TokenStore } from "../tokens/store.js";

/**
 * The node-redis v5 calls the store makes, so any client shaped like it will do (a cluster
 * client, a mock in your own tests).
 */
export interface RedisClientLike {
  get(key: string): Promise<string | null | {}>;
  set(
    key: string,
    value: string,
    options: { expiration: { type: "PX"; value: number }; condition?: "NX" },
  ): Promise<string | null | {}>;
  del(key: string): Promise<number | {}>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  /**
   * For `waitForReplicas`: node-redis' `sendCommand`, as a client (`args`), a cluster client
   * (`firstKey, isReadonly, args`) or a Sentinel client (`isReadonly, args`) takes it.
   */
  sendCommand?: (...args: never[]) => Promise<unknown>;
  /** For `list()` (the renewal sweep); a cluster client has none. */
  scan?(
    cursor: string,
    options: { MATCH: string; COUNT: number },
  ): Promise<{ cursor: string | {}; keys: Array<string | {}> }>;
}

/** Deletes the lock only if it still holds our value: a holder past its TTL cannot free another's lock. */
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
/** Extends the lock only if it still holds our value. */
const EXTEND = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;
/**
 * Compare and set: ARGV[1] "1" when a value is expected (ARGV[2]), "0" when none is; ARGV[3]
 * "1" to set ARGV[4] for ARGV[5] ms, "0" to delete.
 */
const COMPARE_AND_SET = `local current = redis.call("get", KEYS[1])
if ARGV[1] == "1" then
  if current ~= ARGV[2] then return 0 end
elseif current then return 0 end
if ARGV[3] == "1" then redis.call("set", KEYS[1], ARGV[4], "PX", ARGV[5]) else redis.call("del", KEYS[1]) end
return 1`;
/** A lifetime as Redis' PX takes it: whole milliseconds, at least 1. */
const px = (ms: number) => Math.max(1, Math.floor(ms));
/** A SCAN pattern matching `prefix` literally. */
const literalPattern = (prefix: string) => `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`;

/** What `new RedisTokenStore(client, options)` takes: the key prefix and, for replicated Redis, `waitForReplicas`. */
export interface RedisTokenStoreOptions {
  /** Prefix of every key; default "" (keys already start with `douyin-oauth:<client_key>:`). */
  prefix?: string;
  /**
   * For a replicated Redis (Sentinel, Cluster): after taking a lock and after each write, wait
   * until `replicas` replicas acknowledge it (`WAIT`), at most `timeoutMs`. A lock or a write not
   * acknowledged in time fails (a lock is released first), as a store failure: a master that
   * dies before replicating it cannot hand the lock to a second holder or lose a renewal's mark.
   * Default: no waiting, as on one Redis.
   */
  waitForReplicas?: { replicas: number; timeoutMs: number };
}

/** Which of node-redis' three clients this is: their sendCommand differ. */
type Kind = "client" | "cluster" | "sentinel";
const kindOf = (redis: object): Kind =>
  typeof (redis as { getSlotMaster?: unknown }).getSlotMaster === "function"
    ? "cluster"
    : typeof (redis as { getMasterNode?: unknown }).getMasterNode === "function"
      ? "sentinel"
      : "client";

/**
 * A {@link TokenStore} on Redis (node-redis 5: one server, a Cluster or Sentinel): compare-and-set
 * and the lock are Lua scripts, lifetimes are Redis expiries, `list` walks keys with SCAN.
 */
export class RedisTokenStore implements TokenStore {
  private readonly prefix: string;
  private readonly replicas: { replicas: number; timeoutMs: number } | undefined;

  constructor(
    private readonly redis: RedisClientLike,
    options: RedisTokenStoreOptions = {},
  ) {
    if (typeof redis?.get !== "function" || typeof redis.eval !== "function") {
      throw new TypeError(`"redis" must be a connected node-redis client`);
    }
    this.prefix = options.prefix ?? "";
    const wait = options.waitForReplicas;
    if (wait !== undefined) {
      if (
        !Number.isInteger(wait?.replicas) ||
        wait.replicas < 1 ||
        !Number.isInteger(wait.timeoutMs) ||
        wait.timeoutMs < 1
      ) {
        throw new TypeError(
          `"waitForReplicas" needs whole numbers: replicas of at least 1 and timeoutMs of at least 1`,
        );
      }
      if (typeof redis.sendCommand !== "function") {
        throw new TypeError(`"waitForReplicas" needs a node-redis client with sendCommand()`);
      }
    }
    this.replicas = wait;
  }

  /**
   * WAIT on the connection that just wrote `name` (node-redis keeps one per node; a Sentinel
   * client, one per master at its default masterPoolSize of 1); throws when too few replicas
   * acknowledged in time.
   */
  private async replicated(name: string): Promise<void> {
    if (this.replicas === undefined) return;
    const { replicas, timeoutMs } = this.replicas;
    const args = ["WAIT", String(replicas), String(timeoutMs)];
    const send = this.redis.sendCommand as unknown as (...a: unknown[]) => Promise<unknown>;
    const kind = kindOf(this.redis);
    const acked = Number(
      await (kind === "cluster"
        ? send.call(this.redis, name, false, args)
        : kind === "sentinel"
          ? send.call(this.redis, false, args)
          : send.call(this.redis, args)),
    );
    if (!(acked >= replicas)) {
      throw new Error(`WAIT: ${acked} of ${replicas} replicas acknowledged within ${timeoutMs} ms`);
    }
  }

  async get(key: string): Promise<string | undefined> {
    const value = await this.redis.get(this.prefix + key);
    return typeof value === "string" ? value : undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.prefix + key, value, {
      expiration: { type: "PX", value: px(ttlMs) },
    });
    await this.replicated(this.prefix + key);
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
    await this.replicated(this.prefix + key);
  }

  /** One Lua script: atomic on a single Redis and on the one node a cluster keeps the key on. */
  async compareAndSet(
    key: string,
    expected: string | undefined,
    next: string | undefined,
    ttlMs: number,
  ): Promise<boolean> {
    const done = await this.redis.eval(COMPARE_AND_SET, {
      keys: [this.prefix + key],
      arguments: [
        expected === undefined ? "0" : "1",
        expected ?? "",
        next === undefined ? "0" : "1",
        next ?? "",
        String(px(ttlMs)),
      ],
    });
    if (Number(done) !== 1) return false;
    await this.replicated(this.prefix + key);
    return true;
  }

  /**
   * One SCAN page of the keys under `prefix` (never KEYS, which blocks Redis): about 1 000
   * keys looked at, from `cursor`; the next cursor, or none after the last page.
   */
  async list(
    prefix: string,
    cursor?: string,
  ): Promise<{ keys: string[]; cursor?: string | undefined }> {
    if (typeof this.redis.scan !== "function") {
      throw new TypeError(`list() needs a client with scan(): a single Redis or Sentinel client`);
    }
    const page = await this.redis.scan(cursor ?? "0", {
      MATCH: literalPattern(this.prefix + prefix),
      COUNT: 1000,
    });
    const keys = page.keys.map((key) => String(key).slice(this.prefix.length));
    const next = String(page.cursor);
    return next === "0" ? { keys } : { keys, cursor: next };
  }

  /** SET NX PX with a value unique to this holder; extended and released by compare-and-act. */
  async lock(key: string, ttlMs: number): Promise<StoreLock | undefined> {
    const name = this.prefix + key;
    const holder = globalThis.crypto.randomUUID();
    const taken = await this.redis.set(name, holder, {
      expiration: { type: "PX", value: px(ttlMs) },
      condition: "NX",
    });
    if (taken !== "OK") return undefined;
    const release = async () => {
      await this.redis.eval(RELEASE, { keys: [name], arguments: [holder] });
    };
    try {
      await this.replicated(name);
    } catch (error) {
      await release().catch(() => undefined);
      throw error;
    }
    return {
      release,
      extend: async (ms) => {
        const kept = await this.redis.eval(EXTEND, {
          keys: [name],
          arguments: [holder, String(px(ms))],
        });
        return Number(kept) === 1;
      },
    };
  }
}
