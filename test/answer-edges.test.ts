// The answer reader's edges, driven through the client over HTTP: the status range, the
// integer rule for numbers and numeric strings, where the log id comes from, "<nil>" fields,
// and what a success resolves to.
import { describe, expect, it } from "vitest";
import { createDouyinOAuth, DouyinOAuthError, DouyinTransportError } from "../src/index.js";
import { useFakePlatform, type Reply } from "./support/fake-platform.js";

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
    const result = await clientToken({ json: { data: token({ expires_in: "123456789012345" }) } });
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
