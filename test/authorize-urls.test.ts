// URL builders: pure, return URL, fill response_type, encode everything so it round-trips.
import { describe, expect, it } from "vitest";
import { createDouyinOAuth, customScope } from "../src/index.js";

const douyin = createDouyinOAuth({ clientKey: "aw+key 1" });
const query = (url: URL) => [...url.searchParams.entries()];

describe("connectUrl", () => {
  it("builds the Douyin consent page with every parameter in order", () => {
    const url = douyin.connectUrl({
      scope: ["user_info", "video.list"],
      redirectUri: "https://app.example/callback",
      state: "s1",
      optionalScope: { mobile: true, "video.data": false },
    });
    expect(url).toBeInstanceOf(URL);
    expect(url.origin + url.pathname).toBe("https://open.douyin.com/platform/oauth/connect/");
    expect(query(url)).toEqual([
      ["client_key", "aw+key 1"],
      ["response_type", "code"],
      ["scope", "user_info,video.list"],
      ["redirect_uri", "https://app.example/callback"],
      ["optionalScope", "mobile,1,video.data,0"],
      ["state", "s1"],
    ]);
    expect(url.search).toBe(
      "?client_key=aw%2Bkey%201&response_type=code&scope=user_info%2Cvideo.list" +
        "&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback&optionalScope=mobile%2C1%2Cvideo.data%2C0&state=s1",
    );
  });

  it("takes scope and optionalScope as raw strings; omits what was not given", () => {
    const url = douyin.connectUrl({
      scope: "user_info,mobile" as never, // as untyped JavaScript may pass it
      redirectUri: "http://127.0.0.1:3000/cb",
      optionalScope: "video.list,0",
    });
    expect(query(url)).toEqual([
      ["client_key", "aw+key 1"],
      ["response_type", "code"],
      ["scope", "user_info,mobile"],
      ["redirect_uri", "http://127.0.0.1:3000/cb"],
      ["optionalScope", "video.list,0"],
    ]);
    const bare = douyin.connectUrl({
      scope: "user_info",
      redirectUri: "https://a.example/",
      optionalScope: {},
    });
    expect(bare.searchParams.has("optionalScope")).toBe(false);
    expect(bare.searchParams.has("state")).toBe(false);
  });

  const awkward = [
    "中文 状态",
    "a&b=c#d",
    "plus+plus %2B",
    "comma,comma",
    "emoji 😀 / ? = &",
    "  spaces  ",
  ];
  for (const text of awkward) {
    it(`round-trips ${JSON.stringify(text)} in state, redirect path and redirect query`, () => {
      const redirectUri = `https://app.example/回调/${encodeURIComponent(text)}?next=${encodeURIComponent(text)}`;
      const url = douyin.connectUrl({ scope: ["user_info"], redirectUri, state: text });
      const reparsed = new URL(url.href);
      expect(reparsed.searchParams.get("state")).toBe(text);
      expect(reparsed.searchParams.get("redirect_uri")).toBe(redirectUri);
      expect(url.href).not.toMatch(/[ #\u4e00-\u9fff]/);
      expect(url.hash).toBe("");
    });
  }
});

describe("authorizeUrl (Toutiao) and authorizeV2Url (silent)", () => {
  it("authorizeUrl › /oauth/authorize/ on the client's host", () => {
    const toutiao = createDouyinOAuth({ clientKey: "tt1", platform: "toutiao" });
    const url = toutiao.authorizeUrl({
      scope: "user_info",
      redirectUri: "https://a.example/cb",
      state: "x",
    });
    expect(url.href).toBe(
      "https://open.snssdk.com/oauth/authorize/?client_key=tt1&response_type=code&scope=user_info&redirect_uri=https%3A%2F%2Fa.example%2Fcb&state=x",
    );
  });

  it("authorizeV2Url › scope login_id filled in, state optional", () => {
    const url = douyin.authorizeV2Url({ redirectUri: "https://a.example/cb" });
    expect(url.origin + url.pathname).toBe("https://open.douyin.com/oauth/authorize/v2/");
    expect(query(url)).toEqual([
      ["client_key", "aw+key 1"],
      ["response_type", "code"],
      ["scope", "login_id"],
      ["redirect_uri", "https://a.example/cb"],
    ]);
  });

  it("authorizeV2Url › { baseUrl } points at the platform's silent-auth page", () => {
    const url = douyin.authorizeV2Url({
      redirectUri: "https://a.example/cb",
      state: "s",
      baseUrl: "https://aweme.snssdk.com/passport/open/silent_auth/",
    });
    expect(url.origin + url.pathname).toBe("https://aweme.snssdk.com/passport/open/silent_auth/");
    expect(url.searchParams.get("scope")).toBe("login_id");
    expect(url.searchParams.get("state")).toBe("s");
  });

  it("the client's baseUrl (an emulator) is used for every page", () => {
    const local = createDouyinOAuth({ clientKey: "k", baseUrl: "http://127.0.0.1:8787/" });
    const redirectUri = "http://127.0.0.1:3000/cb";
    expect(local.connectUrl({ scope: "user_info", redirectUri }).href).toMatch(
      /^http:\/\/127\.0\.0\.1:8787\/platform\/oauth\/connect\/\?/,
    );
    expect(local.authorizeUrl({ scope: "user_info", redirectUri }).pathname).toBe(
      "/oauth/authorize/",
    );
    expect(local.authorizeV2Url({ redirectUri }).pathname).toBe("/oauth/authorize/v2/");
  });
});

describe("bad input › TypeError naming the parameter", () => {
  const redirectUri = "https://a.example/cb";
  const cases: Array<[string, () => unknown, string]> = [
    [
      "empty scope string",
      () => douyin.connectUrl({ scope: "" as never, redirectUri }),
      '"scope" is missing or empty: a non-empty string is expected',
    ],
    [
      "blank scope string",
      () => douyin.connectUrl({ scope: "  " as never, redirectUri }),
      '"scope" is missing or empty: a non-empty string is expected',
    ],
    [
      "empty scope list",
      () => douyin.authorizeUrl({ scope: [], redirectUri }),
      '"scope" is missing or empty: a string or a non-empty list is expected',
    ],
    [
      "missing scope",
      () => douyin.connectUrl({ redirectUri } as never),
      '"scope" is missing or empty: a string or a non-empty list is expected',
    ],
    [
      "scope entry with a comma",
      () => douyin.connectUrl({ scope: ["a,b"] as never, redirectUri }),
      '"scope" entries must be non-empty scope names without commas or spaces',
    ],
    [
      "empty scope entry",
      () => douyin.connectUrl({ scope: ["user_info", ""] as never, redirectUri }),
      '"scope" entries must be non-empty scope names without commas or spaces',
    ],
    [
      "a scope joined by spaces (issue 24)",
      () => douyin.connectUrl({ scope: "user_info video.list" as never, redirectUri }),
      '"scope" holds a space: Douyin joins scopes with commas; pass a list',
    ],
    [
      "a list entry with a space (issue 24)",
      () => douyin.authorizeUrl({ scope: ["user_info", " video.list"] as never, redirectUri }),
      '"scope" entries must be non-empty scope names without commas or spaces',
    ],
    [
      "customScope with a comma (issue 24)",
      () => customScope("a,b"),
      '"customScope" takes one scope name, without commas or spaces',
    ],
    [
      "customScope empty (issue 24)",
      () => customScope(""),
      '"customScope" takes one scope name, without commas or spaces',
    ],
    [
      "relative redirectUri",
      () => douyin.connectUrl({ scope: "user_info", redirectUri: "/cb" }),
      '"redirectUri" needs an absolute http:// or https:// URL',
    ],
    [
      "custom-scheme redirectUri",
      () => douyin.authorizeV2Url({ redirectUri: "myapp://cb" }),
      '"redirectUri" needs an absolute http:// or https:// URL',
    ],
    [
      "missing redirectUri",
      () => douyin.authorizeUrl({ scope: "user_info" } as never),
      '"redirectUri" is missing or empty: a non-empty string is expected',
    ],
    [
      "empty state",
      () => douyin.connectUrl({ scope: "user_info", redirectUri, state: "" }),
      '"state" is missing or empty: a non-empty string is expected',
    ],
    [
      "optionalScope flag not boolean",
      () =>
        douyin.connectUrl({
          scope: "user_info",
          redirectUri,
          optionalScope: { mobile: 1 } as never,
        }),
      '"optionalScope" maps scope names (no commas) to true or false',
    ],
    [
      "blank scope entry",
      () => douyin.connectUrl({ scope: ["user_info", "  "] as never, redirectUri }),
      '"scope" entries must be non-empty scope names without commas or spaces',
    ],
    [
      "scope entry that is not a string",
      () => douyin.connectUrl({ scope: ["user_info", 5] as never, redirectUri }),
      '"scope" entries must be non-empty scope names without commas or spaces',
    ],
    [
      "blank optionalScope string",
      () => douyin.connectUrl({ scope: "user_info", redirectUri, optionalScope: "  " }),
      '"optionalScope" is missing or empty: a non-empty string is expected',
    ],
    [
      "optionalScope neither a string nor an object",
      () => douyin.connectUrl({ scope: "user_info", redirectUri, optionalScope: 5 as never }),
      '"optionalScope" must be an object',
    ],
    [
      "optionalScope with a blank scope name",
      () =>
        douyin.connectUrl({
          scope: "user_info",
          redirectUri,
          optionalScope: { " ": true } as Record<string, boolean>,
        }),
      '"optionalScope" maps scope names (no commas) to true or false',
    ],
    [
      "optionalScope with an empty scope name",
      () =>
        douyin.connectUrl({
          scope: "user_info",
          redirectUri,
          optionalScope: { "": false } as Record<string, boolean>,
        }),
      '"optionalScope" maps scope names (no commas) to true or false',
    ],
    [
      "optionalScope with a comma in a scope name",
      () =>
        douyin.connectUrl({
          scope: "user_info",
          redirectUri,
          optionalScope: { "a,b": true } as Record<string, boolean>,
        }),
      '"optionalScope" maps scope names (no commas) to true or false',
    ],
    [
      "empty optionalScope string",
      () => douyin.connectUrl({ scope: "user_info", redirectUri, optionalScope: "" }),
      '"optionalScope" is missing or empty: a non-empty string is expected',
    ],
    [
      "relative silent-auth baseUrl",
      () => douyin.authorizeV2Url({ redirectUri, baseUrl: "aweme.snssdk.com" }),
      '"baseUrl" needs an absolute http:// or https:// URL',
    ],
    [
      "silent-auth baseUrl with a user name and password",
      () =>
        douyin.authorizeV2Url({
          redirectUri,
          baseUrl: "https://user:pa55word@aweme.snssdk.com/passport/open/silent_auth/",
        }),
      '"baseUrl" must not carry a user name or password',
    ],
    [
      "state with a lone surrogate (encodeURIComponent would throw URIError)",
      () => douyin.connectUrl({ scope: "user_info", redirectUri, state: "st\uD800" }),
      '"state" must be well-formed text (no lone surrogates)',
    ],
    [
      "redirectUri with a lone surrogate",
      () => douyin.authorizeUrl({ scope: "user_info", redirectUri: "https://a.example/cb\uDC00" }),
      '"redirectUri" must be well-formed text (no lone surrogates)',
    ],
    [
      "scope string with a lone surrogate",
      () => douyin.connectUrl({ scope: "user_info,\uD800" as never, redirectUri }),
      '"scope" must be well-formed text (no lone surrogates)',
    ],
    [
      "scope list entry with a lone surrogate",
      () => douyin.authorizeUrl({ scope: ["user_info", "v\uD800"] as never, redirectUri }),
      '"scope" must be well-formed text (no lone surrogates)',
    ],
    [
      "optionalScope name with a lone surrogate",
      () =>
        douyin.connectUrl({
          scope: "user_info",
          redirectUri,
          optionalScope: { "m\uD800": true } as Record<string, boolean>,
        }),
      '"optionalScope" must be well-formed text (no lone surrogates)',
    ],
    [
      "optionalScope string with a lone surrogate",
      () => douyin.connectUrl({ scope: "user_info", redirectUri, optionalScope: "m\uD800,1" }),
      '"optionalScope" must be well-formed text (no lone surrogates)',
    ],
    ["no options", () => douyin.connectUrl(undefined as never), '"options" must be an object'],
  ];
  for (const [name, build, message] of cases) {
    it(name, () => expect(build).toThrow(new TypeError(message)));
  }
});
