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

// The answer reader's edges, driven through the client over HTTP: the status range, the
// integer rule for numbers and numeric strings, where the log id comes from, "<nil>" fields,
// and what a success resolves to.
describe("the answer over HTTP, case by case", () => {
  const platform = useFakePlatform();

  const douyin = () =>
    createDouyinOAuth({
      clientKey: "k",
      clientSecret: "s",
      baseUrl: platform.url,
      retry: false,
    });

  const token = (data: Record<string, unknown>) => ({
    error_code: 0,
    access_token: "act.1",
    expires_in: 7200,
    ...data,
  });

  async function outcome(reply: Reply, code = "c-edge"): Promise<unknown> {
    platform.answer(() => reply);
    return douyin()
      .accessToken({ code })
      .then(
        (value) => value,
        (e: unknown) => e,
      );
  }

  async function clientToken(reply: Reply): Promise<unknown> {
    platform.answer(() => reply);
    return douyin()
      .clientToken()
      .then(
        (value) => value,
        (e: unknown) => e,
      );
  }

  const invalid = (detail: string) => ({
    kind: "invalid-answer",
    message: `clientToken: the answer is not the expected JSON (HTTP 200): ${detail}`,
  });

  describe("HTTP status range", () => {
    it("299 is still a success status: the body is read", async () => {
      const result = await clientToken({ status: 299, json: { data: token({}) } });
      expect(result).toEqual({ error_code: 0, access_token: "act.1", expires_in: 7200 });
    });

    it("300 is an HTTP error status", async () => {
      const error = await clientToken({ status: 300, json: { data: token({}) } });
      expect(error).toBeInstanceOf(DouyinTransportError);
      expect(error).toMatchObject({ kind: "http-status", status: 300 });
    });
  });

  describe("bodies that are not an answer", () => {
    it("whitespace only is an empty body", async () => {
      expect(await clientToken({ body: " \n\t " })).toMatchObject(invalid("the body is empty"));
    });

    it("data that is an array is no data object", async () => {
      expect(await clientToken({ json: { data: [token({})] } })).toMatchObject(
        invalid("the body has no data object"),
      );
    });

    it("data that is null is no data object", async () => {
      expect(await clientToken({ json: { data: null } })).toMatchObject(
        invalid("the body has no data object"),
      );
    });

    it("JSON null is no data object", async () => {
      expect(await clientToken({ body: "null" })).toMatchObject(
        invalid("the body has no data object"),
      );
    });
  });

  describe("integers", () => {
    const cases: Array<[string, unknown]> = [
      ["a fraction", 1.5],
      ["an unsafe integer", 2 ** 60],
      ["a string with a leading space", " 0"],
      ["a string with a trailing space", "0 "],
      ["an exponent string", "1e3"],
      ["a 16-digit string", "1234567890123456"],
      ["null", null],
      // an array's text is its elements' ("0"): only a string is read as digits
      ["an array holding a numeric string", ["0"]],
      ["true", true],
    ];
    for (const [name, value] of cases) {
      it(`error_code as ${name} is not an integer`, async () => {
        expect(await clientToken({ json: { data: { error_code: value } } })).toMatchObject(
          invalid("data.error_code is not an integer"),
        );
      });
    }

    it("a negative numeric string error_code is a platform error", async () => {
      const error = await clientToken({ json: { data: { error_code: "-1" } } });
      expect(error).toBeInstanceOf(DouyinOAuthError);
      expect(error).toMatchObject({ errorCode: -1 });
    });

    it("a 15-digit numeric string is read as a number", async () => {
      const result = await clientToken({
        json: { data: token({ expires_in: "123456789012345" }) },
      });
      expect(result).toMatchObject({ expires_in: 123456789012345 });
    });

    it("success with error_code sent as the string '0' resolves with the number 0", async () => {
      const result = await clientToken({
        json: { data: token({ error_code: "0", expires_in: "86400" }) },
      });
      expect(result).toEqual({ error_code: 0, access_token: "act.1", expires_in: 86400 });
    });

    it("expires_in as a fraction is not an integer", async () => {
      expect(await clientToken({ json: { data: token({ expires_in: 7.5 }) } })).toMatchObject(
        invalid("data.expires_in is not an integer"),
      );
    });
  });

  describe("platform errors", () => {
    it("an empty extra.logid falls back to data.log_id", async () => {
      const error = await clientToken({
        json: { data: { error_code: 10013, log_id: "L-data" }, extra: { logid: "" } },
      });
      expect(error).toMatchObject({ errorCode: 10013, logId: "L-data" });
    });

    it("extra.logid wins over data.log_id", async () => {
      const error = await clientToken({
        json: { data: { error_code: 10013, log_id: "L-data" }, extra: { logid: "L-extra" } },
      });
      expect(error).toMatchObject({ logId: "L-extra" });
    });

    it("an extra that is not an object is ignored", async () => {
      const error = await clientToken({
        json: { data: { error_code: 10013, log_id: "L-data" }, extra: "L-string" },
      });
      expect(error).toMatchObject({ logId: "L-data" });
    });

    it("a log id that is a number is no log id", async () => {
      const error = await clientToken({ json: { data: { error_code: 10013, log_id: 42 } } });
      expect(error).toBeInstanceOf(DouyinOAuthError);
      expect((error as DouyinOAuthError).logId).toBeUndefined();
    });

    it("a description that is not a string is empty", async () => {
      const error = await clientToken({
        json: { data: { error_code: 10013, description: { text: "x" } } },
      });
      expect(error).toMatchObject({ errorCode: 10013, description: "" });
    });

    it("a description echoing the sent code does not carry it", async () => {
      const code = "code-echoed-7f3a9";
      const error = await outcome(
        { json: { data: { error_code: 10007, description: `code ${code} expired` } } },
        code,
      );
      expect(error).toBeInstanceOf(DouyinOAuthError);
      expect((error as DouyinOAuthError).description).not.toContain(code);
      expect((error as DouyinOAuthError).description).toContain("expired");
    });
  });

  describe("successes", () => {
    it("a required field that is null is missing", async () => {
      expect(await clientToken({ json: { data: token({ access_token: null }) } })).toMatchObject(
        invalid("data.access_token is missing"),
      );
    });

    it('a required field sent as "<nil>" is missing', async () => {
      expect(await clientToken({ json: { data: token({ access_token: "<nil>" }) } })).toMatchObject(
        invalid("data.access_token is missing"),
      );
    });

    it('an optional "<nil>" field is dropped; other fields are kept as sent', async () => {
      const result = await clientToken({
        json: { data: token({ description: "", extra_field: "<nil>", kept: "yes" }) },
      });
      expect(result).toEqual({
        error_code: 0,
        access_token: "act.1",
        expires_in: 7200,
        description: "",
        kept: "yes",
      });
    });
  });
});
