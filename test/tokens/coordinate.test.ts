// coordinate.ts, the part both token managers share, through createCoordinator on real stores:
// MemoryTokenStore, the FaultyStore switchboard around one, and a plain get/set/delete store
// of the kind a single process may bring. Small lifetimes, never timed assertions.
import { describe, expect, it } from "vitest";
import { DouyinStoreError } from "../../src/errors.js";
import { createCoordinator, type HeldLock } from "../../src/tokens/coordinate.js";
import { MemoryTokenStore, type StoreLock, type TokenStore } from "../../src/tokens/store.js";
import { FaultyStore } from "../support/faulty-store.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("expected a rejection"),
    (error: unknown) => error,
  );

/** get/set/delete only, recording each call; no lock, compareAndSet or list. */
class PlainStore implements TokenStore {
  readonly inner = new MemoryTokenStore();
  readonly calls: string[] = [];
  answer: ((key: string) => unknown) | undefined;
  async get(key: string) {
    this.calls.push(`get ${key}`);
    return this.answer ? (this.answer(key) as string) : this.inner.get(key);
  }
  async set(key: string, value: string, ttlMs: number) {
    this.calls.push(`set ${key} ${value} ${ttlMs}`);
    return this.inner.set(key, value, ttlMs);
  }
  async delete(key: string) {
    this.calls.push(`delete ${key}`);
    return this.inner.delete(key);
  }
}

describe("createCoordinator › options", () => {
  for (const name of ["lockTtlMs", "lockWaitMs", "storeTimeoutMs"]) {
    it(`${name} must be a whole number of milliseconds`, () => {
      for (const value of [0, -1, 1.5, "10"]) {
        expect(() => createCoordinator({ [name]: value })).toThrow(
          new TypeError(`"${name}" must be a whole number of milliseconds from 1 to 2147483647`),
        );
      }
    });
  }
  it("store must have get", () => {
    const callable = Object.assign(() => undefined, { get: async () => undefined });
    for (const store of ["redis", 42, {}, { get: "x" }, callable]) {
      expect(() => createCoordinator({ store: store as never })).toThrow(
        new TypeError(`"store" must be a TokenStore: get, set and delete`),
      );
    }
  });
  it("onError must be a function", () => {
    expect(() => createCoordinator({ onError: "log" as never })).toThrow(
      new TypeError(`"onError" must be a function`),
    );
  });
  it("defaults: a MemoryTokenStore on the given clock, Date.now otherwise", () => {
    const now = () => 5;
    const withClock = createCoordinator({ now });
    expect(withClock.store).toBeInstanceOf(MemoryTokenStore);
    expect(withClock.now).toBe(now);
    expect(createCoordinator({}).now).toBe(Date.now);
    const store = new MemoryTokenStore();
    expect(createCoordinator({ store }).store).toBe(store);
  });
  it("the default lock lives 15 000 ms on the coordinator's clock", async () => {
    const clock = { t: 0 };
    const c = createCoordinator({ now: () => clock.t });
    await c.withLock("L", async () => {
      clock.t = 14_999;
      expect(await c.store.lock!("L", 1)).toBeUndefined();
      clock.t = 15_000;
      expect(await c.store.lock!("L", 1)).toBeDefined();
    });
  });
});

describe("createCoordinator › report", () => {
  it("hands the error to onError; a throwing onError or none at all is harmless", () => {
    const heard: unknown[] = [];
    const error = new Error("x");
    createCoordinator({ onError: (e) => heard.push(e) }).report(error);
    expect(heard).toEqual([error]);
    expect(() =>
      createCoordinator({
        onError: () => {
          throw new Error("logger down");
        },
      }).report(error),
    ).not.toThrow();
    expect(() => createCoordinator({}).report(error)).not.toThrow();
  });
});

