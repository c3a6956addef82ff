// The grant protocol's promises, each pinned by the short script that once broke it (every test
// here failed on the code before the versioned protocol): a 10010 read against the refresh
// token presented, a renewal mark that stops a second lock holder, a sign-out that wins over
// calls already in flight, close() for a sweep run as a job, offline serving within a grace,
// an unreadable value, a late write, a paged sweep, both sides of a compare-and-set redacted, a
// store that reads but refuses writes. Real stores, the emulator on its clock.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DouyinStoreError, type DouyinOAuth } from "../../src/index.js";
import {
  createUserTokenManager,
  MemoryTokenStore,
  type StoreLock,
  type UserTokenManager,
  type UserTokenManagerOptions,
  type UserTokenRecord,
} from "../../src/tokens/index.js";
import { DEMO_APP, type Emulator } from "../../src/emulator/index.js";
import { DAY, managerWith, signInWith, startClockedEmulator } from "../support/clocked-emulator.js";
import { FaultyStore } from "../support/faulty-store.js";

const KEY = `douyin-oauth:${DEMO_APP.clientKey}:user:u-1`;
const HOLD = `douyin-oauth:${DEMO_APP.clientKey}:renewing:u-1`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A memory store where a test acts at chosen points of the calls on u-1's record. */
class HookStore extends MemoryTokenStore {
  /** Runs once, just before the nth next compareAndSet on u-1's record (1: the next). */
  private beforeSwap: { left: number; run: () => Promise<unknown> } | undefined;
  /** While set, every compareAndSet on u-1's record waits until this many have arrived. */
  barrier: { size: number; waiting: Array<() => void> } | undefined;
  /** While set, a read of u-1's record answers only when the promise settles (read at once). */
  slowRead: Promise<unknown> | undefined;
  /** Every lock is granted, as to a holder whose lock lapsed unseen. */
  grantAll = false;
  /** The value get answers for u-1's record instead of what is stored. */
  answer: unknown;

  onSwap(nth: number, run: () => Promise<unknown>) {
    this.beforeSwap = { left: nth, run };
  }
  override async get(key: string) {
    if (key === KEY && this.answer !== undefined) return this.answer as string;
    const value = await super.get(key);
    if (key === KEY && this.slowRead !== undefined) {
      const slow = this.slowRead;
      this.slowRead = undefined;
      await slow;
    }
    return value;
  }
  override async compareAndSet(
    key: string,
    expected: string | undefined,
    next: string | undefined,
    ttlMs: number,
  ) {
    if (key === KEY && this.beforeSwap !== undefined && --this.beforeSwap.left === 0) {
      const { run } = this.beforeSwap;
      this.beforeSwap = undefined;
      await run();
    }
    const barrier = this.barrier;
    if (key === KEY && barrier !== undefined) {
      await new Promise<void>((resolve) => {
        barrier.waiting.push(resolve);
        if (barrier.waiting.length === barrier.size) {
          this.barrier = undefined;
          for (const go of barrier.waiting) go();
        }
      });
    }
    return super.compareAndSet(key, expected, next, ttlMs);
  }
  override async lock(key: string, ttlMs: number): Promise<StoreLock | undefined> {
    if (!this.grantAll) return super.lock(key, ttlMs);
    return { release: async () => undefined, extend: async () => false };
  }
}

let emu: Emulator;
let douyin: DouyinOAuth;
beforeEach(async () => {
  ({ emu, douyin } = await startClockedEmulator());
});
afterEach(() => emu.close());

const manager = (store: MemoryTokenStore | FaultyStore, more: UserTokenManagerOptions = {}) =>
  managerWith({ emu, douyin }, store, { storeTimeoutMs: 2_000, ...more });
const signIn = (users: UserTokenManager, openId = "u-1") =>
  signInWith({ emu, douyin }, users, openId);
const noTokens = { name: "DouyinReauthorizeError", reason: "no_tokens" };
const liveRecord = async (store: MemoryTokenStore) => {
  const raw = await store.get(KEY);
  return raw === undefined ? undefined : (JSON.parse(raw) as UserTokenRecord);
};

