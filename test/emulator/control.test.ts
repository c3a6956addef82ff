// The control API under /_emulator/ (openapi/emulator-control.yaml) over real HTTP, and the
// JavaScript API's same operations: one implementation, the same answers and the same refusals.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDouyinOAuth, DouyinOAuthError } from "../../src/index.js";
import { isLoopback } from "../../src/emulator/control-api.js";
import { DEMO_APP, LIFETIMES, startEmulator, type Emulator } from "../../src/emulator/index.js";

const START = Date.UTC(2026, 10, 27, 9, 0, 0);
let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ now: () => START });
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

const douyin = () => createDouyinOAuth({ ...DEMO_APP, baseUrl: emu.url });
async function call(method: string, path: string, body?: unknown, headers = {}) {
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

describe("POST /_emulator/codes › issueCode", () => {
  it("201 with the code, its user and expiry; the code exchanges once", async () => {
    const { status, body } = await call("POST", "/_emulator/codes", {
      scope: ["user_info", "mobile"],
      user: "alice",
      profile: { nickname: "Alice", avatar: "http://127.0.0.1/a.png" },
    });
    expect(status).toBe(201);
    expect(body).toEqual({
      code: expect.stringMatching(/^[0-9a-f]{32}$/),
      clientKey: DEMO_APP.clientKey,
      openId: emu.tokens().codes[0]!.openId,
      scope: "user_info,mobile",
      expiresAt: START + LIFETIMES.code,
    });
    const tokens = await douyin().accessToken({ code: body.code });
    expect(tokens.open_id).toBe(body.openId);
    // the JavaScript API names the same user the same way
    const again = emu.issueCode({ scope: "user_info", user: "alice" });
    expect((await douyin().accessToken({ code: again })).open_id).toBe(body.openId);
    const { body: live } = await call("GET", "/_emulator/tokens");
    expect(live.users).toEqual([
      {
        clientKey: DEMO_APP.clientKey,
        openId: body.openId,
        profile: { nickname: "Alice", avatar: "http://127.0.0.1/a.png" },
      },
    ]);
  });

  const refusals: Array<[string, unknown, string]> = [
    ["a body that is not an object", [1], "issueCode's options must be an object"],
    [
      "an unknown field",
      { scope: "user_info", scopes: "x" },
      `issueCode's options has an unknown field "scopes"; known: clientKey, scope, openId, user, profile`,
    ],
    [
      "no scope",
      { user: "bob" },
      `"scope" must be scope names, as a comma-separated string or a list`,
    ],
    [
      "openId and user",
      { scope: "s", openId: "o", user: "u" },
      `give "openId" or "user", not both`,
    ],
    ["an unknown app", { scope: "s", clientKey: "ghost" }, `"clientKey" is not a registered app`],
    [
      "an avatar that is not a URL",
      { scope: "s", profile: { avatar: "javascript:alert(1)" } },
      `"profile.avatar" must be an http:// or https:// URL`,
    ],
  ];
  for (const [name, body, message] of refusals) {
    it(`${name} → 400 naming it, nothing issued; the JavaScript API throws the same`, async () => {
      const res = await call("POST", "/_emulator/codes", body);
      expect(res).toMatchObject({ status: 400, body: { error: message } });
      expect(emu.stored.codes).toBe(0);
      expect(() => emu.issueCode(body as never)).toThrow(new TypeError(message));
    });
  }

  it("a body that is not JSON → 400", async () => {
    expect(await call("POST", "/_emulator/codes", "{scope")).toMatchObject({
      status: 400,
      body: { error: "the body is not JSON" },
    });
  });
});

describe("/_emulator/clock › advanceTime", () => {
  it("moves the clock: a code 10 minutes old is 10007; GET reads the advance", async () => {
    const { body } = await call("POST", "/_emulator/codes", { scope: "user_info" });
    expect(await call("POST", "/_emulator/clock", { ms: LIFETIMES.code })).toEqual({
      status: 200,
      headers: expect.anything(),
      body: { now: START + LIFETIMES.code, offsetMs: LIFETIMES.code },
    });
    expect(emu.now()).toBe(START + LIFETIMES.code);
    const refused = await douyin()
      .accessToken({ code: body.code })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DouyinOAuthError);
    expect((refused as DouyinOAuthError).errorCode).toBe(10007);
    expect((await call("GET", "/_emulator/clock")).body.offsetMs).toBe(LIFETIMES.code);
  });

  it("a negative, fractional or missing ms → 400, the clock unmoved", async () => {
    for (const body of [{ ms: -1 }, { ms: 0.5 }, {}, { ms: "60000" }]) {
      expect(await call("POST", "/_emulator/clock", body)).toMatchObject({
        status: 400,
        body: { error: `"ms" must be an integer of at least 0` },
      });
    }
    expect(emu.now()).toBe(START);
  });
});