describe("createCoordinator › every store call bounded and typed", () => {
  it("read: the parsed record and its exact text; nothing for absent or null", async () => {
    const store = new PlainStore();
    const c = createCoordinator({ store });
    await store.inner.set("k", '{"a": 1}', 1_000);
    expect(await c.read("k")).toEqual({ value: { a: 1 }, raw: '{"a": 1}' });
    expect(await c.read("none")).toBeUndefined();
    store.answer = () => null;
    expect(await c.read("k")).toBeUndefined();
  });

  it("read: a value that is no text, no JSON object or refused by the parser is unreadable, never 'nothing'", async () => {
    const store = new PlainStore();
    const c = createCoordinator({ store });
    for (const odd of [
      "{broken",
      '"text"',
      "[1]",
      "null",
      42,
      { a: 1 },
      new Uint8Array([123, 125]),
    ]) {
      store.answer = () => odd;
      expect(await failure(c.read("k"))).toMatchObject({
        name: "DouyinStoreError",
        reason: "unreadable",
        operation: "get",
      });
    }
    store.answer = () => '{"a": 1}';
    const refuse = () => undefined;
    expect(await failure(c.read("k", refuse))).toMatchObject({ reason: "unreadable" });
  });

  it("a rejection → DouyinStoreError failed, the secrets gone from its cause", async () => {
    const store = new FaultyStore();
    store.faults.set("get", { kind: "reject", message: "no route for key user:tok.1" });
    const error = await failure(createCoordinator({ store }).read("k", undefined, ["tok.1"]));
    expect(error).toBeInstanceOf(DouyinStoreError);
    expect(error).toMatchObject({
      reason: "failed",
      operation: "get",
      message: "token store get: a token store call failed",
    });
    expect(((error as Error).cause as Error).message).toBe("no route for key user:***");
  });

  it("a synchronous throw → DouyinStoreError failed", async () => {
    const store = new FaultyStore();
    store.faults.set("compareAndSet", { kind: "throw", message: "sync tok" });
    const error = await failure(
      createCoordinator({ store }).swap("k", undefined, "v", 100, ["tok"]),
    );
    expect(error).toMatchObject({
      name: "DouyinStoreError",
      reason: "failed",
      operation: "compareAndSet",
    });
    expect(((error as Error).cause as Error).message).toBe("sync ***");
  });

  it("no answer → DouyinStoreError timeout after storeTimeoutMs, no cause", async () => {
    const store = new FaultyStore();
    store.faults.set("compareAndSet", { kind: "hang" });
    const c = createCoordinator({ store, storeTimeoutMs: 30 });
    const error = await failure(c.swap("k", "a", undefined, 10));
    expect(error).toMatchObject({
      reason: "timeout",
      operation: "compareAndSet",
      message: "token store compareAndSet: a token store call took too long",
    });
    expect(Object.hasOwn(error as object, "cause")).toBe(false);
  });

  it("an answer after the timeout is dropped quietly", async () => {
    const store = new FaultyStore();
    await store.inner.set("k", '"late"', 10_000);
    store.faults.set("get", { kind: "slow", ms: 60 });
    const c = createCoordinator({ store, storeTimeoutMs: 20 });
    expect(await failure(c.read("k"))).toMatchObject({ reason: "timeout", operation: "get" });
    await sleep(120); // the late answer arrives here: no unhandled rejection, nothing resolved
  });

  it("swap: the ttl is whole milliseconds, at least 1", async () => {
    const store = new PlainStore();
    const c = createCoordinator({ store });
    await c.swap("a", undefined, "1", 2.7);
    await c.swap("b", undefined, "2", 0.2);
    await c.swap("c", undefined, "3", -50);
    expect(store.calls.filter((call) => call.startsWith("set"))).toEqual([
      "set a 1 2",
      "set b 2 1",
      "set c 3 1",
    ]);
  });

  it("list: allowed thirty times storeTimeoutMs", async () => {
    const store = new FaultyStore();
    await store.inner.set("p:1", "x", 10_000);
    const c = createCoordinator({ store, storeTimeoutMs: 20 });
    store.faults.set("list", { kind: "slow", ms: 60 });
    expect(await c.listPage("p:", undefined)).toEqual({ keys: ["p:1"], cursor: undefined });
    store.faults.set("list", { kind: "hang" });
    expect(await failure(c.listPage("p:", undefined))).toMatchObject({
      reason: "timeout",
      operation: "list",
    });
  });

  it("list: a page's cursor leads on; a store answering with every key at once is one page", async () => {
    const store = new MemoryTokenStore();
    for (let i = 0; i < 2_500; i++) await store.set(`p:${String(i).padStart(4, "0")}`, "x", 10_000);
    const c = createCoordinator({ store });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await c.listPage("p:", cursor);
      seen.push(...page.keys);
      cursor = page.cursor;
      pages += 1;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(2_500);
    const all = { get: async () => undefined, list: async () => ["p:1", "p:2"] };
    expect(await createCoordinator({ store: all as never }).listPage("p:", undefined)).toEqual({
      keys: ["p:1", "p:2"],
      cursor: undefined,
    });
    const odd = { get: async () => undefined, list: async () => ({ keys: "p:1" }) };
    expect(
      await failure(createCoordinator({ store: odd as never }).listPage("p:", undefined)),
    ).toMatchObject({ reason: "unreadable", operation: "list" });
  });
});