describe("a renewal's 10010 is read against the refresh token presented", () => {
  it("a user who signs in again while a renewal of the old grant is out keeps the new grant", async () => {
    const store = new HookStore(emu.now);
    const a = manager(store);
    const b = manager(store);
    const old = await signIn(a.users);
    await douyin.renewRefreshToken({ refreshToken: old.refreshToken }); // elsewhere: dead now
    emu.advanceTime(26 * DAY);
    // a marks the old grant and sends its renewal (10010); before a writes what that means,
    // the user signs in again on b.
    let fresh: UserTokenRecord | undefined;
    store.onSwap(2, async () => (fresh = await signIn(b.users)));
    await a.users.getAccessToken("u-1").catch(() => undefined);
    const kept = (await liveRecord(store))!;
    expect(kept.refreshToken).toBe(fresh!.refreshToken);
    expect(kept.refreshExpiresAt).toBe(fresh!.refreshExpiresAt);
    expect(emu.isValid(kept.refreshToken)).toBe(true);
    expect(await b.users.getAccessToken("u-1")).toBe(fresh!.accessToken);
  });
});

describe("the renewal mark stops a second holder", () => {
  it("two holders whose locks both lapsed read the same due grant: one renewal is sent, never two", async () => {
    const store = new HookStore(emu.now);
    store.grantAll = true;
    const a = manager(store);
    const b = manager(store);
    await signIn(a.users);
    emu.advanceTime(14.5 * DAY);
    await a.users.getAccessToken("u-1"); // refreshed: the access token lasts to day 29.5
    emu.advanceTime(11.5 * DAY); // day 26: renewal due, nothing else
    store.barrier = { size: 2, waiting: [] }; // both reach their mark's compare-and-set
    const tokens = await Promise.all([
      a.users.getAccessToken("u-1"),
      b.users.getAccessToken("u-1"),
    ]);
    expect(emu.stats.renewRefreshToken).toBe(1);
    const kept = (await liveRecord(store))!;
    expect(kept.renewals).toBe(1);
    expect(emu.isValid(kept.refreshToken)).toBe(true);
    for (const token of tokens) expect(emu.isValid(token)).toBe(true);
  });
});

describe("a marked renewal holds for an hour by the store's clock, whatever the servers' clocks say", () => {
  it("three servers whose clocks are hours apart: a renewal under way is never taken for a lost one", async () => {
    const store = new HookStore(emu.now);
    store.grantAll = true; // the marker's lock lapsed unseen: only the mark stands in the way
    const HOUR = 60 * 60_000;
    const behind = manager(store, { now: () => emu.now() - 3 * HOUR });
    const ahead = manager(store, { now: () => emu.now() + 3 * HOUR });
    const further = manager(store, { now: () => emu.now() + 6 * HOUR });
    await signIn(behind.users);
    emu.advanceTime(14.5 * DAY);
    await behind.users.getAccessToken("u-1"); // refreshed: the access token lasts to day 29.5
    emu.advanceTime(11.5 * DAY); // day 26: renewal due
    emu.injectFault({ operation: "renewRefreshToken", kind: "latency", latencyMs: 300, times: 1 });
    const renewing = behind.users.getAccessToken("u-1");
    await vi.waitFor(() => expect(emu.stats.renewRefreshToken).toBe(1), { timeout: 5_000 });
    // By their clocks the mark is 6 and 9 hours old; its hold key says it is under way.
    expect(emu.isValid(await ahead.users.getAccessToken("u-1"))).toBe(true);
    expect(emu.isValid(await further.users.getAccessToken("u-1"))).toBe(true);
    expect(emu.isValid(await renewing)).toBe(true);
    expect(emu.stats.renewRefreshToken).toBe(1);
    const kept = (await liveRecord(store))!;
    expect(kept.renewals).toBe(1);
    expect(emu.isValid(kept.refreshToken)).toBe(true);
  });

  it("a mark left by a holder that died before sending is renewed by the first sweep after its hold ends", async () => {
    const store = new HookStore(emu.now);
    const { users } = manager(store);
    const record = await signIn(users);
    emu.advanceTime(26 * DAY);
    // A holder wrote its hold and its mark, and then it died.
    await store.set(HOLD, JSON.stringify({ version: 2 }), 60 * 60_000);
    const marked = { ...record, renewingSince: emu.now(), version: 2 };
    await store.set(KEY, JSON.stringify(marked), 10 * DAY);
    emu.advanceTime(59 * 60_000);
    expect(await users.renewDue()).toMatchObject({ renewed: 0, skipped: 1 }); // it still holds
    expect(emu.stats.renewRefreshToken).toBe(0);
    emu.advanceTime(2 * 60_000);
    expect(await users.renewDue()).toMatchObject({ renewed: 1 });
    expect(emu.stats.renewRefreshToken).toBe(1);
    const kept = (await liveRecord(store))!;
    expect(kept).toMatchObject({ renewals: 1 });
    expect(kept.renewingSince).toBeUndefined();
  });

  it("a hold whose mark never went in (the mark's write lost) stops nobody", async () => {
    const store = new HookStore(emu.now);
    const { users } = manager(store);
    await signIn(users);
    emu.advanceTime(26 * DAY);
    await store.set(HOLD, JSON.stringify({ version: 2 }), 60 * 60_000);
    expect(await users.renewDue()).toMatchObject({ renewed: 1 });
  });
});

