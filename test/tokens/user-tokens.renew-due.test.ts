// renewDue(), the daily sweep, user by user: what it counts as renewed, skipped and exhausted,
// and what it leaves alone, on the emulator's clock.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DouyinOAuth } from "../../src/index.js";
import { createUserTokenManager, MemoryTokenStore } from "../../src/tokens/index.js";
import type { Emulator } from "../../src/emulator/index.js";
import { DAY, startClockedEmulator } from "../support/clocked-emulator.js";

let emu: Emulator;
let douyin: DouyinOAuth;
let store: MemoryTokenStore;
beforeEach(async () => {
  ({ emu, douyin } = await startClockedEmulator());
  store = new MemoryTokenStore(emu.now);
});
afterEach(() => emu.close());

const manager = (maxRenewals?: number) =>
  createUserTokenManager(douyin, {
    store,
    now: emu.now,
    ...(maxRenewals === undefined ? {} : { maxRenewals }),
  });
const code = (openId: string) => emu.issueCode({ scope: "user_info", openId });

describe("renewDue", () => {
  it("nobody stored: all zero", async () => {
    expect(await manager().renewDue()).toEqual({
      users: 0,
      renewed: 0,
      skipped: 0,
      failed: 0,
      exhausted: 0,
      unsaved: 0,
    });
  });

  it("renews the due, skips the rest, and the renewed record is the one stored", async () => {
    const users = manager();
    const old = await users.save(await douyin.accessToken({ code: code("due") }));
    emu.advanceTime(25 * DAY);
    await users.save(await douyin.accessToken({ code: code("fresh") }));
    expect(await users.renewDue()).toEqual({
      users: 2,
      renewed: 1,
      skipped: 1,
      failed: 0,
      exhausted: 0,
      unsaved: 0,
    });
    expect(emu.stats.renewRefreshToken).toBe(1);
    const renewed = (await users.get("due"))!;
    expect(renewed.renewals).toBe(1);
    expect(renewed.refreshToken).not.toBe(old.refreshToken);
    expect(emu.isValid(renewed.refreshToken)).toBe(true);
    // done: a second sweep finds nothing due
    expect(await users.renewDue()).toMatchObject({ users: 2, renewed: 0, skipped: 2 });
    expect(emu.stats.renewRefreshToken).toBe(1);
  });

  it("no renewal left: counted as exhausted, nothing sent, the record kept", async () => {
    const users = manager(0);
    const record = await users.save(await douyin.accessToken({ code: code("spent") }));
    emu.advanceTime(25 * DAY);
    expect(await users.renewDue()).toEqual({
      users: 1,
      renewed: 0,
      skipped: 0,
      failed: 0,
      exhausted: 1,
      unsaved: 0,
    });
    expect(emu.stats.renewRefreshToken).toBe(0);
    expect(await users.get("spent")).toEqual(record);
  });

  it("a user deleted after listing is skipped", async () => {
    const users = manager();
    await users.save(await douyin.accessToken({ code: code("gone") }));
    emu.advanceTime(25 * DAY);
    const other = manager();
    await other.delete("gone");
    expect(await users.renewDue()).toMatchObject({ users: 0, renewed: 0 });
    expect(emu.stats.renewRefreshToken).toBe(0);
  });

  it("a failed renewal is counted and reported; the grant stays", async () => {
    const heard: unknown[] = [];
    const users = createUserTokenManager(douyin, {
      store,
      now: emu.now,
      onError: (e) => heard.push(e),
    });
    const record = await users.save(await douyin.accessToken({ code: code("u") }));
    emu.advanceTime(25 * DAY);
    emu.injectFault({ operation: "renewRefreshToken", kind: "status", status: 503, times: 1 });
    expect(await users.renewDue()).toMatchObject({ users: 1, failed: 1, renewed: 0 });
    expect(heard).toHaveLength(1);
    expect((await users.get("u"))!.refreshToken).toBe(record.refreshToken);
  });
});
