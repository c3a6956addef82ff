// The emulator's token rules, each driven through the real client over HTTP.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createDouyinOAuth,
  DouyinOAuthError,
  ERROR_CODE,
  type DouyinOAuth,
} from "../../src/index.js";
import { LIFETIMES, startEmulator, type Emulator } from "../../src/emulator/index.js";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

let emu: Emulator;
let douyin: DouyinOAuth;
beforeEach(async () => {
  emu = await startEmulator({
    now: () => Date.UTC(2026, 10, 25),
    apps: [
      { clientKey: "app-1", clientSecret: "secret-1", redirectDomains: ["127.0.0.1"] },
      {
        clientKey: "no-renew",
        clientSecret: "secret-2",
        redirectDomains: ["127.0.0.1"],
        canRenew: false,
      },
    ],
  });
  douyin = createDouyinOAuth({ clientKey: "app-1", clientSecret: "secret-1", baseUrl: emu.url });
});
afterEach(() => emu.close());

async function platformError(pending: Promise<unknown>): Promise<DouyinOAuthError> {
  const error = await pending.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DouyinOAuthError);
  return error as DouyinOAuthError;
}

const signIn = async (scope = "user_info") =>
  douyin.accessToken({ code: emu.issueCode({ scope }) });

describe("accessToken", () => {
  it("issues 15-day access and 30-day refresh tokens for the code's user and scopes", async () => {
    const data = await douyin.accessToken({
      code: emu.issueCode({ scope: ["user_info", "video.list"], openId: "u-1" }),
    });
    expect(data).toMatchObject({
      error_code: 0,
      expires_in: 1296000,
      refresh_expires_in: 2592000,
      open_id: "u-1",
      scope: "user_info,video.list",
    });
    expect(data.access_token).toMatch(/^act\./);
    expect(data.refresh_token).toMatch(/^rft\./);
    expect(emu.isValid(data.access_token)).toBe(true);
    emu.advanceTime(LIFETIMES.accessToken);
    expect(emu.isValid(data.access_token)).toBe(false);
    expect(emu.isValid(data.refresh_token)).toBe(true);
    emu.advanceTime(15 * DAY);
    expect(emu.isValid(data.refresh_token)).toBe(false);
  });

  it("a code works once: the second exchange answers 10007", async () => {
    const code = emu.issueCode({ scope: "user_info" });
    await douyin.accessToken({ code });
    const error = await platformError(douyin.accessToken({ code }));
    expect(error).toMatchObject({
      errorCode: ERROR_CODE.CODE_EXPIRED,
      operation: "accessToken",
      status: 200,
    });
    expect(error.logId).toMatch(/^\d{14}[0-9A-F]{20}$/);
  });

  it("a code expires after 10 minutes (10007), not before", async () => {
    const early = emu.issueCode({ scope: "user_info", openId: "a" });
    const late = emu.issueCode({ scope: "user_info", openId: "b" });
    emu.advanceTime(10 * MINUTE - 1_000);
    await expect(douyin.accessToken({ code: early })).resolves.toMatchObject({ open_id: "a" });
    emu.advanceTime(1_000);
    expect((await platformError(douyin.accessToken({ code: late }))).errorCode).toBe(10007);
  });

  it("a new code for the same user voids the previous one", async () => {
    const first = emu.issueCode({ scope: "user_info", openId: "same" });
    const second = emu.issueCode({ scope: "user_info", openId: "same" });
    expect((await platformError(douyin.accessToken({ code: first }))).errorCode).toBe(10007);
    await expect(douyin.accessToken({ code: second })).resolves.toMatchObject({ open_id: "same" });
  });

  // Counts are asserted, never times. The timeout is the guard: a scan of every code per issue
  // took about 20 s here for 50,000 users, the per-user map about 1 s.
  it(
    "50,000 users each with a live code: a new code voids only its own user's previous one",
    {
      timeout: 10_000,
    },
    async () => {
      const users = 50_000;
      const codes: string[] = [];
      for (let i = 0; i < users; i++)
        codes.push(emu.issueCode({ scope: "user_info", openId: `u-${i}` }));
      expect(new Set(codes).size).toBe(users);
      expect(emu.stored.codes).toBe(users);
      const again = emu.issueCode({ scope: "user_info", openId: "u-7" });
      expect(emu.stored.codes).toBe(users);
      expect((await platformError(douyin.accessToken({ code: codes[7]! }))).errorCode).toBe(10007);
      await expect(douyin.accessToken({ code: codes[8]! })).resolves.toMatchObject({
        open_id: "u-8",
      });
      await expect(douyin.accessToken({ code: again })).resolves.toMatchObject({ open_id: "u-7" });
      // The same open_id under another app is another user.
      const otherApp = emu.issueCode({ clientKey: "no-renew", scope: "user_info", openId: "u-9" });
      expect(emu.stored.codes).toBe(users - 1);
      await expect(douyin.accessToken({ code: codes[9]! })).resolves.toMatchObject({
        open_id: "u-9",
      });
      // After an exchange, the user's next code is one more live code; nobody else's goes.
      emu.issueCode({ scope: "user_info", openId: "u-8" });
      expect(emu.stored.codes).toBe(users - 1);
      await expect(
        createDouyinOAuth({
          clientKey: "no-renew",
          clientSecret: "secret-2",
          baseUrl: emu.url,
        }).accessToken({ code: otherApp }),
      ).resolves.toMatchObject({ open_id: "u-9" });
    },
  );

  it("wrong secret 10013, unknown client_key 10003, another app's code 10007", async () => {
    const code = emu.issueCode({ scope: "user_info" });
    const wrongSecret = createDouyinOAuth({
      clientKey: "app-1",
      clientSecret: "nope",
      baseUrl: emu.url,
    });
    expect((await platformError(wrongSecret.accessToken({ code }))).errorCode).toBe(10013);
    const unknown = createDouyinOAuth({ clientKey: "ghost", clientSecret: "x", baseUrl: emu.url });
    expect((await platformError(unknown.accessToken({ code }))).errorCode).toBe(10003);
    const other = createDouyinOAuth({
      clientKey: "no-renew",
      clientSecret: "secret-2",
      baseUrl: emu.url,
    });
    const mine = emu.issueCode({ clientKey: "app-1", scope: "user_info", openId: "x" });
    expect((await platformError(other.accessToken({ code: mine }))).errorCode).toBe(10007);
  });

  it("a missing parameter answers 10005, a wrong grant_type 10002 (through the raw client)", async () => {
    const { data: missing } = await douyin.raw.GET("/oauth/access_token/", {
      params: {
        query: {
          client_key: "app-1",
          client_secret: "secret-1",
          grant_type: "authorization_code",
        } as never,
      },
    });
    expect(missing).toMatchObject({ data: { error_code: 10005 } });
    const { data: wrong } = await douyin.raw.GET("/oauth/access_token/", {
      params: {
        query: {
          client_key: "app-1",
          client_secret: "secret-1",
          code: "c",
          grant_type: "refresh_token" as never,
        },
      },
    });
    expect(wrong).toMatchObject({ data: { error_code: 10002 } });
  });
});

