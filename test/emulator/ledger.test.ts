// The ledger's rules at their exact edges, between purges (a request purges at most once a second
// of clock time, so each rule must hold on its own), and the state snapshot it exports/imports.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDouyinOAuth, DouyinOAuthError, type DouyinOAuth } from "../../src/index.js";
import { LIFETIMES, startEmulator, type Emulator } from "../../src/emulator/index.js";
import { emptyState, OAuthLedger, type PlatformState } from "../../src/emulator/ledger.js";

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 25);
const APP = { clientKey: "app-1", clientSecret: "secret-1", redirectDomains: ["127.0.0.1"] };
const OTHER = { clientKey: "app-2", clientSecret: "secret-2", redirectDomains: ["127.0.0.1"] };

let emu: Emulator;
let douyin: DouyinOAuth;
beforeEach(async () => {
  emu = await startEmulator({ now: () => T0, apps: [APP, OTHER] });
  douyin = createDouyinOAuth({ ...APP, baseUrl: emu.url });
});
afterEach(() => emu.close());

async function errorCode(pending: Promise<unknown>): Promise<number | undefined> {
  const error = await pending.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DouyinOAuthError);
  return (error as DouyinOAuthError).errorCode;
}

/** The clock moves on `ms`, then a request purges (more than a second after the last): a request
 * less than a second later purges nothing, so the rule it meets must hold on its own. */
async function advanceAndPurge(ms: number) {
  emu.advanceTime(ms);
  await fetch(`${emu.url}/`);
}

const stable = async () => {
  const res = await fetch(`${emu.url}/oauth/stable_client_token/`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_key: APP.clientKey,
      client_secret: APP.clientSecret,
      grant_type: "client_credential",
    }),
  });
  return (await res.json()).data as {
    error_code: number;
    access_token?: string;
    expires_in?: number;
  };
};

describe("open_id", () => {
  it("is a UUID-shaped hex id, stable per app and user, different across users and apps", async () => {
    const openId = async (clientKey: string, user: string) => {
      const client = createDouyinOAuth({
        ...(clientKey === APP.clientKey ? APP : OTHER),
        baseUrl: emu.url,
      });
      return (
        await client.accessToken({ code: emu.issueCode({ clientKey, user, scope: "user_info" }) })
      ).open_id;
    };
    const alice = await openId(APP.clientKey, "alice");
    expect(alice).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(await openId(APP.clientKey, "alice")).toBe(alice);
    expect(await openId(APP.clientKey, "bob")).not.toBe(alice);
    expect(await openId(OTHER.clientKey, "alice")).not.toBe(alice);
  });
});

