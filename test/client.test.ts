// createDouyinOAuth against a real HTTP server on 127.0.0.1: every method's request, the
// answers it returns, and bad input refused before any request.
import { describe, expect, it } from "vitest";
import {
  createDouyinOAuth,
  DouyinOAuthError,
  PLATFORM_BASE_URLS,
  fetchTransport,
  type Transport,
} from "../src/index.js";
import { defaultHandler, useFakePlatform } from "./support/fake-platform.js";

const platform = useFakePlatform();

const client = (extra: Record<string, unknown> = {}) =>
  createDouyinOAuth({
    clientKey: "key-1",
    clientSecret: "sec+ret/=",
    baseUrl: platform.url,
    ...extra,
  });

describe("token methods › the request", () => {
  // The seed's form; POST, the default, is in the describe below.
  const get = () => client({ tokenRequestMethod: "GET" });
  const cases = [
    {
      name: "accessToken",
      call: () => get().accessToken({ code: "c.o-de+1" }),
      path: "/oauth/access_token/",
      query: [
        ["client_key", "key-1"],
        ["client_secret", "sec+ret/="],
        ["code", "c.o-de+1"],
        ["grant_type", "authorization_code"],
      ],
    },
    {
      name: "clientToken",
      call: () => get().clientToken(),
      path: "/oauth/client_token/",
      query: [
        ["client_key", "key-1"],
        ["client_secret", "sec+ret/="],
        ["grant_type", "client_credential"],
      ],
    },
    {
      name: "refreshToken",
      call: () => get().refreshToken({ refreshToken: "rft.a&b=c" }),
      path: "/oauth/refresh_token/",
      query: [
        ["client_key", "key-1"],
        ["refresh_token", "rft.a&b=c"],
        ["grant_type", "refresh_token"],
      ],
    },
    {
      name: "renewRefreshToken",
      call: () => get().renewRefreshToken({ refreshToken: "rft.渲染 x" }),
      path: "/oauth/renew_refresh_token/",
      query: [
        ["client_key", "key-1"],
        ["refresh_token", "rft.渲染 x"],
      ],
    },
  ] as const;

  for (const { name, call, path, query } of cases) {
    it(`${name} › tokenRequestMethod GET: GET ${path} with exactly the spec's query, fixed values filled in`, async () => {
      await call();
      expect(platform.requests).toHaveLength(1);
      const [request] = platform.requests;
      expect(request!.method).toBe("GET");
      expect(request!.path).toBe(path);
      const byKey = (a: readonly string[], b: readonly string[]) => a[0]!.localeCompare(b[0]!);
      expect([...request!.query].sort(byKey)).toEqual([...query].map((p) => [...p]).sort(byKey));
    });
  }

  it("uses the platform's host by default and a baseUrl path prefix when given", async () => {
    expect(createDouyinOAuth({ clientKey: "k" }).baseUrl).toBe(PLATFORM_BASE_URLS.douyin);
    expect(createDouyinOAuth({ clientKey: "k", platform: "toutiao" }).baseUrl).toBe(
      "https://open.snssdk.com",
    );
    expect(createDouyinOAuth({ clientKey: "k", platform: "xigua" }).baseUrl).toBe(
      "https://open-api.ixigua.com",
    );
    const prefixed = client({ baseUrl: `${platform.url}/proxy/douyin/` });
    platform.answer((request) =>
      defaultHandler({ ...request, path: request.path.replace("/proxy/douyin", "") }),
    );
    await prefixed.clientToken();
    expect(platform.requests[0]!.path).toBe("/proxy/douyin/oauth/client_token/");
  });

  it("sends every request through a custom fetch, called as fetch(url, init)", async () => {
    const seen: string[] = [];
    const douyin = client({
      fetch: (input: string | URL | Request, init?: RequestInit) => {
        seen.push(`${init?.method ?? "GET"} ${new URL(String(input)).pathname}`);
        return fetch(input, init);
      },
    });
    await douyin.clientToken();
    await douyin.refreshToken({ refreshToken: "r" });
    expect(seen).toEqual(["POST /oauth/client_token/", "POST /oauth/refresh_token/"]);
  });

  it("sends every request through a custom transport instead, when given one", async () => {
    const seen: string[] = [];
    const douyin = client({
      transport: async (request: { method: string; url: string; body: string | undefined }) => {
        seen.push(`${request.method} ${new URL(request.url).pathname} ${request.body ?? ""}`);
        return {
          status: 200,
          text: JSON.stringify({ data: { error_code: 0, access_token: "clt.t", expires_in: 1 } }),
        };
      },
    });
    await expect(douyin.clientToken()).resolves.toMatchObject({
      access_token: "clt.t",
      expires_in: 1,
    });
    expect(seen).toEqual([
      'POST /oauth/client_token/ {"client_key":"key-1","client_secret":"sec+ret/=","grant_type":"client_credential"}',
    ]);
    expect(() => client({ transport: async () => ({ status: 200, text: "" }), fetch })).toThrow(
      new TypeError('"transport" and "fetch" exclude each other: pass one'),
    );
  });

  it("raw is an openapi-fetch client for your own calls: same base URL and fetch, own middleware", async () => {
    const seen: string[] = [];
    const douyin = client({
      fetch: (input: string | URL | Request, init?: RequestInit) => {
        seen.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
        return fetch(input, init);
      },
    });
    const middleware: string[] = [];
    douyin.raw.use({
      onRequest({ request }) {
        middleware.push(new URL(request.url).pathname);
      },
    });
    expect(douyin.raw).toBe(douyin.raw);
    const { data } = await douyin.raw.GET("/oauth/client_token/", {
      params: { query: { client_key: "k", client_secret: "s", grant_type: "client_credential" } },
    });
    expect(data).toMatchObject({ data: { access_token: "clt.fake" } });
    await douyin.clientToken();
    expect(middleware).toEqual(["/oauth/client_token/"]);
    expect(seen).toEqual(["/oauth/client_token/", "/oauth/client_token/"]);
  });
});

