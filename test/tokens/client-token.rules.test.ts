// createClientTokenProvider's inputs and its rules at their exact edges, against the emulator on
// its clock: what it refuses, where it stores the token and for how long, the millisecond it
// refreshes, the recheck of a token that is never fresh, invalidate(), and a store that is down.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DouyinStoreError, type DouyinOAuth } from "../../src/index.js";
import { createClientTokenProvider } from "../../src/tokens/index.js";
import { DEMO_APP, type Emulator } from "../../src/emulator/index.js";
import { startClockedEmulator } from "../support/clocked-emulator.js";
import { FaultyStore } from "../support/faulty-store.js";
import { RecordingStore } from "../support/recording-store.js";

const LIFETIME = 7_200_000;
const KEY = `douyin-oauth:${DEMO_APP.clientKey}:client_token`;
let emu: Emulator;
let douyin: DouyinOAuth;
let store: RecordingStore;
beforeEach(async () => {
  ({ emu, douyin } = await startClockedEmulator());
  store = new RecordingStore(emu.now);
});
afterEach(() => emu.close());

describe("createClientTokenProvider › refused input", () => {
  for (const name of ["refreshBeforeExpiryMs", "recheckIntervalMs"]) {
    it(`${name}: whole milliseconds from 1`, () => {
      for (const value of [0, -1, 1.5]) {
        expect(() =>
          createClientTokenProvider(douyin, { source: "client_token", [name]: value }),
        ).toThrow(
          new TypeError(`"${name}" must be a whole number of milliseconds from 1 to 2147483647`),
        );
      }
    });
  }
  it("storeRetryMs: a finite number of milliseconds, 0 or more", () => {
    for (const storeRetryMs of [-1, Number.NaN, Number.POSITIVE_INFINITY, "5" as never]) {
      expect(() =>
        createClientTokenProvider(douyin, { source: "client_token", storeRetryMs }),
      ).toThrow(new TypeError(`"storeRetryMs" must be a number of milliseconds, 0 or more`));
    }
    for (const storeRetryMs of [0, 1.5, 60_000]) {
      expect(() =>
        createClientTokenProvider(douyin, { source: "client_token", storeRetryMs }),
      ).not.toThrow();
    }
  });
  it("whenStoreDown: one of three", () => {
    expect(() =>
      createClientTokenProvider(douyin, {
        source: "client_token",
        whenStoreDown: "retry" as never,
      }),
    ).toThrow(
      new TypeError(`"whenStoreDown" must be "stable_client_token", "client_token" or "fail"`),
    );
    for (const whenStoreDown of ["stable_client_token", "client_token", "fail"] as const) {
      expect(() =>
        createClientTokenProvider(douyin, { source: "client_token", whenStoreDown }),
      ).not.toThrow();
    }
  });
  it("source: one of two", () => {
    for (const source of ["stable_client_token", "client_token"] as const) {
      expect(() => createClientTokenProvider(douyin, { source })).not.toThrow();
    }
  });
});

describe("createClientTokenProvider › what it stores", () => {
  it("the token and its absolute expiry, under douyin-oauth:<client key>:client_token, for its lifetime", async () => {
    const token = await createClientTokenProvider(douyin, {
      source: "client_token",
      store,
      now: emu.now,
    }).get();
    expect((await store.list("")).keys).toEqual([KEY]);
    expect(JSON.parse((await store.get(KEY))!)).toEqual({
      token,
      expiresAt: emu.now() + LIFETIME,
    });
    expect(store.ttls).toEqual([LIFETIME]);
    expect(emu.stats).toMatchObject({ clientToken: 1, stableClientToken: 0 });
  });

  it("source stable_client_token: fetched from there, kept under its own key", async () => {
    const tokens = createClientTokenProvider(douyin, {
      store,
      now: emu.now,
      source: "stable_client_token",
    });
    const token = await tokens.get();
    expect((await store.list("")).keys).toEqual([
      `douyin-oauth:${DEMO_APP.clientKey}:stable_client_token`,
    ]);
    expect(emu.stats).toMatchObject({ clientToken: 0, stableClientToken: 1 });
    expect(emu.isValid(token)).toBe(true);
  });

  it("while another process holds douyin-oauth:<client key>:lock:client_token, a still-valid token is served", async () => {
    const tokens = createClientTokenProvider(douyin, {
      source: "client_token",
      store,
      now: emu.now,
    });
    const first = await tokens.get();
    emu.advanceTime(LIFETIME - 60_000);
    await store.lock(`douyin-oauth:${DEMO_APP.clientKey}:lock:client_token`, 60_000);
    expect(await tokens.get()).toBe(first);
    expect(emu.stats.clientToken).toBe(1);
  });
});

