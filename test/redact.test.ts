// Secrets never leave in an error or a printed URL: not in message, stack, String(err),
// JSON.stringify(err), util.inspect(err) or anywhere along the cause chain.
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDouyinOAuth, DouyinError, redactUrl, type CallOptions } from "../src/index.js";
import { redactText, safeCause, SECRET_PARAMS } from "../src/redact.js";
import { startFakePlatform, type FakePlatform, type Reply } from "./support/fake-platform.js";

const SECRET = "sec.ret-1+x%2By/=";
const CODE = "co.de-2+z%2Bw&";
const REFRESH = "rft.a-b+c%2Bd#e";
const SECRETS = [SECRET, CODE, REFRESH];

/** Every way a secret could be spelled in text: raw, percent-encoded, form-encoded, JSON-escaped. */
const spellings = (secret: string) => [
  secret,
  encodeURIComponent(secret),
  new URLSearchParams({ s: secret }).toString().slice(2),
  JSON.stringify(secret).slice(1, -1),
  // the part a `key=\w+` redaction would leave behind
  secret.slice(secret.indexOf(".")),
];

function surfaces(error: unknown): string {
  const texts: string[] = [];
  let at: unknown = error;
  for (let depth = 0; at !== undefined && depth < 8; depth++) {
    if (at instanceof Error) {
      texts.push(at.message, at.stack ?? "", String(at), JSON.stringify(at) ?? "");
      at = at.cause;
    } else {
      texts.push(String(at));
      at = undefined;
    }
  }
  texts.push(inspect(error, { depth: Infinity, showHidden: true }));
  return texts.join("\n");
}

function expectNoSecret(error: unknown) {
  expect(error).toBeInstanceOf(DouyinError);
  const text = surfaces(error);
  for (const secret of SECRETS) {
    for (const form of spellings(secret)) expect(text).not.toContain(form);
  }
}

describe("redactUrl", () => {
  const cases: Array<[string, string]> = [
    [
      "https://open.douyin.com/oauth/access_token/?client_key=k&client_secret=a.b-c%2Bd&code=x.y&grant_type=authorization_code",
      "https://open.douyin.com/oauth/access_token/?client_key=k&client_secret=***&code=***&grant_type=authorization_code",
    ],
    [
      "http://127.0.0.1:1/oauth/refresh_token/?refresh_token=rft.1+2&client_key=k",
      "http://127.0.0.1:1/oauth/refresh_token/?refresh_token=***&client_key=k",
    ],
    ["https://h/cb?access_token=act.x1y2#frag", "https://h/cb?access_token=***#frag"],
    ["https://h/cb?state=s&scopes=a,b", "https://h/cb?state=s&scopes=a,b"],
    ["not a url client_secret=a.b-c", "not a url client_secret=***"],
  ];
  for (const [given, want] of cases) {
    it(`${given.slice(0, 60)}…`, () => {
      expect(redactUrl(given)).toBe(want);
      if (URL.canParse(given)) expect(redactUrl(new URL(given))).toBe(want);
    });
  }
});

describe("redactText", () => {
  const contains = `${SECRET}XYZ`;
  const cases: Array<[string, string, string[], string]> = [
    ["one secret, raw", `bad secret ${SECRET}!`, [SECRET], "bad secret ***!"],
    [
      "a code that contains the client secret, secret listed first: no remainder left",
      `bad code ${contains}.`,
      [SECRET, contains],
      "bad code ***.",
    ],
    ["the same, code listed first", `bad code ${contains}.`, [contains, SECRET], "bad code ***."],
    ["the same, percent-encoded", `q=${encodeURIComponent(contains)}`, [SECRET, contains], "q=***"],
    [
      "the same, JSON-escaped, beside the secret alone",
      `${JSON.stringify(contains)} and ${SECRET}`,
      [SECRET, contains],
      '"***" and ***',
    ],
  ];
  for (const [name, given, secrets, want] of cases) {
    it(name, () => expect(redactText(given, secrets)).toBe(want));
  }
});