describe("token methods › the answer", () => {
  const full = {
    access_token: "act.1",
    description: "",
    open_id: "o-1",
    refresh_token: "rft.1",
    scope: "user_info,video.list",
    unionid: "u-1",
    log_id: "L1",
  };

  it("accessToken › numbers sent as numbers come back as numbers, all fields kept", async () => {
    platform.answer(() => ({
      json: {
        data: { ...full, error_code: 0, expires_in: 1296000, refresh_expires_in: 2592000 },
        message: "success",
      },
    }));
    const data = await client().accessToken({ code: "c" });
    expect(data).toEqual({
      ...full,
      error_code: 0,
      expires_in: 1296000,
      refresh_expires_in: 2592000,
    });
  });

  it("accessToken › numbers sent as numeric strings come back as numbers", async () => {
    platform.answer(() => ({
      json: {
        data: { ...full, error_code: "0", expires_in: "1296000", refresh_expires_in: "2592000" },
        message: "<nil>",
      },
    }));
    const data = await client().accessToken({ code: "c" });
    expect(data.error_code).toBe(0);
    expect(data.expires_in).toBe(1296000);
    expect(data.refresh_expires_in).toBe(2592000);
  });

  it("clientToken, refreshToken, renewRefreshToken › string numbers normalised", async () => {
    platform.answer((request) => {
      const answer = defaultHandler(request) as { json: { data: Record<string, unknown> } };
      const data = Object.fromEntries(
        Object.entries(answer.json.data).map(([k, v]) => [
          k,
          typeof v === "number" ? String(v) : v,
        ]),
      );
      return { json: { data } };
    });
    const douyin = client();
    expect(await douyin.clientToken()).toEqual({
      access_token: "clt.fake",
      description: "",
      error_code: 0,
      expires_in: 7200,
    });
    expect((await douyin.refreshToken({ refreshToken: "r" })).refresh_expires_in).toBe(2592000);
    expect((await douyin.renewRefreshToken({ refreshToken: "r" })).expires_in).toBe(2592000);
  });
});