describe("createCoordinator › swap (compare before write)", () => {
  it("with compareAndSet: the store decides, with a whole-millisecond ttl", async () => {
    const store = new FaultyStore();
    const c = createCoordinator({ store });
    expect(await c.swap("k", undefined, "a", 10.9)).toBe(true);
    expect(await c.swap("k", "b", "c", 1_000)).toBe(false);
    expect(await store.inner.get("k")).toBe("a");
    expect(await c.swap("k", "a", undefined, 1_000)).toBe(true);
    expect(await store.inner.get("k")).toBeUndefined();
    expect(store.calls.compareAndSet).toBe(3);
    expect(store.calls.get).toBe(0);
  });

  it("with compareAndSet failing: DouyinStoreError compareAndSet, secrets removed", async () => {
    const store = new FaultyStore();
    store.faults.set("compareAndSet", { kind: "reject", message: "wrote rft.9" });
    const error = await failure(
      createCoordinator({ store }).swap("k", undefined, "v", 10, ["rft.9"]),
    );
    expect(error).toMatchObject({ reason: "failed", operation: "compareAndSet" });
    expect(((error as Error).cause as Error).message).toBe("wrote ***");
  });

  it("without it: get, then set or delete only when the text is still the expected one", async () => {
    const store = new PlainStore();
    const c = createCoordinator({ store });
    expect(await c.swap("k", undefined, "a", 99.5)).toBe(true);
    expect(await c.swap("k", "x", "b", 100)).toBe(false);
    expect(await c.swap("k", undefined, "b", 100)).toBe(false);
    expect(await c.swap("k", "a", undefined, 100)).toBe(true);
    expect(store.calls).toEqual(["get k", "set k a 99", "get k", "get k", "get k", "delete k"]);
  });

  it("without it: a failing get or delete is named as such", async () => {
    const store = new PlainStore();
    const c = createCoordinator({ store });
    store.get = async () => {
      throw new Error("get down");
    };
    expect(await failure(c.swap("k", undefined, "v", 10))).toMatchObject({ operation: "get" });
    const deleting = new PlainStore();
    await deleting.inner.set("k", "a", 1_000);
    deleting.delete = async () => {
      throw new Error("delete down");
    };
    expect(
      await failure(createCoordinator({ store: deleting }).swap("k", "a", undefined, 10)),
    ).toMatchObject({ operation: "delete" });
  });

  it("without it: a stored value that is not text counts as none", async () => {
    const store = new PlainStore();
    store.answer = () => null;
    expect(await createCoordinator({ store }).swap("k", undefined, "a", 100)).toBe(true);
    expect(store.calls).toEqual(["get k", "set k a 100"]);
  });

  it("without it: the set's failure names set and drops the secrets", async () => {
    const store = new PlainStore();
    const c = createCoordinator({ store });
    store.set = async () => {
      throw new Error("cannot store tok.5");
    };
    const error = await failure(c.swap("k", undefined, "v", 10, ["tok.5"]));
    expect(error).toMatchObject({ reason: "failed", operation: "set" });
    expect(((error as Error).cause as Error).message).toBe("cannot store ***");
  });
});