describe("refreshToken and renewRefreshToken", () => {
  it("refresh gives 15 more days and leaves the refresh token's expiry as it was", async () => {
    const signedIn = await signIn();
    emu.advanceTime(20 * DAY);
    const refreshed = await douyin.refreshToken({ refreshToken: signedIn.refresh_token });
    expect(refreshed).toMatchObject({
      expires_in: 1296000,
      refresh_expires_in: 10 * 24 * 3600,
      open_id: signedIn.open_id,
    });
    expect(refreshed.refresh_token).toBe(signedIn.refresh_token);
    expect(refreshed.access_token).not.toBe(signedIn.access_token);
    expect(emu.isValid(refreshed.access_token)).toBe(true);
  });

  it("refreshing a still-valid access token returns the same token with a new expiry", async () => {
    const signedIn = await signIn();
    emu.advanceTime(14 * DAY);
    const refreshed = await douyin.refreshToken({ refreshToken: signedIn.refresh_token });
    expect(refreshed.access_token).toBe(signedIn.access_token);
    emu.advanceTime(2 * DAY);
    expect(emu.isValid(signedIn.access_token)).toBe(true);
  });

  it("an expired refresh token answers 10010: authorize again", async () => {
    const signedIn = await signIn();
    emu.advanceTime(LIFETIMES.refreshToken);
    const error = await platformError(
      douyin.refreshToken({ refreshToken: signedIn.refresh_token }),
    );
    expect(error.errorCode).toBe(ERROR_CODE.REFRESH_TOKEN_EXPIRED);
  });

  it("renew issues a new 30-day refresh token and voids the old; the sixth renewal answers 10020", async () => {
    let refreshToken = (await signIn()).refresh_token;
    for (let renewal = 1; renewal <= 5; renewal++) {
      emu.advanceTime(25 * DAY);
      const renewed = await douyin.renewRefreshToken({ refreshToken });
      expect(renewed).toMatchObject({ expires_in: 2592000, error_code: 0 });
      expect(emu.isValid(refreshToken)).toBe(false);
      expect(emu.isValid(renewed.refresh_token)).toBe(true);
      refreshToken = renewed.refresh_token;
    }
    const error = await platformError(douyin.renewRefreshToken({ refreshToken }));
    expect(error.errorCode).toBe(ERROR_CODE.LIMIT_REACHED);
    await expect(douyin.refreshToken({ refreshToken })).resolves.toMatchObject({
      refresh_token: refreshToken,
    });
  });

  it("an app without the renew permission answers 10004", async () => {
    const other = createDouyinOAuth({
      clientKey: "no-renew",
      clientSecret: "secret-2",
      baseUrl: emu.url,
    });
    const { refresh_token } = await other.accessToken({
      code: emu.issueCode({ clientKey: "no-renew", scope: "user_info" }),
    });
    expect(
      (await platformError(other.renewRefreshToken({ refreshToken: refresh_token }))).errorCode,
    ).toBe(10004);
  });
});

