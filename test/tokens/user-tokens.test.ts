// Users' tokens across the clock: refresh near expiry, renew near refresh expiry, and the one
// error that says "authorize again".
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DouyinOAuthError, DouyinReauthorizeError, type DouyinOAuth } from "../../src/index.js";
import { createUserTokenManager, type UserTokenManager } from "../../src/tokens/index.js";
import type { Emulator } from "../../src/emulator/index.js";
import { DAY, signInWith, startClockedEmulator } from "../support/clocked-emulator.js";

let emu: Emulator;
let douyin: DouyinOAuth;
let users: UserTokenManager;
beforeEach(async () => {
  ({ emu, douyin } = await startClockedEmulator());
  users = createUserTokenManager(douyin, { now: emu.now });
});
afterEach(() => emu.close());

const signIn = (openId?: string) => signInWith({ emu, douyin }, users, openId);

describe("createUserTokenManager", () => {
  it("save() keeps absolute expiry times; a fresh token costs no call", async () => {
    const record = await signIn();
    expect(record).toMatchObject({ openId: "u-1", scope: "user_info", renewals: 0 });
    expect(record.accessExpiresAt).toBe(emu.now() + 15 * DAY);
    expect(record.refreshExpiresAt).toBe(emu.now() + 30 * DAY);
    expect(await users.getAccessToken("u-1")).toBe(record.accessToken);
    expect(emu.stats.refreshToken).toBe(0);
  });

  it("refreshes the access token within a day of its expiry", async () => {
    const record = await signIn();
    emu.advanceTime(13 * DAY);
    expect(await users.getAccessToken("u-1")).toBe(record.accessToken);
    emu.advanceTime(1.5 * DAY);
    const token = await users.getAccessToken("u-1");
    expect(emu.stats.refreshToken).toBe(1);
    expect(emu.isValid(token)).toBe(true);
    const kept = await users.get("u-1");
    expect(kept!.accessExpiresAt).toBe(emu.now() + 15 * DAY);
    expect(kept!.refreshExpiresAt).toBe(record.refreshExpiresAt);
  });

  it("renews the refresh token within 5 days of its expiry, then refreshes", async () => {
    const record = await signIn();
    emu.advanceTime(26 * DAY);
    const token = await users.getAccessToken("u-1");
    expect(emu.stats).toMatchObject({ renewRefreshToken: 1, refreshToken: 1 });
    const kept = await users.get("u-1");
    expect(kept).toMatchObject({ renewals: 1 });
    expect(kept!.refreshToken).not.toBe(record.refreshToken);
    expect(kept!.refreshExpiresAt).toBe(emu.now() + 30 * DAY);
    expect(emu.isValid(record.refreshToken)).toBe(false);
    expect(emu.isValid(token)).toBe(true);
  });

  it("after the fifth renewal, the refresh token runs out: DouyinReauthorizeError renewal_limit", async () => {
    await signIn();
    for (let renewal = 1; renewal <= 5; renewal++) {
      emu.advanceTime(26 * DAY);
      await users.getAccessToken("u-1");
      expect((await users.get("u-1"))!.renewals).toBe(renewal);
    }
    emu.advanceTime(26 * DAY);
    await users.getAccessToken("u-1"); // no renewal left: a refresh only
    expect(emu.stats.renewRefreshToken).toBe(5);
    // The refresh token had 4 days left; the access token just refreshed serves on after that,
    // until it expires itself.
    emu.advanceTime(4.5 * DAY);
    await expect(users.getAccessToken("u-1")).resolves.toMatch(/^act\./);
    emu.advanceTime(10 * DAY);
    await expect(users.getAccessToken("u-1")).resolves.toMatch(/^act\./);
    emu.advanceTime(1 * DAY);
    const error = await users.getAccessToken("u-1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DouyinReauthorizeError);
    expect(error).toMatchObject({ openId: "u-1", reason: "renewal_limit" });
  });

  it("no stored tokens: DouyinReauthorizeError no_tokens", async () => {
    await expect(users.getAccessToken("nobody")).rejects.toMatchObject({
      name: "DouyinReauthorizeError",
      reason: "no_tokens",
      openId: "nobody",
    });
  });

  it("the platform's 10010: the access token serves until it expires, then DouyinReauthorizeError", async () => {
    const record = await signIn();
    await douyin.renewRefreshToken({ refreshToken: record.refreshToken }); // behind the manager's back
    emu.advanceTime(14.5 * DAY);
    expect(await users.getAccessToken("u-1")).toBe(record.accessToken);
    expect(emu.stats.refreshToken).toBe(1);
    expect(await users.getAccessToken("u-1")).toBe(record.accessToken);
    expect(emu.stats.refreshToken).toBe(1); // the dead refresh token is not tried again
    emu.advanceTime(DAY);
    await expect(users.getAccessToken("u-1")).rejects.toMatchObject({
      name: "DouyinReauthorizeError",
      reason: "refresh_token_expired",
    });
  });

  it("the platform's 10010 with the access token expired too: DouyinReauthorizeError with the platform error as cause; the record is kept as ended", async () => {
    const record = await signIn();
    await douyin.renewRefreshToken({ refreshToken: record.refreshToken }); // behind the manager's back
    emu.advanceTime(15 * DAY + 60_000);
    const error = await users.getAccessToken("u-1").catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: "DouyinReauthorizeError",
      reason: "refresh_token_expired",
    });
    expect((error as Error).cause).toBeInstanceOf(DouyinOAuthError);
    expect((error as Error).cause).toMatchObject({ errorCode: 10010 });
    // Kept until it expires from the store, so every server's next call says why at once,
    // without presenting the dead refresh token again.
    expect((await users.get("u-1"))!.refreshExpiresAt).toBeLessThanOrEqual(emu.now());
    const refreshes = emu.stats.refreshToken;
    await expect(users.getAccessToken("u-1")).rejects.toMatchObject({
      reason: "refresh_token_expired",
    });
    expect(emu.stats.refreshToken).toBe(refreshes);
  });

  it("50 concurrent getAccessToken() for a user due for refresh make one refresh", async () => {
    await signIn();
    emu.advanceTime(14.5 * DAY);
    const all = await Promise.all(Array.from({ length: 50 }, () => users.getAccessToken("u-1")));
    expect(new Set(all).size).toBe(1);
    expect(emu.stats.refreshToken).toBe(1);
  });

  it("a refresh that fails on the network still serves the unexpired token; onError hears it", async () => {
    const errors: unknown[] = [];
    const managed = createUserTokenManager(douyin, {
      now: emu.now,
      onError: (e) => errors.push(e),
    });
    const record = await managed.save(
      await douyin.accessToken({ code: emu.issueCode({ scope: "user_info", openId: "u-2" }) }),
    );
    emu.advanceTime(14.5 * DAY);
    emu.injectFault({ operation: "refreshToken", kind: "reset", times: 1 });
    expect(await managed.getAccessToken("u-2")).toBe(record.accessToken);
    expect(errors[0]).toMatchObject({ name: "DouyinTransportError", kind: "network" });
  });
});
