// The token layer under faults: the token lifecycle never loses a grant, whatever the store, the
// network or a slow lock holder does. Each case is a regression (issue 10's list, numbered as
// there) and failed before its fix.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createDouyinOAuth,
  DouyinOAuthError,
  DouyinReauthorizeError,
  DouyinStoreError,
  type DouyinOAuth,
} from "../../src/index.js";
import {
  createClientTokenProvider,
  createUserTokenManager,
  MemoryTokenStore,
  type UserTokenManager,
  type UserTokenManagerOptions,
} from "../../src/tokens/index.js";
import { DEMO_APP, type Emulator } from "../../src/emulator/index.js";
import { DAY, managerWith, signInWith, startClockedEmulator } from "../support/clocked-emulator.js";
import { FaultyStore } from "../support/faulty-store.js";

const MINUTE = 60_000;
let emu: Emulator;
let douyin: DouyinOAuth;
beforeEach(async () => {
  ({ emu, douyin } = await startClockedEmulator());
});
afterEach(() => emu.close());

const signIn = (manager: UserTokenManager, openId?: string) =>
  signInWith({ emu, douyin }, manager, openId);
const managerOn = (store: FaultyStore | MemoryTokenStore, more: UserTokenManagerOptions = {}) =>
  managerWith({ emu, douyin }, store, more);

