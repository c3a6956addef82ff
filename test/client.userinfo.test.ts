// douyin.userInfo against a throwaway server on 127.0.0.1: the request it sends, the answer it
// returns (numbers, "<nil>" placeholders), its errors, retries, and the access token kept out
// of every error.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  createDouyinOAuth,
  DouyinOAuthError,
  DouyinTransportError,
  ERROR_CODE,
  type DouyinLogEvent,
} from "../src/index.js";
import { nodeTransport } from "../src/node/index.js";
import { defaultHandler, useFakePlatform } from "./support/fake-platform.js";

const platform = useFakePlatform();

// A token with the characters redaction must survive: `.`, `-`, `+`, `/`, `=`.
const TOKEN = "act.a1-b2+c3/d4=";
const client = (extra: Record<string, unknown> = {}) =>
  createDouyinOAuth({
    clientKey: "key-1",
    clientSecret: "sec+ret/=",
    baseUrl: platform.url,
    retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 },
    ...extra,
  });

const answerWith = (data: Record<string, unknown>, extra?: Record<string, unknown>) =>
  platform.answer(() => ({ json: { data, ...(extra ? { extra } : {}), message: "success" } }));

/** Everything an error shows: message, stack, cause chain, JSON and util.inspect. */
function surfaces(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 6; depth++) {
    parts.push(inspect(e, { depth: 6, showHidden: true }));
    if (e instanceof Error) parts.push(e.message, e.stack ?? "", JSON.stringify(e));
    e = (e as { cause?: unknown } | null)?.cause;
  }
  return parts.join("\n");
}

