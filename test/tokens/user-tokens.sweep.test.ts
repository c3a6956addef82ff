// The races around one user that the manager must win, forced at a chosen point: a real
// MemoryTokenStore where "another server" (a second manager on the same store, or a bare store
// call) acts just before a lock is taken, just after a record is read or written, against the
// emulator on its clock. The sweep: a user this process is already on, one renewed or signed out
// elsewhere between the listing and the lock, a lock someone else holds, a refresh token found
// dead. getAccessToken: a call that joins the sweep's flight, a sign-out during its read, a
// sign-out or a failed read between its write and its last look.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DouyinStoreError, type DouyinOAuth } from "../../src/index.js";
import {
  MemoryTokenStore,
  type UserTokenManager,
  type UserTokenManagerOptions,
  type UserTokenRecord,
} from "../../src/tokens/index.js";
import { DEMO_APP, type Emulator } from "../../src/emulator/index.js";
import { DAY, managerWith, signInWith, startClockedEmulator } from "../support/clocked-emulator.js";

const KEY = `douyin-oauth:${DEMO_APP.clientKey}:user:u-1`;
const LOCK = `douyin-oauth:${DEMO_APP.clientKey}:lock:user:u-1`;

type Step = () => Promise<unknown>;
/** Runs `step` once: the hook is cleared before it runs, so the step may use the store too. */
const once = (take: () => Step | undefined, clear: () => void) => async () => {
  const step = take();
  clear();
  if (step !== undefined) await step();
};

/** A shared store where another server acts once at a chosen point of the next call. */
class SharedStore extends MemoryTokenStore {
  /** Before the next lock is taken (a rejection fails that lock). */
  beforeLock: Step | undefined;
  /** After the next read of u-1's record, before it is answered. */
  afterRead: Step | undefined;
  /** After the next write of u-1's record that went through. */
  afterWrite: Step | undefined;
  /** Reads fail while set. */
  down = false;
  reads = 0;

  override async get(key: string) {
    if (this.down) throw new Error("store unreachable");
    const value = await super.get(key);
    if (key === KEY) {
      this.reads += 1;
      await once(
        () => this.afterRead,
        () => (this.afterRead = undefined),
      )();
    }
    return value;
  }
  override async lock(key: string, ttlMs: number) {
    await once(
      () => this.beforeLock,
      () => (this.beforeLock = undefined),
    )();
    return super.lock(key, ttlMs);
  }
  override async compareAndSet(
    key: string,
    expected: string | undefined,
    next: string | undefined,
    ttlMs: number,
  ) {
    const written = await super.compareAndSet(key, expected, next, ttlMs);
    if (written && key === KEY) {
      await once(
        () => this.afterWrite,
        () => (this.afterWrite = undefined),
      )();
    }
    return written;
  }
}

let emu: Emulator;
let douyin: DouyinOAuth;
let store: SharedStore;
beforeEach(async () => {
  ({ emu, douyin } = await startClockedEmulator());
  store = new SharedStore(emu.now);
});
afterEach(() => emu.close());

// Another server's step runs inside one of this process's store calls: bound them generously.
const manager = (more: UserTokenManagerOptions = {}) =>
  managerWith({ emu, douyin }, store, { storeTimeoutMs: 10_000, ...more });
const signIn = (users: UserTokenManager) => signInWith({ emu, douyin }, users);
const stored = async () => JSON.parse((await store.get(KEY))!) as UserTokenRecord;
const summary = (counts: Partial<Record<"renewed" | "skipped" | "failed", number>>) => ({
  users: 1,
  renewed: 0,
  skipped: 0,
  failed: 0,
  exhausted: 0,
  unsaved: 0,
  ...counts,
});