describe("createClientTokenProvider › the edges of each rule", () => {
  it("refresh: due exactly five minutes before expiry, by default", async () => {
    const tokens = createClientTokenProvider(douyin, {
      source: "client_token",
      store,
      now: emu.now,
    });
    const first = await tokens.get();
    emu.advanceTime(LIFETIME - 5 * 60_000 - 1);
    expect(await tokens.get()).toBe(first);
    expect(emu.stats.clientToken).toBe(1);
    emu.advanceTime(1);
    expect(await tokens.get()).not.toBe(first);
    expect(emu.stats.clientToken).toBe(2);
  });

  it("a token that is never fresh (refreshBefore ≥ its lifetime) is rechecked every 60 000 ms", async () => {
    const tokens = createClientTokenProvider(douyin, {
      source: "client_token",
      store,
      now: emu.now,
      refreshBeforeExpiryMs: LIFETIME,
    });
    const first = await tokens.get();
    expect(JSON.parse((await store.get(KEY))!)).toEqual({
      token: first,
      expiresAt: emu.now() + LIFETIME,
      checkAfter: emu.now() + 60_000,
    });
    emu.advanceTime(60_000 - 1);
    expect(await tokens.get()).toBe(first);
    expect(emu.stats.clientToken).toBe(1);
    emu.advanceTime(1);
    await tokens.get();
    expect(emu.stats.clientToken).toBe(2);
  });

  it("recheckIntervalMs sets that interval", async () => {
    const tokens = createClientTokenProvider(douyin, {
      source: "client_token",
      store,
      now: emu.now,
      refreshBeforeExpiryMs: LIFETIME,
      recheckIntervalMs: 1_000,
    });
    await tokens.get();
    emu.advanceTime(999);
    await tokens.get();
    expect(emu.stats.clientToken).toBe(1);
    emu.advanceTime(1);
    await tokens.get();
    expect(emu.stats.clientToken).toBe(2);
  });
});

describe("createClientTokenProvider › invalidate", () => {
  it("drops the token this process used, so the next get fetches", async () => {
    const tokens = createClientTokenProvider(douyin, {
      source: "client_token",
      store,
      now: emu.now,
    });
    const first = await tokens.get();
    await tokens.invalidate();
    expect(await store.get(KEY)).toBeUndefined();
    const second = await tokens.get();
    expect(second).not.toBe(first);
    expect(emu.stats.clientToken).toBe(2);
  });

  it("leaves a newer token another process stored", async () => {
    const mine = createClientTokenProvider(douyin, { source: "client_token", store, now: emu.now });
    await mine.get();
    const newer = JSON.stringify({ token: "clt.newer", expiresAt: emu.now() + LIFETIME });
    await store.set(KEY, newer, LIFETIME);
    await mine.invalidate();
    expect(await store.get(KEY)).toBe(newer);
  });

  it("in a process that handed out nothing, drops nothing (issue 22); invalidate(token) drops that token", async () => {
    const token = await createClientTokenProvider(douyin, {
      source: "client_token",
      store,
      now: emu.now,
    }).get();
    const other = createClientTokenProvider(douyin, {
      source: "client_token",
      store,
      now: emu.now,
    });
    await other.invalidate();
    expect(await store.get(KEY)).toContain(token);
    await other.invalidate(token);
    expect(await store.get(KEY)).toBeUndefined();
  });
});

