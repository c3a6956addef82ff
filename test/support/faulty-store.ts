// A real MemoryTokenStore behind a switchboard of faults: each store method can reject, throw
// synchronously, hang, or answer late. For the token tests and the seeded simulation.
import { MemoryTokenStore, type StoreLock, type TokenStore } from "../../src/tokens/store.js";

/** What a store call does instead of answering; `skip` lets that many calls through first. */
export type StoreFault = { skip?: number } & (
  | { kind: "reject"; message?: string }
  | { kind: "throw"; message?: string }
  | { kind: "hang" }
  | { kind: "slow"; ms: number }
);

export type StoreMethod =
  "get" | "set" | "delete" | "compareAndSet" | "lock" | "list" | "extend" | "release";

export class FaultyStore implements TokenStore {
  readonly inner: MemoryTokenStore;
  /** Faults by method; "*" for every method. */
  faults = new Map<StoreMethod | "*", StoreFault>();
  calls: Record<StoreMethod, number> = {
    get: 0,
    set: 0,
    delete: 0,
    compareAndSet: 0,
    lock: 0,
    list: 0,
    extend: 0,
    release: 0,
  };
  /** Promises of hanging calls, so a test can see nothing is left waiting on them. */
  hanging = 0;

  constructor(now: () => number = Date.now) {
    this.inner = new MemoryTokenStore(now);
  }

  private run<T>(method: StoreMethod, call: () => Promise<T>): Promise<T> {
    this.calls[method] += 1;
    let fault = this.faults.get(method) ?? this.faults.get("*");
    if (fault?.skip) {
      fault.skip -= 1;
      fault = undefined;
    }
    switch (fault?.kind) {
      case undefined:
        return call();
      case "reject":
        return Promise.reject(new Error(fault.message ?? `store ${method} refused`));
      case "throw":
        throw new Error(fault.message ?? `store ${method} threw`);
      case "hang":
        this.hanging += 1;
        return new Promise<T>(() => undefined);
      case "slow":
        return new Promise<T>((resolve, reject) =>
          setTimeout(() => call().then(resolve, reject), fault.ms),
        );
    }
  }

  get(key: string) {
    return this.run("get", () => this.inner.get(key));
  }
  set(key: string, value: string, ttlMs: number) {
    return this.run("set", () => this.inner.set(key, value, ttlMs));
  }
  delete(key: string) {
    return this.run("delete", () => this.inner.delete(key));
  }
  compareAndSet(
    key: string,
    expected: string | undefined,
    next: string | undefined,
    ttlMs: number,
  ) {
    return this.run("compareAndSet", () => this.inner.compareAndSet(key, expected, next, ttlMs));
  }
  list(prefix: string, cursor?: string) {
    return this.run("list", () => this.inner.list(prefix, cursor));
  }
  lock(key: string, ttlMs: number): Promise<StoreLock | undefined> {
    return this.run("lock", async () => {
      const lock = await this.inner.lock(key, ttlMs);
      if (lock === undefined) return undefined;
      return {
        release: () => this.run("release", () => lock.release()),
        extend: (ms: number) => this.run("extend", () => lock.extend(ms)),
      };
    });
  }
}
