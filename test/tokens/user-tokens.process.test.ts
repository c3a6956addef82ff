// What one process remembers and does by itself, against the emulator on its clock and a store
// whose calls are counted and can fail: the lock taken only when there is work, one store read
// for a burst of calls, the pause after a failed renewal, the records held for a store outage
// (at most 10,000 users) and refreshed without the store, the renewal written later by the
// process itself, the sweep's unsaved renewals first, and a sign-out during a sweep.
import FakeTimers from "@sinonjs/fake-timers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DouyinReauthorizeError, DouyinStoreError, type DouyinOAuth } from "../../src/index.js";
import {
  createUserTokenManager,
  MemoryTokenStore,
  type UserTokenManager,
  type UserTokenManagerOptions,
} from "../../src/tokens/index.js";
import { DEMO_APP, type Emulator } from "../../src/emulator/index.js";
import { DAY, managerWith, signInWith, startClockedEmulator } from "../support/clocked-emulator.js";
import { FaultyStore } from "../support/faulty-store.js";

let emu: Emulator;
let douyin: DouyinOAuth;
let store: FaultyStore;
beforeEach(async () => {
  ({ emu, douyin } = await startClockedEmulator());
  store = new FaultyStore(emu.now);
});
afterEach(() => emu.close());

const manager = (more: UserTokenManagerOptions = {}) => managerWith({ emu, douyin }, store, more);
const signIn = (users: UserTokenManager, openId?: string) =>
  signInWith({ emu, douyin }, users, openId);

const KEY = `douyin-oauth:${DEMO_APP.clientKey}:user:u-1`;
const storeDown = () => store.faults.set("get", { kind: "reject" });

describe("the lock and the store, only when needed", () => {
  it("a record with nothing due is served without a lock or a write", async () => {
    const { users } = manager();
    await signIn(users);
    const before = { ...store.calls };
    emu.advanceTime(DAY);
    await users.getAccessToken("u-1");
    expect(store.calls.lock).toBe(before.lock);
    expect(store.calls.compareAndSet).toBe(before.compareAndSet);
    expect(store.calls.set).toBe(before.set);
  });

  it("20 calls at once for one user due for refresh: one refresh, one token; each call reads the store itself", async () => {
    // Each call's own read is what lets a sign-out made elsewhere before it began win.
    const { users } = manager();
    await signIn(users);
    emu.advanceTime(14.5 * DAY);
    const reads = store.calls.get;
    const tokens = await Promise.all(Array.from({ length: 20 }, () => users.getAccessToken("u-1")));
    expect(new Set(tokens).size).toBe(1);
    expect(emu.stats.refreshToken).toBe(1);
    expect(store.calls.get - reads).toBeGreaterThanOrEqual(20);
  });

  it("the sweep takes no lock for a user who is not due", async () => {
    const { users } = manager();
    await signIn(users);
    emu.advanceTime(10 * DAY);
    expect(await users.renewDue()).toEqual({
      users: 1,
      renewed: 0,
      skipped: 1,
      failed: 0,
      exhausted: 0,
      unsaved: 0,
    });
    expect(store.calls.lock).toBe(0);
  });
});

describe("after a failed renewal", () => {
  it("getAccessToken tries again no sooner than renewRetryMs, even after the renewal's mark ends", async () => {
    // A 500 may hide a renewal the platform applied: the record stays marked for an hour, and
    // this process waits renewRetryMs (here two hours) before it tries again itself.
    const HOUR = 60 * 60_000;
    const { users, errors } = manager({ renewRetryMs: 2 * HOUR });
    await signIn(users);
    emu.advanceTime(14.5 * DAY);
    await users.getAccessToken("u-1"); // refreshed: the access token now lasts to day 29.5
    emu.advanceTime(11.5 * DAY); // day 26: renewal due
    emu.injectFault({ operation: "renewRefreshToken", kind: "status", status: 500, times: 1 });
    await users.getAccessToken("u-1");
    expect(emu.stats.renewRefreshToken).toBe(1);
    expect(errors).toHaveLength(1);
    emu.advanceTime(HOUR); // the mark has ended
    await users.getAccessToken("u-1");
    const locks = store.calls.lock;
    emu.advanceTime(HOUR - 1);
    await users.getAccessToken("u-1");
    expect(emu.stats.renewRefreshToken).toBe(1);
    expect(store.calls.lock).toBe(locks); // held back: not even the lock is taken
    emu.advanceTime(1);
    await users.getAccessToken("u-1");
    expect(emu.stats.renewRefreshToken).toBe(2);
    expect((await users.get("u-1"))!.renewals).toBe(1);
  });
});