describe("a sign-out wins", () => {
  it("a call made after delete() resolved never joins a call that read the store before it", async () => {
    const store = new HookStore(emu.now);
    const { users } = manager(store);
    await signIn(users);
    emu.advanceTime(DAY);
    let answer!: () => void;
    store.slowRead = new Promise<void>((resolve) => (answer = resolve));
    const before = users.getAccessToken("u-1").catch((e: unknown) => e);
    await vi.waitFor(() => expect(store.slowRead).toBeUndefined(), { timeout: 5_000 });
    await users.delete("u-1");
    const after = users.getAccessToken("u-1").catch((e: unknown) => e);
    answer();
    expect(await after).toMatchObject(noTokens);
    expect(await before).toMatchObject(noTokens); // signed out here while it ran
  });

  it("another server's sign-out during a sweep's renewal: not counted as renewed, the tombstone stays", async () => {
    const store = new HookStore(emu.now);
    const a = manager(store);
    const b = manager(store);
    await signIn(a.users);
    emu.advanceTime(26 * DAY);
    emu.injectFault({ operation: "renewRefreshToken", kind: "latency", latencyMs: 300, times: 1 });
    const sweep = a.users.renewDue();
    await vi.waitFor(() => expect(emu.stats.renewRefreshToken).toBe(1), { timeout: 5_000 });
    await b.users.delete("u-1");
    expect(await sweep).toMatchObject({ renewed: 0 });
    await expect(a.users.getAccessToken("u-1")).rejects.toMatchObject(noTokens);
    expect(await a.users.get("u-1")).toBeUndefined();
  });
});

describe("close(): a sweep run as a short-lived job", () => {
  it("the store refuses writes for a moment: renewDue says unsaved, close() writes it and resolves { unsaved: 0 }", async () => {
    const store = new FaultyStore(emu.now);
    const { users } = manager(store, { storeTimeoutMs: 200 });
    const old = await signIn(users);
    emu.advanceTime(26 * DAY);
    store.faults.set("compareAndSet", { kind: "reject", skip: 1 }); // the mark goes through
    const summary = await users.renewDue();
    expect(summary).toMatchObject({ users: 1, renewed: 0, unsaved: 1 });
    setTimeout(() => store.faults.clear(), 300); // the store takes writes again
    expect(await users.close()).toEqual({ unsaved: 0 });
    const kept = (await liveRecord(store.inner))!;
    expect(kept.refreshToken).not.toBe(old.refreshToken);
    expect(emu.isValid(kept.refreshToken)).toBe(true);
    expect(kept.renewals).toBe(1);
    await expect(users.getAccessToken("u-1")).rejects.toThrow(/closed/);
  });

  it("the store never takes it: close() gives up after closeTimeoutMs and says how many are lost", async () => {
    const store = new FaultyStore(emu.now);
    const { users } = manager(store, { storeTimeoutMs: 100, closeTimeoutMs: 500 });
    await signIn(users);
    emu.advanceTime(26 * DAY);
    store.faults.set("compareAndSet", { kind: "reject", skip: 1 });
    expect(await users.renewDue()).toMatchObject({ unsaved: 1 });
    store.faults.set("get", { kind: "hang" });
    const started = Date.now();
    expect(await users.close()).toEqual({ unsaved: 1 });
    expect(Date.now() - started).toBeLessThan(5_000); // bounded: no hang
  });

  it("close() with nothing unsaved resolves at once; every call after it rejects", async () => {
    const { users } = manager(new MemoryTokenStore(emu.now));
    await signIn(users);
    expect(await users.close()).toEqual({ unsaved: 0 });
    await expect(users.getAccessToken("u-1")).rejects.toThrow(/closed/);
    await expect(users.renewDue()).rejects.toThrow(/closed/);
    await expect(users.delete("u-1")).rejects.toThrow(/closed/);
  });
});

