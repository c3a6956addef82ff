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
import type { ReleaseLock, TokenStore } from "../tokens/store.js";

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
}

/** Deletes the lock only if it still holds our value: a holder past its TTL cannot free another's lock. */
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

export interface RedisTokenStoreOptions {
  /** Prefix of every key; default "" (keys already start with `douyin-oauth:<client_key>:`). */
  prefix?: string;
}

export class RedisTokenStore implements TokenStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: RedisClientLike,
    options: RedisTokenStoreOptions = {},
  ) {
    if (typeof redis?.get !== "function" || typeof redis.eval !== "function") {
      throw new TypeError(`"redis" must be a connected node-redis client`);
    }
    this.prefix = options.prefix ?? "";
  }

  async get(key: string): Promise<string | undefined> {
    const value = await this.redis.get(this.prefix + key);
    return typeof value === "string" ? value : undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.prefix + key, value, {
      expiration: { type: "PX", value: Math.max(1, Math.floor(ttlMs)) },
    });
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  /** SET NX PX with a value unique to this holder; released by compare-and-delete. */
  async lock(key: string, ttlMs: number): Promise<ReleaseLock | undefined> {
    const name = this.prefix + key;
    const holder = globalThis.crypto.randomUUID();
    const taken = await this.redis.set(name, holder, {
      expiration: { type: "PX", value: Math.max(1, Math.floor(ttlMs)) },
      condition: "NX",
    });
    if (taken !== "OK") return undefined;
    return async () => {
      await this.redis.eval(RELEASE, { keys: [name], arguments: [holder] });
    };
  }
}
