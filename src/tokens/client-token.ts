// The app's client token, cached: one fetch at a time in this process, one per expiry window in
// a fleet sharing a store, refreshed ahead of expiry, never handed out past it.
import type { DouyinOAuth } from "../client.js";
import { requirePositiveMs } from "../validate.js";
import { createCoordinator, type CoordinationOptions } from "./coordinate.js";
import { MemoryTokenStore } from "./store.js";

export interface ClientTokenProviderOptions extends CoordinationOptions {
  /**
   * `"client_token"` (default, the seed's): each fetch invalidates all but the latest two
   * tokens, so share one store across servers. `"stable_client_token"`: the platform returns the
   * same token while it is valid, so servers without a shared store do not knock each other out.
   */
  source?: "client_token" | "stable_client_token";
  /** Fetch a new token this long before the current one expires; default 5 minutes. */
  refreshBeforeExpiryMs?: number;
}

export interface ClientTokenProvider {
  /** A valid client token: cached, refreshed ahead of expiry, one fetch at a time. */
  get(): Promise<string>;
  /** Drops the cached token (here and in the store), e.g. after the API called it invalid. */
  invalidate(): Promise<void>;
}

interface ClientTokenRecord {
  token: string;
  /** Absolute expiry, milliseconds since the epoch. */
  expiresAt: number;
}

/**
 * @example
 * const tokens = createClientTokenProvider(douyin, { store: new RedisTokenStore(redis) });
 * const token = await tokens.get();
 */
export function createClientTokenProvider(
  douyin: DouyinOAuth,
  options: ClientTokenProviderOptions = {},
): ClientTokenProvider {
  const source = options.source ?? "client_token";
  if (source !== "client_token" && source !== "stable_client_token") {
    throw new TypeError(`"source" must be "client_token" or "stable_client_token"`);
  }
  const refreshBefore = options.refreshBeforeExpiryMs ?? 5 * 60_000;
  requirePositiveMs(refreshBefore, "refreshBeforeExpiryMs");
  const now = options.now ?? Date.now;
  const shared = createCoordinator({
    ...options,
    now,
    store: options.store ?? new MemoryTokenStore(now),
  });
  const key = `douyin-oauth:${douyin.clientKey}:${source}`;
  const fresh = (record: ClientTokenRecord) => now() < record.expiresAt - refreshBefore;
  const valid = (record: ClientTokenRecord | undefined): record is ClientTokenRecord =>
    record !== undefined && now() < record.expiresAt;

  let local: ClientTokenRecord | undefined;
  let inflight: Promise<string> | undefined;

  async function fetchRecord() {
    const started = now();
    const data =
      source === "stable_client_token"
        ? await douyin.stableClientToken()
        : await douyin.clientToken();
    const record: ClientTokenRecord = {
      token: data.access_token,
      expiresAt: started + data.expires_in * 1000,
    };
    return { record, ttlMs: record.expiresAt - now() };
  }

  async function refresh(): Promise<string> {
    try {
      local = await shared.refresh(key, fresh, fetchRecord);
    } catch (error) {
      // Still valid, only due for refresh: serve it, and say the refresh failed.
      if (valid(local)) {
        shared.report(error);
        return local.token;
      }
      throw error;
    }
    if (!valid(local))
      throw new Error("client token provider: the token fetched has already expired");
    return local.token;
  }

  return {
    get() {
      if (local !== undefined && fresh(local)) return Promise.resolve(local.token);
      inflight ??= refresh().finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
    async invalidate() {
      local = undefined;
      await shared.remove(key);
    },
  };
}