describe("/_emulator/faults › inject, list, clear", () => {
  it("a fault hits its operation `times` times, is listed with what it has left, and clears", async () => {
    const injected = await call("POST", "/_emulator/faults", {
      operation: "clientToken",
      kind: "status",
      status: 502,
      times: 2,
    });
    expect(injected).toMatchObject({
      status: 201,
      body: { faults: [{ operation: "clientToken", kind: "status", status: 502, left: 2 }] },
    });
    const res = await fetch(
      `${emu.url}/oauth/client_token/?client_key=${DEMO_APP.clientKey}&client_secret=${DEMO_APP.clientSecret}&grant_type=client_credential`,
    );
    expect(res.status).toBe(502);
    expect((await call("GET", "/_emulator/faults")).body.faults[0].left).toBe(1);
    expect(emu.listFaults()).toEqual([
      { operation: "clientToken", kind: "status", status: 502, left: 1 },
    ]);
    await call("POST", "/_emulator/faults", { kind: "latency", latencyMs: 5 });
    expect((await call("GET", "/_emulator/faults")).body.faults[1]).toEqual({
      kind: "latency",
      latencyMs: 5,
      left: null,
    });
    expect((await call("DELETE", "/_emulator/faults")).status).toBe(204);
    expect((await call("GET", "/_emulator/faults")).body).toEqual({ faults: [] });
    expect((await douyin().clientToken()).access_token).toMatch(/^clt\./);
  });

  const refusals: Array<[unknown, string]> = [
    [
      { kind: "boom" },
      `"kind" must be one of latency, status, html, empty, reset, lost, truncated, stall`,
    ],
    [
      { kind: "reset", operation: "acessToken" },
      `"operation" must be one of accessToken, clientToken, stableClientToken, refreshToken, renewRefreshToken, userInfo`,
    ],
    [{ kind: "reset", times: 0 }, `"times" must be an integer of at least 1`],
    [{ kind: "status", status: 200 }, `"status" must be an integer from 400 to 599`],
  ];
  for (const [fault, message] of refusals) {
    it(`${JSON.stringify(fault)} → 400 "${message}", nothing injected; the JavaScript API throws the same`, async () => {
      expect(await call("POST", "/_emulator/faults", fault)).toMatchObject({
        status: 400,
        body: { error: message },
      });
      expect(() => emu.injectFault(fault as never)).toThrow(new TypeError(message));
      expect(emu.listFaults()).toEqual([]);
    });
  }
});

