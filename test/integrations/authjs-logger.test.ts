// douyinLogger: Auth.js' debug lines, in the shapes @auth/core 0.41 logs them, with every secret
// masked whole (tokens with ".", "-", "+" and "%2B" in them), wherever it shows up.
import { describe, expect, it } from "vitest";
import { douyinLogger } from "../../src/integrations/authjs.js";

const ACCESS = "act.a1-b2+c3";
const REFRESH = "rft.x9.y8-z7";
const CODE = "code.q+w-e";
const SESSION = "9f1c2d3e-session-token";

function line(message: string, metadata?: unknown): string {
  const out: string[] = [];
  douyinLogger((m, data) => out.push(`${m} ${JSON.stringify(data)}`)).debug!(message, metadata);
  return out.join("\n");
}

describe("douyinLogger › debug", () => {
  const cases: Array<{ given: [string, unknown]; keeps: string[] }> = [
    {
      // lib/actions/callback/index.js: the token answer, as Auth.js got it
      given: [
        "authorization result",
        {
          account: {
            access_token: ACCESS,
            refresh_token: REFRESH,
            open_id: "u-1",
            expires_in: 1296000,
          },
          profile: { nickname: "heidi" },
        },
      ],
      keeps: ["u-1", "heidi", "1296000"],
    },
    {
      // lib/init.js: each adapter call with its arguments
      given: [
        "adapter_linkAccount",
        { args: [{ provider: "douyin", access_token: ACCESS, refresh_token: REFRESH }] },
      ],
      keeps: ["douyin"],
    },
    { given: ["adapter_getSessionAndUser", { args: [SESSION] }], keeps: ["args"] },
    {
      given: ["adapter_createSession", { args: [{ sessionToken: SESSION, userId: "user-1" }] }],
      keeps: ["user-1"],
    },
    {
      // lib/actions/callback/index.js: the callback's query, the code in it
      given: [
        "callback route error details",
        { method: "GET", query: { code: CODE, state: "s" }, body: {} },
      ],
      keeps: ["GET"],
    },
    {
      // a URL or a message quoting a value seen elsewhere in the line
      given: [
        "request",
        {
          url: new URL(
            `https://app.example/auth/callback/douyin?code=${encodeURIComponent(CODE)}&x=1`,
          ),
          cookies: { "authjs.session-token": SESSION },
          error: new Error(`refused ${REFRESH}`),
          refresh_token: REFRESH,
        },
      ],
      keeps: ["https://app.example/auth/callback/douyin?code=***&x=1", "refused ***"],
    },
    {
      given: [
        "authorization url is ready",
        {
          url: "https://open.douyin.com/platform/oauth/connect/?client_key=aw1",
          cookies: [
            { name: "authjs.state", value: "eyJhbGciOiJkaXIi.state", options: { httpOnly: true } },
          ],
          provider: { clientSecret: "s3cret-value", id: "douyin" },
        },
      ],
      keeps: ["client_key=aw1", "authjs.state", "douyin", '"httpOnly":true'],
    },
  ];
  for (const { given, keeps } of cases) {
    it(`${given[0]} → no secret; the rest kept`, () => {
      const out = line(...given);
      for (const secret of [
        ACCESS,
        REFRESH,
        CODE,
        SESSION,
        encodeURIComponent(CODE),
        "s3cret-value",
        "eyJhbGciOiJkaXIi.state",
      ]) {
        expect(out).not.toContain(secret);
      }
      for (const kept of keeps) expect(out).toContain(kept);
      expect(out).toContain("***");
    });
  }

  it("no metadata, or plain values: passed on as they are", () => {
    expect(line("hello")).toBe("hello undefined");
    expect(line("n", 3)).toBe("n 3");
  });

  it("a cycle or deep nesting ends, cut off", () => {
    const loop: Record<string, unknown> = { access_token: ACCESS };
    let deep: Record<string, unknown> = loop;
    for (let i = 0; i < 20; i++) deep = deep.next = {};
    const out = line("deep", loop);
    expect(out).toContain("[deep]");
    expect(out).not.toContain(ACCESS);
  });

  it("'write' that is not a function → TypeError naming it", () => {
    expect(() => douyinLogger(42 as never)).toThrow(new TypeError(`"write" must be a function`));
  });
});