describe("createClientTokenProvider › the store down", () => {
  const down = () => {
    const faulty = new FaultyStore(emu.now);
    faulty.faults.set("*", { kind: "reject", message: "redis down" });
    return faulty;
  };

  it("by default: the stable client token, fetched by this process", async () => {
    const heard: unknown[] = [];
    const tokens = createClientTokenProvider(douyin, {
      source: "client_token",
      store: down(),
      now: emu.now,
      onError: (e) => heard.push(e),
    });
    expect(emu.isValid(await tokens.get())).toBe(true);
    expect(emu.stats).toMatchObject({ clientToken: 0, stableClientToken: 1 });
    expect(heard[0]).toBeInstanceOf(DouyinStoreError);
  });

  it("whenStoreDown client_token: a client token of this process's own", async () => {
    const tokens = createClientTokenProvider(douyin, {
      source: "client_token",
      store: down(),
      now: emu.now,
      whenStoreDown: "client_token",
    });
    await tokens.get();
    expect(emu.stats).toMatchObject({ clientToken: 1, stableClientToken: 0 });
  });

  it("whenStoreDown fail: the DouyinStoreError, nothing fetched", async () => {
    const tokens = createClientTokenProvider(douyin, {
      source: "client_token",
      store: down(),
      now: emu.now,
      whenStoreDown: "fail",
    });
    await expect(tokens.get()).rejects.toMatchObject({
      name: "DouyinStoreError",
      reason: "failed",
      operation: "get",
    });
    expect(emu.stats).toMatchObject({ clientToken: 0, stableClientToken: 0 });
  });
});

describe("createClientTokenProvider › close", () => {
  const closedError = new Error("the client-token provider is closed");
  const totalCalls = (faulty: FaultyStore) =>
    Object.values(faulty.calls).reduce((n, calls) => n + calls, 0);

  it("resolves { unsaved: 0 }; get() rejects after it, even with a fresh token held; twice is fine", async () => {
    const tokens = createClientTokenProvider(douyin, {
      source: "client_token",
      store,
      now: emu.now,
    });
    await tokens.get();
    expect(await tokens.close()).toEqual({ unsaved: 0 });
    await expect(tokens.get()).rejects.toThrow(closedError);
    expect(await tokens.close()).toEqual({ unsaved: 0 });
  });

  it("a get() retrying an unreachable store is woken: it rejects, nothing is fetched, no store call follows", async () => {
    const faulty = new FaultyStore(emu.now);
    faulty.faults.set("*", { kind: "reject", message: "redis down" });
    const tokens = createClientTokenProvider(douyin, {
      source: "client_token",
      store: faulty,
      now: emu.now,
      storeRetryMs: 60_000,
      onError: () => undefined,
    });
    const waiting = tokens.get();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    expect(await tokens.close()).toEqual({ unsaved: 0 });
    expect(Date.now() - started).toBeLessThan(500);
    await expect(waiting).rejects.toThrow(closedError);
    const calls = totalCalls(faulty);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(totalCalls(faulty)).toBe(calls);
    expect(emu.stats).toMatchObject({ clientToken: 0, stableClientToken: 0 });
  });

  it("a get() waiting for another process's lock is woken: it rejects within a poll", async () => {
    await store.lock(`douyin-oauth:${DEMO_APP.clientKey}:lock:client_token`, 60_000);
    const tokens = createClientTokenProvider(douyin, {
      store,
      now: emu.now,
      source: "client_token",
    });
    const waiting = tokens.get();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await tokens.close();
    expect(Date.now() - started).toBeLessThan(500);
    await expect(waiting).rejects.toThrow(closedError);
    expect(emu.stats.clientToken).toBe(0);
  });

  it("a fetch under way finishes and stores its token before close() resolves", async () => {
    emu.injectFault({ operation: "clientToken", kind: "latency", latencyMs: 300, times: 1 });
    const tokens = createClientTokenProvider(douyin, {
      store,
      now: emu.now,
      source: "client_token",
    });
    const fetching = tokens.get();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await tokens.close();
    const token = await fetching;
    expect(JSON.parse((await store.get(KEY))!)).toMatchObject({ token });
    expect(emu.isValid(token)).toBe(true);
  });
});