describe("/_emulator/stats, /tokens, /tokens/check, /requests, /apps", () => {
  it("stats count calls per operation and live records", async () => {
    const tokens = await douyin().accessToken({ code: emu.issueCode({ scope: "user_info" }) });
    await douyin().refreshToken({ refreshToken: tokens.refresh_token });
    const { body } = await call("GET", "/_emulator/stats");
    expect(body).toEqual({
      calls: {
        accessToken: 1,
        clientToken: 0,
        stableClientToken: 0,
        refreshToken: 1,
        renewRefreshToken: 0,
        userInfo: 0,
        connect: 0,
        authorize: 0,
        authorizeV2: 0,
      },
      stored: { codes: 0, accessTokens: 1, refreshTokens: 1, clientTokens: 0 },
    });
  });

  it("tokens show each code and token by its first characters only, with expiry on the emulator's clock", async () => {
    const code = emu.issueCode({ scope: "user_info", openId: "u-1" });
    const signedIn = await douyin().accessToken({ code });
    const pending = emu.issueCode({ scope: "user_info", openId: "u-2" });
    const client = await douyin().clientToken();
    const stable = await douyin().stableClientToken();
    const res = await fetch(`${emu.url}/_emulator/tokens`);
    const text = await res.text();
    for (const secret of [
      code,
      pending,
      signedIn.access_token,
      signedIn.refresh_token,
      client.access_token,
      stable.access_token,
      DEMO_APP.clientSecret,
    ]) {
      expect(text).not.toContain(secret);
    }
    const body = JSON.parse(text);
    expect(body).toEqual({
      now: START,
      users: [
        { clientKey: DEMO_APP.clientKey, openId: "u-2" },
        { clientKey: DEMO_APP.clientKey, openId: "u-1" },
      ],
      codes: [
        {
          code: `${pending.slice(0, 8)}…`,
          clientKey: DEMO_APP.clientKey,
          openId: "u-2",
          scope: "user_info",
          expiresAt: START + LIFETIMES.code,
        },
      ],
      accessTokens: [
        {
          token: `${signedIn.access_token.slice(0, 8)}…`,
          clientKey: DEMO_APP.clientKey,
          openId: "u-1",
          scope: "user_info",
          expiresAt: START + LIFETIMES.accessToken,
        },
      ],
      refreshTokens: [
        {
          token: `${signedIn.refresh_token.slice(0, 8)}…`,
          clientKey: DEMO_APP.clientKey,
          openId: "u-1",
          scope: "user_info",
          expiresAt: START + LIFETIMES.refreshToken,
          renewals: 0,
        },
      ],
      clientTokens: [
        {
          token: `${client.access_token.slice(0, 8)}…`,
          clientKey: DEMO_APP.clientKey,
          stable: false,
          expiresAt: START + LIFETIMES.clientToken,
        },
        {
          token: `${stable.access_token.slice(0, 8)}…`,
          clientKey: DEMO_APP.clientKey,
          stable: true,
          expiresAt: START + LIFETIMES.clientToken,
        },
      ],
    });
    expect(emu.tokens()).toEqual(body);
  });

  it("tokens: expired records are dropped at once, even right after another look", async () => {
    emu.issueCode({ scope: "user_info", openId: "late" });
    emu.advanceTime(LIFETIMES.code - 500);
    expect(emu.tokens().codes).toHaveLength(1);
    emu.advanceTime(500); // expired, half a second of clock time after the last look
    expect((await call("GET", "/_emulator/tokens")).body).toEqual({
      now: START + LIFETIMES.code,
      users: [],
      codes: [],
      accessTokens: [],
      refreshTokens: [],
      clientTokens: [],
    });
  });

  it("tokens: a user is listed while a code or token of theirs lives, with the profile given", async () => {
    const code = emu.issueCode({ scope: "user_info", openId: "u-1", profile: { nickname: "Uno" } });
    emu.issueCode({ scope: "user_info", openId: "gone", profile: { nickname: "Gone" } });
    const signedIn = await douyin().accessToken({ code });
    const renewed = await douyin().renewRefreshToken({ refreshToken: signedIn.refresh_token });
    emu.advanceTime(LIFETIMES.code); // the unexchanged code expires; its user's profile stays
    const live = emu.tokens();
    expect(live.users).toEqual([
      { clientKey: DEMO_APP.clientKey, openId: "u-1", profile: { nickname: "Uno" } },
    ]);
    expect(live.codes).toEqual([]);
    expect(live.refreshTokens).toEqual([
      expect.objectContaining({ token: `${renewed.refresh_token.slice(0, 8)}…`, renewals: 1 }),
    ]);
    // a user with a refresh token only is still listed
    emu.advanceTime(LIFETIMES.accessToken);
    expect(emu.tokens()).toMatchObject({
      users: [{ openId: "u-1", profile: { nickname: "Uno" } }],
      accessTokens: [],
      refreshTokens: [{ openId: "u-1" }],
    });
  });

  it("tokens/check says whether a token is live; the token travels in the body", async () => {
    const tokens = await douyin().accessToken({ code: emu.issueCode({ scope: "user_info" }) });
    expect(
      (await call("POST", "/_emulator/tokens/check", { token: tokens.access_token })).body,
    ).toEqual({
      valid: true,
    });
    await douyin().renewRefreshToken({ refreshToken: tokens.refresh_token });
    expect(
      (await call("POST", "/_emulator/tokens/check", { token: tokens.refresh_token })).body,
    ).toEqual({
      valid: false,
    });
    expect(await call("POST", "/_emulator/tokens/check", { token: "" })).toMatchObject({
      status: 400,
      body: { error: `"token" is missing or empty` },
    });
  });

  it("requests list the last platform calls, newest first, secrets redacted, the slash-less form marked", async () => {
    const code = emu.issueCode({ scope: "user_info" });
    const query = new URLSearchParams({
      client_key: DEMO_APP.clientKey,
      client_secret: DEMO_APP.clientSecret,
      code,
      grant_type: "authorization_code",
    });
    await fetch(`${emu.url}/oauth/access_token?${query}`);
    await fetch(`${emu.url}/oauth/access_token/?${query}`); // the code is spent: 10007
    await fetch(`${emu.url}/oauth/nothing`);
    const res = await fetch(`${emu.url}/_emulator/requests`);
    const text = await res.text();
    expect(text).not.toContain(DEMO_APP.clientSecret);
    expect(text).not.toContain(code);
    const { requests } = JSON.parse(text);
    const params = {
      client_key: DEMO_APP.clientKey,
      client_secret: "***",
      code: `${code.slice(0, 8)}…`,
      grant_type: "authorization_code",
    };
    expect(requests).toEqual([
      {
        at: START,
        method: "GET",
        path: "/oauth/nothing",
        withoutSlash: false,
        form: "GET",
        operation: null,
        params: {},
        status: 404,
        outcome: "not found",
      },
      {
        at: START,
        method: "GET",
        path: "/oauth/access_token/",
        withoutSlash: false,
        form: "GET",
        operation: "accessToken",
        params,
        status: 200,
        outcome: "error",
        errorCode: 10007,
      },
      {
        at: START,
        method: "GET",
        path: "/oauth/access_token",
        withoutSlash: true,
        form: "GET",
        operation: "accessToken",
        params,
        status: 200,
        outcome: "success",
      },
    ]);
    expect(emu.requests()).toEqual(requests);
  });

  it("a POST's body is recorded with its form, redacted the same way", async () => {
    const signedIn = await douyin().accessToken({ code: emu.issueCode({ scope: "user_info" }) });
    await createDouyinOAuth({
      ...DEMO_APP,
      baseUrl: emu.url,
      tokenRequestMethod: "POST",
    }).refreshToken({
      refreshToken: signedIn.refresh_token,
    });
    const [latest] = emu.requests();
    expect(latest).toMatchObject({
      method: "POST",
      form: "POST form",
      operation: "refreshToken",
      params: { refresh_token: `${signedIn.refresh_token.slice(0, 8)}…` },
      outcome: "success",
    });
  });

  it("apps list the registered apps without their secrets", async () => {
    const { body } = await call("GET", "/_emulator/apps");
    expect(body).toEqual({
      apps: [
        {
          clientKey: DEMO_APP.clientKey,
          name: DEMO_APP.name,
          redirectDomains: DEMO_APP.redirectDomains,
          redirectUris: [],
          canRenew: true,
        },
      ],
    });
  });
});