describe("records held for a store outage", () => {
  it("holds the latest 10,000 users: the 10,001st pushes out the one used longest ago", async () => {
    const { users } = manager();
    const grant = (n: number) => ({
      error_code: 0 as const,
      open_id: `u-${n}`,
      scope: "user_info",
      access_token: `act.${n}`,
      refresh_token: `rft.${n}`,
      expires_in: 15 * 86_400,
      refresh_expires_in: 30 * 86_400,
    });
    for (let n = 0; n < 10_000; n++) await users.save(grant(n));
    storeDown();
    expect(await users.getAccessToken("u-0")).toBe("act.0");
    expect(await users.getAccessToken("u-1")).toBe("act.1");
    store.faults.clear();
    await users.getAccessToken("u-0"); // read from the store: now the most recently used
    await users.save(grant(10_000));
    storeDown();
    expect(await users.getAccessToken("u-0")).toBe("act.0");
    expect(await users.getAccessToken("u-10000")).toBe("act.10000");
    await expect(users.getAccessToken("u-1")).rejects.toBeInstanceOf(DouyinStoreError);
    expect(await users.getAccessToken("u-2")).toBe("act.2");
  });

  it("a held record due for refresh is refreshed with the platform alone while the store is down", async () => {
    const { users, errors } = manager({ offlineGraceMs: 30 * DAY });
    await signIn(users);
    emu.advanceTime(14.5 * DAY);
    storeDown();
    const token = await users.getAccessToken("u-1");
    expect(emu.isValid(token)).toBe(true);
    expect(emu.stats.refreshToken).toBe(1);
    expect(errors[0]).toBeInstanceOf(DouyinStoreError);
    // held: the next call serves the refreshed token without asking the platform again
    expect(await users.getAccessToken("u-1")).toBe(token);
    expect(emu.stats.refreshToken).toBe(1);
  });

  it("that refresh failing: the unexpired token is served, or the store's error once it has expired", async () => {
    const { users, errors } = manager({ offlineGraceMs: 30 * DAY });
    const record = await signIn(users);
    emu.advanceTime(14.5 * DAY);
    storeDown();
    emu.injectFault({ operation: "refreshToken", kind: "reset" });
    expect(await users.getAccessToken("u-1")).toBe(record.accessToken);
    expect(errors.map((e) => (e as Error).name)).toEqual([
      "DouyinStoreError",
      "DouyinTransportError",
    ]);
    emu.advanceTime(DAY);
    await expect(users.getAccessToken("u-1")).rejects.toBeInstanceOf(DouyinStoreError);
  });

  it("a held access token that outlives its refresh token serves until it expires, never refreshed", async () => {
    const { users } = manager({ offlineGraceMs: 30 * DAY });
    await users.save({
      error_code: 0,
      open_id: "u-short",
      scope: "user_info",
      access_token: "act.short",
      refresh_token: "rft.short",
      expires_in: 2 * 86_400,
      refresh_expires_in: 86_400,
    });
    storeDown();
    emu.advanceTime(DAY + 1);
    expect(await users.getAccessToken("u-short")).toBe("act.short");
    emu.advanceTime(DAY);
    await expect(users.getAccessToken("u-short")).rejects.toBeInstanceOf(DouyinStoreError);
    expect(emu.stats.refreshToken).toBe(0);
  });

  it("a user signed out during a refresh is not held: with the store down, nothing is served", async () => {
    const { users } = manager();
    await signIn(users);
    emu.advanceTime(14.5 * DAY);
    emu.injectFault({ operation: "refreshToken", kind: "latency", latencyMs: 300, times: 1 });
    const pending = users.getAccessToken("u-1");
    await vi.waitFor(() => expect(emu.stats.refreshToken).toBe(1), { timeout: 5_000 });
    await users.delete("u-1");
    await expect(pending).rejects.toBeInstanceOf(DouyinReauthorizeError);
    storeDown();
    await expect(users.getAccessToken("u-1")).rejects.toBeInstanceOf(DouyinStoreError);
  });
});

