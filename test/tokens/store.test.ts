// MemoryTokenStore, the default TokenStore, on an injected clock: expiry at the exact
// millisecond, compare-and-set, the lock and its holder, and list.
import { describe, expect, it } from "vitest";
import { MemoryTokenStore } from "../../src/tokens/index.js";

function clocked(start = 1_000) {
  const clock = { t: start };
  return { clock, store: new MemoryTokenStore(() => clock.t) };
}

describe("MemoryTokenStore › get, set, delete", () => {
  it("a value lives for exactly ttlMs", async () => {
    const { clock, store } = clocked();
    expect(await store.get("k")).toBeUndefined();
    await store.set("k", "v", 100);
    clock.t += 99;
    expect(await store.get("k")).toBe("v");
    clock.t += 1;
    expect(await store.get("k")).toBeUndefined();
  });

  it("an expired value is dropped when read, not merely hidden", async () => {
    const { clock, store } = clocked();
    await store.set("k", "v", 100);
    clock.t += 100;
    expect(await store.get("k")).toBeUndefined();
    clock.t -= 50; // the injected clock steps back: the value stays gone
    expect(await store.get("k")).toBeUndefined();
  });

  it("a ttl of zero or less stores nothing, and removes what was there", async () => {
    const { clock, store } = clocked();
    for (const ttl of [0, -5]) {
      await store.set("k", "old", 1_000);
      await store.set("k", "new", ttl);
      clock.t -= 10;
      expect(await store.get("k")).toBeUndefined();
      clock.t += 10;
    }
  });

  it("set replaces the value and its lifetime; delete removes it", async () => {
    const { clock, store } = clocked();
    await store.set("k", "a", 10);
    await store.set("k", "b", 1_000);
    clock.t += 500;
    expect(await store.get("k")).toBe("b");
    await store.delete("k");
    expect(await store.get("k")).toBeUndefined();
    await store.delete("missing");
  });

  it("the default clock is Date.now", async () => {
    const store = new MemoryTokenStore();
    await store.set("k", "v", 60_000);
    expect(await store.get("k")).toBe("v");
    await store.set("k", "v", 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await store.get("k")).toBeUndefined();
  });
});

describe("MemoryTokenStore › compareAndSet", () => {
  it("expected undefined: writes only where there is no value", async () => {
    const { store } = clocked();
    expect(await store.compareAndSet("k", undefined, "a", 100)).toBe(true);
    expect(await store.get("k")).toBe("a");
    expect(await store.compareAndSet("k", undefined, "b", 100)).toBe(false);
    expect(await store.get("k")).toBe("a");
  });

  it("a matching value is replaced with the new lifetime; a stale one changes nothing", async () => {
    const { clock, store } = clocked();
    await store.set("k", "a", 10);
    expect(await store.compareAndSet("k", "a", "b", 1_000)).toBe(true);
    expect(await store.compareAndSet("k", "a", "c", 1_000)).toBe(false);
    clock.t += 999;
    expect(await store.get("k")).toBe("b");
    clock.t += 1;
    expect(await store.get("k")).toBeUndefined();
  });

  it("next undefined deletes; an expired value counts as none", async () => {
    const { clock, store } = clocked();
    await store.set("k", "a", 100);
    expect(await store.compareAndSet("k", "a", undefined, 100)).toBe(true);
    expect(await store.get("k")).toBeUndefined();
    await store.set("k", "a", 100);
    clock.t += 100;
    expect(await store.compareAndSet("k", "a", "b", 100)).toBe(false);
    expect(await store.compareAndSet("k", undefined, "b", 100)).toBe(true);
    expect(await store.get("k")).toBe("b");
  });
});

describe("MemoryTokenStore › lock", () => {
  it("one holder at a time, until its ttl runs out", async () => {
    const { clock, store } = clocked();
    const first = await store.lock("L", 100);
    expect(first).toBeDefined();
    expect(await store.lock("L", 100)).toBeUndefined();
    clock.t += 99;
    expect(await store.lock("L", 100)).toBeUndefined();
    clock.t += 1;
    const second = await store.lock("L", 100);
    expect(second).toBeDefined();
    // the first holder lost it: it can neither extend nor release the second's lock
    expect(await first!.extend(1_000)).toBe(false);
    await first!.release();
    expect(await store.lock("L", 100)).toBeUndefined();
    await second!.release();
    expect(await store.lock("L", 100)).toBeDefined();
  });

  it("a lock is taken only where the key is free of any value", async () => {
    const { store } = clocked();
    await store.set("L", "something", 100);
    expect(await store.lock("L", 100)).toBeUndefined();
  });

  it("extend pushes the expiry to ttlMs from now, for the holder only", async () => {
    const { clock, store } = clocked();
    const lock = (await store.lock("L", 100))!;
    clock.t += 90;
    expect(await lock.extend(500)).toBe(true);
    clock.t += 499;
    expect(await store.lock("L", 100)).toBeUndefined();
    clock.t += 1;
    expect(await lock.extend(500)).toBe(false);
    const other = await store.lock("L", 100);
    expect(other).toBeDefined();
  });

  it("release frees the lock at once; releasing twice is harmless", async () => {
    const { store } = clocked();
    const lock = (await store.lock("L", 10_000))!;
    await lock.release();
    await lock.release();
    expect(await store.get("L")).toBeUndefined();
    expect(await lock.extend(100)).toBe(false);
  });

  it("each lock has its own holder id", async () => {
    const { clock, store } = clocked();
    await store.lock("L", 10);
    const first = await store.get("L");
    clock.t += 10;
    await store.lock("L", 10);
    const second = await store.get("L");
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).not.toBe(first);
  });
});

describe("MemoryTokenStore › list", () => {
  it("the live keys under a prefix, nothing else", async () => {
    const { clock, store } = clocked();
    await store.set("app:user:1", "a", 1_000);
    await store.set("app:user:2", "b", 10);
    await store.set("app:client", "c", 1_000);
    await store.set("other:app:user:3", "d", 1_000);
    expect((await store.list("app:user:")).keys.sort()).toEqual(["app:user:1", "app:user:2"]);
    clock.t += 10;
    expect((await store.list("app:user:")).keys).toEqual(["app:user:1"]);
    expect((await store.list("nothing:")).keys).toEqual([]);
  });
});
