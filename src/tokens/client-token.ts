// The app's client token, cached: one fetch at a time in this process, one per expiry window in
// a fleet sharing a store, refreshed ahead of expiry, never handed out past it.
import type { DouyinOAuthCalls } from "../client-calls.js";
import { DouyinStoreError, DouyinTransportError } from "../errors.js";
import { requirePositiveMs } from "../validate.js";
import { createCoordinator, type CoordinationOptions, type Stored } from "./coordinate.js";

/** What {@link createClientTokenProvider} takes: the store, the token source, and what to do when the store is down. */
export interface ClientTokenProviderOptions extends CoordinationOptions {
  /**
   * `"stable_client_token"` (default): the platform hands every caller the same token while it
   * is valid, and a fetch invalidates nothing (as the platform documents it). Every token `get()`
   * hands out is valid until the expiry its answer gave, whatever the store does: unshared,
   * down, or losing a lock or a write in a Redis failover, with or without `waitForReplicas`. A
   * shared store only saves fetches.
   *
   * `"client_token"` (the seed's): each fetch invalidates all but the latest two tokens, so a
   * fleet must fetch once per expiry window: share one store. On one Redis every token served is
   * among the latest two. Through a failover of a replicated Redis without `waitForReplicas`, a
   * lost lock and a lost write let the fleet fetch a third time in one window, and processes
   * still holding the first token serve one the platform no longer accepts. With
   * `RedisTokenStore`'s `waitForReplicas: { replicas: 1 }`, only a write its fetcher saw fail
   * can be lost: at most one extra fetch per failover, which knocks out the token before the lost
   * one while it is in its refresh window, and a process still serving it (the store unreachable,
   * or the lock held by that fetch) serves it until it reads the new one. Pick it only with
   * `waitForReplicas` on a replicated Redis.
   */
  source?: "client_token" | "stable_client_token";
  /** Fetch a new token this long before the current one expires; default 5 minutes. */
  refreshBeforeExpiryMs?: number;
  /**
   * When a fetch hands back a token already inside its refresh window (stable_client_token
   * returns the same token with the time it has left), ask again at most this often; default
   * 60 000 ms.
   */
  recheckIntervalMs?: number;
  /**
   * What a process with no valid token does while the store is unreachable.
   * `"stable_client_token"` (default): fetch the stable token, which the platform hands every
   * caller alike, so processes fetching alone do not knock out each other's client tokens (a
   * `client_token` fetch leaves only the latest two valid); with `source` stable_client_token
   * this is the same fetch as ever, made without the store. `"client_token"`: fetch one alone
   * anyway. `"fail"`: throw the DouyinStoreError. A process that holds a valid token serves it
   * in every case.
   */
  whenStoreDown?: "stable_client_token" | "client_token" | "fail";
  /**
   * How long a process with no valid token keeps trying an unreachable store before it turns to
   * `whenStoreDown`; default 3 000 ms. A Redis failover (a replica promoted) is over in seconds:
   * waiting it out lets the fleet fetch once, where each process fetching alone would make N
   * fetches. Set it above your failover time; 0 turns to `whenStoreDown` at once.
   */
  storeRetryMs?: number;
}

/** The app's client token, cached and shared through a store: what {@link createClientTokenProvider} returns. */
export interface ClientTokenProvider {
  /** A valid client token: cached, refreshed ahead of expiry, one fetch at a time. */
  get(): Promise<string>;
  /**
   * Drops `token`, e.g. after an API call made with it said it is invalid: here, and in the store
   * if the store still holds it. Pass the token the call used: by then this process or another
   * may hold a newer one, which is left alone. Without `token`: the last token this process
   * handed out, if it still holds it; nothing once that is dropped (a second call is a no-op).
   */
  invalidate(token?: string): Promise<void>;
  /**
   * Stops the provider: wakes a call waiting for the store or for another process's lock, lets
   * a fetch under way finish (and store its token), and resolves once nothing of it runs, no
   * timer included. After it, `get()` rejects with "the client-token provider is closed".
   * `unsaved` is always 0: a fetched token the store did not keep is no loss, since the platform
   * hands out another (with `stable_client_token`, the same one) to whoever asks next.
   */
  close(): Promise<{ unsaved: number }>;
}

