// Another writer between a read and a compare-and-set, and the platform's 10010 while a renewal
// is unsettled: a real MemoryTokenStore whose next user-record swap first lets "another server"
// write (a refresh of the same grant, a new sign-in, a sign-out), against the emulator on its
// clock. What each case must keep: the newer access token, the other's new grant, the sign-out.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DouyinReauthorizeError, DouyinStoreError, type DouyinOAuth } from "../../src/index.js";
import {
  createUserTokenManager,
  MemoryTokenStore,
  type UserTokenManager,
  type UserTokenRecord,
} from "../../src/tokens/index.js";
import { DEMO_APP, type Emulator } from "../../src/emulator/index.js";
import { DAY, signInWith, startClockedEmulator } from "../support/clocked-emulator.js";

const KEY = `douyin-oauth:${DEMO_APP.clientKey}:user:u-1`;

/** Before each of its next `times` swaps of a user record, runs `first` (another server). */
class RacingStore extends MemoryTokenStore {
  private first: ((key: string) => Promise<void>) | undefined;
  private times = 0;
  swaps = 0;
  before(times: number, first: (key: string) => Promise<void>) {
    this.times = times;
    this.first = first;
  }
  override async compareAndSet(
    key: string,
    expected: string | undefined,
    next: string | undefined,
    ttlMs: number,
  ) {
    if (key === KEY) this.swaps += 1;
    if (key === KEY && this.times > 0 && this.first !== undefined) {
      this.times -= 1;
      await this.first(key);
    }
    return super.compareAndSet(key, expected, next, ttlMs);
  }
}

let emu: Emulator;
let douyin: DouyinOAuth;
let store: RacingStore;
let users: UserTokenManager;
let errors: unknown[];
beforeEach(async () => {
  ({ emu, douyin } = await startClockedEmulator());
  store = new RacingStore(emu.now);
  errors = [];
  users = createUserTokenManager(douyin, {
    now: emu.now,
    store,
    onError: (e) => errors.push(e),
  });
});
afterEach(() => emu.close());

const signIn = (openId?: string) => signInWith({ emu, douyin }, users, openId);
/** The stored record without its version. */
const stored = async () => {
  const raw = await store.get(KEY);
  if (raw === undefined) return undefined;
  const { version: _, ...record } = JSON.parse(raw) as UserTokenRecord & { version?: number };
  return record;
};
const overwrite = (record: UserTokenRecord) =>
  store.set(KEY, JSON.stringify(record), 40 * DAY).then(() => undefined);
/** Another server's record after a new sign-in of `mine`'s user: other tokens, fresh access. */
const newSignIn = (mine: UserTokenRecord, more: Partial<UserTokenRecord> = {}) => ({
  ...mine,
  accessToken: "act.new-sign-in",
  refreshToken: "rft.new-sign-in",
  accessExpiresAt: emu.now() + 15 * DAY,
  ...more,
});

