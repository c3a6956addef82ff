// The one answer reader, driven through the client over HTTP: platform errors become
// DouyinOAuthError with every field, anything not the expected JSON a DouyinTransportError.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  createDouyinOAuth,
  DouyinError,
  DouyinOAuthError,
  DouyinTransportError,
  ERROR_CODE,
  type TokenOperation,
} from "../src/index.js";
import { useFakePlatform, type Reply } from "./support/fake-platform.js";

const platform = useFakePlatform();

const douyin = () =>
  createDouyinOAuth({ clientKey: "k", clientSecret: "s", baseUrl: platform.url });

async function failure(
  reply: Reply,
  call: (d: ReturnType<typeof douyin>) => Promise<unknown> = (d) => d.accessToken({ code: "c" }),
) {
  platform.answer(() => reply);
  const error = await call(douyin()).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DouyinError);
  return error as DouyinError;
}

describe("platform errors › DouyinOAuthError", () => {
  it("error_code 10010 with extra.logid → every field", async () => {
    const error = await failure(
      {
        json: {
          data: { description: "refresh_token 过期", error_code: 10010 },
          extra: { logid: "2020070614111601022506808001045D59", now: 1594015876138 },
        },
      },
      (d) => d.refreshToken({ refreshToken: "rft.713900b74edde9f30ec4e246b706da30" }),
    );
    expect(error).toBeInstanceOf(DouyinOAuthError);
    expect(error).toMatchObject({
      name: "DouyinOAuthError",
      message: "refreshToken: the platform answered error_code 10010: refresh_token 过期",
      errorCode: ERROR_CODE.REFRESH_TOKEN_EXPIRED,
      description: "refresh_token 过期",
      logId: "2020070614111601022506808001045D59",
      operation: "refreshToken",
      status: 200,
    });
  });

  it("error_code sent as a string, log id in data.log_id", async () => {
    const error = await failure({
      json: {
        data: { description: "bad secret", error_code: "10013", log_id: "L-9" },
        message: "error",
      },
    });
    expect(error).toMatchObject({ errorCode: 10013, logId: "L-9", operation: "accessToken" });
  });

  it("an unknown code (28003018) is still a DouyinOAuthError; no extra, no description", async () => {
    const error = await failure({ json: { data: { error_code: 28003018 } } }, (d) =>
      d.clientToken(),
    );
    expect(error).toBeInstanceOf(DouyinOAuthError);
    expect(error).toMatchObject({
      errorCode: 28003018,
      description: "",
      logId: undefined,
      operation: "clientToken",
    });
  });
});

describe("not the expected answer › DouyinTransportError", () => {
  const cases: Array<[string, Reply, Record<string, unknown>]> = [
    [
      "HTTP 502",
      { status: 502, body: "<html>Bad Gateway</html>" },
      {
        kind: "http-status",
        status: 502,
        message: "accessToken: the platform answered with an HTTP error status (HTTP 502)",
      },
    ],
    [
      "HTTP 404 with a JSON error envelope",
      { status: 404, json: { data: { error_code: 10002 } } },
      { kind: "http-status", status: 404 },
    ],
    [
      "an HTML error page with 200",
      { body: "<!doctype html><title>维护中</title>" },
      {
        kind: "invalid-answer",
        status: 200,
        message:
          "accessToken: the answer is not the expected JSON (HTTP 200): the body is not JSON",
      },
    ],
    [
      "an empty body",
      { body: "" },
      {
        kind: "invalid-answer",
        message: "accessToken: the answer is not the expected JSON (HTTP 200): the body is empty",
      },
    ],
    [
      "truncated JSON",
      { body: '{"data":{"access_token":"act.x","expi' },
      {
        kind: "invalid-answer",
        message:
          "accessToken: the answer is not the expected JSON (HTTP 200): the body is not JSON",
      },
    ],
    [
      "JSON without data",
      { json: { message: "success" } },
      {
        kind: "invalid-answer",
        message:
          "accessToken: the answer is not the expected JSON (HTTP 200): the body has no data object",
      },
    ],
    ["a JSON array", { json: [1, 2] }, { kind: "invalid-answer" }],
    [
      "error_code that is not an integer",
      { json: { data: { error_code: "zero" } } },
      {
        kind: "invalid-answer",
        message:
          "accessToken: the answer is not the expected JSON (HTTP 200): data.error_code is not an integer",
      },
    ],
    [
      "a success missing access_token",
      { json: { data: { error_code: 0, expires_in: 1 } } },
      {
        kind: "invalid-answer",
        message:
          "accessToken: the answer is not the expected JSON (HTTP 200): data.access_token is missing",
      },
    ],
    [
      "a success with an empty access_token",
      {
        json: {
          data: {
            error_code: 0,
            access_token: "",
            expires_in: 1,
            open_id: "o",
            refresh_token: "r",
            refresh_expires_in: 1,
            scope: "s",
          },
        },
      },
      {
        kind: "invalid-answer",
        message:
          "accessToken: the answer is not the expected JSON (HTTP 200): data.access_token is missing",
      },
    ],
    [
      "expires_in that is not a number",
      {
        json: {
          data: {
            error_code: 0,
            access_token: "a",
            expires_in: "soon",
            open_id: "o",
            refresh_token: "r",
            refresh_expires_in: 1,
            scope: "s",
          },
        },
      },
      {
        kind: "invalid-answer",
        message:
          "accessToken: the answer is not the expected JSON (HTTP 200): data.expires_in is not an integer",
      },
    ],
  ];
  for (const [name, reply, want] of cases) {
    it(`accessToken › ${name}`, async () => {
      const error = await failure(reply);
      expect(error).toBeInstanceOf(DouyinTransportError);
      expect(error).toMatchObject({
        name: "DouyinTransportError",
        operation: "accessToken",
        ...want,
      });
    });
  }
});

