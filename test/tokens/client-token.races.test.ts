// createClientTokenProvider when another server acts between two of its store calls (a token
// stored just before the lock is granted, a compare-and-set lost, a holder that stores its token
// while still holding the lock), when the store fails or comes back, and when the platform hands
// out a token that has already expired. The other server is played by a real MemoryTokenStore
// whose next call first lets it act.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DouyinStoreError, type DouyinOAuth } from "../../src/index.js";
import {
  createClientTokenProvider,
  MemoryTokenStore,
  type ClientTokenProviderOptions,
  type StoreLock,
} from "../../src/tokens/index.js";
import { DEMO_APP, type Emulator } from "../../src/emulator/index.js";
import { startClockedEmulator } from "../support/clocked-emulator.js";

const LIFETIME = 7_200_000;
const KEY = `douyin-oauth:${DEMO_APP.clientKey}:client_token`;
const LOCK_KEY = `douyin-oauth:${DEMO_APP.clientKey}:lock:client_token`;

/** A MemoryTokenStore that counts its calls and lets "another server" act before some of them. */
class RacingStore extends MemoryTokenStore {
  calls = { get: 0, compareAndSet: 0, lock: 0 };
  /** Runs before each compare-and-set of the client token, with the text about to be written. */
  beforeSwap: ((next: string | undefined) => Promise<void>) | undefined;
  /** Runs once, before the next lock is asked for. */
  beforeLock: (() => Promise<void>) | undefined;
  /** Runs once, after a lock was refused because another holds it. */
  whenBusy: (() => Promise<void>) | undefined;
  /** How many of the next reads fail, as an unreachable store's do. */
  failingReads = 0;

  override async get(key: string) {
    this.calls.get += 1;
    if (this.failingReads > 0) {
      this.failingReads -= 1;
      throw new Error("ECONNREFUSED 127.0.0.1:6379");
    }
    return super.get(key);
  }
  override async compareAndSet(
    key: string,
    expected: string | undefined,
    next: string | undefined,
    ttlMs: number,
  ) {
    if (key === KEY) {
      this.calls.compareAndSet += 1;
      await this.beforeSwap?.(next);
    }
    return super.compareAndSet(key, expected, next, ttlMs);
  }
  override async lock(key: string, ttlMs: number): Promise<StoreLock | undefined> {
    this.calls.lock += 1;
    const before = this.beforeLock;
    this.beforeLock = undefined;
    await before?.();
    const lock = await super.lock(key, ttlMs);
    if (lock === undefined) {
      const busy = this.whenBusy;
      this.whenBusy = undefined;
      await busy?.();
    }
    return lock;
  }
}

let emu: Emulator;
let douyin: DouyinOAuth;
let store: RacingStore;
let errors: unknown[];
beforeEach(async () => {
  ({ emu, douyin } = await startClockedEmulator());
  store = new RacingStore(emu.now);
  errors = [];
});
afterEach(() => {
  vi.restoreAllMocks();
  return emu.close();
});

const provider = (more: ClientTokenProviderOptions = {}) =>
  createClientTokenProvider(douyin, {
    source: "client_token",
    store,
    now: emu.now,
    onError: (e) => errors.push(e),
    ...more,
  });
const stored = async () => {
  const raw = await store.get(KEY);
  return raw === undefined ? undefined : (JSON.parse(raw) as { token: string; expiresAt: number });
};
/** What another server stores after its own fetch: a real token of the emulator. */
const theirs = async () => {
  const { access_token } = await douyin.clientToken();
  return { token: access_token, expiresAt: emu.now() + LIFETIME };
};

