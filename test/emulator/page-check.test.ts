// The authorization pages' parameter checks (PLATFORM.md, the pages' table and the
// redirect_uri rule), as a browser meets them: a refused request answers the error envelope.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_CODE } from "../../src/spec.js";
import { DEMO_APP, startEmulator, type Emulator } from "../../src/emulator/index.js";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());

const CONNECT = "/platform/oauth/connect/";
const AUTHORIZE = "/oauth/authorize/";
const valid = {
  client_key: DEMO_APP.clientKey,
  response_type: "code",
  scope: "user_info",
  redirect_uri: "http://127.0.0.1:3000/callback",
  state: "st",
};

async function open(path: string, params: Record<string, string | undefined>) {
  const url = new URL(path, emu.url);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  const res = await fetch(url, { redirect: "manual" });
  const type = res.headers.get("content-type") ?? "";
  return type.startsWith("application/json")
    ? { status: res.status, errorCode: ((await res.json()) as any).data.error_code as number }
    : { status: res.status, html: await res.text() };
}

const listed = (html: string) =>
  [...html.matchAll(/<li><code>([^<]*)<\/code><\/li>/g)].map((m) => m[1]);

describe("authorization pages › required parameters", () => {
  it.each(["client_key", "response_type", "scope", "redirect_uri"])(
    "without %s: 10005 missing parameter, before any other check",
    async (name) => {
      for (const path of [CONNECT, AUTHORIZE, "/oauth/authorize/v2/"]) {
        const params = { ...valid, scope: path.endsWith("v2/") ? "login_id" : valid.scope };
        const answer = await open(path, { ...params, [name]: undefined });
        expect(answer).toEqual({ status: 200, errorCode: ERROR_CODE.MISSING_PARAMETER });
      }
    },
  );
});

describe("authorization pages › redirect_uri", () => {
  it("accepts http:// and https:// on a registered domain", async () => {
    for (const redirect_uri of ["http://127.0.0.1:3000/cb", "https://localhost/cb"]) {
      const answer = await open(CONNECT, { ...valid, redirect_uri });
      expect(answer.status, redirect_uri).toBe(200);
      expect(answer.html, redirect_uri).toContain('value="approve"');
    }
  });

  it("refuses another scheme on a registered domain, and what is no URL at all: 10006", async () => {
    for (const redirect_uri of [
      "ftp://127.0.0.1/cb",
      "ws://localhost/cb",
      "127.0.0.1/cb",
      "not a url",
    ]) {
      const answer = await open(CONNECT, { ...valid, redirect_uri });
      expect(answer, redirect_uri).toEqual({
        status: 200,
        errorCode: ERROR_CODE.ILLEGAL_REDIRECT_URI,
      });
    }
  });

  it("refuses a redirect_uri with a query of its own on every page: 10006; a fragment is fine", async () => {
    for (const path of [CONNECT, AUTHORIZE, "/oauth/authorize/v2/"]) {
      const params = { ...valid, scope: path.endsWith("v2/") ? "login_id" : valid.scope };
      for (const redirect_uri of [
        "http://127.0.0.1:3000/cb?from=app",
        "https://localhost/?state=x",
      ]) {
        const answer = await open(path, { ...params, redirect_uri });
        expect(answer, `${path} ${redirect_uri}`).toEqual({
          status: 200,
          errorCode: ERROR_CODE.ILLEGAL_REDIRECT_URI,
        });
      }
      const fragment = await open(path, {
        ...params,
        redirect_uri: "http://127.0.0.1:3000/cb?#top",
      });
      expect(fragment.status, path).toBe(path.endsWith("v2/") ? 302 : 200);
    }
  });
});

describe("authorization pages › scope and optionalScope", () => {
  it("ignores empty items in scope (a trailing or doubled comma)", async () => {
    const answer = await open(CONNECT, { ...valid, scope: "user_info,,video.list," });
    expect(listed(answer.html!)).toEqual(["user_info", "video.list"]);
  });

  it("optionalScope belongs to connect: authorize ignores it, even when malformed", async () => {
    const ignored = await open(AUTHORIZE, { ...valid, optionalScope: "mobile,1" });
    expect(ignored.status).toBe(200);
    expect(ignored.html).not.toContain('name="optional_scope"');
    const malformed = await open(AUTHORIZE, { ...valid, optionalScope: "mobile,yes,odd" });
    expect(malformed.status).toBe(200);
    expect(malformed.html).toContain('value="approve"');
  });

  it("connect refuses a malformed optionalScope with 10002", async () => {
    for (const optionalScope of ["mobile", "mobile,1,video.data", "mobile,2", ",1"]) {
      const answer = await open(CONNECT, { ...valid, optionalScope });
      expect(answer, optionalScope).toEqual({ status: 200, errorCode: ERROR_CODE.PARAMETER_ERROR });
    }
  });
});