describe("userInfo › the request", () => {
  for (const [name, extra] of [
    ["fetch", {}],
    ["nodeTransport", { transport: nodeTransport() }],
  ] as const) {
    it(`POST /oauth/userinfo/, token in the access-token header, open_id in a JSON body (${name})`, async () => {
      await client(extra).userInfo({ accessToken: TOKEN, openId: "open-1" });
      expect(platform.requests).toHaveLength(1);
      const [request] = platform.requests;
      expect(request!.method).toBe("POST");
      expect(request!.path).toBe("/oauth/userinfo/");
      expect(request!.rawQuery).toBe("");
      expect(request!.contentType).toBe("application/json");
      expect(request!.headers["access-token"]).toBe(TOKEN);
      expect(JSON.parse(request!.body)).toEqual({ open_id: "open-1" });
      // The token travels once, in its header: not in the URL, not in the body.
      expect(request!.body).not.toContain("act.");
    });
  }

  it("whatever tokenRequestMethod says: the same POST form", async () => {
    await client({ tokenRequestMethod: "GET" }).userInfo({ accessToken: TOKEN, openId: "o" });
    await client({ tokenRequestMethod: "POST" }).userInfo({ accessToken: TOKEN, openId: "o" });
    expect(platform.requests.map((r) => `${r.method} ${r.contentType}`)).toEqual([
      "POST application/json",
      "POST application/json",
    ]);
  });

  const refusals: Array<[string, unknown, string]> = [
    ["no input", undefined, '"input" must be an object'],
    ["no accessToken", { openId: "o" }, '"accessToken" is missing or empty'],
    ["empty accessToken", { accessToken: "", openId: "o" }, '"accessToken" is missing or empty'],
    ["no openId", { accessToken: TOKEN }, '"openId" is missing or empty'],
    ["openId not a string", { accessToken: TOKEN, openId: 7 }, '"openId" is missing or empty'],
    [
      "lone surrogate",
      { accessToken: TOKEN, openId: "\ud800" },
      '"openId" must be well-formed text (no lone surrogates)',
    ],
  ];
  for (const [situation, input, message] of refusals) {
    it(`${situation} › TypeError naming it, before any request`, async () => {
      const call = client().userInfo(input as { accessToken: string; openId: string });
      await expect(call).rejects.toThrow(TypeError);
      await expect(call).rejects.toThrow(message);
      expect(platform.requests).toHaveLength(0);
    });
  }

  it("the TypeError never quotes the token it refused", async () => {
    const error = await client()
      .userInfo({ accessToken: TOKEN, openId: "" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(surfaces(error)).not.toContain(TOKEN);
  });
});

describe("userInfo › the answer", () => {
  const promised = {
    open_id: "open-1",
    union_id: "union-1",
    nickname: "抖音用户",
    avatar: "https://p3.example/a.jpeg",
  };

  it("the promised fields and every other field sent, error_code a number", async () => {
    answerWith({
      ...promised,
      error_code: 0,
      description: "",
      avatar_larger: "https://p3.example/a-large.jpeg",
      city: "Hangzhou",
      province: "Zhejiang",
      country: "China",
      gender: 2,
      e_account_role: "EAccountM",
      log_id: "L1",
    });
    await expect(client().userInfo({ accessToken: TOKEN, openId: "open-1" })).resolves.toEqual({
      ...promised,
      error_code: 0,
      description: "",
      avatar_larger: "https://p3.example/a-large.jpeg",
      city: "Hangzhou",
      province: "Zhejiang",
      country: "China",
      gender: 2,
      e_account_role: "EAccountM",
      log_id: "L1",
    });
  });

  it('the platform\'s sample: "0" and "1" as numbers, "<nil>" read as absent', async () => {
    answerWith({
      ...promised,
      error_code: "0",
      gender: "1",
      e_account_role: "<nil>",
      city: "<nil>",
    });
    const info = await client().userInfo({ accessToken: TOKEN, openId: "open-1" });
    expect(info).toEqual({ ...promised, error_code: 0, gender: 1 });
    expect("e_account_role" in info).toBe(false);
    expect("city" in info).toBe(false);
  });

  for (const field of ["open_id", "union_id", "nickname", "avatar"] as const) {
    for (const [how, value] of [
      ["missing", undefined],
      ["empty", ""],
      ['"<nil>"', "<nil>"],
    ] as const) {
      it(`${field} ${how} › DouyinTransportError invalid-answer naming it`, async () => {
        answerWith({ ...promised, error_code: 0, [field]: value });
        const error = await client({ retry: false })
          .userInfo({ accessToken: TOKEN, openId: "open-1" })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DouyinTransportError);
        expect(error).toMatchObject({
          operation: "userInfo",
          kind: "invalid-answer",
          status: 200,
          message: `userInfo: the answer is not the expected JSON (HTTP 200): data.${field} is missing`,
        });
      });
    }
  }

  it("gender that is not an integer › invalid-answer naming it", async () => {
    answerWith({ ...promised, error_code: 0, gender: "male" });
    await expect(
      client({ retry: false }).userInfo({ accessToken: TOKEN, openId: "o" }),
    ).rejects.toThrow(
      "userInfo: the answer is not the expected JSON (HTTP 200): data.gender is not an integer",
    );
  });
});

describe("userInfo › errors", () => {
  const codes: Array<[string, number | string]> = [
    ["access token expired (newer gateway)", ERROR_CODE.GATEWAY_ACCESS_TOKEN_EXPIRED],
    ["access token invalid (newer gateway)", "2190002"],
    ["access token invalid (older gateway)", ERROR_CODE.ACCESS_TOKEN_INVALID],
    ["missing parameter", ERROR_CODE.GATEWAY_PARAMETER_ERROR],
  ];
  for (const [situation, code] of codes) {
    it(`${situation} › DouyinOAuthError ${code}, not retried, token redacted`, async () => {
      answerWith(
        { error_code: code, description: `access_token ${TOKEN} 过期` },
        { logid: "LOG-7", now: 1 },
      );
      const error = await client()
        .userInfo({ accessToken: TOKEN, openId: "open-1" })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DouyinOAuthError);
      expect(error).toMatchObject({
        name: "DouyinOAuthError",
        operation: "userInfo",
        errorCode: Number(code),
        status: 200,
        logId: "LOG-7",
        description: "access_token *** 过期",
        message: `userInfo: the platform answered error_code ${Number(code)}: access_token *** 过期`,
      });
      expect(surfaces(error)).not.toContain(TOKEN);
      expect(platform.requests).toHaveLength(1);
    });
  }

  it("a 503 then an answer › retried (a read), the logger hears both attempts", async () => {
    let calls = 0;
    platform.answer((request) =>
      ++calls === 1 ? { status: 503, body: "busy" } : defaultHandler(request),
    );
    const events: DouyinLogEvent[] = [];
    const info = await client({ logger: (e: DouyinLogEvent) => events.push(e) }).userInfo({
      accessToken: TOKEN,
      openId: "open-1",
    });
    expect(info.nickname).toBe("Fake User");
    expect(platform.requests).toHaveLength(2);
    expect(events.map((e) => [e.operation, e.attempt, e.outcome])).toEqual([
      ["userInfo", 1, "retry"],
      ["userInfo", 2, "ok"],
    ]);
    expect(JSON.stringify(events)).not.toContain(TOKEN);
  });

  it("retry: false › one request, DouyinTransportError http-status with attempts 1", async () => {
    platform.answer(() => ({ status: 502, body: `<html>${TOKEN}</html>` }));
    const error = await client({ retry: false })
      .userInfo({ accessToken: TOKEN, openId: "open-1" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: "DouyinTransportError",
      operation: "userInfo",
      kind: "http-status",
      status: 502,
      attempts: 1,
    });
    expect(platform.requests).toHaveLength(1);
    expect(surfaces(error)).not.toContain(TOKEN);
  });

  it("a fetch that fails quoting the token › network error with the token removed", async () => {
    const douyin = client({
      retry: false,
      fetch: async (_url: string, init: RequestInit) => {
        const header = (init.headers as Record<string, string>)["access-token"];
        throw new TypeError(`fetch failed: header access-token: ${header}`, {
          cause: new Error(`socket closed while sending ${header}`),
        });
      },
    });
    const error = await douyin
      .userInfo({ accessToken: TOKEN, openId: "open-1" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DouyinTransportError);
    expect(error).toMatchObject({ kind: "network", operation: "userInfo" });
    const shown = surfaces(error);
    expect(shown).toContain("fetch failed: header access-token: ***");
    expect(shown).not.toContain(TOKEN);
    expect(shown).not.toContain("a1-b2");
  });

  it("the connection drops › network error after the retries, attempts 3", async () => {
    platform.answer(() => ({ reset: true }));
    const error = await client()
      .userInfo({ accessToken: TOKEN, openId: "open-1" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "network", operation: "userInfo", attempts: 3 });
    expect(platform.requests).toHaveLength(3);
  });
});
