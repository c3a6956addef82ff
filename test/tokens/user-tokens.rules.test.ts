// createUserTokenManager's inputs and its rules at their exact edges, against the emulator on
// its clock: what it refuses, the keys it stores under, the store lifetime it asks for, and the
// millisecond at which a refresh, a renewal or a retry after a failed renewal becomes due.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DouyinOAuth } from "../../src/index.js";
import { createUserTokenManager, type UserTokenManager } from "../../src/tokens/index.js";
import { DEMO_APP, type Emulator } from "../../src/emulator/index.js";
import { DAY, signInWith, startClockedEmulator } from "../support/clocked-emulator.js";
import { RecordingStore } from "../support/recording-store.js";

let emu: Emulator;
let douyin: DouyinOAuth;
let store: RecordingStore;
let users: UserTokenManager;
beforeEach(async () => {
  ({ emu, douyin } = await startClockedEmulator());
  store = new RecordingStore(emu.now);
  users = createUserTokenManager(douyin, { store, now: emu.now });
});
afterEach(() => emu.close());

const signIn = (openId?: string) => signInWith({ emu, douyin }, users, openId);

describe("createUserTokenManager › refused input", () => {
  for (const name of ["refreshBeforeExpiryMs", "renewBeforeExpiryMs", "renewRetryMs"]) {
    it(`${name}: whole milliseconds from 1`, () => {
      for (const value of [0, -1, 2.5, "1"]) {
        expect(() => createUserTokenManager(douyin, { [name]: value })).toThrow(
          new TypeError(`"${name}" must be a whole number of milliseconds from 1 to 2147483647`),
        );
      }
    });
  }

  it("maxRenewals: a non-negative integer; 0 is allowed", () => {
    for (const value of [-1, 1.5, "5", Number.NaN]) {
      expect(() => createUserTokenManager(douyin, { maxRenewals: value as number })).toThrow(
        new TypeError(`"maxRenewals" must be a non-negative integer`),
      );
    }
    expect(() => createUserTokenManager(douyin, { maxRenewals: 0 })).not.toThrow();
  });

  it("save: open_id, access_token and refresh_token must be there", async () => {
    const data = await douyin.accessToken({
      code: emu.issueCode({ scope: "user_info", openId: "u-1" }),
    });
    const missing = (name: string) =>
      new TypeError(`"${name}" is missing or empty: a non-empty string is expected`);
    await expect(users.save(undefined as never)).rejects.toThrow(missing("open_id"));
    await expect(users.save({ ...data, open_id: "" })).rejects.toThrow(missing("open_id"));
    await expect(users.save({ ...data, access_token: "" })).rejects.toThrow(
      missing("access_token"),
    );
    await expect(users.save({ ...data, refresh_token: "" })).rejects.toThrow(
      missing("refresh_token"),
    );
    expect((await store.list("")).keys).toEqual([]);
  });

  it("getAccessToken, get and delete need an openId", async () => {
    const missing = new TypeError(`"openId" is missing or empty: a non-empty string is expected`);
    await expect(users.getAccessToken("")).rejects.toThrow(missing);
    await expect(users.get("")).rejects.toThrow(missing);
    await expect(users.delete("")).rejects.toThrow(missing);
  });

  it("renewDue: concurrency an integer from 1 to 64", async () => {
    for (const concurrency of [0, 65, 1.5]) {
      await expect(users.renewDue({ concurrency })).rejects.toThrow(
        new TypeError(`"concurrency" must be an integer from 1 to 64`),
      );
    }
    await signIn();
    for (const concurrency of [1, 64]) {
      expect(await users.renewDue({ concurrency })).toMatchObject({ users: 1, skipped: 1 });
    }
  });
});

describe("createUserTokenManager › what it stores", () => {
  it("under douyin-oauth:<client key>:user:<open_id>, for as long as either token and a day", async () => {
    const record = await signIn("u-7");
    expect((await store.list("")).keys).toEqual([`douyin-oauth:${DEMO_APP.clientKey}:user:u-7`]);
    expect(JSON.parse((await store.get(`douyin-oauth:${DEMO_APP.clientKey}:user:u-7`))!)).toEqual({
      ...record,
      version: 1,
    });
    expect(store.ttls).toEqual([31 * DAY]);
  });

  it("its lock is douyin-oauth:<client key>:lock:user:<open_id>: while another holds it, the still-valid token is served", async () => {
    const record = await signIn();
    emu.advanceTime(14.5 * DAY);
    await store.lock(`douyin-oauth:${DEMO_APP.clientKey}:lock:user:u-1`, 60_000);
    expect(await users.getAccessToken("u-1")).toBe(record.accessToken);
    expect(emu.stats.refreshToken).toBe(0);
  });

  it("get: the stored record, or undefined", async () => {
    const record = await signIn();
    expect(await users.get("u-1")).toEqual(record);
    expect(await users.get("nobody")).toBeUndefined();
  });
});

describe("createUserTokenManager › the edges of each rule (defaults)", () => {
  it("refresh: due exactly one day before the access token expires", async () => {
    await signIn();
    emu.advanceTime(14 * DAY - 1);
    await users.getAccessToken("u-1");
    expect(emu.stats.refreshToken).toBe(0);
    emu.advanceTime(1);
    await users.getAccessToken("u-1");
    expect(emu.stats.refreshToken).toBe(1);
  });

  it("renewal: due exactly five days before the refresh token expires", async () => {
    const record = await signIn();
    emu.advanceTime(25 * DAY - 1);
    await users.getAccessToken("u-1");
    expect(emu.stats.renewRefreshToken).toBe(0);
    emu.advanceTime(1);
    await users.getAccessToken("u-1");
    expect(emu.stats.renewRefreshToken).toBe(1);
    expect((await users.get("u-1"))!.refreshToken).not.toBe(record.refreshToken);
  });

  it("refreshBeforeExpiryMs 1: served until the last millisecond, then refreshed", async () => {
    const lazy = createUserTokenManager(douyin, {
      store,
      now: emu.now,
      refreshBeforeExpiryMs: 1,
      renewBeforeExpiryMs: 1,
    });
    const record = await lazy.save(
      await douyin.accessToken({ code: emu.issueCode({ scope: "user_info", openId: "u-2" }) }),
    );
    emu.advanceTime(15 * DAY - 2);
    expect(await lazy.getAccessToken("u-2")).toBe(record.accessToken);
    expect(emu.stats.refreshToken).toBe(0);
    emu.advanceTime(1);
    expect(emu.isValid(await lazy.getAccessToken("u-2"))).toBe(true);
    expect(emu.stats.refreshToken).toBe(1);
  });
});
