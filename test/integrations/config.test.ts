// The two integrations' configuration objects, without a browser: what each builds from a
// client, the bad input each refuses before anything is built, and their token and user-info
// steps against a throwaway platform on 127.0.0.1 (mapping, no secret passed on, errors).
import { describe, expect, it } from "vitest";
import { customFetch } from "@auth/core";
import { createDouyinOAuth, DouyinOAuthError, type DouyinError } from "../../src/index.js";
import { douyinGenericOAuth, placeholderEmail } from "../../src/integrations/better-auth.js";
import { OAuthCallbackError } from "@auth/core/errors";
import { douyinDenied, DouyinProvider } from "../../src/integrations/authjs.js";
import { defaultHandler, useFakePlatform, type Recorded } from "../support/fake-platform.js";

const platform = useFakePlatform();

const SECRET = "sec+ret/=";
const client = () =>
  createDouyinOAuth({ clientKey: "aw-key", clientSecret: SECRET, baseUrl: platform.url });
/** The parameters of a token request in the default form: a POST form body. */
const sentForm = (request: Recorded) => {
  expect(request).toMatchObject({ method: "POST", rawQuery: "" });
  return new URLSearchParams(request.body);
};
const refused = (path: string) =>
  platform.answer((request) =>
    request.path === path
      ? {
          json: {
            data: { error_code: 2190008, description: "access_token expired" },
            extra: { logid: "log-1", now: 1 },
          },
        }
      : defaultHandler(request),
  );

