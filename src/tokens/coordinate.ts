// What both token managers share, from their options: the store's calls, bounded in time
// (store-calls.ts), and its lock (lock.ts), with one clock and one place that hears faults.
import { requirePositiveMs } from "../validate.js";
import { storeLocks } from "./lock.js";
import { storeCalls } from "./store-calls.js";
import { MemoryTokenStore, type TokenStore } from "./store.js";

/** What both token managers take: the store, the lock's lifetime and wait, the store-call bound, a clock, where errors go. */
export interface CoordinationOptions {
  /** Shared or in-memory store; default a MemoryTokenStore of this process. */
  store?: TokenStore;
  /** The lock's lifetime; its holder extends it every third of it while it works. Default 15 000 ms. */
  lockTtlMs?: number;
  /**
   * How long a call that has no usable token waits for another process holding the lock, then
   * fails with DouyinStoreError `lock_wait`; default 45 000 ms (a holder's worst case with the
   * client's defaults is about 41 s). A call that has a still-valid token never waits.
   */
  lockWaitMs?: number;
  /** Each store call fails with DouyinStoreError `timeout` after this long; default 1 000 ms. */
  storeTimeoutMs?: number;
  /** Hears store faults, and refresh failures while a still-valid token is being served. */
  onError?: (error: unknown) => void;
  /** The clock, in milliseconds since the epoch; default `Date.now`. */
  now?: () => number;
}

export type { Stored } from "./store-calls.js";
export type { HeldLock, LockOutcome } from "./lock.js";

export type Coordinator = ReturnType<typeof createCoordinator>;

export function createCoordinator(options: CoordinationOptions) {
  const now = options.now ?? Date.now;
  const store = options.store ?? new MemoryTokenStore(now);
  const lockTtlMs = options.lockTtlMs ?? 15_000;
  const lockWaitMs = options.lockWaitMs ?? 45_000;
  const storeTimeoutMs = options.storeTimeoutMs ?? 1_000;
  requirePositiveMs(lockTtlMs, "lockTtlMs");
  requirePositiveMs(lockWaitMs, "lockWaitMs");
  requirePositiveMs(storeTimeoutMs, "storeTimeoutMs");
  // `store` is never null here: `??` put the default in its place.
  if (typeof store !== "object" || typeof store.get !== "function") {
    throw new TypeError(`"store" must be a TokenStore: get, set and delete`);
  }
  const { onError } = options;
  if (onError !== undefined && typeof onError !== "function") {
    throw new TypeError(`"onError" must be a function`);
  }

  const report = (error: unknown) => {
    try {
      onError?.(error);
    } catch {
      // A failing onError must not fail the call.
    }
  };
  const calls = storeCalls(store, storeTimeoutMs);
  const locks = storeLocks(calls, { lockTtlMs, lockWaitMs, report });
  return { ...calls, ...locks, now, report };
}