describe("authorization pages › a scope joined by spaces (issue 23)", () => {
  it("refuses scope=user_info video.list with 10002, the description naming the space and the comma", async () => {
    for (const path of [CONNECT, AUTHORIZE]) {
      for (const scope of [
        "user_info video.list",
        "user_info+video.list",
        "user_info,\tvideo.list",
      ]) {
        const url = new URL(path, emu.url);
        url.search = new URLSearchParams({ ...valid, scope }).toString().replace("%2B", "+");
        const res = await fetch(url, { redirect: "manual" });
        const body = (await res.json()) as any;
        expect(body.data, `${path} ${scope}`).toMatchObject({
          error_code: ERROR_CODE.PARAMETER_ERROR,
          description:
            "参数错误 / parameter error: scope holds a space: Douyin joins scopes with commas, e.g. user_info,video.list",
        });
      }
    }
  });

  it("optionalScope with a space is refused the same way", async () => {
    const url = new URL(CONNECT, emu.url);
    url.search = new URLSearchParams({
      ...valid,
      optionalScope: "mobile,1 video.list,0",
    }).toString();
    const body = (await (await fetch(url)).json()) as any;
    expect(body.data.error_code).toBe(ERROR_CODE.PARAMETER_ERROR);
    expect(body.data.description).toContain("optionalScope holds a space");
  });
});

describe("authorization pages › redirect URIs registered exactly (issue 23)", () => {
  let exact: Emulator;
  const EXACT = {
    clientKey: "aw_exact",
    clientSecret: "exact_secret",
    redirectUris: ["https://app.example/auth/callback", "http://127.0.0.1:3000/cb"],
  };
  const MIXED = {
    clientKey: "aw_mixed",
    clientSecret: "mixed_secret",
    redirectDomains: ["localhost"],
    redirectUris: ["https://app.example/auth/callback"],
  };
  beforeAll(async () => {
    exact = await startEmulator({ apps: [EXACT, MIXED] });
  });
  afterAll(() => exact.close());

  async function at(clientKey: string, redirect_uri: string, path = CONNECT) {
    const url = new URL(path, exact.url);
    url.search = new URLSearchParams({ ...valid, client_key: clientKey, redirect_uri }).toString();
    const res = await fetch(url, { redirect: "manual" });
    return res.headers.get("content-type")?.startsWith("application/json")
      ? ((await res.json()) as any).data.error_code
      : res.status;
  }

  it("accepts exactly a registered URI (a fragment is not compared) and nothing else on its host", async () => {
    expect(await at("aw_exact", "https://app.example/auth/callback")).toBe(200);
    expect(await at("aw_exact", "https://app.example/auth/callback#top")).toBe(200);
    expect(await at("aw_exact", "http://127.0.0.1:3000/cb")).toBe(200);
    for (const other of [
      "https://app.example/auth/callback/",
      "https://app.example/auth/other",
      "http://app.example/auth/callback",
      "https://app.example:8443/auth/callback",
      "http://127.0.0.1:3001/cb",
      "http://localhost:3000/cb",
    ]) {
      expect(await at("aw_exact", other), other).toBe(ERROR_CODE.ILLEGAL_REDIRECT_URI);
    }
  });

  it("with domains too: a URI passes on either registration", async () => {
    expect(await at("aw_mixed", "http://localhost:9/anything")).toBe(200);
    expect(await at("aw_mixed", "https://app.example/auth/callback")).toBe(200);
    expect(await at("aw_mixed", "https://app.example/elsewhere")).toBe(
      ERROR_CODE.ILLEGAL_REDIRECT_URI,
    );
  });

  it("the approval posted with another redirect_uri is refused too (10006), no code issued", async () => {
    const res = await fetch(new URL(CONNECT, exact.url), {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({
        ...valid,
        client_key: "aw_exact",
        redirect_uri: "https://app.example/evil",
        decision: "approve",
      }),
    });
    expect(((await res.json()) as any).data.error_code).toBe(ERROR_CODE.ILLEGAL_REDIRECT_URI);
    expect(exact.stored.codes).toBe(0);
  });
});