describe("bad input › TypeError naming the parameter, before any request", () => {
  const factoryCases: Array<[string, Record<string, unknown>, string]> = [
    [
      "empty clientKey",
      { clientKey: "" },
      '"clientKey" is missing or empty: a non-empty string is expected',
    ],
    [
      "non-string clientKey",
      { clientKey: 42 },
      '"clientKey" is missing or empty: a non-empty string is expected',
    ],
    [
      "empty clientSecret",
      { clientKey: "k", clientSecret: "" },
      '"clientSecret" is missing or empty: a non-empty string is expected',
    ],
    [
      "unknown platform",
      { clientKey: "k", platform: "weibo" },
      '"platform" must be one of douyin, toutiao, xigua',
    ],
    [
      "zero timeoutMs",
      { clientKey: "k", timeoutMs: 0 },
      '"timeoutMs" must be a whole number of milliseconds from 1 to 2147483647',
    ],
    [
      "negative timeoutMs",
      { clientKey: "k", timeoutMs: -5 },
      '"timeoutMs" must be a whole number of milliseconds from 1 to 2147483647',
    ],
    [
      "NaN timeoutMs",
      { clientKey: "k", timeoutMs: Number.NaN },
      '"timeoutMs" must be a whole number of milliseconds from 1 to 2147483647',
    ],
    [
      "a fractional timeoutMs (AbortSignal.timeout would throw on every call)",
      { clientKey: "k", timeoutMs: 2500.5 },
      '"timeoutMs" must be a whole number of milliseconds from 1 to 2147483647',
    ],
    [
      "timeoutMs 5e9, beyond what a timer takes",
      { clientKey: "k", timeoutMs: 5e9 },
      '"timeoutMs" must be a whole number of milliseconds from 1 to 2147483647',
    ],
    [
      "relative baseUrl",
      { clientKey: "k", baseUrl: "/oauth" },
      '"baseUrl" needs an absolute http:// or https:// URL',
    ],
    [
      "ftp baseUrl",
      { clientKey: "k", baseUrl: "ftp://host" },
      '"baseUrl" needs an absolute http:// or https:// URL',
    ],
    [
      "baseUrl with a query",
      { clientKey: "k", baseUrl: "https://h/?a=1" },
      '"baseUrl" must not carry a query string or fragment',
    ],
    [
      "baseUrl with a user name and password (they would ride along in error causes)",
      { clientKey: "k", baseUrl: "https://user:pa55word@proxy.example/" },
      '"baseUrl" must not carry a user name or password',
    ],
    [
      "baseUrl with a user name only",
      { clientKey: "k", baseUrl: "http://user@127.0.0.1:8787" },
      '"baseUrl" must not carry a user name or password',
    ],
    [
      "clientKey with a lone surrogate",
      { clientKey: "k\uD800" },
      '"clientKey" must be well-formed text (no lone surrogates)',
    ],
    [
      "clientSecret with a lone surrogate",
      { clientKey: "k", clientSecret: "s\uDFFF" },
      '"clientSecret" must be well-formed text (no lone surrogates)',
    ],
    ["non-function fetch", { clientKey: "k", fetch: "fetch" }, '"fetch" must be a function'],
    ["non-function transport", { clientKey: "k", transport: {} }, '"transport" must be a function'],
    ["non-function logger", { clientKey: "k", logger: console }, '"logger" must be a function'],
    [
      "retry neither false nor an object",
      { clientKey: "k", retry: 3 },
      '"retry" must be false or { retries, minDelayMs, maxDelayMs }',
    ],
    [
      "retry true",
      { clientKey: "k", retry: true },
      '"retry" must be false or { retries, minDelayMs, maxDelayMs }',
    ],
    [
      "retry null",
      { clientKey: "k", retry: null },
      '"retry" must be false or { retries, minDelayMs, maxDelayMs }',
    ],
    [
      "retry.retries 11",
      { clientKey: "k", retry: { retries: 11 } },
      '"retry.retries" must be an integer from 0 to 10',
    ],
    [
      "retry.retries -1",
      { clientKey: "k", retry: { retries: -1 } },
      '"retry.retries" must be an integer from 0 to 10',
    ],
  ];
  for (const [name, options, message] of factoryCases) {
    it(`createDouyinOAuth › ${name}`, () => {
      expect(() => createDouyinOAuth(options as never)).toThrow(new TypeError(message));
    });
  }

  const noSecret = () => createDouyinOAuth({ clientKey: "k", baseUrl: platform.url });
  const methodCases: Array<[string, () => Promise<unknown>, string]> = [
    [
      "accessToken without clientSecret",
      () => noSecret().accessToken({ code: "c" }),
      '"clientSecret" is required by accessToken: pass it to createDouyinOAuth',
    ],
    [
      "clientToken without clientSecret",
      () => noSecret().clientToken(),
      '"clientSecret" is required by clientToken: pass it to createDouyinOAuth',
    ],
    [
      "stableClientToken without clientSecret",
      () => noSecret().stableClientToken(),
      '"clientSecret" is required by stableClientToken: pass it to createDouyinOAuth',
    ],
    [
      "refreshToken with no input",
      () => client().refreshToken(undefined as never),
      '"input" must be an object',
    ],
    [
      "renewRefreshToken with null input",
      () => client().renewRefreshToken(null as never),
      '"input" must be an object',
    ],
    [
      "clientToken with call options that are not an object",
      () => client().clientToken(5 as never),
      '"options" must be an object',
    ],
    [
      "stableClientToken with null call options",
      () => client().stableClientToken(null as never),
      '"options" must be an object',
    ],
    [
      "accessToken with empty code",
      () => client().accessToken({ code: "" }),
      '"code" is missing or empty: a non-empty string is expected',
    ],
    [
      "accessToken with no input",
      () => client().accessToken(undefined as never),
      '"input" must be an object',
    ],
    [
      "refreshToken with empty refreshToken",
      () => client().refreshToken({ refreshToken: "" }),
      '"refreshToken" is missing or empty: a non-empty string is expected',
    ],
    [
      "renewRefreshToken with a number",
      () => client().renewRefreshToken({ refreshToken: 7 as never }),
      '"refreshToken" is missing or empty: a non-empty string is expected',
    ],
    [
      "accessToken with a code holding a lone surrogate (encodeURIComponent would throw URIError)",
      () => client().accessToken({ code: "c\uD800" }),
      '"code" must be well-formed text (no lone surrogates)',
    ],
    [
      "refreshToken with a lone surrogate",
      () => client().refreshToken({ refreshToken: "rft.\uDC00" }),
      '"refreshToken" must be well-formed text (no lone surrogates)',
    ],
    [
      "renewRefreshToken with a lone surrogate, POST form",
      () => client({ tokenRequestMethod: "POST" }).renewRefreshToken({ refreshToken: "\uD800rft" }),
      '"refreshToken" must be well-formed text (no lone surrogates)',
    ],
    [
      "clientToken with timeoutMs 0",
      () => client().clientToken({ timeoutMs: 0 }),
      '"timeoutMs" must be a whole number of milliseconds from 1 to 2147483647',
    ],
    [
      "clientToken with a fractional timeoutMs",
      () => client().clientToken({ timeoutMs: 2500.5 }),
      '"timeoutMs" must be a whole number of milliseconds from 1 to 2147483647',
    ],
    [
      "refreshToken with timeoutMs 5e9",
      () => client().refreshToken({ refreshToken: "r" }, { timeoutMs: 5e9 }),
      '"timeoutMs" must be a whole number of milliseconds from 1 to 2147483647',
    ],
    [
      "clientToken with a non-signal",
      () => client().clientToken({ signal: {} as never }),
      '"signal" must be an AbortSignal',
    ],
  ];
  for (const [name, call, message] of methodCases) {
    it(`${name} › rejects`, async () => {
      const pending = call();
      expect(pending).toBeInstanceOf(Promise);
      await expect(pending).rejects.toThrow(new TypeError(message));
      expect(platform.requests).toHaveLength(0);
    });
  }

  it("the bounds of timeoutMs, 1 and 2^31-1 ms, are accepted and the largest still makes calls", async () => {
    expect(() => client({ timeoutMs: 1 })).not.toThrow();
    const douyin = client({ timeoutMs: 2_147_483_647 });
    await expect(douyin.clientToken({ timeoutMs: 2_147_483_647 })).resolves.toMatchObject({
      access_token: "clt.fake",
    });
  });

  it("retry.retries 0 and 10, the rule's ends, are accepted", () => {
    expect(() => client({ retry: { retries: 0 } })).not.toThrow();
    expect(() => client({ retry: { retries: 10 } })).not.toThrow();
  });

  it("baseUrl: every trailing slash is dropped", () => {
    expect(client({ baseUrl: `${platform.url}//` }).baseUrl).toBe(platform.url);
    expect(client({ baseUrl: `${platform.url}/api///` }).baseUrl).toBe(`${platform.url}/api`);
  });

  it("stableClientToken: the platform echoing the secret in its description › the secret is removed", async () => {
    platform.answer(() => ({
      json: { data: { error_code: 10013, description: "client_secret sec+ret/= is wrong" } },
    }));
    const error: unknown = await client()
      .stableClientToken()
      .catch((e: unknown) => e);
    if (!(error instanceof DouyinOAuthError)) throw new Error("expected a DouyinOAuthError");
    expect(error.errorCode).toBe(10013);
    expect(error.description).toContain("is wrong");
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain("sec+ret/=");
  });

  it("refreshToken and renewRefreshToken work without clientSecret (the spec asks none)", async () => {
    await noSecret().refreshToken({ refreshToken: "r" });
    await noSecret().renewRefreshToken({ refreshToken: "r" });
    expect(
      platform.requests.map(
        (r) => r.query.some(([k]) => k === "client_secret") || r.body.includes("client_secret"),
      ),
    ).toEqual([false, false]);
  });
});

