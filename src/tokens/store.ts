// Where cached tokens live: this process's memory by default, or a shared store (Redis) so a
// fleet of servers uses one client token and one set of user tokens.

/** A lock taken with {@link TokenStore.lock}; only its holder can extend or release it. */
export interface StoreLock {
  /** Frees the lock if this holder still has it. */
  release(): Promise<void>;
  /** Pushes the lock's expiry to `ttlMs` from now; false when this holder no longer has it. */
  extend(ttlMs: number): Promise<boolean>;
}

/**
 * A place to keep token records. Values are opaque strings (JSON records with absolute expiry
 * times); keys are namespaced by the caller. A store shared between processes implements
 * `lock` (one of them fetches at a time) and `compareAndSet` (every write is compared with the
 * value it was decided from, so a late or stale write never overwrites a newer one); `list`
 * lets `renewDue()` find every user.
 */
export interface TokenStore {
  /** The value under `key`, or undefined when there is none (or it expired). */
  get(key: string): Promise<string | undefined>;
  /** Keeps `value` under `key` for `ttlMs` milliseconds. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Takes the lock `key` for `ttlMs` (so a crashed holder frees it), resolving to the lock, or
   * to undefined when another holder has it. Stores used by one process only may leave it out.
   */
  lock?(key: string, ttlMs: number): Promise<StoreLock | undefined>;
  /**
   * Atomically: if the value under `key` is `expected` (undefined: no value), replaces it with
   * `next` for `ttlMs` (undefined: deletes it) and resolves to true; otherwise changes nothing
   * and resolves to false. Without it, the managers compare with `get` first (not atomic).
   */
  compareAndSet?(
    key: string,
    expected: string | undefined,
    next: string | undefined,
    ttlMs: number,
  ): Promise<boolean>;
  /**
   * The keys that start with `prefix`, a page at a time: from `cursor` (undefined: the first
   * page) to the cursor of the next page (undefined or "": the last page), as Redis' SCAN
   * pages (never KEYS). A store may also answer with every key at once, as one page. A key
   * may show up on two pages; one written or deleted during the listing may or may not.
   */
  list?(
    prefix: string,
    cursor?: string,
  ): Promise<string[] | { keys: string[]; cursor?: string | undefined }>;
}

/** Keys per page of MemoryTokenStore's listing. */
const LIST_PAGE = 1_000;

/**
 * The default store: a Map in this process, entries dropped when they expire. Several managers
 * in one process may share it (its lock and compare-and-set work between them).
 */
export class MemoryTokenStore implements TokenStore {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  private read(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  private write(key: string, value: string | undefined, ttlMs: number): void {
    if (value === undefined || ttlMs <= 0) this.entries.delete(key);
    else this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  async get(key: string): Promise<string | undefined> {
    return this.read(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.write(key, value, ttlMs);
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async compareAndSet(
    key: string,
    expected: string | undefined,
    next: string | undefined,
    ttlMs: number,
  ): Promise<boolean> {
    if (this.read(key) !== expected) return false;
    this.write(key, next, ttlMs);
    return true;
  }

  async lock(key: string, ttlMs: number): Promise<StoreLock | undefined> {
    if (this.read(key) !== undefined) return undefined;
    const holder = globalThis.crypto.randomUUID();
    this.write(key, holder, ttlMs);
    return {
      release: async () => {
        if (this.read(key) === holder) this.entries.delete(key);
      },
      extend: async (ms) => {
        if (this.read(key) !== holder) return false;
        this.write(key, holder, ms);
        return true;
      },
    };
  }

  /** Pages of up to 1 000 keys in sorted order; the cursor is the last key of the page. */
  async list(
    prefix: string,
    cursor?: string,
  ): Promise<{ keys: string[]; cursor?: string | undefined }> {
    const after = cursor ?? "";
    const all = [...this.entries.keys()]
      .filter((key) => key.startsWith(prefix) && key > after && this.read(key))
      .sort();
    const keys = all.slice(0, LIST_PAGE);
    return all.length > LIST_PAGE ? { keys, cursor: keys.at(-1)! } : { keys };
  }
}
