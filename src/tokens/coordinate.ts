// The one refresh protocol both token managers use: read the shared record; if it is not fresh,
// take the store's lock, read again, produce a new record, write it, release. A process that
// finds the lock held waits for the holder's record instead of fetching; if the holder dies,
// its lock expires and a waiter takes over. A failing store is reported and bypassed: the
// record is then produced in this process alone.
import { requirePositiveMs } from "../validate.js";
import type { TokenStore } from "./store.js";

export interface CoordinationOptions {
  /** Shared or in-memory store; default a MemoryTokenStore. */
  store?: TokenStore;
  /** How long a lock may be held before it frees itself; default 15 000 ms. */
  lockTtlMs?: number;
  /** Each store call is abandoned (and reported) after this long; default 1 000 ms. */
  storeTimeoutMs?: number;
  /** Hears store faults, and refresh failures while a still-valid token is being served. */
  onError?: (error: unknown) => void;
  /** The clock, in milliseconds since the epoch; default `Date.now`. */
  now?: () => number;
}

export interface Coordinator {
  now: () => number;
  store: TokenStore;
  report(error: unknown): void;
  /** Reads a record, undefined when absent, unreadable or the store failed (reported). */
  read<T>(key: string): Promise<T | undefined>;
  write(key: string, record: unknown, ttlMs: number): Promise<void>;
  remove(key: string): Promise<void>;
  /**
   * Returns a fresh record for `key`: the stored one if fresh, or one made by `produce` (given
   * the latest stored record) under the store's lock.
   */
  refresh<T>(
    key: string,
    fresh: (record: T) => boolean,
    produce: (current: T | undefined) => Promise<{ record: T; ttlMs: number }>,
  ): Promise<T>;
}

const POLL_MS = 25;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class StoreTimeoutError extends Error {
  override name = "StoreTimeoutError";
}

export function createCoordinator(options: CoordinationOptions): Coordinator {
  const { store, onError } = options;
  const now = options.now ?? Date.now;
  const lockTtlMs = options.lockTtlMs ?? 15_000;
  const storeTimeoutMs = options.storeTimeoutMs ?? 1_000;
  requirePositiveMs(lockTtlMs, "lockTtlMs");
  requirePositiveMs(storeTimeoutMs, "storeTimeoutMs");
  if (store === undefined) throw new TypeError(`"store" is required`);
  const report = (error: unknown) => {
    try {
      onError?.(error);
    } catch {
      // A failing onError must not fail the call.
    }
  };

  /** A store call bounded in time; rejects with StoreTimeoutError when the store hangs. */
  function bounded<T>(call: () => Promise<T>, what: string): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreTimeoutError(`token store: ${what} took over ${storeTimeoutMs} ms`)),
        storeTimeoutMs,
      );
    });
    return Promise.race([call(), timeout]).finally(() => clearTimeout(timer));
  }

  async function read<T>(key: string): Promise<T | undefined> {
    try {
      const raw = await bounded(() => store!.get(key), "get");
      return raw === undefined || raw === null ? undefined : (JSON.parse(raw) as T);
    } catch (error) {
      report(error);
      return undefined;
    }
  }

  async function write(key: string, record: unknown, ttlMs: number): Promise<void> {
    try {
      await bounded(
        () => store!.set(key, JSON.stringify(record), Math.max(1, Math.floor(ttlMs))),
        "set",
      );
    } catch (error) {
      report(error);
    }
  }

  async function remove(key: string): Promise<void> {
    try {
      await bounded(() => store!.delete(key), "delete");
    } catch (error) {
      report(error);
    }
  }

  /** "taken" with its release, "busy" when another holds it, "none" when the store has no lock or failed. */
  async function tryLock(
    key: string,
  ): Promise<{ state: "taken"; release: () => Promise<void> } | { state: "busy" | "none" }> {
    if (typeof store!.lock !== "function") return { state: "none" };
    try {
      const release = await bounded(() => store!.lock!(key, lockTtlMs), "lock");
      return release ? { state: "taken", release } : { state: "busy" };
    } catch (error) {
      report(error);
      return { state: "none" };
    }
  }

  async function refresh<T>(
    key: string,
    fresh: (record: T) => boolean,
    produce: (current: T | undefined) => Promise<{ record: T; ttlMs: number }>,
  ): Promise<T> {
    const shared = await read<T>(key);
    if (shared !== undefined && fresh(shared)) return shared;
    const makeAndKeep = async (current: T | undefined) => {
      const { record, ttlMs } = await produce(current);
      await write(key, record, ttlMs);
      return record;
    };
    // Another process may be fetching: wait for its record, then take the lock once it is
    // free (or expired, if its holder died), all within one lock lifetime plus a margin. Real
    // time, not the injected clock: the lock expires in the store's time.
    const deadline = Date.now() + lockTtlMs + storeTimeoutMs;
    for (;;) {
      const lock = await tryLock(`${key}:lock`);
      if (lock.state === "none") return makeAndKeep(await read<T>(key));
      if (lock.state === "taken") {
        try {
          const latest = await read<T>(key);
          if (latest !== undefined && fresh(latest)) return latest;
          return await makeAndKeep(latest);
        } finally {
          await lock.release().catch(report);
        }
      }
      await sleep(POLL_MS);
      const theirs = await read<T>(key);
      if (theirs !== undefined && fresh(theirs)) return theirs;
      if (Date.now() > deadline) return makeAndKeep(theirs);
    }
  }

  return { now, store, report, read, write, remove, refresh };
}