describe("what a process holds is served only within offlineGraceMs of the store's word", () => {
  it("a user signed out on another server is not served from memory once the grace has passed", async () => {
    const store = new FaultyStore(emu.now);
    const a = manager(store, { offlineGraceMs: 5 * 60_000 });
    const b = manager(store.inner);
    const record = await signIn(a.users);
    emu.advanceTime(60_000);
    store.faults.set("get", { kind: "reject" });
    expect(await a.users.getAccessToken("u-1")).toBe(record.accessToken); // within the grace
    store.faults.clear();
    await b.users.delete("u-1");
    emu.advanceTime(5 * 60_000);
    store.faults.set("get", { kind: "reject" });
    await expect(a.users.getAccessToken("u-1")).rejects.toBeInstanceOf(DouyinStoreError);
  });

  it("a held record past the grace is never refreshed at the platform alone", async () => {
    const store = new FaultyStore(emu.now);
    const { users } = manager(store);
    await signIn(users);
    emu.advanceTime(14.5 * DAY); // refresh due, the store last heard on day 0
    store.faults.set("get", { kind: "reject" });
    await expect(users.getAccessToken("u-1")).rejects.toBeInstanceOf(DouyinStoreError);
    expect(emu.stats.refreshToken).toBe(0);
  });

  it("offlineGraceMs must be a number of milliseconds, 0 or more", () => {
    for (const bad of [-1, Number.NaN, "5m"]) {
      expect(() => createUserTokenManager(douyin, { offlineGraceMs: bad as never })).toThrow(
        '"offlineGraceMs" must be a number of milliseconds, 0 or more',
      );
    }
  });
});

describe("a value the store holds but no record", () => {
  it.each([
    ["a Buffer (a client's type mapping)", Buffer.from('{"openId":"u-1"}')],
    ["a truncated record", '{"openId":"u-1","accessToken":"act.'],
    ["JSON of another shape", '{"openId":"u-1","accessToken":42}'],
  ])("%s: DouyinStoreError unreadable, never 'sign in again'", async (_, value) => {
    const store = new HookStore(emu.now);
    const { users } = manager(store);
    await signIn(users);
    store.answer = value;
    const other = manager(store); // holds nothing
    await expect(other.users.getAccessToken("u-1")).rejects.toMatchObject({
      name: "DouyinStoreError",
      reason: "unreadable",
    });
    await expect(other.users.get("u-1")).rejects.toMatchObject({ reason: "unreadable" });
  });
});

describe("a sign-in the store refused", () => {
  it("keeps the renewal only this process holds: written once the store takes writes, nothing renewed twice", async () => {
    const store = new FaultyStore(emu.now);
    const { users, errors } = manager(store);
    const old = await signIn(users);
    emu.advanceTime(26 * DAY);
    store.faults.set("compareAndSet", { kind: "reject", skip: 1 }); // the mark goes through
    expect(emu.isValid(await users.getAccessToken("u-1"))).toBe(true); // renewed, unsaved
    const data = await douyin.accessToken({
      code: emu.issueCode({ scope: "user_info", openId: "u-1" }),
    });
    await expect(users.save(data)).rejects.toMatchObject({ name: "DouyinStoreError" });
    expect(errors).toContainEqual(expect.objectContaining({ reason: "unsaved" }));
    store.faults.clear();
    expect(await users.close()).toEqual({ unsaved: 0 });
    const kept = (await liveRecord(store.inner))!;
    expect(kept.refreshToken).not.toBe(old.refreshToken);
    expect(emu.isValid(kept.refreshToken)).toBe(true);
    expect(emu.stats.renewRefreshToken).toBe(1);
  });
});