describe("createCoordinator › withLock", () => {
  it("a store without locks runs the work as is", async () => {
    const c = createCoordinator({ store: new PlainStore() });
    const outcome = await c.withLock("L", async (held) => ({ ...held }));
    expect(outcome).toEqual({ busy: false, value: { lost: false } });
  });

  it("holds the lock while the work runs and frees it after, also when the work throws", async () => {
    const store = new MemoryTokenStore();
    const c = createCoordinator({ store });
    const outcome = await c.withLock("L", async (held) => {
      expect(await store.lock("L", 10)).toBeUndefined();
      return held.lost;
    });
    expect(outcome).toEqual({ busy: false, value: false });
    expect(await store.get("L")).toBeUndefined();
    await expect(
      c.withLock("L", async () => {
        throw new Error("work failed");
      }),
    ).rejects.toThrow("work failed");
    expect(await store.get("L")).toBeUndefined();
  });

  it("busy when another holder has it, or the store says null; the work never runs", async () => {
    const store = new MemoryTokenStore();
    const c = createCoordinator({ store });
    await store.lock("L", 10_000);
    let ran = false;
    expect(await c.withLock("L", async () => (ran = true))).toEqual({ busy: true });
    const nulls: TokenStore = { ...plainOf(store), lock: async () => null as never };
    expect(
      await createCoordinator({ store: nulls }).withLock("L", async () => (ran = true)),
    ).toEqual({
      busy: true,
    });
    expect(ran).toBe(false);
  });

  it("the watchdog keeps the lock alive past its ttl while the work runs", async () => {
    const store = new FaultyStore();
    const c = createCoordinator({ store, lockTtlMs: 300 });
    const takenMeanwhile: boolean[] = [];
    await c.withLock("L", async (held) => {
      for (let i = 0; i < 10; i++) {
        await sleep(100);
        takenMeanwhile.push((await store.inner.lock("L", 1)) !== undefined);
      }
      expect(held.lost).toBe(false);
    });
    expect(takenMeanwhile).not.toContain(true);
    expect(store.calls.extend).toBeGreaterThan(0);
    expect(store.calls.release).toBe(1);
  });

  it("the watchdog extends every third of the lock's lifetime, not continuously", async () => {
    const store = new FaultyStore();
    const c = createCoordinator({ store, lockTtlMs: 300 });
    await c.withLock("L", () => sleep(250));
    // about two in 250 ms; timers only ever run late, so never many more
    expect(store.calls.extend).toBeLessThanOrEqual(5);
  });

  it("an extension that finds the lock gone marks it lost, and stops extending", async () => {
    let extends_ = 0;
    const lost: StoreLock = {
      extend: async () => {
        extends_ += 1;
        return false;
      },
      release: async () => undefined,
    };
    const store: TokenStore = { ...plainOf(new MemoryTokenStore()), lock: async () => lost };
    const c = createCoordinator({ store, lockTtlMs: 30 });
    await c.withLock("L", async (held) => {
      await until(() => held.lost);
      await sleep(60);
    });
    expect(extends_).toBe(1);
  });

  it("an extension that fails marks the lock lost and is reported", async () => {
    const store = new FaultyStore();
    store.faults.set("extend", { kind: "reject", message: "extend tok" });
    const heard: unknown[] = [];
    const c = createCoordinator({ store, lockTtlMs: 30, onError: (e) => heard.push(e) });
    await c.withLock("L", (held) => until(() => held.lost));
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({
      name: "DouyinStoreError",
      reason: "failed",
      operation: "extend",
    });
  });

  it("one extension at a time: a slow one is not stacked", async () => {
    const store = new FaultyStore();
    store.faults.set("extend", { kind: "hang" });
    const c = createCoordinator({ store, lockTtlMs: 30, storeTimeoutMs: 2_000 });
    await c
      .withLock("L", async () => {
        await until(() => store.calls.extend > 0);
        await sleep(100);
      })
      .catch(() => undefined);
    expect(store.calls.extend).toBe(1);
  });

  it("a release that fails is reported; the work's result still comes back", async () => {
    const store = new FaultyStore();
    store.faults.set("release", { kind: "reject" });
    const heard: unknown[] = [];
    const c = createCoordinator({ store, onError: (e) => heard.push(e) });
    expect(await c.withLock("L", async () => "done")).toEqual({ busy: false, value: "done" });
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({ reason: "failed", operation: "release" });
  });

  it("a lock granted after the call timed out is released at once", async () => {
    const store = new FaultyStore();
    store.faults.set("lock", { kind: "slow", ms: 80 });
    const c = createCoordinator({ store, storeTimeoutMs: 20 });
    const error = await failure(c.withLock("L", async () => "never"));
    expect(error).toMatchObject({ reason: "timeout", operation: "lock" });
    await until(() => store.calls.release === 1);
    expect(await store.inner.get("L")).toBeUndefined();
  });

  it("a late answer of no lock is ignored", async () => {
    const store = new FaultyStore();
    store.faults.set("lock", { kind: "slow", ms: 60 });
    await store.inner.lock("L", 10_000);
    const c = createCoordinator({ store, storeTimeoutMs: 20 });
    expect(await failure(c.withLock("L", async () => "never"))).toMatchObject({
      reason: "timeout",
    });
    await sleep(100);
    expect(store.calls.release).toBe(0);
  });
});