describe("clientToken", () => {
  it("lives 2 hours", async () => {
    const { access_token, expires_in } = await douyin.clientToken();
    expect(access_token).toMatch(/^clt\./);
    expect(expires_in).toBe(7200);
    emu.advanceTime(2 * 60 * MINUTE - 1_000);
    expect(emu.isValid(access_token)).toBe(true);
    emu.advanceTime(1_000);
    expect(emu.isValid(access_token)).toBe(false);
  });

  it("only the latest two stay valid", async () => {
    const first = (await douyin.clientToken()).access_token;
    const second = (await douyin.clientToken()).access_token;
    expect([emu.isValid(first), emu.isValid(second)]).toEqual([true, true]);
    const third = (await douyin.clientToken()).access_token;
    expect([emu.isValid(first), emu.isValid(second), emu.isValid(third)]).toEqual([
      false,
      true,
      true,
    ]);
    expect(emu.stats.clientToken).toBe(3);
  });

  it("more than 500 fetches in 5 minutes answer 10020; the window then slides", async () => {
    for (let i = 0; i < 500; i++) await douyin.clientToken();
    expect((await platformError(douyin.clientToken())).errorCode).toBe(10020);
    emu.advanceTime(5 * MINUTE);
    await expect(douyin.clientToken()).resolves.toMatchObject({ expires_in: 7200 });
  });

  it("wrong secret 10013; a missing grant_type 10005", async () => {
    const wrong = createDouyinOAuth({ clientKey: "app-1", clientSecret: "nope", baseUrl: emu.url });
    expect((await platformError(wrong.clientToken())).errorCode).toBe(10013);
    const { data } = await douyin.raw.GET("/oauth/client_token/", {
      params: { query: { client_key: "app-1", client_secret: "secret-1" } as never },
    });
    expect(data).toMatchObject({ data: { error_code: 10005 } });
  });
});