describe("douyinGenericOAuth (Better Auth)", () => {
  it("consent URL: client_key and comma-joined scopes from the client, no redirect_uri; PKCE off", () => {
    const config = douyinGenericOAuth(client(), {
      scope: ["user_info", "video.list"],
      optionalScope: { mobile: true },
    });
    const url = new URL(config.authorizationUrl!);
    expect(url.origin + url.pathname).toBe(`${platform.url}/platform/oauth/connect/`);
    expect(url.searchParams.get("client_key")).toBe("aw-key");
    expect(url.searchParams.get("scope")).toBe("user_info,video.list");
    expect(url.searchParams.get("optionalScope")).toBe("mobile,1");
    expect(url.searchParams.has("redirect_uri")).toBe(false);
    expect(config).toMatchObject({
      providerId: "douyin",
      name: "Douyin",
      clientId: "aw-key",
      scopes: [],
      pkce: false,
    });
    expect(config.clientSecret).toBeUndefined();
    expect(JSON.stringify(config)).not.toContain(SECRET);
    expect(new URL(douyinGenericOAuth(client()).authorizationUrl!).searchParams.get("scope")).toBe(
      "user_info",
    );
  });

  it("getToken: the code exchange through the client; numbers to dates; nothing secret in raw", async () => {
    const before = Date.now();
    const tokens = await douyinGenericOAuth(client()).getToken!({
      code: "code-1",
      redirectURI: "http://127.0.0.1/cb",
    });
    expect(platform.requests.map((r) => r.path)).toEqual(["/oauth/access_token/"]);
    expect(sentForm(platform.requests[0]!).get("code")).toBe("code-1");
    expect(tokens).toMatchObject({
      tokenType: "bearer",
      accessToken: "act.fake",
      refreshToken: "rft.fake",
      scopes: ["user_info"],
      raw: { open_id: "open-1", scope: "user_info" },
    });
    const lifetime = tokens.accessTokenExpiresAt!.getTime() - before;
    expect(lifetime).toBeGreaterThanOrEqual(1_296_000_000);
    expect(lifetime).toBeLessThan(1_296_000_000 + 60_000);
    expect(JSON.stringify(tokens.raw)).not.toMatch(/act\.|rft\./);
  });

  it("getUserInfo: open_id as the account id, nickname → name, avatar → image, placeholder email", async () => {
    const config = douyinGenericOAuth(client());
    const profile = await config.getUserInfo!({
      accessToken: "act.fake",
      raw: { open_id: "open-1" },
    });
    expect(profile).toMatchObject({
      id: "open-1",
      name: "Fake User",
      image: "https://p3.example/avatar.jpeg",
      email: "open-1@douyin.invalid",
      emailVerified: false,
      open_id: "open-1",
      union_id: "union-1",
    });
    const sent = platform.requests.find((r) => r.path === "/oauth/userinfo/")!;
    expect(sent.method).toBe("POST");
    expect(sent.headers["access-token"]).toBe("act.fake");
    expect(await config.accountSubject!({ tokens: {}, profile: profile! })).toBe("open-1");
  });

  it("accountId union_id and an email of the app's own", async () => {
    const config = douyinGenericOAuth(client(), {
      accountId: "union_id",
      email: (profile) => `${profile.nickname.replace(" ", ".")}@app.example`,
    });
    const profile = await config.getUserInfo!({
      accessToken: "act.fake",
      raw: { open_id: "open-1" },
    });
    expect(profile).toMatchObject({ id: "union-1", email: "Fake.User@app.example" });
  });

  it("a refused user-info call: onError hears the DouyinOAuthError, Better Auth gets null", async () => {
    refused("/oauth/userinfo/");
    const heard: DouyinError[] = [];
    const config = douyinGenericOAuth(client(), { onError: (error) => heard.push(error) });
    expect(
      await config.getUserInfo!({ accessToken: "act.fake", raw: { open_id: "open-1" } }),
    ).toBeNull();
    expect(heard).toHaveLength(1);
    expect(heard[0]).toBeInstanceOf(DouyinOAuthError);
    expect((heard[0] as DouyinOAuthError).errorCode).toBe(2190008);
  });

  it("no open_id from the exchange: null, and no request", async () => {
    const config = douyinGenericOAuth(client());
    expect(await config.getUserInfo!({ accessToken: "act.fake", raw: {} })).toBeNull();
    expect(platform.requests).toEqual([]);
  });

  it("placeholderEmail: the id itself when it is a safe local part, else its UTF-8 in hex", () => {
    expect(placeholderEmail("0da22181-d833.x_Y")).toBe("0da22181-d833.x_Y@douyin.invalid");
    expect(placeholderEmail("a b")).toBe("612062@douyin.invalid");
    expect(placeholderEmail("抖")).toBe("e68a96@douyin.invalid");
  });

  it.each([
    [
      () => douyinGenericOAuth(undefined as never),
      `"douyin" must be a client made by createDouyinOAuth`,
    ],
    [() => douyinGenericOAuth(client(), null as never), `"options" must be an object`],
    [
      () => douyinGenericOAuth(client(), { accountId: "uid" as never }),
      `"accountId" must be "open_id" or "union_id"`,
    ],
    [
      () => douyinGenericOAuth(client(), { providerId: "dou yin" }),
      `"providerId" must be letters, digits, "-" or "_"`,
    ],
    [
      () => douyinGenericOAuth(client(), { providerId: 123 as never }),
      `"providerId" must be letters, digits, "-" or "_"`,
    ],
    [
      () => douyinGenericOAuth(client(), { email: "x@y.z" as never }),
      `"email" must be a function of the Douyin profile`,
    ],
    [() => douyinGenericOAuth(client(), { onError: 1 as never }), `"onError" must be a function`],
    [() => douyinGenericOAuth(client(), { scope: [] }), `"scope" is missing or empty`],
  ])("bad input is a TypeError naming it (%#)", (build, message) => {
    expect(build).toThrow(TypeError);
    expect(build).toThrow(message);
  });
});

