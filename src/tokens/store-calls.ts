// Every call the token managers make to a TokenStore, bounded in time and turned into a
// DouyinStoreError whose cause has the caller's secrets removed. Nothing here decides anything:
// it reads text, compares and sets text, and lists keys a page at a time.
import { DouyinStoreError } from "../errors.js";
import { safeCause } from "../redact.js";
import type { TokenStore } from "./store.js";

/** A value as read from the store, with the exact text stored, for compare-and-set. */
export interface Stored<T> {
  value: T;
  raw: string;
}

/** One page of a listing: keys, and the cursor of the next page (undefined: the last page). */
export interface KeyPage {
  keys: string[];
  cursor: string | undefined;
}

/** Any JSON object: the default shape check of a read. */
const anyObject = (value: unknown) =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;

/** A lifetime as stores take it: whole milliseconds, at least 1. */
const ttl = (ms: number) => Math.max(1, Math.floor(ms));

export type StoreCalls = ReturnType<typeof storeCalls>;

export function storeCalls(store: TokenStore, timeoutMs: number) {
  /**
   * One store call, bounded by `limit`. A rejection, a synchronous throw and a timeout all
   * become a DouyinStoreError whose cause has `secrets` removed; `onLate` hears the value of a
   * call that answered after its time ran out.
   */
  function bounded<T>(
    operation: string,
    call: () => Promise<T>,
    secrets: readonly string[] = [],
    onLate?: (value: T) => void,
    limit = timeoutMs,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        reject(new DouyinStoreError("timeout", operation));
      }, limit);
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
   * The value under `key`, parsed by `parse`; undefined when there is none. A value that is no
   * text, no JSON, or that `parse` refuses is DouyinStoreError `unreadable`: never "nothing
   * stored", which would send a signed-in user to log in.
   */
  async function read<T>(
    key: string,
    parse: (value: unknown) => T | undefined = anyObject as (value: unknown) => T | undefined,
    secrets: readonly string[] = [],
  ): Promise<Stored<T> | undefined> {
    const raw: unknown = await bounded("get", () => store.get(key), secrets);
    if (raw === undefined || raw === null) return undefined;
    let value: T | undefined;
    try {
      value = typeof raw === "string" ? parse(JSON.parse(raw)) : undefined;
    } catch {
      value = undefined;
    }
    if (value === undefined) throw new DouyinStoreError("unreadable", "get");
    return { value, raw: raw as string };
  }

  /**
   * Writes `next` (deletes, when undefined) only if the stored text is still `expected`
   * (undefined: nothing stored); false when another writer came first. `secrets` are the
   * tokens of both sides: a store's error may quote either. A store without compareAndSet is
   * compared with a get first (not atomic: one process only).
   */
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
    const current = await bounded("get", () => store.get(key), secrets);
    if ((typeof current === "string" ? current : undefined) !== expected) return false;
    if (next === undefined) await bounded("delete", () => store.delete(key));
    else await bounded("set", () => store.set(key, next, ttl(ttlMs)), secrets);
    return true;
  }

  /** Keeps `value` under `key` for `ttlMs`, whatever was there (values that hold no secret). */
  async function put(key: string, value: string, ttlMs: number): Promise<void> {
    await bounded("set", () => store.set(key, value, ttl(ttlMs)));
  }

  /**
   * One page of the keys under `prefix`, from `cursor` (undefined: the first page). A store
   * whose `list` answers with every key at once is one page; a page may take up to 30 times
   * the store timeout.
   */
  async function listPage(prefix: string, cursor: string | undefined): Promise<KeyPage> {
    const page = await bounded(
      "list",
      () => store.list!(prefix, cursor),
      [],
      undefined,
      timeoutMs * 30,
    );
    if (Array.isArray(page)) return { keys: page.map(String), cursor: undefined };
    const keys = (page as { keys?: unknown })?.keys;
    const next = (page as { cursor?: unknown }).cursor;
    if (!Array.isArray(keys) || (next !== undefined && typeof next !== "string")) {
      throw new DouyinStoreError("unreadable", "list");
    }
    return { keys: keys.map(String), cursor: next === "" ? undefined : next };
  }

  return { store, bounded, read, swap, put, listPage };
}