describe("envelope, number encoding, memory", () => {
  it("every answer is HTTP 200 JSON with extra.logid and extra.now, success or not", async () => {
    for (const query of [
      "client_key=app-1&client_secret=secret-1&grant_type=client_credential",
      "client_key=ghost",
    ]) {
      const res = await fetch(`${emu.url}/oauth/client_token/?${query}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      const body = await res.json();
      expect(body.extra.logid).toMatch(/^\d{14}[0-9A-F]{20}$/);
      expect(body.extra.now).toBe(emu.now());
      expect(typeof body.data.error_code).toBe("number");
    }
  });

  it("stringNumbers answers numbers as numeric strings; the client still returns numbers", async () => {
    const strings = await startEmulator({ stringNumbers: true });
    try {
      const [app] = strings.apps;
      const raw = await (
        await fetch(
          `${strings.url}/oauth/client_token/?client_key=${app!.clientKey}&client_secret=${app!.clientSecret}&grant_type=client_credential`,
        )
      ).json();
      expect(raw.data).toMatchObject({ error_code: "0", expires_in: "7200" });
      expect(typeof raw.extra.now).toBe("string");
      const client = createDouyinOAuth({ ...app!, baseUrl: strings.url });
      const data = await client.accessToken({ code: strings.issueCode({ scope: "user_info" }) });
      expect(data).toMatchObject({
        error_code: 0,
        expires_in: 1296000,
        refresh_expires_in: 2592000,
      });
      const error = await platformError(client.accessToken({ code: "used-or-unknown" }));
      expect(error.errorCode).toBe(10007);
    } finally {
      await strings.close();
    }
  });

  it("expired codes and tokens are purged: stored state goes back to zero", async () => {
    for (let i = 0; i < 50; i++) {
      const signed = await douyin.accessToken({
        code: emu.issueCode({ scope: "user_info", openId: `u${i}` }),
      });
      await douyin.refreshToken({ refreshToken: signed.refresh_token });
      emu.issueCode({ scope: "user_info", openId: `pending${i}` });
    }
    await douyin.clientToken();
    expect(emu.stored).toEqual({ codes: 50, accessTokens: 50, refreshTokens: 50, clientTokens: 1 });
    emu.advanceTime(LIFETIMES.refreshToken + 1_000);
    await fetch(`${emu.url}/`);
    expect(emu.stored).toEqual({ codes: 0, accessTokens: 0, refreshTokens: 0, clientTokens: 0 });
  });

  it("stats count calls per operation, errors included", async () => {
    await douyin.clientToken();
    await douyin.accessToken({ code: "nope" }).catch(() => undefined);
    expect(emu.stats).toMatchObject({
      clientToken: 1,
      accessToken: 1,
      refreshToken: 0,
      renewRefreshToken: 0,
    });
  });
});

describe("accessToken › a redirect_uri sent with the exchange (issue 23)", () => {
  let exact: Emulator;
  const APP = {
    clientKey: "aw_exact",
    clientSecret: "exact_secret",
    redirectUris: ["https://app.example/auth/callback", "https://app.example/other"],
  };
  beforeEach(async () => {
    exact = await startEmulator({ apps: [APP] });
  });
  afterEach(() => exact.close());

  /** A code approved on the consent page for `redirect_uri`. */
  async function approved(redirect_uri: string): Promise<string> {
    const res = await fetch(new URL("/platform/oauth/connect/", exact.url), {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({
        client_key: APP.clientKey,
        response_type: "code",
        scope: "user_info",
        redirect_uri,
        decision: "approve",
      }),
    });
    return new URL(res.headers.get("location")!).searchParams.get("code")!;
  }

  async function exchange(code: string, redirect_uri?: string) {
    const body = new URLSearchParams({
      client_key: APP.clientKey,
      client_secret: APP.clientSecret,
      code,
      grant_type: "authorization_code",
      ...(redirect_uri === undefined ? {} : { redirect_uri }),
    });
    const res = await fetch(new URL("/oauth/access_token/", exact.url), { method: "POST", body });
    return Number(((await res.json()) as any).data.error_code);
  }

  it("the URI the code went to, or none (the platform's own form): the tokens", async () => {
    expect(await exchange(await approved("https://app.example/auth/callback"))).toBe(0);
    const code = await approved("https://app.example/auth/callback");
    expect(await exchange(code, "https://app.example/auth/callback#x")).toBe(0);
  });

  it("another registered URI, or one not registered: 10006, and the code is spent", async () => {
    const code = await approved("https://app.example/auth/callback");
    expect(await exchange(code, "https://app.example/other")).toBe(ERROR_CODE.ILLEGAL_REDIRECT_URI);
    expect(await exchange(code)).toBe(ERROR_CODE.CODE_EXPIRED);
    const issued = exact.issueCode({ clientKey: APP.clientKey, scope: "user_info" });
    expect(await exchange(issued, "https://evil.example/cb")).toBe(ERROR_CODE.ILLEGAL_REDIRECT_URI);
    const issuedToo = exact.issueCode({ clientKey: APP.clientKey, scope: "user_info" });
    expect(await exchange(issuedToo, "https://app.example/other")).toBe(0);
  });
});