describe("another writer came first", () => {
  it("a refresh of the same grant came first: decided again, theirs kept and served, nothing written over it", async () => {
    const mine = await signIn();
    emu.advanceTime(14.5 * DAY);
    const later = { ...mine, accessToken: "act.theirs", accessExpiresAt: emu.now() + 20 * DAY };
    store.before(1, () => overwrite({ ...later, renewals: 2 }));
    const token = await users.getAccessToken("u-1");
    expect(token).toBe("act.theirs");
    expect(await stored()).toMatchObject({
      accessToken: "act.theirs",
      refreshToken: mine.refreshToken,
      renewals: 2,
    });
  });

  it("a new sign-in (another refresh token): theirs is kept and served, ours dropped", async () => {
    const mine = await signIn();
    emu.advanceTime(14.5 * DAY);
    const theirs = newSignIn(mine);
    store.before(1, () => overwrite(theirs));
    expect(await users.getAccessToken("u-1")).toBe("act.new-sign-in");
    expect(await stored()).toEqual(theirs);
  });

  it("a sign-out: the refresh is not written back and the caller must sign in again", async () => {
    await signIn();
    emu.advanceTime(14.5 * DAY);
    store.before(1, (key) => store.delete(key));
    await expect(users.getAccessToken("u-1")).rejects.toMatchObject({
      name: "DouyinReauthorizeError",
      reason: "no_tokens",
    });
    expect(await stored()).toBeUndefined();
  });

  it("every time, four rounds running: the new token is served, and onError hears the unsaved write", async () => {
    const mine = await signIn();
    emu.advanceTime(14.5 * DAY);
    let n = 0;
    store.before(4, () => overwrite({ ...mine, accessExpiresAt: mine.accessExpiresAt - ++n }));
    store.swaps = 0; // the sign-in's own
    const token = await users.getAccessToken("u-1");
    expect(emu.isValid(token)).toBe(true);
    expect(emu.stats.refreshToken).toBe(1);
    expect(store.swaps).toBe(4);
    expect(errors).toEqual([
      expect.objectContaining({
        name: "DouyinStoreError",
        reason: "unsaved",
        operation: "compareAndSet",
      }),
    ]);
  });

  it("every time, four rounds running, with the access token expired: the new token is still served", async () => {
    const mine = await signIn();
    emu.advanceTime(15 * DAY + 60_000);
    let n = 0;
    store.before(4, () => overwrite({ ...mine, accessExpiresAt: mine.accessExpiresAt - ++n }));
    const token = await users.getAccessToken("u-1");
    expect(token).not.toBe(mine.accessToken);
    expect(emu.isValid(token)).toBe(true);
    expect(errors).toEqual([
      expect.objectContaining({ name: "DouyinStoreError", reason: "unsaved" }),
    ]);
  });

  it("before the renewal's mark: a new sign-in is not renewed; it is served", async () => {
    const mine = await signIn();
    emu.advanceTime(26 * DAY);
    const theirs = newSignIn(mine, { refreshExpiresAt: emu.now() + 30 * DAY });
    store.before(1, () => overwrite(theirs));
    expect(await users.getAccessToken("u-1")).toBe("act.new-sign-in");
    expect(emu.stats.renewRefreshToken).toBe(0);
    expect(await stored()).toEqual(theirs);
  });

  it("a renewal left unsaved is not written over a new sign-in made by another server since", async () => {
    const mine = await signIn();
    emu.advanceTime(26 * DAY);
    // the mark is written; the renewed record's write is refused
    const refuse = store.compareAndSet.bind(store);
    let calls = 0;
    store.compareAndSet = async (...args) => {
      calls += 1;
      if (calls === 2) throw new Error("store refused the write");
      return refuse(...args);
    };
    expect(emu.isValid(await users.getAccessToken("u-1"))).toBe(true); // held, unsaved
    store.compareAndSet = refuse;
    const theirs = newSignIn(mine, { refreshExpiresAt: emu.now() + 30 * DAY });
    await overwrite(theirs);
    expect(await users.getAccessToken("u-1")).toBe("act.new-sign-in");
    expect(await stored()).toEqual(theirs);
  });
});

describe("10010 while a renewal is unsettled", () => {
  it("the renewal's answer was lost and the access token still works: it is served, no reauthorization", async () => {
    const mine = await signIn();
    emu.advanceTime(14.5 * DAY);
    const refreshed = await users.getAccessToken("u-1"); // lasts to day 29.5
    emu.advanceTime(14.1 * DAY); // day 28.6: renewal due, refresh due
    emu.injectFault({ operation: "renewRefreshToken", kind: "lost", times: 1 });
    // the platform renewed: the old refresh token is dead, so the refresh gets 10010
    expect(await users.getAccessToken("u-1")).toBe(refreshed);
    expect(emu.stats.refreshToken).toBe(2);
    // only the lost answer is reported: the 10010 is read as the renewal's, not as a failure
    expect(errors.map((e) => (e as Error).name)).toEqual(["DouyinTransportError"]);
    expect(await stored()).toMatchObject({ refreshToken: mine.refreshToken });
    expect((await stored())!.renewingSince).toBe(emu.now());
  });

  it("the renewal's answer was lost and the access token has expired: DouyinStoreError unsaved, never a reauthorization", async () => {
    const mine = await signIn();
    emu.advanceTime(25.5 * DAY); // the access token expired on day 15
    emu.injectFault({ operation: "renewRefreshToken", kind: "lost", times: 1 });
    const error = await users.getAccessToken("u-1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DouyinStoreError);
    expect(error).not.toBeInstanceOf(DouyinReauthorizeError);
    expect(error).toMatchObject({ reason: "unsaved", operation: "get" });
    expect(await stored()).toMatchObject({ refreshToken: mine.refreshToken });
  });

  it("the refresh token was renewed behind the manager's back: the renewal's 10010 kills it, the access token serves out its time", async () => {
    const mine = await signIn();
    emu.advanceTime(14.5 * DAY);
    const refreshed = await users.getAccessToken("u-1"); // lasts to day 29.5
    emu.advanceTime(11.5 * DAY); // day 26: renewal due
    await douyin.renewRefreshToken({ refreshToken: mine.refreshToken }); // not through the manager
    expect(await users.getAccessToken("u-1")).toBe(refreshed);
    const kept = await stored();
    expect(kept!.refreshExpiresAt).toBe(emu.now());
    expect(kept!.renewingSince).toBeUndefined();
    expect(errors).toEqual([]); // the 10010 is the renewal's own: no failure to report
    emu.advanceTime(3.5 * DAY);
    await expect(users.getAccessToken("u-1")).rejects.toMatchObject({
      name: "DouyinReauthorizeError",
      reason: "refresh_token_expired",
    });
  });
});
