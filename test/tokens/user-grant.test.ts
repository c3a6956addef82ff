// The edges of the work on one user's grant under the lock (src/tokens/user-grant.ts), against
// the emulator on its clock: another server signing the user out or writing its own grant just
// before one chosen read or compare-and-set, the platform refusing a renewal (10004, 10010,
// 10020) or answering a refresh with 10010, a lost lock, a sign-out during a renewal, and a
// renewal left unsaved then refreshed alone while the store is down. What each must keep: the
// user's sign-out, the other server's grant, the renewed refresh token, and the sweep's counts.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createDouyinOAuth,
  DouyinOAuthError,
  DouyinStoreError,
  ERROR_CODE,
  type DouyinOAuth,
} from "../../src/index.js";
import {
  MemoryTokenStore,
  type TokenStore,
  type UserTokenManagerOptions,
  type UserTokenRecord,
} from "../../src/tokens/index.js";
import { DEMO_APP, startEmulator, type Emulator } from "../../src/emulator/index.js";
import { DAY, managerWith, signInWith, startClockedEmulator } from "../support/clocked-emulator.js";
import { FaultyStore } from "../support/faulty-store.js";

const KEY = `douyin-oauth:${DEMO_APP.clientKey}:user:u-1`;
const HOUR = 60 * 60_000;

/** A MemoryTokenStore where "another server" acts just before a chosen call on u-1's record. */
class InterleavedStore extends MemoryTokenStore {
  private plans: Array<{ method: string; left: number; run: () => Promise<unknown> }> = [];
  /** Runs `run` just before the `nth` next `method` call on u-1's record (1: the next one). */
  before(method: "get" | "compareAndSet", nth: number, run: () => Promise<unknown>) {
    this.plans.push({ method, left: nth, run });
  }
  private async turn(method: string, key: string) {
    if (key !== KEY) return;
    for (const plan of this.plans.filter((p) => p.method === method)) {
      plan.left -= 1;
      if (plan.left > 0) continue;
      this.plans = this.plans.filter((p) => p !== plan);
      await plan.run();
    }
  }
  override async get(key: string) {
    await this.turn("get", key);
    return super.get(key);
  }
  override async compareAndSet(
    key: string,
    expected: string | undefined,
    next: string | undefined,
    ttlMs: number,
  ) {
    await this.turn("compareAndSet", key);
    return super.compareAndSet(key, expected, next, ttlMs);
  }
}

let emu: Emulator;
let douyin: DouyinOAuth;
beforeEach(async () => {
  ({ emu, douyin } = await startClockedEmulator());
});
afterEach(() => emu.close());

const manager = (store: TokenStore, more: UserTokenManagerOptions = {}) =>
  managerWith({ emu, douyin }, store, { storeTimeoutMs: 2_000, ...more });
/** The user's record as stored, without its version; undefined when none or signed out. */
const stored = async (store: TokenStore) => {
  const raw = await store.get(KEY);
  if (raw === undefined) return undefined;
  const { version: _, ...record } = JSON.parse(raw) as UserTokenRecord & { version: number };
  return "signedOutAt" in record ? undefined : record;
};
const signOut = (store: TokenStore) => () => store.delete(KEY);
const noTokens = { name: "DouyinReauthorizeError", reason: "no_tokens" };
const nothingElse = { users: 1, renewed: 0, skipped: 0, failed: 0, exhausted: 0, unsaved: 0 };