describe("DouyinProvider (Auth.js)", () => {
  it("an OAuth provider: consent URL from the client, state check only, no secret", () => {
    const provider = DouyinProvider(client());
    const url = new URL(provider.authorization as string);
    expect(url.searchParams.get("client_key")).toBe("aw-key");
    expect(url.searchParams.get("scope")).toBe("user_info");
    expect(url.searchParams.has("redirect_uri")).toBe(false);
    expect(provider).toMatchObject({
      id: "douyin",
      name: "Douyin",
      type: "oauth",
      clientId: "aw-key",
      checks: ["state"],
      client: { token_endpoint_auth_method: "none" },
      token: `${platform.url}/oauth/access_token/`,
    });
    expect(provider.clientSecret).toBeUndefined();
    expect(JSON.stringify(provider)).not.toContain(SECRET);
  });

  it("its fetch answers Auth.js's token request with the client's exchange, in the standard shape", async () => {
    const provider = DouyinProvider(client());
    const body = new URLSearchParams({
      grant_type: "authorization_code",
      code: "code-2",
      redirect_uri: "http://127.0.0.1/auth/callback/douyin",
      client_id: "aw-key",
    });
    const response = await provider[customFetch]!(`${platform.url}/oauth/access_token/`, {
      method: "POST",
      body,
    });
    expect(await response.json()).toEqual({
      access_token: "act.fake",
      token_type: "bearer",
      expires_in: 1296000,
      refresh_token: "rft.fake",
      refresh_expires_in: 2592000,
      scope: "user_info",
      open_id: "open-1",
    });
    expect(platform.requests).toHaveLength(1);
    const sent = sentForm(platform.requests[0]!);
    expect(sent.get("code")).toBe("code-2");
    expect(sent.get("client_secret")).toBe(SECRET);
  });

  it("its fetch refuses any other URL, and a token request without a code, before any request", async () => {
    const provider = DouyinProvider(client());
    await expect(
      provider[customFetch]!(`${platform.url}/.well-known/openid-configuration`),
    ).rejects.toThrow("DouyinProvider: only the token request goes through its fetch");
    await expect(
      provider[customFetch]!(`${platform.url}/oauth/access_token/`, { method: "POST", body: "" }),
    ).rejects.toThrow(`"code" is missing or empty`);
    expect(platform.requests).toEqual([]);
  });

  it("userinfo through the client, and the profile as Auth.js's user", async () => {
    const provider = DouyinProvider(client());
    const userinfo = provider.userinfo as { request: (c: unknown) => Promise<any> };
    const profile = await userinfo.request({
      tokens: { access_token: "act.fake", open_id: "open-1" },
    });
    expect(platform.requests.map((r) => [r.method, r.path])).toEqual([
      ["POST", "/oauth/userinfo/"],
    ]);
    expect(await provider.profile!(profile, {})).toEqual({
      id: "open-1",
      name: "Fake User",
      image: "https://p3.example/avatar.jpeg",
      email: null,
    });
    const byUnion = DouyinProvider(client(), { accountId: "union_id" });
    expect((await byUnion.profile!(profile, {})).id).toBe("union-1");
    for (const tokens of [{ access_token: "act.fake" }, { open_id: "open-1" }]) {
      await expect(userinfo.request({ tokens })).rejects.toThrow(
        "DouyinProvider: the token answer had no access_token or open_id",
      );
    }
  });

  it("a refused user-info call: Auth.js' OAuthCallbackError, the typed error its cause", async () => {
    refused("/oauth/userinfo/");
    const userinfo = DouyinProvider(client()).userinfo as { request: (c: unknown) => Promise<any> };
    const error = await userinfo
      .request({ tokens: { access_token: "act.fake", open_id: "open-1" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthCallbackError);
    expect(error.message).toContain("Douyin: the user info call failed");
    expect(error.cause.err).toBeInstanceOf(DouyinOAuthError);
    expect(error.cause.provider).toBe("douyin");
  });

  it("douyinDenied: only a GET of the provider's callback with no code and no error", () => {
    const config = { basePath: "/api/auth" };
    const at = (path: string, method = "GET") =>
      douyinDenied(new Request(`http://127.0.0.1${path}`, { method }), config);
    const denied = at("/api/auth/callback/douyin?state=s-1")!;
    expect(denied.status).toBe(302);
    expect(denied.headers.get("location")).toBe("/api/auth/signin?error=AccessDenied");
    expect(at("/api/auth/callback/douyin/")!.status).toBe(302);
    for (const other of [
      "/api/auth/callback/douyin?state=s-1&code=c-1",
      "/api/auth/callback/douyin?error=access_denied",
      "/api/auth/callback/github?state=s-1",
      "/auth/callback/douyin?state=s-1",
      "/api/auth/signin",
    ]) {
      expect(at(other)).toBeUndefined();
    }
    expect(at("/api/auth/callback/douyin?state=s-1", "POST")).toBeUndefined();
    const own = douyinDenied(
      new Request("http://127.0.0.1/auth/callback/dy"),
      {
        pages: { signIn: "/login?from=douyin" },
      },
      { providerId: "dy" },
    )!;
    expect(own.headers.get("location")).toBe("/login?from=douyin&error=AccessDenied");
    const request = new Request("http://127.0.0.1/auth/callback/douyin");
    expect(() => douyinDenied("/auth/callback/douyin" as never, {})).toThrow(
      `"request" must be a Request`,
    );
    expect(() => douyinDenied(request, null as never)).toThrow(
      `"config" must be the Auth.js config`,
    );
    expect(() => douyinDenied(request, {}, { providerId: "a/b" })).toThrow(
      `"providerId" must be letters, digits, "-" or "_"`,
    );
  });

  it("bad input is a TypeError naming it", () => {
    expect(() => DouyinProvider({} as never)).toThrow(
      `"douyin" must be a client made by createDouyinOAuth`,
    );
    for (const id of ["a/b", 123 as never]) {
      expect(() => DouyinProvider(client(), { id })).toThrow(
        `"id" must be letters, digits, "-" or "_"`,
      );
    }
  });
});

// The edges of each rule above: what a user of the integrations sees at each boundary.
describe("integration edges", () => {
  const answerWith = (path: string, data: Record<string, unknown>) =>
    platform.answer((request) =>
      request.path === path
        ? {
            json: {
              data: {
                ...(defaultHandler(request) as { json: { data: object } }).json.data,
                ...data,
              },
              message: "success",
            },
          }
        : defaultHandler(request),
    );

  it("options: accountId open_id is accepted; a non-object options or a null client is refused by name", () => {
    expect(douyinGenericOAuth(client(), { accountId: "open_id" }).providerId).toBe("douyin");
    expect(DouyinProvider(client(), { accountId: "open_id" }).id).toBe("douyin");
    expect(() => douyinGenericOAuth(client(), "x" as never)).toThrow(`"options" must be an object`);
    expect(() => DouyinProvider(client(), null as never)).toThrow(`"options" must be an object`);
    expect(() => DouyinProvider(null as never)).toThrow(
      `"douyin" must be a client made by createDouyinOAuth`,
    );
    expect(() => douyinGenericOAuth(null as never)).toThrow(
      `"douyin" must be a client made by createDouyinOAuth`,
    );
  });

  it("no optionalScope option: the consent URL carries none", () => {
    const url = new URL(douyinGenericOAuth(client(), { scope: "user_info" }).authorizationUrl!);
    expect(url.searchParams.has("optionalScope")).toBe(false);
    expect([...url.searchParams.keys()]).toEqual(["client_key", "response_type", "scope"]);
  });

  it("Better Auth getToken: the refresh token's expiry, and empty scope entries dropped", async () => {
    answerWith("/oauth/access_token/", { scope: "user_info,,mobile," });
    const before = Date.now();
    const tokens = await douyinGenericOAuth(client()).getToken!({
      code: "code-1",
      redirectURI: "http://127.0.0.1/cb",
    });
    expect(tokens.scopes).toEqual(["user_info", "mobile"]);
    const lifetime = tokens.refreshTokenExpiresAt!.getTime() - before;
    expect(lifetime).toBeGreaterThanOrEqual(2_592_000_000);
    expect(lifetime).toBeLessThan(2_592_000_000 + 60_000);
  });

  it("Better Auth getUserInfo: no raw or no access token is null without a request", async () => {
    const config = douyinGenericOAuth(client());
    expect(await config.getUserInfo!({ accessToken: "act.fake" })).toBeNull();
    expect(await config.getUserInfo!({ raw: { open_id: "open-1" } })).toBeNull();
    expect(platform.requests).toEqual([]);
  });

  it("Better Auth getUserInfo: a refusal without onError is null; a TypeError is not swallowed", async () => {
    const heard: DouyinError[] = [];
    const config = douyinGenericOAuth(client(), { onError: (error) => heard.push(error) });
    await expect(
      config.getUserInfo!({ accessToken: "", raw: { open_id: "open-1" } }),
    ).rejects.toThrow(`"accessToken" is missing or empty`);
    expect(heard).toEqual([]);
    refused("/oauth/userinfo/");
    expect(
      await douyinGenericOAuth(client()).getUserInfo!({
        accessToken: "act.fake",
        raw: { open_id: "open-1" },
      }),
    ).toBeNull();
  });

  it("Better Auth getUserInfo: an account id that is not text ends the sign-in (null)", async () => {
    answerWith("/oauth/userinfo/", { union_id: 12345 });
    // The answer reader refuses a profile whose union_id is not a string, whatever accountId says.
    for (const accountId of ["union_id", "open_id"] as const) {
      const heard: DouyinError[] = [];
      const config = douyinGenericOAuth(client(), {
        accountId,
        onError: (error) => heard.push(error),
      });
      expect(
        await config.getUserInfo!({ accessToken: "act.fake", raw: { open_id: "open-1" } }),
      ).toBeNull();
      expect(heard).toMatchObject([
        { name: "DouyinTransportError", kind: "invalid-answer", operation: "userInfo" },
      ]);
    }
  });

  it("placeholderEmail: every byte as two hex digits, cut to a 64-character local part", () => {
    expect(placeholderEmail("\t")).toBe("09@douyin.invalid");
    const long = placeholderEmail("抖".repeat(30));
    expect(long).toBe(`${"e68a96".repeat(11).slice(0, 64)}@douyin.invalid`);
  });

  it("Auth.js profile: an empty or missing account id is refused, naming which", () => {
    const profile = { open_id: "open-1", union_id: "union-1", nickname: "N", avatar: "A" };
    const byOpen = DouyinProvider(client());
    const byUnion = DouyinProvider(client(), { accountId: "union_id" });
    expect(() => byOpen.profile!({ ...profile, open_id: "" } as never, {})).toThrow(
      "DouyinProvider: the profile has no open_id",
    );
    expect(() => byUnion.profile!({ ...profile, union_id: 7 } as never, {})).toThrow(
      "DouyinProvider: the profile has no union_id",
    );
    expect(() => byUnion.profile!({ ...profile, union_id: "" } as never, {})).toThrow(TypeError);
  });

  it("Auth.js provider: the userinfo URL and the plain style (no logo fetched)", () => {
    const provider = DouyinProvider(client());
    expect((provider.userinfo as { url: string }).url).toBe(`${platform.url}/oauth/userinfo/`);
    expect(provider.style).toEqual({ brandColor: "#fe2c55", logo: "" });
  });

  it("Auth.js fetch: the token URL as a URL or a Request; no init; an aborted signal sends nothing", async () => {
    const provider = DouyinProvider(client());
    const tokenUrl = `${platform.url}/oauth/access_token/`;
    const body = () => new URLSearchParams({ code: "code-3" });
    for (const input of [new URL(tokenUrl), new Request(tokenUrl, { method: "POST" })]) {
      const response = await provider[customFetch]!(input, { method: "POST", body: body() });
      expect((await response.json()).access_token).toBe("act.fake");
    }
    expect(platform.requests).toHaveLength(2);
    await expect(provider[customFetch]!(tokenUrl)).rejects.toThrow(`"code" is missing or empty`);
    const aborted = AbortSignal.abort(new Error("gone"));
    await expect(
      provider[customFetch]!(tokenUrl, { method: "POST", body: body(), signal: aborted }),
    ).rejects.toBeInstanceOf(OAuthCallbackError);
    expect(platform.requests).toHaveLength(2);
  });
});