describe("1. a store outage is not 'sign in again'", () => {
  it("getAccessToken with the store down and nothing held → DouyinStoreError, never DouyinReauthorizeError", async () => {
    const store = new FaultyStore(emu.now);
    const first = managerOn(store);
    await signIn(first.users);
    const other = managerOn(store); // another server: holds nothing in memory
    store.faults.set("*", { kind: "reject", message: "ECONNREFUSED 127.0.0.1:6379" });
    const error = await other.users.getAccessToken("u-1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DouyinStoreError);
    expect(error).toMatchObject({ reason: "failed", operation: "get" });
    expect((error as Error).message).toBe("token store get: a token store call failed");
  });

  it("a record still held in this process is served while the store is down; onError hears it", async () => {
    const store = new FaultyStore(emu.now);
    const { users, errors } = managerOn(store);
    const record = await signIn(users);
    store.faults.set("*", { kind: "hang" });
    expect(await users.getAccessToken("u-1")).toBe(record.accessToken);
    expect(errors[0]).toMatchObject({ name: "DouyinStoreError", reason: "timeout" });
  });

  it("save() rejects with DouyinStoreError when the write failed", async () => {
    const store = new FaultyStore(emu.now);
    const { users } = managerOn(store);
    store.faults.set("compareAndSet", { kind: "reject" });
    const data = await douyin.accessToken({
      code: emu.issueCode({ scope: "user_info", openId: "u-1" }),
    });
    await expect(users.save(data)).rejects.toMatchObject({
      name: "DouyinStoreError",
      reason: "failed",
      operation: "compareAndSet",
    });
  });

  it("store errors reach onError redacted: a token in the store's message is removed", async () => {
    const store = new FaultyStore(emu.now);
    const { users, errors } = managerOn(store);
    const data = await douyin.accessToken({
      code: emu.issueCode({ scope: "user_info", openId: "u-1" }),
    });
    store.faults.set("compareAndSet", {
      kind: "reject",
      message: `cannot store ${data.refresh_token}`,
    });
    const error = await users.save(data).catch((e: unknown) => e);
    expect(String((error as Error).cause)).not.toContain(data.refresh_token);
    expect(String((error as Error).cause)).toContain("***");
    expect(errors).toEqual([]);
  });
});

describe("12. store errors reach onError redacted", () => {
  it("a store read failing with a held user's token in its message: onError's cause has it masked", async () => {
    const store = new FaultyStore(emu.now);
    const { users, errors } = managerOn(store);
    const record = await signIn(users);
    store.faults.set("get", { kind: "reject", message: `READONLY ${record.accessToken}` });
    expect(await users.getAccessToken("u-1")).toBe(record.accessToken);
    expect(errors).toHaveLength(1);
    const cause = String((errors[0] as Error).cause);
    expect(cause).not.toContain(record.accessToken);
    expect(cause).toBe("Error: READONLY ***");
  });
});

describe("client tokens while the store is down", () => {
  const down = () => {
    const store = new FaultyStore(emu.now);
    store.faults.set("*", { kind: "reject" });
    return store;
  };
  const provider = (options: Parameters<typeof createClientTokenProvider>[1]) =>
    createClientTokenProvider(douyin, {
      source: "client_token",
      now: emu.now,
      onError: () => undefined,
      ...options,
    });

  it("servers with no token fetch the stable token: the same for all, no client_token knocked out", async () => {
    const first = await provider({ store: new MemoryTokenStore(emu.now) }).get();
    const store = down();
    const tokens = await Promise.all([1, 2, 3].map(() => provider({ store }).get()));
    expect(new Set(tokens).size).toBe(1);
    expect(emu.stats).toMatchObject({ clientToken: 1, stableClientToken: 3 });
    expect(emu.isValid(first)).toBe(true);
    expect(emu.isValid(tokens[0]!)).toBe(true);
  });

  it("a store that reads but cannot lock: the same fallback, no client_token fetched", async () => {
    const store = new FaultyStore(emu.now);
    store.faults.set("lock", { kind: "throw" });
    expect(await provider({ store }).get()).toMatch(/^clt\./);
    expect(emu.stats).toMatchObject({ clientToken: 0, stableClientToken: 1 });
  });

  it('whenStoreDown "client_token" fetches one alone; "fail" throws the DouyinStoreError', async () => {
    await expect(provider({ store: down(), whenStoreDown: "client_token" }).get()).resolves.toMatch(
      /^clt\./,
    );
    expect(emu.stats).toMatchObject({ clientToken: 1, stableClientToken: 0 });
    await expect(provider({ store: down(), whenStoreDown: "fail" }).get()).rejects.toMatchObject({
      name: "DouyinStoreError",
      reason: "failed",
    });
    expect(() => provider({ whenStoreDown: "sometimes" as never })).toThrow(
      new TypeError(`"whenStoreDown" must be "stable_client_token", "client_token" or "fail"`),
    );
  });
});

describe("2. a renewed refresh token is written before the refresh after it", () => {
  it("renewal succeeds, the refresh fails: the stored record holds the new refresh token", async () => {
    const { users } = managerOn(new MemoryTokenStore(emu.now));
    const record = await signIn(users);
    emu.advanceTime(26 * DAY); // access expired, refresh token inside its renewal window
    emu.injectFault({ operation: "refreshToken", kind: "reset" });
    await expect(users.getAccessToken("u-1")).rejects.toMatchObject({ kind: "network" });
    const kept = await users.get("u-1");
    expect(kept!.refreshToken).not.toBe(record.refreshToken);
    expect(kept!.renewals).toBe(1);
    expect(emu.isValid(kept!.refreshToken)).toBe(true);
    emu.clearFaults();
    expect(emu.isValid(await users.getAccessToken("u-1"))).toBe(true);
  });

  it("the renewed record cannot be written: served from the renewal this process holds, onError hears DouyinStoreError unsaved; the next call writes it", async () => {
    const store = new FaultyStore(emu.now);
    const { users, errors } = managerOn(store);
    await signIn(users);
    emu.advanceTime(26 * DAY);
    // The first write (marking the renewal under way) goes through; the renewed record's fails.
    store.faults.set("compareAndSet", { kind: "reject", skip: 1 });
    // The access token expired on day 15: refreshed alone with the renewed refresh token.
    expect(emu.isValid(await users.getAccessToken("u-1"))).toBe(true);
    expect(errors).toContainEqual(
      expect.objectContaining({ name: "DouyinStoreError", reason: "unsaved" }),
    );
    store.faults.clear();
    const token = await users.getAccessToken("u-1");
    const kept = await users.get("u-1");
    expect(kept!.renewals).toBe(1);
    expect(emu.isValid(kept!.refreshToken)).toBe(true);
    expect(emu.isValid(token)).toBe(true);
    expect(emu.stats.renewRefreshToken).toBe(1);
  });
});

describe("a renewal the store stopped is tried again without waiting for the user", () => {
  // Found by the Better Auth lifetime test under load: the only visit inside the 5-day window
  // hit a store timeout before the renewal was sent, and the next visit came after the refresh
  // token's end: the grant was over on day 94 instead of about day 170.
  const waitFor = async (done: () => boolean | Promise<boolean>) => {
    for (let i = 0; i < 200 && !(await done()); i++) await new Promise((r) => setTimeout(r, 50));
  };
  const renewed = (users: UserTokenManager) => async () => (await users.get("u-1"))?.renewals === 1;
  /** A signed-in user on day 26 (inside the renewal window), a 50 ms store bound. */
  const inWindow = async () => {
    const store = new FaultyStore(emu.now);
    const { users, errors } = managerOn(store, { storeTimeoutMs: 50 });
    await signIn(users);
    emu.advanceTime(26 * DAY);
    return { store, users, errors };
  };

  it("the hold's write times out on the window's only call: renewed in the background, served after day 30", async () => {
    const { store, users, errors } = await inWindow();
    store.faults.set("set", { kind: "slow", ms: 150 }); // lands after its time ran out
    expect(emu.isValid(await users.getAccessToken("u-1"))).toBe(true);
    expect(errors).toContainEqual(
      expect.objectContaining({ name: "DouyinStoreError", reason: "timeout", operation: "set" }),
    );
    expect(emu.stats.renewRefreshToken).toBe(0);
    store.faults.clear();
    await waitFor(renewed(users));
    expect(emu.stats.renewRefreshToken).toBe(1);
    emu.advanceTime(6 * DAY); // day 32: the first refresh token is over
    expect(emu.isValid(await users.getAccessToken("u-1"))).toBe(true);
    expect((await users.get("u-1"))!.renewals).toBe(1);
    expect(await users.close()).toEqual({ unsaved: 0 });
  });

  it("the mark's write lands after its time ran out: the renewal holds for its hour, then is made in the background", async () => {
    const { store, users } = await inWindow();
    store.faults.set("compareAndSet", { kind: "slow", ms: 150 });
    expect(emu.isValid(await users.getAccessToken("u-1"))).toBe(true);
    store.faults.clear();
    await new Promise((r) => setTimeout(r, 1_500)); // tried once: the late mark holds
    expect((await users.get("u-1"))!.renewingSince).toBeDefined();
    expect(emu.stats.renewRefreshToken).toBe(0);
    emu.advanceTime(61 * 60_000); // the hold's hour, by the store's clock
    await waitFor(renewed(users));
    expect(emu.stats.renewRefreshToken).toBe(1);
    const kept = await users.get("u-1");
    expect(kept).toMatchObject({ renewals: 1 });
    expect(kept!.renewingSince).toBeUndefined();
    expect(await users.close()).toEqual({ unsaved: 0 });
  });

  it("the store stays down: tried again, at most a minute apart, and never once the manager is closed", async () => {
    const { store, users } = await inWindow();
    store.faults.set("lock", { kind: "reject" });
    expect(emu.isValid(await users.getAccessToken("u-1"))).toBe(true);
    const locks = store.calls.lock;
    await waitFor(() => store.calls.lock >= locks + 2); // 1 s, then 2 s
    expect(store.calls.lock).toBeGreaterThanOrEqual(locks + 2);
    await users.close();
    const after = store.calls.lock;
    await new Promise((r) => setTimeout(r, 4_500));
    expect(store.calls.lock).toBe(after);
    expect(emu.stats.renewRefreshToken).toBe(0);
  });
});

describe("3. renewal whatever the access token's state", () => {
  it("active on days 20, 26, 29, 31 and 34.5: renewed on day 26, never told to reauthorize", async () => {
    const { users } = managerOn(new MemoryTokenStore(emu.now));
    await signIn(users);
    let day = 0;
    for (const next of [20, 26, 29, 31, 34.5]) {
      emu.advanceTime((next - day) * DAY);
      day = next;
      expect(emu.isValid(await users.getAccessToken("u-1"))).toBe(true);
    }
    expect(emu.stats.renewRefreshToken).toBe(1);
    expect((await users.get("u-1"))!.renewals).toBe(1);
  });
});

describe("4. the fleet lock lives as long as its holder works", () => {
  it("lock 300 ms, a client-token fetch of 1.2 s: waiters never fetch; one fetch", async () => {
    const store = new MemoryTokenStore(emu.now);
    const servers = Array.from({ length: 4 }, () =>
      createClientTokenProvider(douyin, {
        source: "client_token",
        now: emu.now,
        store,
        lockTtlMs: 300,
      }),
    );
    emu.injectFault({ operation: "clientToken", kind: "latency", latencyMs: 1_200, times: 1 });
    const tokens = await Promise.all(servers.map((s) => s.get()));
    expect(new Set(tokens).size).toBe(1);
    expect(emu.stats.clientToken).toBe(1);
  });

  it("lock 300 ms, a renewal of 1.2 s on one server: the other never renews the same refresh token", async () => {
    const store = new MemoryTokenStore(emu.now);
    const a = managerOn(store, { lockTtlMs: 300 });
    const b = managerOn(store, { lockTtlMs: 300 });
    await signIn(a.users);
    emu.advanceTime(26 * DAY);
    emu.injectFault({
      operation: "renewRefreshToken",
      kind: "latency",
      latencyMs: 1_200,
      times: 1,
    });
    const results = await Promise.allSettled([
      a.users.getAccessToken("u-1"),
      new Promise((r) => setTimeout(r, 100)).then(() => b.users.getAccessToken("u-1")),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    expect(emu.stats.renewRefreshToken).toBe(1);
    const kept = await a.users.get("u-1");
    expect(emu.isValid(kept!.refreshToken)).toBe(true);
  });
});

describe("found by the simulation (seed 4, day 40)", () => {
  it("the stored token expires while its successor is fetched: the successor is still written", async () => {
    const store = new MemoryTokenStore(emu.now);
    const a = createClientTokenProvider(douyin, { source: "client_token", now: emu.now, store });
    const b = createClientTokenProvider(douyin, { source: "client_token", now: emu.now, store });
    await a.get();
    emu.advanceTime(2 * 60 * MINUTE - 1); // 1 ms left: due, still valid, still stored
    emu.injectFault({ operation: "clientToken", kind: "latency", latencyMs: 300, times: 1 });
    setTimeout(() => emu.advanceTime(5), 100); // the stored record expires mid-fetch
    const second = await a.get();
    expect(await store.get(`douyin-oauth:${DEMO_APP.clientKey}:client_token`)).toContain(second);
    expect(await b.get()).toBe(second);
    expect(emu.stats.clientToken).toBe(2);
  });
});

describe("5 and 6. every store call is bounded; a synchronous throw is a rejection", () => {
  it("a lock release that hangs does not freeze later calls", async () => {
    const store = new FaultyStore(emu.now);
    store.faults.set("release", { kind: "hang" });
    const tokens = createClientTokenProvider(douyin, {
      source: "client_token",
      now: emu.now,
      store,
      storeTimeoutMs: 100,
      onError: () => undefined,
    });
    const first = await tokens.get();
    emu.advanceTime(2 * 60 * MINUTE);
    const second = await tokens.get();
    expect(second).not.toBe(first);
    expect(store.calls.release).toBe(2);
  });

  it("store methods that throw synchronously: no unhandled rejection, typed errors", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const store = new FaultyStore(emu.now);
      const { users, errors } = managerOn(store);
      await signIn(users);
      store.faults.set("*", { kind: "throw" });
      const tokens = createClientTokenProvider(douyin, {
        source: "client_token",
        now: emu.now,
        store,
        storeTimeoutMs: 50,
        onError: () => undefined,
      });
      await expect(tokens.get()).resolves.toMatch(/^clt\./);
      await expect(users.getAccessToken("u-1")).resolves.toMatch(/^act\./);
      await expect(users.get("u-1")).rejects.toBeInstanceOf(DouyinStoreError);
      await new Promise((r) => setTimeout(r, 150)); // past every store timeout
      expect(unhandled).toEqual([]);
      expect(errors.every((e) => e instanceof DouyinStoreError)).toBe(true);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});

describe("7. 10020", () => {
  it("from a renewal: renewals marked exhausted, tokens kept and refreshed until the refresh token expires", async () => {
    // The manager believes in 10 renewals; the platform allows 5.
    const { users } = managerOn(new MemoryTokenStore(emu.now), { maxRenewals: 10 });
    await signIn(users);
    for (let n = 0; n < 5; n++) {
      emu.advanceTime(26 * DAY);
      await users.getAccessToken("u-1");
    }
    expect(emu.stats.renewRefreshToken).toBe(5);
    emu.advanceTime(26 * DAY); // the sixth renewal is refused with 10020
    expect(emu.isValid(await users.getAccessToken("u-1"))).toBe(true);
    const kept = await users.get("u-1");
    expect(kept).toMatchObject({ renewals: 10 });
    expect(emu.isValid(kept!.refreshToken)).toBe(true);
    expect(emu.stats.renewRefreshToken).toBe(6);
    emu.advanceTime(3 * DAY);
    await users.getAccessToken("u-1");
    expect(emu.stats.renewRefreshToken).toBe(6); // never asked again
    emu.advanceTime(12.5 * DAY); // refresh token and access token both gone, the record not yet
    await expect(users.getAccessToken("u-1")).rejects.toMatchObject({
      name: "DouyinReauthorizeError",
      reason: "renewal_limit",
    });
  });

  it("from refreshToken it is the rate limit: a DouyinOAuthError, the grant kept", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          data: { error_code: 10020, description: "limit" },
          extra: { logid: "L" },
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const store = new MemoryTokenStore(emu.now);
      const { users } = managerOn(store);
      await signIn(users);
      const limited = createDouyinOAuth({
        ...DEMO_APP,
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        retry: false,
      });
      const other = createUserTokenManager(limited, { now: emu.now, store });
      emu.advanceTime(15 * DAY + MINUTE); // access token expired: nothing to serve
      const error = await other.getAccessToken("u-1").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DouyinOAuthError);
      expect(error).toMatchObject({ errorCode: 10020, operation: "refreshToken" });
      expect(await users.get("u-1")).toBeDefined();
      expect(emu.isValid(await users.getAccessToken("u-1"))).toBe(true);
    } finally {
      server.close();
    }
  });
});

describe("8. stable_client_token in its refresh window", () => {
  it("asks the platform at most once per recheck interval, and serves the valid token", async () => {
    const tokens = createClientTokenProvider(douyin, {
      now: emu.now,
      source: "stable_client_token",
    });
    const first = await tokens.get();
    emu.advanceTime(2 * 60 * MINUTE - 4 * MINUTE); // inside the 5-minute refresh window
    for (let n = 0; n < 20; n++) expect(await tokens.get()).toBe(first);
    expect(emu.stats.stableClientToken).toBe(2);
    emu.advanceTime(MINUTE);
    for (let n = 0; n < 20; n++) expect(await tokens.get()).toBe(first);
    expect(emu.stats.stableClientToken).toBe(3);
    emu.advanceTime(3 * MINUTE); // expired: a new token
    expect(await tokens.get()).not.toBe(first);
  });
});

describe("12. sign-out wins over a refresh in flight", () => {
  it("delete() during a refresh: the record stays deleted", async () => {
    const { users } = managerOn(new MemoryTokenStore(emu.now));
    await signIn(users);
    emu.advanceTime(14.5 * DAY);
    emu.injectFault({ operation: "refreshToken", kind: "latency", latencyMs: 300, times: 1 });
    const pending = users.getAccessToken("u-1");
    await new Promise((r) => setTimeout(r, 100));
    await users.delete("u-1");
    await pending.catch(() => undefined);
    expect(await users.get("u-1")).toBeUndefined();
    await expect(users.getAccessToken("u-1")).rejects.toBeInstanceOf(DouyinReauthorizeError);
  });
});

describe("a lost renewal answer (the platform renewed, the answer never came)", () => {
  it("no server presents the refresh token again for an hour (the store's clock); the access token serves; then sign in again", async () => {
    const store = new MemoryTokenStore(emu.now);
    const a = managerOn(store);
    const b = managerOn(store);
    await signIn(a.users);
    emu.advanceTime(14.5 * DAY);
    await a.users.getAccessToken("u-1"); // refreshed: the access token now lasts to day 29.5
    emu.advanceTime(11.5 * DAY); // day 26: renewal due
    emu.injectFault({ operation: "renewRefreshToken", kind: "lost", times: 1 });
    const token = await a.users.getAccessToken("u-1");
    expect(emu.isValid(token)).toBe(true);
    expect(emu.stats.renewRefreshToken).toBe(1);
    expect(a.errors[0]).toMatchObject({ name: "DouyinTransportError", kind: "network" });
    // The renewal's outcome is unknown: nobody presents the refresh token again meanwhile.
    expect(await b.users.getAccessToken("u-1")).toBe(token);
    expect(await b.users.renewDue()).toMatchObject({ renewed: 0, skipped: 1 });
    expect(emu.stats.renewRefreshToken).toBe(1);
    expect((await a.users.get("u-1"))!.renewingSince).toBe(emu.now());
    // 59 minutes on, its hold still stands; an hour on, it is tried again: the platform says
    // the refresh token is dead (10010).
    emu.advanceTime(59 * MINUTE);
    expect(await b.users.getAccessToken("u-1")).toBe(token);
    expect(emu.stats.renewRefreshToken).toBe(1);
    emu.advanceTime(2 * MINUTE);
    expect(await b.users.getAccessToken("u-1")).toBe(token);
    expect(emu.stats.renewRefreshToken).toBe(2);
    emu.advanceTime(3.5 * DAY); // the access token has expired too
    await expect(b.users.getAccessToken("u-1")).rejects.toMatchObject({
      name: "DouyinReauthorizeError",
      reason: "refresh_token_expired",
    });
  });
});

describe("renewDue(): users who are away", () => {
  it("renews every user inside the renewal window, once, and sums up", async () => {
    const store = new MemoryTokenStore(emu.now);
    const { users } = managerOn(store);
    for (const id of ["a", "b", "c"]) await signIn(users, id);
    emu.advanceTime(10 * DAY);
    await signIn(users, "late"); // signed in 10 days later: not due yet
    emu.advanceTime(16 * DAY);
    const summary = await users.renewDue();
    expect(summary).toEqual({
      users: 4,
      renewed: 3,
      skipped: 1,
      failed: 0,
      exhausted: 0,
      unsaved: 0,
    });
    expect(emu.stats.renewRefreshToken).toBe(3);
    for (const id of ["a", "b", "c"]) {
      const kept = await users.get(id);
      expect(kept!.renewals).toBe(1);
      expect(emu.isValid(kept!.refreshToken)).toBe(true);
    }
    expect(await users.renewDue()).toMatchObject({ renewed: 0, skipped: 4 });
  });

  it("two servers sweeping at once renew each refresh token once", async () => {
    const store = new MemoryTokenStore(emu.now);
    const a = managerOn(store);
    const b = managerOn(store);
    for (let n = 0; n < 20; n++) await signIn(a.users, `u-${n}`);
    emu.advanceTime(26 * DAY);
    emu.injectFault({ operation: "renewRefreshToken", kind: "latency", latencyMs: 20 });
    const [x, y] = await Promise.all([a.users.renewDue(), b.users.renewDue()]);
    expect(x.renewed + y.renewed).toBe(20);
    expect(x.failed + y.failed).toBe(0);
    expect(emu.stats.renewRefreshToken).toBe(20);
  });

  it("a store without list() is refused with a TypeError naming what is missing", async () => {
    const inner = new MemoryTokenStore(emu.now);
    const users = createUserTokenManager(douyin, {
      now: emu.now,
      store: {
        get: (k) => inner.get(k),
        set: (k, v, t) => inner.set(k, v, t),
        delete: (k) => inner.delete(k),
      },
    });
    await expect(users.renewDue()).rejects.toThrow(
      new TypeError(`renewDue() needs a store that can list its keys ("list")`),
    );
  });
});