describe("/_emulator/apps › each app as registered", () => {
  it("an app without a name has none; canRenew false is shown; no secret", async () => {
    const other = await startEmulator({
      apps: [
        DEMO_APP,
        {
          clientKey: "no_renew",
          clientSecret: "no-renew-secret",
          redirectDomains: ["127.0.0.1"],
          canRenew: false,
        },
      ],
    });
    try {
      const res = await fetch(`${other.url}/_emulator/apps`);
      const text = await res.text();
      expect(text).not.toContain("secret");
      expect(JSON.parse(text).apps).toStrictEqual([
        {
          clientKey: DEMO_APP.clientKey,
          name: DEMO_APP.name,
          redirectDomains: DEMO_APP.redirectDomains,
          redirectUris: [],
          canRenew: true,
        },
        {
          clientKey: "no_renew",
          redirectDomains: ["127.0.0.1"],
          redirectUris: [],
          canRenew: false,
        },
      ]);
    } finally {
      await other.close();
    }
  });
});

describe("POST /_emulator/reset", () => {
  it("forgets the profiles given and the stable client token", async () => {
    emu.issueCode({ scope: "user_info", user: "alice", profile: { nickname: "Alice" } });
    const stable = await douyin().stableClientToken();
    emu.reset();
    expect(emu.isValid(stable.access_token)).toBe(false);
    expect((await douyin().stableClientToken()).access_token).not.toBe(stable.access_token);
    emu.issueCode({ scope: "user_info", user: "alice" });
    expect(emu.tokens().users).toEqual([
      { clientKey: DEMO_APP.clientKey, openId: expect.any(String) },
    ]);
  });

  it("forgets codes, tokens, faults, counts, requests and the clock's advance; the apps stay", async () => {
    const tokens = await douyin().accessToken({ code: emu.issueCode({ scope: "user_info" }) });
    emu.advanceTime(60_000);
    emu.injectFault({ kind: "reset" });
    expect((await call("POST", "/_emulator/reset")).status).toBe(204);
    expect(emu.isValid(tokens.refresh_token)).toBe(false);
    expect(emu.now()).toBe(START);
    expect(emu.stats.accessToken).toBe(0);
    expect(emu.listFaults()).toEqual([]);
    expect(emu.requests()).toEqual([]);
    expect(emu.stored).toEqual({ codes: 0, accessTokens: 0, refreshTokens: 0, clientTokens: 0 });
    expect((await douyin().clientToken()).access_token).toMatch(/^clt\./);
  });
});