describe("no secret on any error path", () => {
  let platform: FakePlatform;
  beforeAll(async () => {
    platform = await startFakePlatform();
  });
  afterAll(() => platform.close());

  // GET: the secrets ride in the URL, which the replies below echo and the fetch below quotes.
  const douyin = (extra: Record<string, unknown> = {}) =>
    createDouyinOAuth({
      clientKey: "k",
      clientSecret: SECRET,
      baseUrl: platform.url,
      timeoutMs: 300,
      tokenRequestMethod: "GET",
      ...extra,
    });

  type Client = ReturnType<typeof douyin>;
  const calls: Record<string, (d: Client, call?: CallOptions) => Promise<unknown>> = {
    accessToken: (d, call) => d.accessToken({ code: CODE }, call),
    clientToken: (d, call) => d.clientToken(call),
    refreshToken: (d, call) => d.refreshToken({ refreshToken: REFRESH }, call),
    renewRefreshToken: (d, call) => d.renewRefreshToken({ refreshToken: REFRESH }, call),
  };

  const replies: Array<[string, (raw: string) => Reply]> = [
    [
      "a platform error whose description echoes what we sent",
      (raw) => ({
        json: {
          data: { error_code: 10013, description: `bad: ${decodeURIComponent(raw)} ${raw}` },
          extra: { logid: "L" },
        },
      }),
    ],
    ["HTTP 500 whose body echoes the query", (raw) => ({ status: 500, body: raw })],
    ["an HTML page echoing the query", (raw) => ({ body: `<p>${raw}</p>` })],
    ["truncated JSON", (raw) => ({ body: `{"data":{"q":"${raw}` })],
    ["a connection reset", () => ({ reset: true })],
    ["a stalled body (timeout)", (raw) => ({ stallAfter: `{"q":"${raw}` })],
  ];

  for (const [operation, call] of Object.entries(calls)) {
    for (const [name, reply] of replies) {
      it(`${operation} › ${name}`, async () => {
        platform.answer((request) => reply(request.rawQuery));
        expectNoSecret(await call(douyin()).catch((e: unknown) => e));
      });
    }

    it(`${operation} › a custom fetch throwing an error that quotes the URL (node-fetch style)`, async () => {
      const fetch = async (input: string | URL | Request) => {
        const url = new URL(String(input));
        const low = new Error(`socket hang up; sent ${url.search.slice(1)}`);
        Object.assign(low, { code: "ECONNRESET" });
        const values = [...url.searchParams.values()].join(" ");
        throw new TypeError(`request to ${url.href} failed, reason: ${values}`, { cause: low });
      };
      const error = await call(douyin({ fetch })).catch((e: unknown) => e);
      expectNoSecret(error);
      const cause = (error as Error).cause as Error & { cause: Error & { code: string } };
      expect(cause.name).toBe("TypeError");
      expect(cause.message).toMatch(
        /^request to http:\/\/127\.0\.0\.1:\d+\/oauth\/[a-z_]+\/\?client_key=k&/,
      );
      expect(cause.cause.code).toBe("ECONNRESET");
    });

    if (operation === "accessToken") {
      it("accessToken › a code that contains the client secret: none of the code is left in the description", async () => {
        const code = `${SECRET}XYZ`;
        platform.answer(() => ({
          json: {
            data: { error_code: 10007, description: `code ${code} expired` },
            extra: { logid: "L" },
          },
        }));
        const error = await douyin()
          .accessToken({ code })
          .catch((e: unknown) => e);
        expect(error).toMatchObject({
          name: "DouyinOAuthError",
          errorCode: 10007,
          description: "code *** expired",
          message: "accessToken: the platform answered error_code 10007: code *** expired",
        });
        expect(inspect(error, { depth: Infinity, showHidden: true })).not.toContain("XYZ");
      });
    }

    it(`${operation} › aborted by the caller`, async () => {
      platform.answer(() => ({ hang: true }));
      const controller = new AbortController();
      const pending = call(douyin(), { signal: controller.signal });
      setTimeout(() => controller.abort(), 30);
      expectNoSecret(await pending.catch((e: unknown) => e));
    });
  }
});

