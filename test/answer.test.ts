// The one answer reader, driven through the client over HTTP: platform errors become
// DouyinOAuthError with every field, anything not the expected JSON a DouyinTransportError.
import { describe, expect, it } from "vitest";
import {
  createDouyinOAuth,
  DouyinError,
  DouyinOAuthError,
  DouyinTransportError,
  ERROR_CODE,
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
      message: "refreshToken: the platform answered error_code 10010",
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