describe("createClientTokenProvider › a token that has already expired on arrival", () => {
  it("stable_client_token with under half a second left (expires_in 0), three times: DouyinTransportError invalid-answer, nothing stored", async () => {
    await douyin.stableClientToken();
    emu.advanceTime(LIFETIME - 400);
    const tokens = provider({ source: "stable_client_token" });
    await expect(tokens.get()).rejects.toMatchObject({
      name: "DouyinTransportError",
      operation: "stableClientToken",
      kind: "invalid-answer",
      message:
        "stableClientToken: the answer is not the expected JSON: the token has already expired",
    });
    expect((await store.list("")).keys).toEqual([]);
    expect(emu.stats.stableClientToken).toBe(4);
  });

  it("stable_client_token that expires in transit: asked again at once, its successor served", async () => {
    const ending = (await douyin.stableClientToken()).access_token;
    emu.advanceTime(LIFETIME - 400);
    // The answer arrives after the token's end, as one sent in its last moments does.
    const late = {
      ...douyin,
      stableClientToken: async () => {
        const answer = await douyin.stableClientToken();
        emu.advanceTime(500);
        return answer;
      },
    };
    const tokens = createClientTokenProvider(late, {
      store,
      now: emu.now,
      source: "stable_client_token",
    });
    const token = await tokens.get();
    expect(token).not.toBe(ending);
    expect(emu.isValid(token)).toBe(true);
    expect(emu.stats.stableClientToken).toBe(3);
  });

  it("client_token that expires in transit: not asked again (each fetch knocks out a token)", async () => {
    const tokens = provider({ source: "client_token" });
    await tokens.get();
    const late = {
      ...douyin,
      clientToken: async () => ({ ...(await douyin.clientToken()), expires_in: 0 }),
    };
    const again = createClientTokenProvider(late, {
      store: new MemoryTokenStore(emu.now),
      now: emu.now,
      source: "client_token",
    });
    await expect(again.get()).rejects.toMatchObject({ kind: "invalid-answer" });
    expect(emu.stats.clientToken).toBe(2);
  });

  it("a due token is not served after a refresh that failed past its expiry", async () => {
    const tokens = createClientTokenProvider(
      {
        ...douyin,
        clientToken: async () => {
          if (emu.stats.clientToken === 1) {
            emu.advanceTime(2 * 60_000); // a slow failure: the token ran out meanwhile
            emu.injectFault({ operation: "clientToken", kind: "status", status: 503, times: 1 });
          }
          return douyin.clientToken();
        },
      },
      { store, now: emu.now, source: "client_token" },
    );
    await tokens.get();
    emu.advanceTime(LIFETIME - 60_000);
    await expect(tokens.get()).rejects.toMatchObject({ name: "DouyinTransportError", status: 503 });
  });
});

describe("createClientTokenProvider › another server between two store calls", () => {
  it("it stored a fresh token just before this one got the lock: that token, no second fetch", async () => {
    const other = provider();
    store.beforeLock = async () => void (await other.get());
    const token = await provider().get();
    expect(token).toBe(await other.get());
    expect(emu.stats.clientToken).toBe(1);
    expect(store.calls.compareAndSet).toBe(1);
  });

  it("it wrote a valid token first (compare-and-set lost): theirs is served and stays stored", async () => {
    let their: string | undefined;
    store.beforeSwap = async () => {
      store.beforeSwap = undefined;
      const record = await theirs();
      their = record.token;
      await store.set(KEY, JSON.stringify(record), LIFETIME);
    };
    const token = await provider().get();
    expect(token).toBe(their);
    expect((await stored())?.token).toBe(their);
    expect(store.calls.compareAndSet).toBe(1);
    expect(emu.isValid(token)).toBe(true);
  });

  it("it wins every compare-and-set with a record already expired: three tries, then this process serves its own token", async () => {
    let n = 0;
    store.beforeSwap = async () => {
      if (n === 10) return; // bounded: a loop that kept trying would write at the 11th
      n += 1;
      const stale = { token: `clt.stale-${n}`, expiresAt: emu.now() - 1 };
      await store.set(KEY, JSON.stringify(stale), LIFETIME);
    };
    const tokens = provider();
    const token = await tokens.get();
    expect(store.calls.compareAndSet).toBe(3);
    expect((await stored())?.token).toBe("clt.stale-3");
    expect(emu.isValid(token)).toBe(true);
    expect(await tokens.get()).toBe(token);
    expect(emu.stats.clientToken).toBe(1);
  });

  it("a compare-and-set that fails: the fetched token is served; onError hears the DouyinStoreError, the token masked", async () => {
    store.beforeSwap = async (next) => {
      throw new Error(`READONLY You can't write against a read only replica: ${next}`);
    };
    const token = await provider().get();
    expect(emu.isValid(token)).toBe(true);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(DouyinStoreError);
    expect(errors[0]).toMatchObject({ reason: "failed", operation: "compareAndSet" });
    const cause = String((errors[0] as Error).cause);
    expect(cause).toContain("read only replica");
    expect(cause).not.toContain(token);
  });

  it("the lock holder stores its token while still holding the lock: the waiter takes it at once", async () => {
    await store.lock(LOCK_KEY, 60_000);
    let their: string | undefined;
    store.whenBusy = async () => {
      const record = await theirs();
      their = record.token;
      await store.set(KEY, JSON.stringify(record), LIFETIME);
    };
    // Were the waiter to wait for the lock itself, it would fail after lockWaitMs.
    const token = await provider({ lockWaitMs: 5_000, whenStoreDown: "fail" }).get();
    expect(token).toBe(their);
    expect(emu.stats.clientToken).toBe(1);
    expect(errors).toEqual([]);
  });

  it("a lock held past lockWaitMs is not an unreachable store: whenStoreDown at once, not retried for storeRetryMs", async () => {
    await store.lock(LOCK_KEY, 60_000);
    const tokens = provider({ lockWaitMs: 100, storeRetryMs: 10_000, whenStoreDown: "fail" });
    await expect(tokens.get()).rejects.toMatchObject({
      name: "DouyinStoreError",
      reason: "lock_wait",
    });
    expect(errors).toHaveLength(1);
    expect(emu.stats).toMatchObject({ clientToken: 0, stableClientToken: 0 });
  });
});