describe("createCoordinator › underLock", () => {
  const never = () => Promise.resolve(undefined);

  it("free: the work's value", async () => {
    const c = createCoordinator({});
    expect(await c.underLock("L", async () => "mine", { serve: undefined, settled: never })).toBe(
      "mine",
    );
  });

  it("busy with a still-valid result: that result at once, no waiting", async () => {
    const store = new MemoryTokenStore();
    await store.lock("L", 10_000);
    let asked = 0;
    const c = createCoordinator({ store });
    const got = await c.underLock("L", async () => "mine", {
      serve: "cached",
      settled: async () => {
        asked += 1;
        return undefined;
      },
    });
    expect(got).toBe("cached");
    expect(asked).toBe(0);
  });

  it("busy: the other holder's result once it is there", async () => {
    const store = new MemoryTokenStore();
    await store.lock("L", 10_000);
    let asked = 0;
    const c = createCoordinator({ store });
    const got = await c.underLock("L", async () => "mine", {
      serve: undefined,
      settled: async () => (++asked === 2 ? "theirs" : undefined),
    });
    expect(got).toBe("theirs");
    expect(asked).toBe(2);
  });

  it("busy: the work runs once the lock frees", async () => {
    const store = new MemoryTokenStore();
    const other = (await store.lock("L", 10_000))!;
    setTimeout(() => void other.release(), 60);
    const c = createCoordinator({ store });
    const got = await c.underLock("L", async (held: HeldLock) => `mine ${held.lost}`, {
      serve: undefined,
      settled: never,
    });
    expect(got).toBe("mine false");
  });

  it("busy: the waiter polls with growing pauses (25 ms doubling to 250 ms), not in a spin", async () => {
    const store = new MemoryTokenStore();
    await store.lock("L", 10_000);
    let asked = 0;
    const c = createCoordinator({ store, lockWaitMs: 1_000 });
    const settled = async () => {
      asked += 1;
      return undefined;
    };
    await failure(c.underLock("L", async () => "mine", { serve: undefined, settled }));
    // 25 + 50 + 100 + 200 + 250 + 250 + 250 ms: about seven polls in a second
    expect(asked).toBeGreaterThanOrEqual(1);
    expect(asked).toBeLessThanOrEqual(12);
  });

  it("busy past lockWaitMs: DouyinStoreError lock_wait", async () => {
    const store = new MemoryTokenStore();
    await store.lock("L", 10_000);
    const c = createCoordinator({ store, lockWaitMs: 80 });
    const error = await failure(
      c.underLock("L", async () => "mine", { serve: undefined, settled: never }),
    );
    expect(error).toBeInstanceOf(DouyinStoreError);
    expect(error).toMatchObject({
      reason: "lock_wait",
      operation: "lock",
      message: "token store lock: another process held the token lock too long",
    });
  });
});

/** The store's get/set/delete, bound, without its lock. */
function plainOf(store: MemoryTokenStore): TokenStore {
  return {
    get: (key) => store.get(key),
    set: (key, value, ttl) => store.set(key, value, ttl),
    delete: (key) => store.delete(key),
  };
}

/** Waits until `done()` holds; fails after 5 s instead of hanging. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await sleep(10);
  expect(done()).toBe(true);
}