describe("the --state file follows each hook soon, not only at close", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "douyin-control-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("after advanceTime, issueCode and reset (an empty platform), over HTTP and from JavaScript", async () => {
    const file = join(dir, "state.json");
    const kept = await startEmulator({ now: () => START, stateFile: file });
    const saved = () =>
      existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, any>) : {};
    try {
      await fetch(`${kept.url}/_emulator/clock`, { method: "POST", body: '{"ms":60000}' });
      await expect.poll(() => saved().clockOffsetMs, { timeout: 2_000 }).toBe(60_000);
      kept.issueCode({ scope: "user_info", profile: { nickname: "Kept" } });
      await createDouyinOAuth({ ...DEMO_APP, baseUrl: kept.url }).clientToken();
      await expect.poll(() => saved().platform?.codes.length, { timeout: 2_000 }).toBe(1);
      await fetch(`${kept.url}/_emulator/reset`, { method: "POST" });
      await expect.poll(() => saved().clockOffsetMs, { timeout: 2_000 }).toBe(0);
      expect(saved().platform).toEqual({
        codes: [],
        accessTokens: [],
        refreshTokens: [],
        clientTokens: [],
        stableTokens: [],
        clientTokenCalls: [],
        profiles: [],
      });
      kept.advanceTime(5_000);
      await expect.poll(() => saved().clockOffsetMs, { timeout: 2_000 }).toBe(5_000);
    } finally {
      await kept.close();
    }
  });
});

