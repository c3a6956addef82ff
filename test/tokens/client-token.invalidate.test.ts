// Issue 22, "Two invalidate() calls on other servers knock out a token another process still
// serves": three servers share one store and one client_token; invalidate() dropped whatever
// token the calling process held (or, holding none, whatever was stored), so calls made with the
// old token dropped the newer one too. Each drop cost a fetch, and two fetches knocked out the
// token the third server still served from memory.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DouyinOAuth } from "../../src/index.js";
import { createClientTokenProvider, MemoryTokenStore } from "../../src/tokens/index.js";
import type { Emulator } from "../../src/emulator/index.js";
import { startClockedEmulator } from "../support/clocked-emulator.js";

let emu: Emulator;
let douyin: DouyinOAuth;
beforeEach(async () => {
  ({ emu, douyin } = await startClockedEmulator());
});
afterEach(() => emu.close());

/** Three servers on one store, each with its own provider of the ordinary client token. */
async function threeServers() {
  const store = new MemoryTokenStore(emu.now);
  const [a, b, c] = [1, 2, 3].map(() =>
    createClientTokenProvider(douyin, { store, now: emu.now, source: "client_token" }),
  ) as [
    ReturnType<typeof createClientTokenProvider>,
    ReturnType<typeof createClientTokenProvider>,
    ReturnType<typeof createClientTokenProvider>,
  ];
  const first = await a.get();
  expect(await b.get()).toBe(first);
  expect(await c.get()).toBe(first);
  return { a, b, c, first };
}

describe("issue 22 › invalidate() on two servers, a third still serving the token", () => {
  it("server B calls invalidate() twice for the token its calls used: one refetch in all; C's token stays valid", async () => {
    const { a, b, c, first } = await threeServers();
    await a.invalidate(); // A's call with the first token failed
    const second = await a.get(); // A's next call: the fleet's second token
    await b.invalidate(); // two of B's calls made with the first token failed
    await b.invalidate();
    expect(await b.get()).toBe(second);
    expect(emu.stats.clientToken).toBe(2);
    expect(await c.get()).toBe(first);
    expect(emu.isValid(first)).toBe(true);
  });

  it("invalidate(token) names the token that failed: A, already on a newer one, keeps it", async () => {
    const { a, b, c, first } = await threeServers();
    await b.invalidate(first);
    const second = await a.get(); // A still serves the first: fresh in its memory
    expect(second).toBe(first);
    await a.invalidate(first); // A's call with the first token failed
    const next = await a.get();
    await a.invalidate(first); // a second call of A made with the first token
    expect(await a.get()).toBe(next);
    expect(await b.get()).toBe(next);
    expect(emu.stats.clientToken).toBe(2);
    expect(await c.get()).toBe(first);
    expect(emu.isValid(first)).toBe(true);
  });

  it("invalidate() in a process that handed out nothing drops nothing; invalidate(token) drops that one", async () => {
    const store = new MemoryTokenStore(emu.now);
    const key = `douyin-oauth:${douyin.clientKey}:client_token`;
    const one = createClientTokenProvider(douyin, { store, now: emu.now, source: "client_token" });
    const token = await one.get();
    const fresh = createClientTokenProvider(douyin, {
      store,
      now: emu.now,
      source: "client_token",
    });
    await fresh.invalidate();
    expect(await store.get(key)).toContain(token);
    await fresh.invalidate(token);
    expect(await store.get(key)).toBeUndefined();
    await expect(fresh.invalidate("" as never)).rejects.toThrow(
      new TypeError(`"token" must be the client token to drop, or left out`),
    );
  });
});
