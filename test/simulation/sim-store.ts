// The simulation's shared store: a TokenStore in memory, with the faults a real one shows, each
// decided by the seed. Every server process reaches it through its own view, which a crash
// closes (the process's calls then never reach the store again). The simulation hears every
// call (to inject faults at that await point) and every value applied (to know what the store
// held, and when).
import type { StoreLock, TokenStore } from "../../src/tokens/store.js";

export type StoreMethod =
  "get" | "set" | "delete" | "compareAndSet" | "lock" | "list" | "extend" | "release";

/** What a store call does instead of answering at once. */
export type StoreFault =
  | { kind: "reject"; message?: string }
  | { kind: "throw" }
  | { kind: "hang" }
  | { kind: "slow"; ms: number };

/** The writes a read-only store (a replica, a full memory) refuses. */
const WRITES: ReadonlySet<StoreMethod> = new Set([
  "set",
  "delete",
  "compareAndSet",
  "lock",
  "extend",
  "release",
]);

/** A process as the store sees it: once `dead`, its calls fail and nothing of them lands. */
export interface Incarnation {
  dead: boolean;
}

export interface SimStoreHooks {
  /** Before every call reaches the store: the simulation's chance to inject a fault here. */
  onCall(method: StoreMethod, key: string, process: Incarnation): void;
  /** A value applied to the store (undefined: deleted), in the order they land. */
  onApply(key: string, value: string | undefined): void;
  /** A call on `key` that will not give its caller the store's answer in time. */
  onFailed(method: StoreMethod, key: string, why: string): void;
}

export class SimStore {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  /** Live lock keys, and holders whose extensions the store refuses. */
  private readonly lockKeys = new Set<string>();
  private readonly refused = new Set<string>();
  private holders = 0;
  /** Faults by method; "*" for every method. */
  readonly faults = new Map<StoreMethod | "*", StoreFault>();
  /** Reads work; every write is refused. */
  readOnly = false;
  /** Chance that a call answers after its caller's timeout (a write still lands then). */
  lateChance = 0;
  /** Chance that a get answers with a Buffer or truncated text. */
  unreadableChance = 0;
  readonly counts = { late: 0, unreadable: 0, readOnlyRefusals: 0 };

  constructor(
    private readonly now: () => number,
    private readonly random: () => number,
    private readonly hooks: SimStoreHooks,
    /** The callers' timeout: a late answer comes after it. */
    private readonly timeoutMs: number,
  ) {}

  /** The value under `key` now, as the store holds it (no fault, no call). */
  peek(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      this.lockKeys.delete(key);
      return undefined;
    }
    return entry.value;
  }

  private write(key: string, value: string | undefined, ttlMs: number): void {
    if (value === undefined || ttlMs <= 0) {
      this.entries.delete(key);
      this.lockKeys.delete(key);
    } else this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
    if (!key.includes(":lock:")) this.hooks.onApply(key, value);
  }

  /**
   * A lock held by someone: its key expires under its holder (`expire`), or the store refuses
   * its extensions from now on. Undefined when no lock is held.
   */
  loseLock(how: "expire" | "refuse", pick: (n: number) => number, prefix = ""): string | undefined {
    const live = [...this.lockKeys].filter(
      (key) => key.startsWith(prefix) && this.peek(key) !== undefined,
    );
    if (live.length === 0) return undefined;
    const key = live[pick(live.length)]!;
    if (how === "expire") {
      this.entries.delete(key);
      this.lockKeys.delete(key);
    } else this.refused.add(this.entries.get(key)!.value);
    return key;
  }

  /** One call: the fault in force, or the store's answer. */
  private call<T>(
    process: Incarnation,
    method: StoreMethod,
    key: string,
    apply: () => T,
  ): Promise<T> {
    if (process.dead) return Promise.reject(new Error("the process is gone"));
    this.hooks.onCall(method, key, process);
    if (process.dead) return Promise.reject(new Error("the process is gone"));
    const fault = this.faults.get(method) ?? this.faults.get("*");
    const failedGet = (why: string) => this.hooks.onFailed(method, key, why);
    if (this.readOnly && WRITES.has(method)) {
      this.counts.readOnlyRefusals += 1;
      failedGet("read-only");
      return Promise.reject(new Error("READONLY You can't write against a read only replica."));
    }
    switch (fault?.kind) {
      case "reject":
        failedGet("reject");
        return Promise.reject(new Error(fault.message ?? `store ${method} refused`));
      case "throw":
        failedGet("throw");
        throw new Error(`store ${method} threw`);
      case "hang":
        failedGet("hang");
        return new Promise<T>(() => undefined);
      case "slow":
        if (fault.ms >= this.timeoutMs) failedGet("slow");
        return new Promise<T>((resolve) => setTimeout(() => resolve(apply()), fault.ms));
    }
    if (this.lateChance > 0 && this.random() < this.lateChance) {
      // Timed out for its caller; applied when it arrives.
      this.counts.late += 1;
      failedGet("late");
      const ms = this.timeoutMs + 100 + Math.floor(this.random() * 5_000);
      return new Promise<T>((resolve) => setTimeout(() => resolve(apply()), ms));
    }
    return Promise.resolve().then(apply);
  }

  /** The store as one process reaches it. */
  view(process: Incarnation): Required<Omit<TokenStore, "list">> & Pick<TokenStore, "list"> {
    return {
      get: (key) =>
        this.call(process, "get", key, () => {
          const value = this.peek(key);
          if (this.unreadableChance > 0 && this.random() < this.unreadableChance) {
            this.counts.unreadable += 1;
            this.hooks.onFailed("get", key, "unreadable");
            if (value === undefined || this.random() < 0.5) {
              return Buffer.from(value ?? "{}") as unknown as string;
            }
            return value.slice(0, Math.floor(value.length / 2));
          }
          return value;
        }),
      set: (key, value, ttlMs) =>
        this.call(process, "set", key, () => this.write(key, value, ttlMs)),
      delete: (key) => this.call(process, "delete", key, () => this.write(key, undefined, 0)),
      compareAndSet: (key, expected, next, ttlMs) =>
        this.call(process, "compareAndSet", key, () => {
          if (this.peek(key) !== expected) return false;
          this.write(key, next, ttlMs);
          return true;
        }),
      list: (prefix, cursor) =>
        this.call(process, "list", prefix, () => {
          const after = cursor ?? "";
          const all = [...this.entries.keys()]
            .filter((key) => key.startsWith(prefix) && key > after && this.peek(key))
            .sort();
          const keys = all.slice(0, 1_000);
          return all.length > 1_000 ? { keys, cursor: keys.at(-1)! } : { keys };
        }),
      lock: (key, ttlMs) =>
        this.call(process, "lock", key, (): StoreLock | undefined => {
          if (this.peek(key) !== undefined) return undefined;
          const holder = `holder-${++this.holders}`;
          this.lockKeys.add(key);
          this.entries.set(key, { value: holder, expiresAt: this.now() + ttlMs });
          return {
            release: () =>
              this.call(process, "release", key, () => {
                if (this.peek(key) === holder) this.write(key, undefined, 0);
                this.refused.delete(holder);
              }),
            extend: (ms) =>
              this.call(process, "extend", key, () => {
                if (this.refused.has(holder) || this.peek(key) !== holder) return false;
                this.entries.set(key, { value: holder, expiresAt: this.now() + ms });
                return true;
              }),
          };
        }),
    };
  }
}