describe("lifetimes at their exact edge, between purges", () => {
  it("a code is refused at exactly 10 minutes", async () => {
    const code = emu.issueCode({ scope: "user_info", openId: "u" });
    await advanceAndPurge(LIFETIMES.code - 500);
    emu.advanceTime(500);
    expect(await errorCode(douyin.accessToken({ code }))).toBe(10007);
  });

  it("an access token at exactly 15 days: userinfo 2190008, a refresh issues a new act. token", async () => {
    const signed = await douyin.accessToken({ code: emu.issueCode({ scope: "user_info" }) });
    await advanceAndPurge(LIFETIMES.accessToken - 500);
    emu.advanceTime(500);
    expect(emu.isValid(signed.access_token)).toBe(false);
    expect(
      await errorCode(
        douyin.userInfo({ accessToken: signed.access_token, openId: signed.open_id }),
      ),
    ).toBe(2190008);
    const refreshed = await douyin.refreshToken({ refreshToken: signed.refresh_token });
    expect(refreshed.access_token).not.toBe(signed.access_token);
    expect(refreshed.access_token).toMatch(/^act\.[0-9a-f]{48}$/);
  });

  it("a refresh token at exactly 30 days answers 10010 to refresh and renew", async () => {
    const signed = await douyin.accessToken({ code: emu.issueCode({ scope: "user_info" }) });
    await advanceAndPurge(LIFETIMES.refreshToken - 500);
    emu.advanceTime(500);
    expect(emu.isValid(signed.refresh_token)).toBe(false);
    expect(await errorCode(douyin.refreshToken({ refreshToken: signed.refresh_token }))).toBe(
      10010,
    );
    expect(await errorCode(douyin.renewRefreshToken({ refreshToken: signed.refresh_token }))).toBe(
      10010,
    );
  });

  it("a stable client token at exactly 2 hours is invalid and replaced by a new 2-hour one", async () => {
    const first = await stable();
    expect(first).toMatchObject({ error_code: 0, expires_in: 7200 });
    await advanceAndPurge(LIFETIMES.clientToken - 500);
    expect(emu.isValid(first.access_token!)).toBe(true);
    expect(await stable()).toMatchObject({ access_token: first.access_token, expires_in: 1 });
    emu.advanceTime(500);
    expect(emu.isValid(first.access_token!)).toBe(false);
    const second = await stable();
    expect(second).toMatchObject({ error_code: 0, expires_in: 7200 });
    expect(second.access_token).not.toBe(first.access_token);
  });

  it("the client-token rate window: a call exactly 5 minutes old no longer counts", async () => {
    for (let i = 0; i < 500; i++) await douyin.clientToken();
    expect(await errorCode(douyin.clientToken())).toBe(10020);
    await advanceAndPurge(5 * MINUTE - 500);
    expect(await errorCode(douyin.clientToken())).toBe(10020);
    emu.advanceTime(500);
    await expect(douyin.clientToken()).resolves.toMatchObject({ expires_in: 7200 });
  }, 90_000); // 500 calls over HTTP: seconds alone, more on a loaded machine

  it("the stable client token shares the rate limit: 10020 after 500 client-token fetches", async () => {
    for (let i = 0; i < 500; i++) await douyin.clientToken();
    expect(await stable()).toMatchObject({ error_code: 10020 });
  }, 90_000);
});

describe("purging", () => {
  it("drops each record at exactly its lifetime; stored counts client and stable tokens", async () => {
    const signed = await douyin.accessToken({
      code: emu.issueCode({ scope: "user_info", openId: "a" }),
    });
    emu.issueCode({ scope: "user_info", openId: "pending" });
    await douyin.clientToken();
    expect((await stable()).error_code).toBe(0);
    expect(emu.stored).toEqual({ codes: 1, accessTokens: 1, refreshTokens: 1, clientTokens: 2 });
    emu.advanceTime(LIFETIMES.code);
    await fetch(`${emu.url}/`);
    expect(emu.stored).toEqual({ codes: 0, accessTokens: 1, refreshTokens: 1, clientTokens: 2 });
    emu.advanceTime(LIFETIMES.clientToken - LIFETIMES.code);
    await fetch(`${emu.url}/`);
    expect(emu.stored).toEqual({ codes: 0, accessTokens: 1, refreshTokens: 1, clientTokens: 0 });
    emu.advanceTime(LIFETIMES.accessToken - LIFETIMES.clientToken);
    await fetch(`${emu.url}/`);
    expect(emu.stored).toEqual({ codes: 0, accessTokens: 0, refreshTokens: 1, clientTokens: 0 });
    emu.advanceTime(LIFETIMES.refreshToken - LIFETIMES.accessToken);
    await fetch(`${emu.url}/`);
    expect(emu.stored).toEqual({ codes: 0, accessTokens: 0, refreshTokens: 0, clientTokens: 0 });
    expect(emu.isValid(signed.refresh_token)).toBe(false);
  });

  it("runs at most once a second of clock time", async () => {
    emu.issueCode({ scope: "user_info", openId: "u" });
    await advanceAndPurge(LIFETIMES.code - 500);
    emu.advanceTime(500);
    await fetch(`${emu.url}/`);
    expect(emu.stored.codes).toBe(1);
    emu.advanceTime(500);
    await fetch(`${emu.url}/`);
    expect(emu.stored.codes).toBe(0);
  });
});