describe("/_emulator › routing", () => {
  it("an unknown control path → 404 JSON; a wrong method → 405 with Allow", async () => {
    expect(await call("GET", "/_emulator/nope")).toMatchObject({
      status: 404,
      body: { error: "no such control operation" },
    });
    const wrong = await call("PUT", "/_emulator/faults", {});
    expect(wrong).toMatchObject({ status: 405, body: { error: "method not allowed" } });
    expect(wrong.headers.get("allow")).toBe("GET, POST, DELETE");
  });

  it("a trailing slash names the same operation; other methods list what the path allows", async () => {
    expect(await call("GET", "/_emulator/stats/")).toMatchObject({
      status: 200,
      body: { calls: { accessToken: 0 } },
    });
    const page = await fetch(`${emu.url}/_emulator/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const clock = await call("DELETE", "/_emulator/clock");
    expect(clock).toMatchObject({ status: 405, body: { error: "method not allowed" } });
    expect(clock.headers.get("allow")).toBe("GET, POST");
    expect((await call("GET", "/_emulator/codes")).headers.get("allow")).toBe("POST");
    expect(await call("GET", "/_emulator/stats/x")).toMatchObject({ status: 404 });
  });

  it("answers are JSON, never cached; 204 answers carry no body", async () => {
    const json = await call("GET", "/_emulator/clock");
    expect(json.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(json.headers.get("cache-control")).toBe("no-store");
    for (const [method, path] of [
      ["DELETE", "/_emulator/faults"],
      ["POST", "/_emulator/reset"],
    ] as const) {
      const res = await fetch(`${emu.url}${path}`, { method });
      expect(res.status).toBe(204);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("content-type")).toBeNull();
      expect(await res.text()).toBe("");
    }
  });

  it("the activity page refreshes itself when asked with a whole number of seconds", async () => {
    const page = async (query: string) => {
      const res = await fetch(`${emu.url}/_emulator${query}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(res.headers.get("cache-control")).toBe("no-store");
      return res.text();
    };
    expect(await page("?refresh=5")).toContain('<meta http-equiv="refresh" content="5">');
    for (const query of ["", "?refresh=0", "?refresh=-3", "?refresh=1.5", "?refresh=soon"]) {
      expect(await page(query)).not.toContain('http-equiv="refresh"');
    }
  });

  it("control calls are not platform requests: the activity stays empty", async () => {
    await call("GET", "/_emulator/stats");
    expect((await fetch(`${emu.url}/_emulator`)).status).toBe(200);
    expect(emu.requests()).toEqual([]);
  });

  it("/docs/control serves the control API's Redoc page, with every operation", async () => {
    const res = await fetch(`${emu.url}/docs/control`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<title>Douyin OAuth emulator: control API</title>");
    for (const operationId of ["issueCode", "advanceTime", "injectFault", "clearFaults", "reset"]) {
      expect(html).toContain(operationId);
    }
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
  });
});

/** A raw request, so the Host header can be what a DNS-rebound name would send. */
const rawAt = (
  base: string,
  headers: Record<string, string>,
  method = "GET",
  path = "/_emulator/stats",
) =>
  new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode, body }));
    });
    req.on("error", reject);
    req.end();
  });

describe("access › the control token", () => {
  let guarded: Emulator;
  const token = "s3cret-control-token";
  beforeAll(async () => {
    guarded = await startEmulator({ controlToken: token });
  });
  afterAll(() => guarded.close());
  const get = (headers: Record<string, string> = {}) =>
    fetch(`${guarded.url}/_emulator/stats`, { headers });

  it("without it, or with a wrong one: 401 asking for it (Basic, so a browser prompts)", async () => {
    for (const headers of [
      {},
      { authorization: "Bearer wrong" },
      { authorization: "Basic Og==" },
    ]) {
      const res = await get(headers);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe(
        'Basic realm="douyin-oauth-emulator control", charset="UTF-8"',
      );
      expect(await res.json()).toEqual({
        error: "the control API needs the emulator's control token",
      });
    }
    expect((await fetch(`${guarded.url}/_emulator`)).status).toBe(401);
  });

  it("refused means nothing done", async () => {
    guarded.issueCode({ scope: "user_info" });
    expect((await fetch(`${guarded.url}/_emulator/reset`, { method: "POST" })).status).toBe(401);
    expect(guarded.stored.codes).toBe(1);
    guarded.reset();
  });

  it("as a Bearer token, or as HTTP Basic's password with any user name: allowed", async () => {
    expect((await get({ authorization: `Bearer ${token}` })).status).toBe(200);
    const basic = Buffer.from(`anyone:${token}`).toString("base64");
    expect((await get({ authorization: `Basic ${basic}` })).status).toBe(200);
  });

  it("the scheme in any case, spaces between; Basic with an empty user name", async () => {
    const basic = (text: string) => `Basic ${Buffer.from(text).toString("base64")}`;
    for (const authorization of [
      `bearer ${token}`,
      `BEARER ${token}`,
      `Bearer   ${token}`,
      `basic ${Buffer.from(`u:${token}`).toString("base64")}`,
      basic(`:${token}`),
    ]) {
      expect((await get({ authorization })).status, authorization).toBe(200);
    }
  });

  it("refused: a Basic value without a colon, another scheme, a prefix or an extension of the token", async () => {
    for (const authorization of [
      `Basic ${Buffer.from(token).toString("base64")}`,
      `Token ${token}`,
      `Digest ${Buffer.from(`u:${token}`).toString("base64")}`,
      token,
      `Bearer ${token.slice(0, -1)}`,
      `Bearer ${token}x`,
      `Bearer`,
    ]) {
      expect((await get({ authorization })).status, authorization).toBe(401);
    }
  });

  it("with the token, any Host is fine (the token is the guard); another site's page is still refused", async () => {
    const bearer = { authorization: `Bearer ${token}` };
    expect((await rawAt(guarded.url, { ...bearer, host: "emulator.example:8787" })).status).toBe(
      200,
    );
    for (const headers of [
      { ...bearer, origin: "http://evil.example" },
      { origin: "http://evil.example" },
    ]) {
      expect(await rawAt(guarded.url, headers)).toEqual({
        status: 403,
        body: JSON.stringify({
          error: "the control API refuses requests from another site's pages",
        }),
      });
    }
  });

  it("the platform's endpoints do not need it", async () => {
    const client = createDouyinOAuth({ ...DEMO_APP, baseUrl: guarded.url });
    expect((await client.clientToken()).access_token).toMatch(/^clt\./);
  });
});

