// Secrets never leave in an error or a printed URL: not in message, stack, String(err),
// JSON.stringify(err), util.inspect(err) or anywhere along the cause chain.
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDouyinOAuth, DouyinError, redactUrl, type CallOptions } from "../src/index.js";
import { redactText } from "../src/redact.js";
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