describe("a sign-out the store refused", () => {
  it("keeps the renewal only this process holds: the user is still signed in, and close() writes it", async () => {
    const store = new FaultyStore(emu.now);
    const { users } = manager(store);
    const old = await signIn(users);
    emu.advanceTime(26 * DAY);
    store.faults.set("compareAndSet", { kind: "reject", skip: 1 }); // the mark goes through
    expect(emu.isValid(await users.getAccessToken("u-1"))).toBe(true); // renewed, unsaved
    await expect(users.delete("u-1")).rejects.toMatchObject({ name: "DouyinStoreError" });
    store.faults.clear();
    expect(await users.close()).toEqual({ unsaved: 0 });
    const kept = (await liveRecord(store.inner))!;
    expect(kept.refreshToken).not.toBe(old.refreshToken);
    expect(emu.isValid(kept.refreshToken)).toBe(true);
  });
});

describe("a late write never brings a signed-out user back", () => {
  it("a's save times out and lands after the user signed in and out on b", async () => {
    const slow = new FaultyStore(emu.now);
    const a = manager(slow, { storeTimeoutMs: 100 });
    const b = manager(slow.inner);
    const data = await douyin.accessToken({
      code: emu.issueCode({ scope: "user_info", openId: "u-1" }),
    });
    for (const method of ["set", "compareAndSet"] as const) {
      slow.faults.set(method, { kind: "slow", ms: 400 });
    }
    await expect(a.users.save(data)).rejects.toMatchObject({ reason: "timeout" });
    await signIn(b.users);
    await b.users.delete("u-1");
    await sleep(600); // a's write lands
    await expect(b.users.getAccessToken("u-1")).rejects.toMatchObject(noTokens);
    expect(await b.users.get("u-1")).toBeUndefined();
  });
});

describe("the sweep, a page at a time", () => {
  it("a store that lists two keys a page: every due user on every page is renewed", async () => {
    class TwoAPage extends MemoryTokenStore {
      override async list(prefix: string, cursor?: string) {
        const { keys } = await super.list(prefix);
        const from = Number(cursor ?? 0);
        const next = from + 2 < keys.length ? String(from + 2) : undefined;
        return { keys: keys.slice(from, from + 2), cursor: next };
      }
    }
    const { users } = manager(new TwoAPage(emu.now));
    for (const openId of ["u-1", "u-2", "u-3", "u-4", "u-5"]) await signIn(users, openId);
    emu.advanceTime(26 * DAY);
    expect(await users.renewDue()).toEqual({
      users: 5,
      renewed: 5,
      skipped: 0,
      failed: 0,
      exhausted: 0,
      unsaved: 0,
    });
  });
});

describe("a store's error quoting its statement", () => {
  it("neither the record written nor the one expected leaks, to onError or to the caller", async () => {
    const store = new FaultyStore(emu.now);
    const { users, errors } = manager(store);
    const record = await signIn(users);
    emu.advanceTime(26 * DAY); // a renewal: the expected record holds the old refresh token
    store.faults.set("compareAndSet", {
      kind: "reject",
      skip: 1, // the mark goes through; the renewed record's write quotes what it expected
      message: `EVAL failed: expected ${JSON.stringify(record)}`,
    });
    const outcome = await users.getAccessToken("u-1").catch((e: unknown) => e);
    expect(errors.length).toBeGreaterThan(0);
    for (const error of [...errors, outcome]) {
      const text = `${String(error)} ${String((error as Error).cause)} ${(error as Error).stack}`;
      expect(text).not.toContain(record.accessToken);
      expect(text).not.toContain(record.refreshToken);
    }
  });
});

describe("a store that reads but refuses writes (out of memory, a read-only replica)", () => {
  it("a holder refreshes alone and serves; nothing is renewed without the lock", async () => {
    const store = new FaultyStore(emu.now);
    const { users, errors } = manager(store);
    await signIn(users);
    emu.advanceTime(15 * DAY + 60_000); // the access token has expired
    store.faults.set("lock", { kind: "reject", message: "OOM command not allowed" });
    store.faults.set("compareAndSet", { kind: "reject", message: "READONLY replica" });
    const token = await users.getAccessToken("u-1");
    expect(emu.isValid(token)).toBe(true);
    expect(emu.stats.renewRefreshToken).toBe(0);
    expect(errors[0]).toMatchObject({ name: "DouyinStoreError", operation: "lock" });
  });
});