describe("a renewal the store did not take", () => {
  async function unsavedRenewal(users: ReturnType<typeof manager>["users"]) {
    await signIn(users);
    emu.advanceTime(26 * DAY);
    // The first write (marking the renewal under way) goes through; the renewed record's fails.
    store.faults.set("compareAndSet", { kind: "reject", skip: 1 });
    // Served: the access token expired on day 15, refreshed alone with the renewed token.
    expect(emu.isValid(await users.getAccessToken("u-1"))).toBe(true);
    expect(emu.stats.renewRefreshToken).toBe(1);
  }
  const storedRenewals = async () =>
    (
      JSON.parse((await store.inner.get(`douyin-oauth:${DEMO_APP.clientKey}:user:u-1`))!) as {
        renewals: number;
      }
    ).renewals;

  it("is written by the process itself, with no call, once the store takes writes again", async () => {
    const { users } = manager();
    await unsavedRenewal(users);
    store.faults.clear();
    await vi.waitFor(async () => expect(await storedRenewals()).toBe(1), {
      timeout: 8_000,
      interval: 100,
    });
    expect(emu.stats.renewRefreshToken).toBe(1);
  });

  it("keeps trying while the store still refuses, further apart each time", async () => {
    const { users } = manager();
    await unsavedRenewal(users);
    store.faults.set("compareAndSet", { kind: "reject" });
    const tries = store.calls.compareAndSet;
    // the first try, after about a second, is refused too
    await vi.waitFor(() => expect(store.calls.compareAndSet).toBeGreaterThan(tries), {
      timeout: 5_000,
      interval: 50,
    });
    store.faults.clear();
    await vi.waitFor(async () => expect(await storedRenewals()).toBe(1), {
      timeout: 8_000,
      interval: 100,
    });
  });

  it("renewDue() writes it first, before it sweeps", async () => {
    const { users } = manager();
    await unsavedRenewal(users);
    store.faults.clear();
    const summary = await users.renewDue();
    expect(await storedRenewals()).toBe(1);
    expect(summary).toMatchObject({ users: 1, renewed: 0, failed: 0 });
    expect(emu.stats.renewRefreshToken).toBe(1);
  });
});

describe("a renewal the store did not take, on a fake clock", () => {
  // Only setTimeout is faked: the store's call bounds and the rewrite's timer. Each try at the
  // rewrite is one compare-and-set; the test counts them as the fake clock moves.
  let clock: ReturnType<ReturnType<typeof FakeTimers.withGlobal>["install"]> | undefined;
  afterEach(() => clock?.uninstall());
  const fakeTimers = () =>
    (clock = FakeTimers.withGlobal(globalThis).install({ toFake: ["setTimeout", "clearTimeout"] }));
  // No refresh due: a try sends nothing to the platform, it only reads and writes the store.
  async function unsavedRenewal({ users, errors }: ReturnType<typeof manager>) {
    await signIn(users);
    emu.advanceTime(14.5 * DAY);
    await users.getAccessToken("u-1"); // refreshed: lasts to day 29.5
    emu.advanceTime(11.5 * DAY);
    store.faults.set("compareAndSet", { kind: "reject", skip: 1 });
    await users.getAccessToken("u-1"); // the unexpired token is served; the renewal is kept
    expect(errors).toEqual([expect.objectContaining({ reason: "unsaved" })]);
    expect(emu.stats.renewRefreshToken).toBe(1);
  }
  /** The rewrites tried when the fake clock moves `ms`. */
  async function triesIn(ms: number) {
    const before = store.calls.compareAndSet;
    await clock!.tickAsync(ms);
    return store.calls.compareAndSet - before;
  }

  it("tries again 1 s, 2 s, 4 s ... later, at most a minute apart, one try at a time", async () => {
    const m = manager();
    fakeTimers();
    await unsavedRenewal(m);
    const gaps = [1, 2, 4, 8, 16, 32, 60, 60].map((s) => s * 1_000);
    for (const gap of gaps) {
      expect(await triesIn(gap - 1)).toBe(0);
      expect(await triesIn(1)).toBe(1);
    }
    store.faults.clear();
    expect(await triesIn(60_000)).toBe(1);
    expect(JSON.parse((await store.inner.get(KEY))!)).toMatchObject({ renewals: 1 });
    expect(clock!.countTimers()).toBe(0); // written: nothing left scheduled
    expect(await triesIn(10 * 60_000)).toBe(0);
  });

  it("written by a call before its time: the scheduled try then does nothing, not even a read", async () => {
    const m = manager();
    fakeTimers();
    await unsavedRenewal(m);
    store.faults.clear();
    await m.users.getAccessToken("u-1");
    expect(JSON.parse((await store.inner.get(KEY))!)).toMatchObject({ renewals: 1 });
    const reads = store.calls.get;
    expect(await triesIn(10 * 60_000)).toBe(0);
    expect(store.calls.get).toBe(reads);
    expect(clock!.countTimers()).toBe(0);
  });

  it("a second renewal left unsaved while a try is scheduled adds no second series of tries", async () => {
    const m = manager();
    fakeTimers();
    await unsavedRenewal(m); // the first try is due in 1 s
    expect(await triesIn(500)).toBe(0);
    // another server's new sign-in, itself due for renewal, whose renewal is refused too
    const code = emu.issueCode({ scope: "user_info", openId: "u-1" });
    const fresh = await douyin.accessToken({ code });
    const theirs = {
      ...JSON.parse((await store.inner.get(KEY))!),
      accessToken: fresh.access_token,
      refreshToken: fresh.refresh_token,
      refreshExpiresAt: emu.now() + 2 * DAY,
      renewingSince: undefined,
    };
    await store.inner.set(KEY, JSON.stringify(theirs), 3 * DAY);
    store.faults.set("compareAndSet", { kind: "reject", skip: 1 });
    await m.users.getAccessToken("u-1");
    expect(emu.stats.renewRefreshToken).toBe(2);
    expect(await triesIn(500)).toBe(1); // the first series' try, 1 s after it was scheduled
    expect(await triesIn(1_999)).toBe(0);
    expect(await triesIn(1)).toBe(1); // its next, 2 s later
  });
});

