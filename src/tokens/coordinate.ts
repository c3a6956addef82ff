// What both token managers share: every store call bounded in time and turned into a
// DouyinStoreError, records written only over the one they were made from (compare before
// write), and the store's lock, kept alive while its holder works (a watchdog extends it, as
// Redisson's does) and waited for by the others.
import { DouyinStoreError } from "../errors.js";
import { safeCause } from "../redact.js";
import { requirePositiveMs } from "../validate.js";
import { MemoryTokenStore, type StoreLock, type TokenStore } from "./store.js";

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

/** A record as read from the store, with the exact text stored, for compare-before-write. */
export interface Stored<T> {
  value: T;
  raw: string;
}

/** The lock as its holder sees it: `lost` once an extension failed or found it taken. */
export interface HeldLock {
  readonly lost: boolean;
}

export type LockOutcome<R> = { busy: true } | { busy: false; value: R };

const POLL_MS = 25;
const MAX_POLL_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

  /**
   * One store call, bounded by storeTimeoutMs. A rejection, a synchronous throw and a timeout
   * all become a DouyinStoreError whose cause has `secrets` removed.
   */
  function bounded<T>(
    operation: string,
    call: () => Promise<T>,
    secrets: readonly string[] = [],
    onLate?: (value: T) => void,
    timeoutMs = storeTimeoutMs,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        reject(new DouyinStoreError("timeout", operation));
      }, timeoutMs);
      const fail = (error: unknown) => {
        clearTimeout(timer);
        reject(new DouyinStoreError("failed", operation, safeCause(error, secrets)));
      };
      try {
        Promise.resolve(call()).then((value) => {
          clearTimeout(timer);
          if (timedOut) onLate?.(value);
          else resolve(value);
        }, fail);
      } catch (error) {
        fail(error);
      }
    });
  }

  /**
   * The record under `key`; undefined when absent or unreadable. Throws DouyinStoreError, with
   * `secrets` (tokens the caller knows) removed from its cause.
   */
  async function read<T>(
    key: string,
    secrets: readonly string[] = [],
  ): Promise<Stored<T> | undefined> {
    const raw = await bounded("get", () => store.get(key), secrets);
    if (typeof raw !== "string") return undefined;
    try {
      return { value: JSON.parse(raw) as T, raw };
    } catch {
      return undefined;
    }
  }

  /**
   * Writes `next` (or deletes, when undefined) only if the stored text is still `expected`;
   * false when another writer came first. Throws DouyinStoreError.
   */
  const ttl = (ms: number) => Math.max(1, Math.floor(ms));

  async function swap(
    key: string,
    expected: string | undefined,
    next: string | undefined,
    ttlMs: number,
    secrets: readonly string[] = [],
  ): Promise<boolean> {
    if (typeof store.compareAndSet === "function") {
      return bounded(
        "compareAndSet",
        () => store.compareAndSet!(key, expected, next, ttl(ttlMs)),
        secrets,
      );
    }
    const current = await bounded("get", () => store.get(key));
    if ((typeof current === "string" ? current : undefined) !== expected) return false;
    if (next === undefined) await bounded("delete", () => store.delete(key));
    else await bounded("set", () => store.set(key, next, ttl(ttlMs)), secrets);
    return true;
  }

  const write = (key: string, raw: string, ttlMs: number, secrets: readonly string[] = []) =>
    bounded("set", () => store.set(key, raw, ttl(ttlMs)), secrets);

  const remove = (key: string) => bounded("delete", () => store.delete(key));

  /** Every key under `prefix`; a listing may take up to 30 times storeTimeoutMs. */
  const list = (prefix: string) =>
    bounded("list", () => store.list!(prefix), [], undefined, storeTimeoutMs * 30);

  /**
   * Runs `work` holding the store's lock on `key`, extended every third of its lifetime while
   * `work` runs; `busy` when another process holds it. A store without locks runs `work` as is.
   */
  async function withLock<R>(
    key: string,
    work: (lock: HeldLock) => Promise<R>,
  ): Promise<LockOutcome<R>> {
    if (typeof store.lock !== "function") {
      return { busy: false, value: await work({ lost: false }) };
    }
    // A lock granted after the call timed out is nobody's: free it at once.
    const lock: StoreLock | undefined = await bounded(
      "lock",
      () => store.lock!(key, lockTtlMs),
      [],
      (late) => void late?.release().catch(() => undefined),
    );
    if (lock === undefined || lock === null) return { busy: true };
    const held = { lost: false };
    let extending: Promise<void> | undefined;
    const watchdog = setInterval(
      () => {
        if (held.lost || extending) return;
        extending = bounded("extend", () => lock.extend(lockTtlMs))
          .then(
            (kept) => {
              if (!kept) held.lost = true;
            },
            (error) => {
              held.lost = true;
              report(error);
            },
          )
          .finally(() => (extending = undefined));
      },
      Math.max(1, Math.floor(lockTtlMs / 3)),
    );
    (watchdog as { unref?: () => void }).unref?.();
    try {
      return { busy: false, value: await work(held) };
    } finally {
      clearInterval(watchdog);
      await extending;
      await bounded("release", () => lock.release()).catch(report);
    }
  }

  /**
   * Runs `work` under the store's lock on `key`. While another process holds it: `serve` (a
   * still-valid result) at once if there is one, else wait until `settled()` finds their
   * result or the lock frees; DouyinStoreError `lock_wait` after lockWaitMs. Real time, not the
   * injected clock: the lock expires in the store's time.
   */
  async function underLock<R>(
    key: string,
    work: (lock: HeldLock) => Promise<R>,
    when: { serve: R | undefined; settled: () => Promise<R | undefined> },
  ): Promise<R> {
    const deadline = Date.now() + lockWaitMs;
    for (let round = 0; ; round++) {
      const outcome = await withLock(key, work);
      if (!outcome.busy) return outcome.value;
      if (when.serve !== undefined) return when.serve;
      const left = deadline - Date.now();
      if (left <= 0) throw new DouyinStoreError("lock_wait", "lock");
      await sleep(Math.min(left, POLL_MS * 2 ** Math.min(round, 4), MAX_POLL_MS));
      const theirs = await when.settled();
      if (theirs !== undefined) return theirs;
    }
  }

  return { store, now, report, read, swap, write, remove, list, withLock, underLock };
}