describe("the client object", () => {
  it("holds no clientSecret: printing or serialising it shows none", async () => {
    const { inspect } = await import("node:util");
    const douyin = createDouyinOAuth({ clientKey: "k", clientSecret: "TOP-SECRET-1" });
    expect(JSON.stringify(douyin)).not.toContain("TOP-SECRET-1");
    expect(inspect(douyin, { depth: 10, showHidden: true })).not.toContain("TOP-SECRET-1");
    expect(Object.values(douyin)).not.toContain("TOP-SECRET-1");
  });
});

// tokenRequestMethod "POST" (the default): the platform's current form, secrets in the body,
// none in the URL. "GET" stays available.
describe("token requests as POST and GET", () => {
  const platform = useFakePlatform();

  const post = () =>
    createDouyinOAuth({
      clientKey: "key-1",
      clientSecret: "s.e-c+r%2Bt",
      baseUrl: platform.url,
      tokenRequestMethod: "POST",
    });
  const form = (body: string) => [...new URLSearchParams(body).entries()].sort();

  describe("tokenRequestMethod POST", () => {
    it("accessToken › form body with every parameter, nothing in the query", async () => {
      await post().accessToken({ code: "c.o+d e" });
      const [request] = platform.requests;
      expect(request).toMatchObject({ method: "POST", path: "/oauth/access_token/", rawQuery: "" });
      expect(request!.contentType).toBe("application/x-www-form-urlencoded");
      expect(form(request!.body)).toEqual(
        [
          ["client_key", "key-1"],
          ["client_secret", "s.e-c+r%2Bt"],
          ["code", "c.o+d e"],
          ["grant_type", "authorization_code"],
        ].sort(),
      );
    });

    it("refreshToken and renewRefreshToken › form bodies", async () => {
      await post().refreshToken({ refreshToken: "rft.x&y" });
      await post().renewRefreshToken({ refreshToken: "rft.x&y" });
      const [refresh, renew] = platform.requests;
      expect(refresh).toMatchObject({
        method: "POST",
        path: "/oauth/refresh_token/",
        rawQuery: "",
        contentType: "application/x-www-form-urlencoded",
      });
      expect(form(refresh!.body)).toEqual([
        ["client_key", "key-1"],
        ["grant_type", "refresh_token"],
        ["refresh_token", "rft.x&y"],
      ]);
      expect(renew).toMatchObject({
        method: "POST",
        path: "/oauth/renew_refresh_token/",
        rawQuery: "",
      });
      expect(form(renew!.body)).toEqual([
        ["client_key", "key-1"],
        ["refresh_token", "rft.x&y"],
      ]);
    });

    it("clientToken › JSON body", async () => {
      await post().clientToken();
      const [request] = platform.requests;
      expect(request).toMatchObject({
        method: "POST",
        path: "/oauth/client_token/",
        rawQuery: "",
        contentType: "application/json",
      });
      expect(JSON.parse(request!.body)).toEqual({
        client_key: "key-1",
        client_secret: "s.e-c+r%2Bt",
        grant_type: "client_credential",
      });
    });

    it("stableClientToken › always POST with a JSON body, whatever tokenRequestMethod says", async () => {
      const get = createDouyinOAuth({
        clientKey: "key-1",
        clientSecret: "sec",
        baseUrl: platform.url,
      });
      await expect(get.stableClientToken()).resolves.toMatchObject({
        access_token: "clt.fake",
        expires_in: 7200,
      });
      const [request] = platform.requests;
      expect(request).toMatchObject({
        method: "POST",
        path: "/oauth/stable_client_token/",
        rawQuery: "",
        contentType: "application/json",
      });
      expect(JSON.parse(request!.body)).toEqual({
        client_key: "key-1",
        client_secret: "sec",
        grant_type: "client_credential",
      });
    });

    it("no tokenRequestMethod › POST is the default: form bodies, client_token as JSON, no secret in any URL", async () => {
      const secret = "s.e-c+r%2Bt";
      const byDefault = createDouyinOAuth({
        clientKey: "key-1",
        clientSecret: secret,
        baseUrl: platform.url,
      });
      await byDefault.accessToken({ code: "code-1" });
      await byDefault.refreshToken({ refreshToken: "rft.refresh-1" });
      await byDefault.renewRefreshToken({ refreshToken: "rft.renew-1" });
      await byDefault.clientToken();
      const [access, refresh, renew, client] = platform.requests;
      for (const request of [access, refresh, renew]) {
        expect(request).toMatchObject({
          method: "POST",
          rawQuery: "",
          contentType: "application/x-www-form-urlencoded",
        });
      }
      expect(form(access!.body)).toEqual(
        [
          ["client_key", "key-1"],
          ["client_secret", secret],
          ["code", "code-1"],
          ["grant_type", "authorization_code"],
        ].sort(),
      );
      expect(form(refresh!.body)).toEqual([
        ["client_key", "key-1"],
        ["grant_type", "refresh_token"],
        ["refresh_token", "rft.refresh-1"],
      ]);
      expect(form(renew!.body)).toEqual([
        ["client_key", "key-1"],
        ["refresh_token", "rft.renew-1"],
      ]);
      expect(client).toMatchObject({
        method: "POST",
        path: "/oauth/client_token/",
        rawQuery: "",
        contentType: "application/json",
      });
      expect(JSON.parse(client!.body)).toEqual({
        client_key: "key-1",
        client_secret: secret,
        grant_type: "client_credential",
      });
      const urls = platform.requests.map((request) => `${request.path}?${request.rawQuery}`);
      for (const value of [
        secret,
        encodeURIComponent(secret),
        "code-1",
        "rft.refresh-1",
        "rft.renew-1",
      ]) {
        for (const url of urls) expect(url).not.toContain(value);
      }
    });

    it("tokenRequestMethod GET › still available: the query string, no body", async () => {
      await createDouyinOAuth({
        clientKey: "k",
        clientSecret: "s",
        baseUrl: platform.url,
        tokenRequestMethod: "GET",
      }).refreshToken({ refreshToken: "rft.get" });
      expect(platform.requests[0]).toMatchObject({
        method: "GET",
        path: "/oauth/refresh_token/",
        body: "",
      });
      expect(platform.requests[0]!.query.sort()).toEqual([
        ["client_key", "k"],
        ["grant_type", "refresh_token"],
        ["refresh_token", "rft.get"],
      ]);
    });

    it("refuses an unknown tokenRequestMethod", () => {
      expect(() =>
        createDouyinOAuth({ clientKey: "k", tokenRequestMethod: "PUT" as never }),
      ).toThrow(new TypeError('"tokenRequestMethod" must be "GET" or "POST"'));
    });

    it("a transport of your own that adds a header to its request › no other client's request carries it", async () => {
      const viaFetch = fetchTransport();
      const tracing: Transport = (request) => {
        request.headers["x-trace"] = "trace-of-app-a";
        return viaFetch(request);
      };
      await createDouyinOAuth({
        clientKey: "app-a",
        clientSecret: "s",
        baseUrl: platform.url,
        tokenRequestMethod: "POST",
        transport: tracing,
      }).accessToken({ code: "c-a" });
      await post().accessToken({ code: "c-b" });
      const [a, b] = platform.requests;
      expect(a!.headers["x-trace"]).toBe("trace-of-app-a");
      expect(b!.headers["x-trace"]).toBeUndefined();
      expect(b!.contentType).toBe("application/x-www-form-urlencoded");
    });
  });
});