describe("access › another site's pages", () => {
  const raw = (headers: Record<string, string>, method = "GET", path = "/_emulator/stats") =>
    rawAt(emu.url, headers, method, path);

  it("a request with another site's Origin → 403, nothing done; its own origin is fine", async () => {
    const { host } = new URL(emu.url);
    emu.issueCode({ scope: "user_info" });
    expect(await raw({ origin: "http://evil.example" }, "POST", "/_emulator/reset")).toEqual({
      status: 403,
      body: JSON.stringify({ error: "the control API refuses requests from another site's pages" }),
    });
    expect(emu.stored.codes).toBe(1); // not reset
    expect((await raw({ origin: "null" })).status).toBe(403);
    expect((await raw({ origin: `http://${host}` })).status).toBe(200);
  });

  it("a Host that is not loopback (a DNS-rebound name) → 403", async () => {
    expect(await raw({ host: "rebound.example:8787" })).toEqual({
      status: 403,
      body: JSON.stringify({
        error: "the control API answers requests addressed to a loopback host only",
      }),
    });
    expect((await raw({ host: "localhost" })).status).toBe(200);
    expect((await raw({ host: `[::1]:${new URL(emu.url).port}` })).status).toBe(200);
    expect((await raw({ host: "127.0.0.1" })).status).toBe(200);
  });

  it("a Host that is not a host name at all → 403, not an error", async () => {
    expect(await raw({ host: "[bad" })).toEqual({
      status: 403,
      body: JSON.stringify({
        error: "the control API answers requests addressed to a loopback host only",
      }),
    });
  });
});

describe("access › loopback", () => {
  const given: Array<[string | undefined, boolean]> = [
    ["127.0.0.1", true],
    ["127.8.9.10", true],
    ["::1", true],
    ["[::1]", true],
    ["::ffff:127.0.0.1", true],
    ["localhost", true],
    ["LOCALHOST", true],
    ["::FFFF:127.0.0.1", true],
    ["[127.0.0.1]", true],
    ["0.0.0.0", false],
    ["::", false],
    ["10.0.0.2", false],
    ["::ffff:10.0.0.2", false],
    ["192.168.1.5", false],
    ["fe80::1", false],
    ["127.example", false],
    ["::[1]", false],
    ["[127.0.0].1", false],
    [undefined, false],
  ];
  for (const [address, want] of given) {
    it(`isLoopback(${String(address)}) → ${want}`, () => {
      expect(isLoopback(address)).toBe(want);
    });
  }

  it("startEmulator refuses a host beyond loopback without a control token, before listening", async () => {
    await expect(startEmulator({ host: "0.0.0.0" })).rejects.toThrow(
      new TypeError(
        `"host" is beyond loopback: give "controlToken", or the control API would be open to the network`,
      ),
    );
    await expect(startEmulator({ controlToken: "short" })).rejects.toThrow(
      new TypeError(`"controlToken" must be a string of at least 8 characters`),
    );
  });
});