describe("renewDue, between the listing and the lock", () => {
  it("another server renewed the user meanwhile: skipped, not renewed a second time", async () => {
    const a = manager();
    const b = manager();
    await signIn(a.users);
    emu.advanceTime(26 * DAY);
    store.beforeLock = () => b.users.getAccessToken("u-1"); // b renews first
    expect(await a.users.renewDue()).toEqual(summary({ skipped: 1 }));
    expect(emu.stats.renewRefreshToken).toBe(1);
    expect((await stored()).renewals).toBe(1);
    expect(a.errors).toEqual([]);
  });

  it("another server signed the user out meanwhile: skipped, nothing reported, nothing written, nothing held", async () => {
    const { users, errors } = manager();
    await signIn(users);
    emu.advanceTime(14.5 * DAY);
    await users.getAccessToken("u-1"); // refreshed: lasts to day 29.5
    emu.advanceTime(11.5 * DAY);
    store.beforeLock = () => store.delete(KEY);
    expect(await users.renewDue()).toEqual(summary({ skipped: 1 }));
    expect(errors).toEqual([]);
    expect(await store.get(KEY)).toBeUndefined();
    expect(emu.stats.renewRefreshToken).toBe(0);
    store.down = true;
    await expect(users.getAccessToken("u-1")).rejects.toBeInstanceOf(DouyinStoreError);
  });

  it("another server refreshed the user meanwhile: a call joining the sweep gets the newest access token", async () => {
    const { users } = manager();
    await signIn(users);
    emu.advanceTime(14.5 * DAY);
    const mine = await users.getAccessToken("u-1"); // lasts to day 29.5
    emu.advanceTime(11.5 * DAY);
    let joined: Promise<string> | undefined;
    store.beforeLock = async () => {
      const theirs = { ...(await stored()), accessToken: "act.theirs" };
      await store.set(
        KEY,
        JSON.stringify({ ...theirs, accessExpiresAt: emu.now() + 20 * DAY }),
        DAY,
      );
      joined = users.getAccessToken("u-1"); // joins the sweep's call
    };
    expect(await users.renewDue()).toEqual(summary({ renewed: 1 }));
    expect(await joined).toBe("act.theirs");
    expect(await stored()).toMatchObject({ accessToken: "act.theirs", renewals: 1 });
    expect(mine).not.toBe("act.theirs");
  });

  it("another server holds the user's lock: skipped, and this process still holds the tokens for a store outage", async () => {
    const { users } = manager({ offlineGraceMs: 30 * DAY });
    await signIn(users);
    emu.advanceTime(14.5 * DAY);
    const token = await users.getAccessToken("u-1"); // refreshed: lasts to day 29.5
    emu.advanceTime(11.5 * DAY);
    await store.lock(LOCK, 60_000); // another server is working on u-1
    expect(await users.renewDue()).toEqual(summary({ skipped: 1 }));
    store.down = true;
    expect(await users.getAccessToken("u-1")).toBe(token);
  });
});

describe("renewDue and this process's own calls", () => {
  it("a user this process is already working on is skipped, not waited for", async () => {
    const { users, errors } = manager();
    await signIn(users);
    emu.advanceTime(26 * DAY); // renewal due, the access token expired on day 15
    let fail!: (error: Error) => void;
    store.beforeLock = () => new Promise((_, reject) => (fail = reject));
    const call = users.getAccessToken("u-1").catch((e: unknown) => e);
    await vi.waitFor(() => expect(fail).toBeTypeOf("function"), { timeout: 5_000 });
    // The sweep ends while the call still waits for its lock: it did not wait for it.
    expect(await users.renewDue()).toEqual(summary({ skipped: 1 }));
    expect(errors).toEqual([]);
    // The call's lock fails (a store that reads but refuses writes): it refreshes alone, and
    // never renews without the lock.
    fail(new Error("lock refused"));
    expect(emu.isValid((await call) as string)).toBe(true);
    expect(emu.stats.renewRefreshToken).toBe(0);
    expect(errors).toEqual([
      expect.objectContaining({ name: "DouyinStoreError", operation: "lock" }),
    ]);
  });

  it("a refresh token the sweep found dead (renewed elsewhere) is never presented again while the store is down", async () => {
    const { users, errors } = manager({ offlineGraceMs: 30 * DAY });
    const mine = await signIn(users);
    emu.advanceTime(14.5 * DAY);
    const token = await users.getAccessToken("u-1"); // lasts to day 29.5
    emu.advanceTime(11.5 * DAY);
    await douyin.renewRefreshToken({ refreshToken: mine.refreshToken }); // not through the manager
    expect(await users.renewDue()).toEqual(summary({ failed: 1 }));
    expect((await stored()).refreshExpiresAt).toBe(emu.now());
    errors.length = 0;
    emu.advanceTime(2.6 * DAY); // day 28.6: a refresh would be due, if the refresh token lived
    store.down = true;
    const refreshes = emu.stats.refreshToken;
    expect(await users.getAccessToken("u-1")).toBe(token);
    expect(emu.stats.refreshToken).toBe(refreshes);
    expect(errors.map((e) => (e as Error).name)).toEqual(["DouyinStoreError"]);
  });

  it("getAccessToken during the sweep of a user whose access token expired waits for it and gets a fresh one, not a reauthorization", async () => {
    const { users } = manager();
    await signIn(users);
    emu.advanceTime(26 * DAY); // away since day 0: the access token expired on day 15
    emu.injectFault({ operation: "renewRefreshToken", kind: "latency", latencyMs: 300, times: 1 });
    const sweep = users.renewDue();
    await vi.waitFor(() => expect(emu.stats.renewRefreshToken).toBe(1), { timeout: 5_000 });
    const token = await users.getAccessToken("u-1"); // waits for the sweep's lock
    expect(await sweep).toEqual(summary({ renewed: 1 }));
    expect(emu.isValid(token)).toBe(true);
    expect(await stored()).toMatchObject({ accessToken: token, renewals: 1 });
  });
});