describe("the sweep's edges", () => {
  it("a user whose record cannot be read counts as failed; onError hears it", async () => {
    const { users, errors } = manager();
    await signIn(users);
    emu.advanceTime(26 * DAY);
    storeDown();
    expect(await users.renewDue()).toEqual({
      users: 1,
      renewed: 0,
      skipped: 0,
      failed: 1,
      exhausted: 0,
      unsaved: 0,
    });
    expect(errors).toEqual([expect.objectContaining({ name: "DouyinStoreError" })]);
  });

  it("a key listed but gone by the time it is read is not counted", async () => {
    class GhostListing extends MemoryTokenStore {
      override async list(prefix: string) {
        return { keys: [...(await super.list(prefix)).keys, `${prefix}ghost`] };
      }
    }
    const users = createUserTokenManager(douyin, {
      now: emu.now,
      store: new GhostListing(emu.now),
    });
    await signIn(users);
    emu.advanceTime(26 * DAY);
    expect(await users.renewDue()).toEqual({
      users: 1,
      renewed: 1,
      skipped: 0,
      failed: 0,
      exhausted: 0,
      unsaved: 0,
    });
  });

  it("a user signed out while the sweep renews them stays signed out; the sweep does not fail", async () => {
    const { users } = manager();
    await signIn(users);
    emu.advanceTime(26 * DAY);
    emu.injectFault({ operation: "renewRefreshToken", kind: "latency", latencyMs: 300, times: 1 });
    const sweep = users.renewDue();
    await vi.waitFor(() => expect(emu.stats.renewRefreshToken).toBe(1), { timeout: 5_000 });
    await users.delete("u-1");
    const summary = await sweep;
    expect(summary.failed).toBe(0);
    expect(await users.get("u-1")).toBeUndefined();
    await expect(users.getAccessToken("u-1")).rejects.toMatchObject({ reason: "no_tokens" });
  });
});

describe("another server holds the lock", () => {
  it("a waiter takes the record the holder wrote, even while the holder's lock outlives its work", async () => {
    const a = manager({ lockTtlMs: 20_000, lockWaitMs: 3_000 });
    const b = manager({ lockTtlMs: 20_000, lockWaitMs: 3_000 });
    await signIn(a.users);
    emu.advanceTime(15 * DAY + 1); // the access token has expired: nothing to serve meanwhile
    emu.injectFault({ operation: "refreshToken", kind: "latency", latencyMs: 300, times: 1 });
    store.faults.set("release", { kind: "hang" }); // a's lock stays until its ttl
    const first = a.users.getAccessToken("u-1");
    await vi.waitFor(() => expect(emu.stats.refreshToken).toBe(1), { timeout: 5_000 });
    const second = b.users.getAccessToken("u-1");
    const [x, y] = await Promise.all([first, second]);
    expect(y).toBe(x);
    expect(emu.isValid(x)).toBe(true);
    expect(emu.stats.refreshToken).toBe(1);
  });
});
