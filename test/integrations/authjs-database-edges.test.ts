// douyinDatabaseSession without a browser: its input checks, Auth.js' calls it ignores, and a
// store that fails or hangs (a typed DouyinStoreError, never a hang), against the emulator.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DouyinStoreError } from "../../src/index.js";
import { douyinDatabaseSession } from "../../src/integrations/authjs.js";
import { MemoryTokenStore, type TokenStore } from "../../src/tokens/index.js";
import { startClockedEmulator, type ClockedEmulator } from "../support/clocked-emulator.js";

let platform: ClockedEmulator;
beforeAll(async () => {
  platform = await startClockedEmulator();
});
afterAll(async () => {
  await platform?.emu.close();
});

/** Auth.js' signIn event for a Douyin sign-in of `openId`, as it hands it over. */
async function signInMessage(openId: string, userId = "user-1") {
  const code = platform.emu.issueCode({ scope: "user_info", openId });
  const tokens = await platform.douyin.accessToken({ code });
  return {
    user: { id: userId, name: "n" },
    account: { ...tokens, provider: "douyin", type: "oauth" as const, providerAccountId: openId },
  };
}

const sessionParams = (userId: string) =>
  ({
    session: { expires: new Date(0), sessionToken: "t", userId, user: {} },
    user: { id: userId, name: "n", email: "", emailVerified: null, image: null },
  }) as never;

describe("douyinDatabaseSession", () => {
  it("bad options → TypeError naming the option, before anything", () => {
    const { douyin } = platform;
    expect(() => douyinDatabaseSession(douyin, undefined as never)).toThrow(
      new TypeError(`"options" must be an object`),
    );
    expect(() => douyinDatabaseSession(douyin, {} as never)).toThrow(
      new TypeError(`"store" is required: a TokenStore of douyin-oauth/tokens`),
    );
    const store = new MemoryTokenStore();
    expect(() => douyinDatabaseSession(douyin, { store, providerId: "a b" })).toThrow(
      new TypeError(`"providerId" must be letters, digits, "-" or "_"`),
    );
  });

  it("accessToken('') → TypeError; a user with no Douyin sign-in → undefined, session as Auth.js' own", async () => {
    const helper = douyinDatabaseSession(platform.douyin, { store: new MemoryTokenStore() });
    await expect(helper.accessToken("")).rejects.toThrow(
      new TypeError(`"userId" is missing or empty`),
    );
    expect(await helper.accessToken("nobody")).toBeUndefined();
    expect(await helper.callbacks.session(sessionParams("nobody"))).toEqual({
      user: { id: "nobody", name: "n", email: "", image: null },
      expires: new Date(0).toISOString(),
    });
    await helper.users.close();
  });

  it("another provider's sign-in, and a JWT sign-out, are left alone", async () => {
    const store = new MemoryTokenStore();
    const helper = douyinDatabaseSession(platform.douyin, { store });
    const message = await signInMessage("u-other");
    await helper.events.signIn({ ...message, account: { ...message.account, provider: "github" } });
    expect(await store.list("")).toEqual({ keys: [] });
    await helper.events.signOut({ token: null });
    await helper.users.close();
  });

  it("signIn, session, accessToken, signOut: the grant kept, served, ended", async () => {
    const helper = douyinDatabaseSession(platform.douyin, { store: new MemoryTokenStore() });
    await helper.events.signIn(await signInMessage("u-2", "user-2"));
    const token = await helper.accessToken("user-2");
    expect(token).toMatch(/^act\./);
    expect(await helper.callbacks.session(sessionParams("user-2"))).toMatchObject({
      openId: "u-2",
    });
    await helper.events.signOut({
      session: { sessionToken: "t", userId: "user-2", expires: new Date() },
    });
    expect(await helper.accessToken("user-2")).toBeUndefined();
    expect(await helper.callbacks.session(sessionParams("user-2"))).toMatchObject({
      openId: "u-2",
      douyinError: "reauthorize",
    });
    await helper.users.close();
  });

  it("a store that fails or hangs → DouyinStoreError (failed, timeout), no hang", async () => {
    const failing: TokenStore = {
      get: async () => {
        throw new Error("store down");
      },
      set: async () => {},
      delete: async () => {},
    };
    const hanging: TokenStore = { ...failing, get: () => new Promise(() => {}) };
    for (const [store, reason] of [
      [failing, "failed"],
      [hanging, "timeout"],
    ] as const) {
      const helper = douyinDatabaseSession(platform.douyin, {
        store,
        tokens: { storeTimeoutMs: 100 },
      });
      const error = await helper.accessToken("user-3").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DouyinStoreError);
      expect(error).toMatchObject({ reason, operation: "get" });
      await helper.users.close();
    }
  });
});