describe("getAccessToken, around a sign-out", () => {
  it("a sign-out here while the record is being read: the call is not served, nothing is held for a store outage", async () => {
    const { users } = manager();
    await signIn(users);
    emu.advanceTime(DAY); // nothing due
    store.afterRead = () => users.delete("u-1");
    await expect(users.getAccessToken("u-1")).rejects.toMatchObject({ reason: "no_tokens" });
    expect(JSON.parse((await store.get(KEY))!)).toMatchObject({ signedOutAt: emu.now() });
    store.down = true;
    await expect(users.getAccessToken("u-1")).rejects.toBeInstanceOf(DouyinStoreError);
  });

  it("another server signs the user out just after this process wrote its refresh: that call began before and is served; the next is told to sign in again", async () => {
    const { users } = manager();
    const other = manager();
    await signIn(users);
    emu.advanceTime(14.5 * DAY);
    store.afterWrite = () => other.users.delete("u-1");
    expect(emu.isValid(await users.getAccessToken("u-1"))).toBe(true);
    await expect(users.getAccessToken("u-1")).rejects.toMatchObject({
      name: "DouyinReauthorizeError",
      reason: "no_tokens",
      openId: "u-1",
    });
    expect(emu.stats.refreshToken).toBe(1);
    store.down = true; // nothing held: not served from memory either
    await expect(users.getAccessToken("u-1")).rejects.toBeInstanceOf(DouyinStoreError);
    expect(emu.stats.refreshToken).toBe(1);
  });

  it("another server signs the user out while this call waits for that server's lock: sign in again", async () => {
    const { users } = manager({ lockWaitMs: 10_000 });
    await signIn(users);
    emu.advanceTime(15 * DAY + 1); // the access token has expired: nothing to serve meanwhile
    const theirs = (await store.lock(LOCK, 60_000))!;
    // after this call's first read the record goes; after its next look the lock is freed
    store.afterRead = async () => {
      await store.delete(KEY);
      store.afterRead = () => theirs.release();
    };
    await expect(users.getAccessToken("u-1")).rejects.toMatchObject({
      name: "DouyinReauthorizeError",
      reason: "no_tokens",
    });
    expect(emu.stats.refreshToken).toBe(0);
  });

  it("the last look fails (store unreachable just after the refresh was written): the new token is served", async () => {
    const { users } = manager();
    await signIn(users);
    emu.advanceTime(14.5 * DAY);
    store.afterWrite = async () => (store.down = true);
    const token = await users.getAccessToken("u-1");
    store.down = false;
    expect(emu.isValid(token)).toBe(true);
    expect((await stored()).accessToken).toBe(token);
  });
});