describe("token calls' checks", () => {
  it("refresh: an unknown or another app's refresh token 10010; a bad grant_type 10002", async () => {
    expect(await errorCode(douyin.refreshToken({ refreshToken: "rft.unknown" }))).toBe(10010);
    const other = createDouyinOAuth({ ...OTHER, baseUrl: emu.url });
    const theirs = await other.accessToken({
      code: emu.issueCode({ clientKey: OTHER.clientKey, scope: "user_info" }),
    });
    expect(await errorCode(douyin.refreshToken({ refreshToken: theirs.refresh_token }))).toBe(
      10010,
    );
    const { data } = await douyin.raw.GET("/oauth/refresh_token/", {
      params: {
        query: {
          client_key: APP.clientKey,
          refresh_token: theirs.refresh_token,
          grant_type: "x",
        } as never,
      },
    });
    expect(data).toMatchObject({ data: { error_code: 10002 } });
  });

  it("renew: a missing refresh_token 10005; an extra grant_type is ignored; the new token is rft.", async () => {
    const signed = await douyin.accessToken({ code: emu.issueCode({ scope: "user_info" }) });
    const missing = await fetch(
      `${emu.url}/oauth/renew_refresh_token/?client_key=${APP.clientKey}`,
    );
    expect((await missing.json()).data.error_code).toBe(10005);
    const res = await fetch(
      `${emu.url}/oauth/renew_refresh_token/?client_key=${APP.clientKey}&refresh_token=${signed.refresh_token}&grant_type=refresh_token`,
    );
    const { data } = await res.json();
    expect(data).toMatchObject({ error_code: 0, expires_in: 2592000 });
    expect(data.refresh_token).toMatch(/^rft\.[0-9a-f]{48}$/);
  });
});

