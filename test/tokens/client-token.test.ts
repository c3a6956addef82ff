// The client-token provider in one process: single-flight, refresh ahead of expiry, never past it.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDouyinOAuth, DouyinOAuthError, type DouyinOAuth } from "../../src/index.js";
import { createClientTokenProvider, MemoryTokenStore } from "../../src/tokens/index.js";
import { DEMO_APP, type Emulator } from "../../src/emulator/index.js";
import { startClockedEmulator } from "../support/clocked-emulator.js";

const MINUTE = 60_000;
const HOURS_2 = 2 * 60 * MINUTE;
let emu: Emulator;
let douyin: DouyinOAuth;
beforeEach(async () => {
  ({ emu, douyin } = await startClockedEmulator());
});
afterEach(() => emu.close());

describe("createClientTokenProvider", () => {
  it("1,000 concurrent get() cause one fetch and all get the same valid token", async () => {
    const tokens = createClientTokenProvider(douyin, { source: "client_token", now: emu.now });
    const all = await Promise.all(Array.from({ length: 1_000 }, () => tokens.get()));
    expect(new Set(all).size).toBe(1);
    expect(emu.stats.clientToken).toBe(1);
    expect(emu.isValid(all[0]!)).toBe(true);
    await tokens.get();
    expect(emu.stats.clientToken).toBe(1);
  });

  it("refreshes 5 minutes ahead of expiry, not before", async () => {
    const tokens = createClientTokenProvider(douyin, { source: "client_token", now: emu.now });
    const first = await tokens.get();
    emu.advanceTime(HOURS_2 - 6 * MINUTE);
    expect(await tokens.get()).toBe(first);
    emu.advanceTime(2 * MINUTE);
    const second = await tokens.get();
    expect(second).not.toBe(first);
    expect(emu.stats.clientToken).toBe(2);
    expect(emu.isValid(first)).toBe(true);
  });

  it("a failed fetch rejects every waiter with the same error; the next call tries again", async () => {
    const wrong = createDouyinOAuth({ ...DEMO_APP, clientSecret: "nope", baseUrl: emu.url });
    const tokens = createClientTokenProvider(wrong, { source: "client_token", now: emu.now });
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => tokens.get()));
    const reasons = new Set(results.map((r) => (r.status === "rejected" ? r.reason : "fulfilled")));
    expect(reasons.size).toBe(1);
    const [reason] = reasons;
    expect(reason).toBeInstanceOf(DouyinOAuthError);
    expect(reason).toMatchObject({ errorCode: 10013 });
    expect(emu.stats.clientToken).toBe(1);
    await expect(tokens.get()).rejects.toBeInstanceOf(DouyinOAuthError);
    expect(emu.stats.clientToken).toBe(2);
  });

  it("a token due for refresh is still served when the refresh fails; onError hears why", async () => {
    const errors: unknown[] = [];
    const tokens = createClientTokenProvider(douyin, {
      source: "client_token",
      now: emu.now,
      onError: (e) => errors.push(e),
    });
    const first = await tokens.get();
    emu.advanceTime(HOURS_2 - 2 * MINUTE);
    emu.injectFault({ operation: "clientToken", kind: "status", status: 503, times: 1 });
    expect(await tokens.get()).toBe(first);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ name: "DouyinTransportError", status: 503 });
  });

  it("never hands out a token past its expiry", async () => {
    const tokens = createClientTokenProvider(douyin, { source: "client_token", now: emu.now });
    await tokens.get();
    emu.advanceTime(HOURS_2);
    emu.injectFault({ operation: "clientToken", kind: "status", status: 503, times: 1 });
    await expect(tokens.get()).rejects.toMatchObject({ name: "DouyinTransportError" });
    const fresh = await tokens.get();
    expect(emu.isValid(fresh)).toBe(true);
  });

  it("invalidate() drops the token here and in the store; the next get() fetches", async () => {
    const store = new MemoryTokenStore(emu.now);
    const tokens = createClientTokenProvider(douyin, {
      source: "client_token",
      now: emu.now,
      store,
    });
    const first = await tokens.get();
    expect(await store.get(`douyin-oauth:${DEMO_APP.clientKey}:client_token`)).toContain(first);
    await tokens.invalidate();
    expect(await store.get(`douyin-oauth:${DEMO_APP.clientKey}:client_token`)).toBeUndefined();
    expect(await tokens.get()).not.toBe(first);
    expect(emu.stats.clientToken).toBe(2);
  });

  it("a second process's provider on the same store uses the stored token", async () => {
    const store = new MemoryTokenStore(emu.now);
    const a = createClientTokenProvider(douyin, { source: "client_token", now: emu.now, store });
    const b = createClientTokenProvider(douyin, { source: "client_token", now: emu.now, store });
    expect(await b.get()).toBe(await a.get());
    expect(emu.stats.clientToken).toBe(1);
  });

  it("by default: the stable client token, kept under its own key (issue 22)", async () => {
    const store = new MemoryTokenStore(emu.now);
    const a = createClientTokenProvider(douyin, { now: emu.now, store });
    const b = createClientTokenProvider(douyin, { now: emu.now, store });
    const token = await a.get();
    expect(await b.get()).toBe(token);
    expect(emu.stats).toMatchObject({ stableClientToken: 1, clientToken: 0 });
    expect((await store.list!("")).keys).toEqual([
      `douyin-oauth:${DEMO_APP.clientKey}:stable_client_token`,
    ]);
  });

  it("source stable_client_token fetches from /oauth/stable_client_token/", async () => {
    const tokens = createClientTokenProvider(douyin, {
      now: emu.now,
      source: "stable_client_token",
    });
    const token = await tokens.get();
    expect(emu.stats).toMatchObject({ stableClientToken: 1, clientToken: 0 });
    expect(emu.isValid(token)).toBe(true);
  });

  it("refuses bad options", () => {
    expect(() => createClientTokenProvider(douyin, { source: "other" as never })).toThrow(
      new TypeError('"source" must be "client_token" or "stable_client_token"'),
    );
    expect(() =>
      createClientTokenProvider(douyin, { source: "client_token", refreshBeforeExpiryMs: 0 }),
    ).toThrow(TypeError);
    expect(() =>
      createClientTokenProvider(douyin, { source: "client_token", lockTtlMs: -1 }),
    ).toThrow(TypeError);
  });
});