// redact.ts, pinned piece by piece: each spelling of a secret, the empty secret, URLs inside
// text, and safeCause on every kind of thrown value. test/redact.test.ts checks the same rules
// end to end through the client's error paths.
describe("redact.ts, piece by piece", () => {
  // Every character that spells differently raw, percent-encoded, form-encoded and JSON-escaped.
  const SECRET = 'a b+c/d&é"q\\z';
  const FORMS: Array<[string, string]> = [
    ["raw", SECRET],
    ["percent-encoded", "a%20b%2Bc%2Fd%26%C3%A9%22q%5Cz"],
    ["form-encoded", "a+b%2Bc%2Fd%26%C3%A9%22q%5Cz"],
    ["JSON-escaped", 'a b+c/d&é\\"q\\\\z'],
  ];

  describe("redactText › each spelling of a secret, alone in the text", () => {
    it("the four spellings are four different strings", () => {
      expect(new Set(FORMS.map(([, form]) => form)).size).toBe(4);
      expect(encodeURIComponent(SECRET)).toBe(FORMS[1]![1]);
      expect(new URLSearchParams({ s: SECRET }).toString()).toBe(`s=${FORMS[2]![1]}`);
      expect(JSON.stringify(SECRET)).toBe(`"${FORMS[3]![1]}"`);
    });
    for (const [name, form] of FORMS) {
      it(name, () => {
        expect(redactText(`echo [${form}] echo`, [SECRET])).toBe("echo [***] echo");
      });
    }
    it("every occurrence, not only the first", () => {
      expect(redactText(`${FORMS[2]![1]} then ${SECRET} then ${SECRET}`, [SECRET])).toBe(
        "*** then *** then ***",
      );
    });
  });

  describe("redactText › secrets", () => {
    it("an empty secret is skipped: it would otherwise mask between every character", () => {
      expect(redactText("abc", [""])).toBe("abc");
      expect(redactText("x tok y", ["", "tok"])).toBe("x *** y");
    });
    it("no secrets given: only URLs and secret pairs are touched", () => {
      expect(redactText("plain text, code 42")).toBe("plain text, code 42");
      expect(redactText("refresh_token=rft.1-2")).toBe("refresh_token=***");
    });
    it("the longest spelling goes first, whichever order the secrets come in", () => {
      // the form-encoded long secret contains the short one raw: the short one must not split it
      const long = "k y.k";
      for (const secrets of [
        ["k", long],
        [long, "k"],
      ]) {
        expect(redactText("<k+y.k> <k>", secrets)).toBe("<***> <***>");
      }
      expect(redactText("<k+y.k>", ["k"])).toBe("<***+y.***>");
    });
  });

  describe("redactText › secret_param=value pairs", () => {
    it("all four names, every pair in the text", () => {
      const text = SECRET_PARAMS.map((name) => `${name}=v.1-2`).join(" ; ");
      expect(redactText(text)).toBe(SECRET_PARAMS.map((name) => `${name}=***`).join(" ; "));
      expect(SECRET_PARAMS).toEqual(["client_secret", "code", "access_token", "refresh_token"]);
    });
    const stops: Array<[string, string]> = [
      ["&", "code=x.y&state"],
      [" ", "code=x.y state"],
      ['"', 'code=x.y"state'],
      ["'", "code=x.y'state"],
      ["<", "code=x.y<state"],
      [">", "code=x.y>state"],
    ];
    for (const [stop, given] of stops) {
      it(`the value ends at ${JSON.stringify(stop)}`, () => {
        expect(redactText(given)).toBe(`code=***${stop}state`);
      });
    }
    it("a name inside a longer word is not a secret pair", () => {
      expect(redactText("zipcode=123 barcode=9")).toBe("zipcode=123 barcode=9");
    });
    it("a value that is already empty stays empty", () => {
      expect(redactText("code=&x=1")).toBe("code=***&x=1");
    });
  });

  describe("redactText › URLs in text", () => {
    it("each URL is redacted by parsing: the URL is normalised, its fragment kept", () => {
      expect(
        redactText("GET https://h?access_token=a.b&x=1#frag then http://g/p?code=c.d&x=1 done"),
      ).toBe("GET https://h/?access_token=***&x=1#frag then http://g/p?code=***&x=1 done");
    });
    it("a URL ends at a space or a quote", () => {
      expect(redactText(`"https://h/?code=a"'http://g/?code=b' <http://k/?code=c>`)).toBe(
        `"https://h/?code=***"'http://g/?code=***' <http://k/?code=***>`,
      );
    });
    it("a URL that does not parse is left to the pair rule", () => {
      expect(redactText("see http://[oops/?code=a.b&y=2#f")).toBe(
        "see http://[oops/?code=***&y=2#f",
      );
    });
    it("only http and https start a URL", () => {
      expect(redactText("ftp://h?code=a#frag")).toBe("ftp://h?code=***");
      expect(redactText("xhttps://h?code=a#frag")).toBe("xhttps://h?code=***");
    });
  });

  describe("redactUrl", () => {
    it("a URL object and its text give the same", () => {
      const url = "https://h/cb?refresh_token=r.1&client_secret=s&state=x";
      expect(redactUrl(new URL(url))).toBe(
        "https://h/cb?refresh_token=***&client_secret=***&state=x",
      );
      expect(redactUrl(url)).toBe(redactUrl(new URL(url)));
    });
    it("adds no parameter that was not there, and keeps a literal %2A that is not the mask", () => {
      expect(redactUrl("https://h/cb?x=%2A")).toBe("https://h/cb?x=%2A");
    });
  });

  describe("safeCause", () => {
    it("a string: redacted text", () => {
      expect(safeCause("request to https://h/?code=abc failed: tok", ["tok"])).toBe(
        "request to https://h/?code=*** failed: ***",
      );
    });
    it("anything else that is not an Error: a placeholder, never the value", () => {
      for (const value of [42, 0, false, true, { code: "tok" }, ["tok"], Symbol("tok")]) {
        expect(safeCause(value, ["tok"])).toBe("[non-error value]");
      }
    });
    it("undefined and null pass through", () => {
      expect(safeCause(undefined, [])).toBeUndefined();
      expect(safeCause(null, [])).toBeNull();
    });

    it("an Error: a new one with the same name and code, message and frames redacted", () => {
      const error = new RangeError("bad tok at https://h/?client_secret=tok");
      Object.assign(error, { code: "ECONNRESET" });
      error.stack = [
        "RangeError: bad tok at https://h/?client_secret=tok",
        "second line of the message, tok",
        "    at send (https://h/?code=tok x.js:1:2)",
        "\tat other (file.js:3:4)",
        "Caused by: something  at the end",
      ].join("\n");
      const safe = safeCause(error, ["tok"]) as Error & { code?: unknown };
      expect(safe).toBeInstanceOf(Error);
      expect(safe).not.toBe(error);
      expect(safe.name).toBe("RangeError");
      expect(safe.message).toBe("bad *** at https://h/?client_secret=***");
      expect(safe.code).toBe("ECONNRESET");
      expect(safe.stack).toBe(
        [
          "RangeError: bad *** at https://h/?client_secret=***",
          "    at send (https://h/?code=*** x.js:1:2)",
          "\tat other (file.js:3:4)",
        ].join("\n"),
      );
      expect(Object.hasOwn(safe, "cause")).toBe(false);
    });

    it("a numeric code is kept; any other code is dropped", () => {
      const numeric = Object.assign(new Error("x"), { code: 7 });
      expect((safeCause(numeric, []) as { code?: unknown }).code).toBe(7);
      for (const code of [{ secret: "tok" }, true, null]) {
        const other = Object.assign(new Error("x"), { code });
        expect(Object.hasOwn(safeCause(other, []) as object, "code")).toBe(false);
      }
    });

    it("an Error without a stack: the stack is its first line only", () => {
      const error = new Error("boom tok");
      Reflect.deleteProperty(error, "stack");
      expect((safeCause(error, ["tok"]) as Error).stack).toBe("Error: boom ***");
    });

    it("the cause chain: redacted, non-enumerable, writable, configurable", () => {
      const error = new Error("outer", { cause: "inner tok" });
      const safe = safeCause(error, ["tok"]) as Error;
      expect(Object.getOwnPropertyDescriptor(safe, "cause")).toEqual({
        value: "inner ***",
        enumerable: false,
        writable: true,
        configurable: true,
      });
      const withNull = safeCause(new Error("outer", { cause: null }), []) as Error;
      expect(Object.hasOwn(withNull, "cause")).toBe(true);
      expect(withNull.cause).toBeNull();
    });

    it("the cause chain stops after five levels", () => {
      let error: unknown = "bottom";
      for (let level = 7; level >= 0; level--)
        error = new Error(`level ${level}`, { cause: error });
      let at = safeCause(error, []) as Error | undefined;
      const messages: string[] = [];
      while (at instanceof Error) {
        messages.push(at.message);
        at = at.cause as Error | undefined;
      }
      expect(messages).toEqual(["level 0", "level 1", "level 2", "level 3", "level 4"]);
      expect(at).toBeUndefined();
    });
  });
});
