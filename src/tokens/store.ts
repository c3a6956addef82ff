// Where cached tokens live: this process's memory by default, or a shared store (Redis) so a
// fleet of servers uses one client token and one set of user tokens.

/** Releases a lock taken with {@link TokenStore.lock}; only the holder's own lock is released. */
export type ReleaseLock = () => Promise<void>;

/**
 * A place to keep token records. Values are opaque strings (JSON records with absolute expiry
 * times); keys are namespaced by the caller. Implement `lock` for a store shared between
 * processes, so only one of them fetches at a time.
 */
export interface TokenStore {
  /** The value under `key`, or undefined when there is none (or it expired). */
  get(key: string): Promise<string | undefined>;
  /** Keeps `value` under `key` for `ttlMs` milliseconds. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Takes the lock `key` for at most `ttlMs` (so a crashed holder frees it), resolving to its
   * release, or to undefined when another holder has it. Stores shared by one process only may
   * leave it out.
   */
  lock?(key: string, ttlMs: number): Promise<ReleaseLock | undefined>;
}

/** The default store: a Map in this process, entries dropped when they expire. */
export class MemoryTokenStore implements TokenStore {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(key: string): Promise<string | undefined> {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) {
      this.entries.delete(key);
      return;
    }
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }
}