describe("the state snapshot", () => {
  let now = T0;
  const ledger = () => new OAuthLedger([APP, OTHER], () => now, false);
  const credential = {
    client_key: APP.clientKey,
    client_secret: APP.clientSecret,
    grant_type: "client_credential",
  };
  const record = (openId: string, expiresAt: number) => ({
    clientKey: APP.clientKey,
    openId,
    scope: "user_info",
    expiresAt,
  });
  const exchange = (platform: OAuthLedger, code: string) =>
    platform.accessToken({ ...credential, grant_type: "authorization_code", code }).data.error_code;
  const tokenOf = ({ data }: ReturnType<OAuthLedger["clientToken"]>) => {
    expect(data.error_code).toBe(0);
    return "access_token" in data ? data.access_token : "";
  };
  beforeEach(() => {
    now = T0;
  });

  it("carries the rate-limit count, client and stable tokens across an import", () => {
    const before = ledger();
    for (let i = 0; i < 500; i++) before.clientToken(credential);
    const held = before.stableClientToken(credential);
    expect(held.data.error_code).toBe(10020);
    now += MINUTE;
    const after = ledger();
    after.importState(before.exportState());
    expect(after.clientToken(credential).data.error_code).toBe(10020);
  });

  it("keeps the stable token and the latest two client tokens of an import", () => {
    const before = ledger();
    const stable = tokenOf(before.stableClientToken(credential));
    const tokens = [1, 2].map(() => tokenOf(before.clientToken(credential)));
    const state = before.exportState();
    const older = { token: "clt.older", expiresAt: T0 + LIFETIMES.clientToken };
    state.clientTokens = [[APP.clientKey, [older, ...state.clientTokens[0]![1]]]];
    const after = ledger();
    after.importState(state);
    expect(tokenOf(after.stableClientToken(credential))).toBe(stable);
    expect(after.isValid(stable)).toBe(true);
    expect(tokens.map((t) => after.isValid(t))).toEqual([true, true]);
    expect(after.isValid("clt.older")).toBe(false);
    expect(after.stored().clientTokens).toBe(3);
  });

  it("is a copy: changing it changes nothing held", () => {
    const platform = ledger();
    for (let i = 0; i < 3; i++) platform.clientToken(credential);
    const state = platform.exportState();
    state.clientTokenCalls[0]![1].length = 0;
    state.clientTokens[0]![1].length = 0;
    expect(platform.exportState().clientTokenCalls[0]![1]).toEqual([T0, T0, T0]);
    expect(platform.exportState().clientTokens[0]![1]).toHaveLength(2);
  });

  it("imports one live code per user: the later-expiring one, or the later listed of equals", () => {
    for (const order of ["late-first", "early-first"]) {
      const platform = ledger();
      const early: [string, ReturnType<typeof record>] = ["c-early", record("u", T0 + MINUTE)];
      const late: [string, ReturnType<typeof record>] = ["c-late", record("u", T0 + 2 * MINUTE)];
      platform.importState({
        ...emptyState(),
        codes:
          order === "late-first" ? [late, early, ["c-v", record("v", T0 + MINUTE)]] : [early, late],
      });
      expect(platform.stored().codes).toBe(order === "late-first" ? 2 : 1);
      expect(exchange(platform, "c-early")).toBe(10007);
      expect(exchange(platform, "c-late")).toBe(0);
      if (order === "late-first") expect(exchange(platform, "c-v")).toBe(0);
    }
    const platform = ledger();
    platform.importState({
      ...emptyState(),
      codes: [
        ["c-1", record("u", T0 + MINUTE)],
        ["c-2", record("u", T0 + MINUTE)],
      ],
    });
    expect(exchange(platform, "c-1")).toBe(10007);
    expect(exchange(platform, "c-2")).toBe(0);
  });

  it("after a purge holds no empty client-token list and no call older than the 5-minute window", () => {
    const platform = ledger();
    platform.clientToken(credential);
    now += 5 * MINUTE - 1;
    platform.purge(true);
    expect(platform.exportState().clientTokenCalls).toEqual([[APP.clientKey, [T0]]]);
    now += 1;
    platform.purge(true);
    expect(platform.exportState().clientTokenCalls).toEqual([]);
    now = T0 + LIFETIMES.clientToken;
    platform.purge(true);
    expect(platform.exportState().clientTokens).toEqual([]);
  });

  it("refreshRecord(s) show who holds each refresh token and its renewals, live", () => {
    const platform = ledger();
    platform.importState({ ...emptyState(), codes: [["c-1", record("u", T0 + MINUTE)]] });
    const answer = platform.accessToken({
      ...credential,
      grant_type: "authorization_code",
      code: "c-1",
    }).data;
    const refresh = "refresh_token" in answer ? answer.refresh_token : "";
    expect(platform.refreshRecord(refresh)).toMatchObject({ openId: "u", renewals: 0 });
    platform.renewRefreshToken({ client_key: APP.clientKey, refresh_token: refresh });
    expect(platform.refreshRecord(refresh)).toBeUndefined();
    expect([...platform.refreshRecords()].map(([, held]) => held)).toEqual([
      expect.objectContaining({ openId: "u", renewals: 1 }),
    ]);
  });

  it("userinfo for a token of an app no longer registered answers, without encrypt_mobile", () => {
    const platform = ledger();
    platform.importState({
      ...emptyState(),
      accessTokens: [
        [
          "act.gone",
          {
            clientKey: "gone",
            openId: "u",
            scope: "user_info,mobile_alert",
            expiresAt: T0 + MINUTE,
          },
        ],
      ],
    });
    const answer = platform.userInfo("act.gone", "u", "http://127.0.0.1");
    expect(answer.data).toMatchObject({ error_code: 0, open_id: "u" });
    expect(answer.data).not.toHaveProperty("encrypt_mobile");
  });
});