describe("another server signs the user out while this one works", () => {
  // Each case with the access token expired: nothing this process holds may be served.
  it("between the first read and the read under the lock: no_tokens, no refresh sent", async () => {
    const store = new InterleavedStore(emu.now);
    const { users, errors } = manager(store);
    await signInWith({ emu, douyin }, users);
    emu.advanceTime(15 * DAY + 60_000);
    store.before("get", 2, signOut(store));
    await expect(users.getAccessToken("u-1")).rejects.toMatchObject(noTokens);
    expect(emu.stats.refreshToken).toBe(0);
    expect(errors).toEqual([]);
  });

  it("between the refresh's 10010 and the read that weighs it: no_tokens", async () => {
    const store = new InterleavedStore(emu.now);
    const { users, errors } = manager(store);
    const mine = await signInWith({ emu, douyin }, users);
    await douyin.renewRefreshToken({ refreshToken: mine.refreshToken }); // elsewhere: now dead
    emu.advanceTime(15 * DAY + 60_000);
    store.before("get", 3, signOut(store));
    await expect(users.getAccessToken("u-1")).rejects.toMatchObject(noTokens);
    expect(emu.stats.refreshToken).toBe(1);
    expect(errors).toEqual([]);
  });

  it("while the refresh is out: the new token is not written nor served, and onError hears nothing", async () => {
    const store = new InterleavedStore(emu.now);
    const { users, errors } = manager(store);
    await signInWith({ emu, douyin }, users);
    emu.advanceTime(15 * DAY + 60_000);
    store.before("compareAndSet", 1, signOut(store));
    await expect(users.getAccessToken("u-1")).rejects.toMatchObject(noTokens);
    expect(emu.stats.refreshToken).toBe(1);
    expect(await stored(store)).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it("just before the renewal's mark: nothing renewed, no_tokens", async () => {
    const store = new InterleavedStore(emu.now);
    const { users } = manager(store);
    await signInWith({ emu, douyin }, users);
    emu.advanceTime(26 * DAY);
    store.before("compareAndSet", 1, signOut(store));
    await expect(users.getAccessToken("u-1")).rejects.toMatchObject(noTokens);
    expect(emu.stats.renewRefreshToken).toBe(0);
    expect(await stored(store)).toBeUndefined();
  });

  it("after the renewal's 10010, before its mark is cleared: no_tokens; onError hears the 10010", async () => {
    const store = new InterleavedStore(emu.now);
    const { users, errors } = manager(store);
    const mine = await signInWith({ emu, douyin }, users);
    await douyin.renewRefreshToken({ refreshToken: mine.refreshToken }); // elsewhere: now dead
    emu.advanceTime(26 * DAY);
    store.before("compareAndSet", 2, signOut(store));
    await expect(users.getAccessToken("u-1")).rejects.toMatchObject(noTokens);
    expect(emu.stats.renewRefreshToken).toBe(2);
    expect(await stored(store)).toBeUndefined();
    expect(errors).toEqual([
      expect.objectContaining({
        name: "DouyinOAuthError",
        operation: "renewRefreshToken",
        errorCode: ERROR_CODE.REFRESH_TOKEN_EXPIRED,
      }),
    ]);
  });

  it("with a renewal left unsaved: it is dropped, not written over the sign-out", async () => {
    const store = new InterleavedStore(emu.now);
    const { users } = manager(store);
    await signInWith({ emu, douyin }, users);
    emu.advanceTime(26 * DAY);
    // the mark is written, the renewed record refused
    store.before("compareAndSet", 2, () => Promise.reject(new Error("store refused")));
    expect(emu.isValid(await users.getAccessToken("u-1"))).toBe(true); // held here, unsaved
    store.before("get", 2, signOut(store));
    await expect(users.getAccessToken("u-1")).rejects.toMatchObject(noTokens);
    expect(await stored(store)).toBeUndefined();
    expect(emu.stats.renewRefreshToken).toBe(1);
  });
});

describe("another server renewed the grant", () => {
  it("the refresh's 10010 is read as theirs: their record is served and kept as they wrote it", async () => {
    const store = new InterleavedStore(emu.now);
    const { users, errors } = manager(store);
    const mine = await signInWith({ emu, douyin }, users);
    emu.advanceTime(15 * DAY + 60_000);
    const renewed = await douyin.renewRefreshToken({ refreshToken: mine.refreshToken });
    const refreshed = await douyin.refreshToken({ refreshToken: renewed.refresh_token });
    const theirs: UserTokenRecord = {
      ...mine,
      accessToken: refreshed.access_token,
      accessExpiresAt: emu.now() + refreshed.expires_in * 1000,
      refreshToken: renewed.refresh_token,
      refreshExpiresAt: emu.now() + renewed.expires_in * 1000,
      renewals: 1,
    };
    // written after this server read its record, before it reads again on the 10010
    store.before("get", 3, () => store.set(KEY, JSON.stringify(theirs), 40 * DAY));
    expect(await users.getAccessToken("u-1")).toBe(refreshed.access_token);
    expect(await stored(store)).toEqual(theirs);
    expect(errors).toEqual([]);
  });
});

describe("a renewal refused with another error than 10010 or 10020", () => {
  let refusing: Emulator;
  let client: DouyinOAuth;
  beforeEach(async () => {
    // An app without the renewal permission: the platform answers 10004.
    refusing = await startEmulator({
      now: () => Date.UTC(2026, 10, 25, 8),
      apps: [{ ...DEMO_APP, canRenew: false }],
    });
    client = createDouyinOAuth({ ...DEMO_APP, baseUrl: refusing.url, retry: false });
  });
  afterEach(() => refusing.close());

  it("the grant is kept as it was, unmarked; onError hears it; no new try before renewRetryMs", async () => {
    const store = new MemoryTokenStore(refusing.now);
    const on = { emu: refusing, douyin: client };
    const { users, errors } = managerWith(on, store);
    await signInWith(on, users);
    refusing.advanceTime(14.5 * DAY);
    const token = await users.getAccessToken("u-1"); // refreshed: lasts to day 29.5
    const before = await stored(store);
    refusing.advanceTime(11.5 * DAY); // day 26: renewal due
    expect(await users.getAccessToken("u-1")).toBe(token);
    expect(refusing.stats.renewRefreshToken).toBe(1);
    expect(await stored(store)).toEqual(before);
    expect(errors).toEqual([expect.any(DouyinOAuthError)]);
    expect(errors[0]).toMatchObject({
      operation: "renewRefreshToken",
      errorCode: ERROR_CODE.PERMISSION_DENIED,
    });
    refusing.advanceTime(60_000 - 1);
    expect(await users.getAccessToken("u-1")).toBe(token);
    expect(refusing.stats.renewRefreshToken).toBe(1);
    refusing.advanceTime(1);
    await users.getAccessToken("u-1");
    expect(refusing.stats.renewRefreshToken).toBe(2);
  });

  it("renewDue counts it as failed", async () => {
    const store = new MemoryTokenStore(refusing.now);
    const on = { emu: refusing, douyin: client };
    const { users, errors } = managerWith(on, store);
    await signInWith(on, users);
    refusing.advanceTime(26 * DAY);
    expect(await users.renewDue()).toEqual({ ...nothingElse, failed: 1 });
    expect(errors).toEqual([expect.any(DouyinOAuthError)]);
  });
});

describe("renewDue counts what each renewal came to", () => {
  it("the lock lost before the renewal: skipped, nothing sent, nothing written", async () => {
    const store = new FaultyStore(emu.now);
    const { users, errors } = manager(store, { lockTtlMs: 30 });
    const mine = await signInWith({ emu, douyin }, users);
    emu.advanceTime(26 * DAY);
    // The read under the lock outlasts the lock's first extension, which fails.
    store.faults.set("extend", { kind: "reject" });
    store.faults.set("get", { kind: "slow", ms: 150, skip: 1 });
    expect(await users.renewDue()).toEqual({ ...nothingElse, skipped: 1 });
    expect(emu.stats.renewRefreshToken).toBe(0);
    expect(await stored(store.inner)).toEqual(mine);
    expect(errors).toEqual([expect.objectContaining({ operation: "extend" })]);
  });

  it("a new sign-in elsewhere just before the mark: skipped, theirs kept", async () => {
    const store = new InterleavedStore(emu.now);
    const { users } = manager(store);
    const mine = await signInWith({ emu, douyin }, users);
    emu.advanceTime(26 * DAY);
    const theirs = {
      ...mine,
      accessToken: "act.new-sign-in",
      refreshToken: "rft.new-sign-in",
      accessExpiresAt: emu.now() + 15 * DAY,
      refreshExpiresAt: emu.now() + 30 * DAY,
    };
    store.before("compareAndSet", 1, () => store.set(KEY, JSON.stringify(theirs), 40 * DAY));
    expect(await users.renewDue()).toEqual({ ...nothingElse, skipped: 1 });
    expect(emu.stats.renewRefreshToken).toBe(0);
    expect(await stored(store)).toEqual(theirs);
  });

  it("10020 from the platform: exhausted, the record's renewals at the limit", async () => {
    const store = new MemoryTokenStore(emu.now);
    const { users } = manager(store);
    const data = await douyin.accessToken({
      code: emu.issueCode({ scope: "user_info", openId: "u-1" }),
    });
    let refreshToken = data.refresh_token;
    for (let n = 0; n < 5; n++) {
      refreshToken = (await douyin.renewRefreshToken({ refreshToken })).refresh_token;
    }
    await users.save({ ...data, refresh_token: refreshToken }); // renewals 0, as far as it knows
    emu.advanceTime(26 * DAY);
    expect(await users.renewDue()).toEqual({ ...nothingElse, exhausted: 1 });
    expect(await stored(store)).toMatchObject({ refreshToken, renewals: 5 });
  });

  it("10010 for a refresh token renewed elsewhere: failed; the access token serves out its time", async () => {
    const store = new MemoryTokenStore(emu.now);
    const { users } = manager(store);
    const mine = await signInWith({ emu, douyin }, users);
    emu.advanceTime(14.5 * DAY);
    const token = await users.getAccessToken("u-1"); // refreshed: lasts to day 29.5
    emu.advanceTime(11.5 * DAY);
    await douyin.renewRefreshToken({ refreshToken: mine.refreshToken }); // not through the manager
    expect(await users.renewDue()).toEqual({ ...nothingElse, failed: 1 });
    expect(await stored(store)).toMatchObject({ accessToken: token, refreshExpiresAt: emu.now() });
    expect(await users.getAccessToken("u-1")).toBe(token);
  });
});

describe("after a failed renewal, with a refresh due on every call", () => {
  it("no new renewal before renewRetryMs, even once its mark has ended; one at exactly renewRetryMs", async () => {
    const store = new MemoryTokenStore(emu.now);
    const { users } = manager(store, { renewRetryMs: 2 * HOUR, refreshBeforeExpiryMs: 15 * DAY });
    await signInWith({ emu, douyin }, users);
    emu.advanceTime(26 * DAY);
    emu.injectFault({ operation: "renewRefreshToken", kind: "status", status: 500, times: 1 });
    await users.getAccessToken("u-1");
    expect(emu.stats.renewRefreshToken).toBe(1);
    emu.advanceTime(HOUR); // the mark has ended; the retry pause has not
    await users.getAccessToken("u-1");
    expect(emu.stats.refreshToken).toBe(2);
    expect(emu.stats.renewRefreshToken).toBe(1);
    emu.advanceTime(HOUR); // exactly renewRetryMs since the failure
    await users.getAccessToken("u-1");
    expect(emu.stats.refreshToken).toBe(3);
    expect(emu.stats.renewRefreshToken).toBe(2);
    expect(await stored(store)).toMatchObject({ renewals: 1 });
  });
});

describe("a renewal and the store", () => {
  it("a user signed out while the renewal is out, its write then refused: nothing kept, that call not served, nothing served while the store is down", async () => {
    const store = new FaultyStore(emu.now);
    const { users } = manager(store, { offlineGraceMs: 30 * DAY });
    await signInWith({ emu, douyin }, users);
    emu.advanceTime(26 * DAY);
    emu.injectFault({ operation: "renewRefreshToken", kind: "latency", latencyMs: 300, times: 1 });
    const pending = users.getAccessToken("u-1");
    await vi.waitFor(() => expect(emu.stats.renewRefreshToken).toBe(1), { timeout: 5_000 });
    await users.delete("u-1");
    store.faults.set("compareAndSet", { kind: "reject" }); // the renewal's write is refused
    await expect(pending).rejects.toMatchObject(noTokens);
    store.faults.set("get", { kind: "reject" });
    await expect(users.getAccessToken("u-1")).rejects.toBeInstanceOf(DouyinStoreError);
    expect(emu.stats.refreshToken).toBe(0);
  });

  it("a renewal left unsaved, refreshed alone while the store is down, is written with that refresh once it is back", async () => {
    const store = new FaultyStore(emu.now);
    const { users } = manager(store);
    const mine = await signInWith({ emu, douyin }, users);
    emu.advanceTime(26 * DAY); // the access token expired on day 15
    store.faults.set("compareAndSet", { kind: "reject", skip: 1 }); // the mark goes through
    const token = await users.getAccessToken("u-1"); // refreshed with the renewed refresh token
    expect(emu.isValid(token)).toBe(true);
    expect(emu.stats.refreshToken).toBe(1);
    store.faults.clear();
    store.faults.set("get", { kind: "reject" });
    expect(await users.getAccessToken("u-1")).toBe(token); // the store is down: held here
    store.faults.clear();
    expect(await users.getAccessToken("u-1")).toBe(token);
    const kept = await stored(store.inner);
    expect(kept).toMatchObject({ accessToken: token, renewals: 1 });
    expect(kept!.refreshToken).not.toBe(mine.refreshToken);
    expect(emu.isValid(kept!.refreshToken)).toBe(true);
    expect(emu.stats.refreshToken).toBe(1);
    expect(emu.stats.renewRefreshToken).toBe(1);
  });

  it("a refresh made alone while the store was down leaves nothing to write: the sweep after it refreshes nobody and takes no lock", async () => {
    const store = new FaultyStore(emu.now);
    const { users } = manager(store, { offlineGraceMs: 30 * DAY });
    await signInWith({ emu, douyin }, users);
    emu.advanceTime(14.5 * DAY);
    store.faults.set("get", { kind: "reject" });
    await users.getAccessToken("u-1");
    expect(emu.stats.refreshToken).toBe(1);
    store.faults.clear();
    const locks = store.calls.lock;
    expect(await users.renewDue()).toEqual({ ...nothingElse, skipped: 1 });
    expect(emu.stats.refreshToken).toBe(1);
    expect(store.calls.lock).toBe(locks);
  });
});