describe("a token field of the wrong type › DouyinTransportError invalid-answer, no value in it", () => {
  const tokens = {
    access_token: "act.secret-access",
    expires_in: 1296000,
    open_id: "open-secret-id",
    refresh_token: "rft.secret-refresh",
    refresh_expires_in: 2592000,
    scope: "user_info",
  };
  const success = {
    accessToken: tokens,
    refreshToken: tokens,
    renewRefreshToken: { refresh_token: "rft.secret-renewed", expires_in: 2592000 },
    clientToken: { access_token: "clt.secret-client", expires_in: 7200 },
    stableClientToken: { access_token: "clt.secret-stable", expires_in: 7200 },
    userInfo: {
      open_id: "open-secret-id",
      union_id: "union-secret-id",
      nickname: "Nick",
      avatar: "https://p3.example/a.jpeg",
    },
  } satisfies Record<TokenOperation, Record<string, unknown>>;
  const calls: Record<TokenOperation, (d: ReturnType<typeof douyin>) => Promise<unknown>> = {
    accessToken: (d) => d.accessToken({ code: "c" }),
    refreshToken: (d) => d.refreshToken({ refreshToken: "rft.sent" }),
    renewRefreshToken: (d) => d.renewRefreshToken({ refreshToken: "rft.sent" }),
    clientToken: (d) => d.clientToken(),
    stableClientToken: (d) => d.stableClientToken(),
    userInfo: (d) => d.userInfo({ accessToken: "act.sent", openId: "open-sent" }),
  };
  const cases: Array<[TokenOperation, string, unknown]> = [
    ["accessToken", "access_token", 73519246],
    ["accessToken", "access_token", { token: "act.inside-an-object" }],
    ["accessToken", "open_id", 86420975],
    ["accessToken", "refresh_token", ["rft.inside-an-array"]],
    ["accessToken", "refresh_token", true],
    ["accessToken", "scope", 31415926],
    ["refreshToken", "access_token", 27182818],
    ["refreshToken", "open_id", { id: "open-inside-an-object" }],
    ["refreshToken", "refresh_token", 16180339],
    ["refreshToken", "scope", 14142135],
    ["renewRefreshToken", "refresh_token", 17320508],
    ["clientToken", "access_token", { value: "clt.inside-an-object" }],
    ["stableClientToken", "access_token", 22360679],
    ["userInfo", "nickname", 26457513],
  ];
  for (const [operation, field, value] of cases) {
    it(`${operation} › data.${field} is ${JSON.stringify(value)}`, async () => {
      platform.answer(() => ({
        json: {
          data: { error_code: 0, ...success[operation], [field]: value },
          message: "success",
        },
      }));
      const client = createDouyinOAuth({
        clientKey: "k",
        clientSecret: "s",
        baseUrl: platform.url,
        retry: false,
      });
      const error = await calls[operation](client).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DouyinTransportError);
      expect(error).toMatchObject({
        name: "DouyinTransportError",
        kind: "invalid-answer",
        operation,
        status: 200,
        message: `${operation}: the answer is not the expected JSON (HTTP 200): data.${field} is not a string`,
      });
      expect((error as Error).cause).toBeUndefined();
      const seen = `${inspect(error, { depth: Infinity, showHidden: true })} ${JSON.stringify(error)}`;
      const values = [JSON.stringify(value), ...Object.values(success[operation]).map(String)];
      for (const sent of values.filter((v) => v.length > 6)) expect(seen).not.toContain(sent);
    });
  }
});