interface ClientTokenRecord {
  token: string;
  /** Absolute expiry, milliseconds since the epoch. */
  expiresAt: number;
  /** Set when the token was already due for refresh when fetched: not asked again before. */
  checkAfter?: number;
}

/** A stored client-token record, or undefined when the value is none (DouyinStoreError `unreadable`). */
function parseRecord(value: unknown): ClientTokenRecord | undefined {
  const v = value as Partial<ClientTokenRecord> | null;
  if (typeof v !== "object" || v === null) return undefined;
  if (typeof v.token !== "string" || v.token === "" || !Number.isFinite(v.expiresAt))
    return undefined;
  if (v.checkAfter !== undefined && !Number.isFinite(v.checkAfter)) return undefined;
  return v as ClientTokenRecord;
}

/**
 * @example
 * const tokens = createClientTokenProvider(douyin, { store: new RedisTokenStore(redis) });
 * const token = await tokens.get();
 */
export function createClientTokenProvider(
  douyin: DouyinOAuthCalls,
  options: ClientTokenProviderOptions = {},
): ClientTokenProvider {
  const source = options.source ?? "stable_client_token";
  if (source !== "client_token" && source !== "stable_client_token") {
    throw new TypeError(`"source" must be "client_token" or "stable_client_token"`);
  }
  const refreshBefore = options.refreshBeforeExpiryMs ?? 5 * 60_000;
  const recheck = options.recheckIntervalMs ?? 60_000;
  requirePositiveMs(refreshBefore, "refreshBeforeExpiryMs");
  requirePositiveMs(recheck, "recheckIntervalMs");
  const storeRetryMs = options.storeRetryMs ?? 3_000;
  // Number.isFinite does not coerce: a string or a bigint is refused too.
  if (!Number.isFinite(storeRetryMs) || storeRetryMs < 0) {
    throw new TypeError(`"storeRetryMs" must be a number of milliseconds, 0 or more`);
  }
  const whenStoreDown = options.whenStoreDown ?? "stable_client_token";
  if (!["stable_client_token", "client_token", "fail"].includes(whenStoreDown)) {
    throw new TypeError(`"whenStoreDown" must be "stable_client_token", "client_token" or "fail"`);
  }
  const shared = createCoordinator(options);
  const { now } = shared;
  const key = `douyin-oauth:${douyin.clientKey}:${source}`;
  const lockKey = `douyin-oauth:${douyin.clientKey}:lock:${source}`;
  const valid = (record: ClientTokenRecord | undefined): record is ClientTokenRecord =>
    record !== undefined && now() < record.expiresAt;
  const fresh = (record: ClientTokenRecord | undefined): boolean =>
    valid(record) &&
    (now() < record.expiresAt - refreshBefore ||
      (record.checkAfter !== undefined && now() < record.checkAfter));

  let local: ClientTokenRecord | undefined;
  let inflight: Promise<string> | undefined;
  /** The token get() last handed out: what invalidate() without a token drops. */
  let handedOut: string | undefined;
  let closed = false;
  /** Ends the waits between store retries at once, for close(). */
  const wakers = new Set<() => void>();
  const closedError = () => new Error("the client-token provider is closed");
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      wakers.add(wake);
    });

  async function fetchRecord(from = source): Promise<ClientTokenRecord> {
    const operation = from === "stable_client_token" ? "stableClientToken" : "clientToken";
    // A stable token asked for in its last moments comes back with no time left; the platform
    // hands out its successor once it expires, so ask again, at most twice.
    for (let round = 0; ; round++) {
      const started = now();
      const data = await douyin[operation]();
      const record: ClientTokenRecord = {
        token: data.access_token,
        expiresAt: started + data.expires_in * 1000,
      };
      if (valid(record)) {
        if (!fresh(record)) record.checkAfter = now() + recheck;
        return record;
      }
      if (operation === "clientToken" || round === 2) {
        throw new DouyinTransportError(operation, "invalid-answer", {
          detail: "the token has already expired",
        });
      }
    }
  }

  /** Under the lock: the stored token if another process just fetched it, else a new one. */
  async function fetchAndKeep(): Promise<ClientTokenRecord> {
    if (closed) throw closedError();
    const latest = await shared.read(key, parseRecord);
    if (latest !== undefined && fresh(latest.value)) return latest.value;
    const record = await fetchRecord();
    const raw = JSON.stringify(record);
    try {
      // Compare before write: a holder whose lock ran out does not overwrite a newer token. The
      // record it read may also have expired meanwhile: then the write goes over nothing.
      let expected = latest?.raw;
      for (let round = 0; round < 3; round++) {
        const ttl = record.expiresAt - now();
        if (await shared.swap(key, expected, raw, ttl, [record.token])) break;
        const theirs = await shared.read(key, parseRecord);
        if (theirs !== undefined && valid(theirs.value)) return theirs.value;
        expected = theirs?.raw;
      }
    } catch (error) {
      shared.report(error); // fetched and valid: serve it from this process
    }
    return record;
  }

  async function storedFresh(): Promise<ClientTokenRecord | undefined> {
    // Polled while another process holds the lock: close() ends the wait here.
    if (closed) throw closedError();
    const stored = await shared.read(key, parseRecord);
    return stored !== undefined && fresh(stored.value) ? stored.value : undefined;
  }

  /**
   * Without the store's help (it failed, or its lock stayed taken): what this process holds
   * while it lives; else, for an unreachable store before `retryUntil`, undefined (try the store
   * again); else as whenStoreDown says: it cannot coordinate with the others now.
   */
  async function alone(storeError: unknown, retryUntil: number): Promise<string | undefined> {
    shared.report(storeError);
    if (valid(local)) return local.token;
    const unreachable = storeError instanceof DouyinStoreError && storeError.reason !== "lock_wait";
    if (unreachable && Date.now() < retryUntil) return undefined;
    if (whenStoreDown === "fail") throw storeError;
    local = await fetchRecord(whenStoreDown);
    return local.token;
  }

  /** One pass through the store: its token, or the lock and a fetch; undefined to try again. */
  async function attempt(retryUntil: number): Promise<string | undefined> {
    let stored: Stored<ClientTokenRecord> | undefined;
    try {
      stored = await shared.read(key, parseRecord);
    } catch (error) {
      return alone(error, retryUntil);
    }
    if (stored !== undefined && fresh(stored.value)) return (local = stored.value).token;
    // Due for refresh but still valid: served at once if another process holds the lock.
    const servable = [stored?.value, local].find(valid);
    try {
      local = await shared.underLock(lockKey, fetchAndKeep, {
        serve: servable,
        settled: storedFresh,
      });
    } catch (error) {
      // Checked again: the failed fetch or wait may have outlasted it.
      if (valid(servable)) {
        shared.report(error);
        return servable.token;
      }
      if (error instanceof DouyinStoreError) return alone(error, retryUntil);
      throw error;
    }
    return local.token;
  }

  /** Real time, as the lock's: the store comes back (a failover ends) in the store's time. */
  async function refresh(): Promise<string> {
    const retryUntil = Date.now() + storeRetryMs;
    for (let round = 0; ; round++) {
      const token = await attempt(retryUntil);
      if (token !== undefined) return token;
      const left = retryUntil - Date.now();
      await pause(Math.min(left, 25 * 2 ** Math.min(round, 3)));
      if (closed) throw closedError();
    }
  }

  return {
    get() {
      if (closed) return Promise.reject(closedError());
      if (local !== undefined && fresh(local)) return Promise.resolve((handedOut = local.token));
      inflight ??= refresh()
        .then((token) => (handedOut = token))
        .finally(() => {
          inflight = undefined;
        });
      return inflight;
    },
    async invalidate(token) {
      if (token !== undefined && (typeof token !== "string" || token === "")) {
        throw new TypeError(`"token" must be the client token to drop, or left out`);
      }
      // Only the token named (or last handed out): this process or another may already hold a
      // newer one, and dropping that would cost a fetch that knocks out a token still served.
      const target = token ?? handedOut;
      if (target === undefined) return;
      if (handedOut === target) handedOut = undefined;
      if (local?.token === target) local = undefined;
      const stored = await shared.read(key, parseRecord, [target]);
      if (stored !== undefined && stored.value.token === target) {
        await shared.swap(key, stored.raw, undefined, 1, [target]);
      }
    },
    async close() {
      closed = true;
      for (const wake of [...wakers]) wake();
      await inflight?.catch(() => undefined);
      return { unsaved: 0 };
    },
  };
}