describe("createClientTokenProvider › store calls a process saves", () => {
  it("a fresh stored token is taken without the lock; then served from this process without asking the store", async () => {
    const first = await provider().get();
    const calls = { ...store.calls };
    const second = provider();
    expect(await second.get()).toBe(first);
    expect(store.calls).toEqual({ ...calls, get: calls.get + 1 });
    await store.delete(KEY); // the store flushed: the token held here is still valid
    for (let i = 0; i < 3; i++) expect(await second.get()).toBe(first);
    expect(store.calls).toEqual({ ...calls, get: calls.get + 1 });
    expect(emu.stats.clientToken).toBe(1);
  });

  it("invalidate() with nothing stored: resolves, writes nothing", async () => {
    await provider().invalidate();
    const tokens = provider();
    await tokens.get();
    await store.delete(KEY);
    await tokens.invalidate();
    expect(store.calls.compareAndSet).toBe(1);
    expect((await store.list("")).keys).toEqual([]);
  });
});

describe("createClientTokenProvider › the store down", () => {
  it("a due token held in this process is served at once, even with whenStoreDown fail", async () => {
    const tokens = provider({ storeRetryMs: 0, whenStoreDown: "fail" });
    const first = await tokens.get();
    emu.advanceTime(LIFETIME - 60_000);
    store.failingReads = 1_000;
    expect(await tokens.get()).toBe(first);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      name: "DouyinStoreError",
      reason: "failed",
      operation: "get",
    });
    expect(emu.stats).toMatchObject({ clientToken: 1, stableClientToken: 0 });
  });

  it("storeRetryMs 0: the store is asked once, then whenStoreDown", async () => {
    const frozen = Date.now();
    vi.spyOn(Date, "now").mockReturnValue(frozen);
    store.failingReads = 1_000;
    const tokens = provider({ storeRetryMs: 0, whenStoreDown: "fail" });
    await expect(tokens.get()).rejects.toMatchObject({
      name: "DouyinStoreError",
      reason: "failed",
    });
    expect(store.calls.get).toBe(1);
  }, 5_000);

  it("a store back after three failed reads within storeRetryMs: used as the fleet's, one client_token", async () => {
    store.failingReads = 3;
    const token = await provider({ storeRetryMs: 10_000, whenStoreDown: "fail" }).get();
    expect(store.calls.get).toBeGreaterThanOrEqual(4);
    expect((await stored())?.token).toBe(token);
    expect(emu.stats).toMatchObject({ clientToken: 1, stableClientToken: 0 });
    expect(errors.filter((e) => e instanceof DouyinStoreError)).toHaveLength(3);
  });
});
