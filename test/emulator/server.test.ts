// The emulator's platform routes over raw HTTP (server.ts, http.ts): which methods each path
// takes, where a token call's parameters come from (query, form or JSON body, first value
// wins), the 64 KiB body cap, each fault exactly as it goes on the wire, the consent page's
// POST, the docs, avatar, favicon and 404 routes, and what each request leaves in the activity.
import { request, type IncomingHttpHeaders } from "node:http";
import { connect } from "node:net";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { platformPath } from "../../src/emulator/server.js";
import { DEMO_APP, startEmulator, type Emulator } from "../../src/emulator/index.js";
import { ERROR_CODE, OPERATION_PATHS } from "../../src/spec.js";

const START = Date.UTC(2026, 10, 27, 9, 0, 0);
let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ now: () => START });
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

const redirectUri = "http://127.0.0.1:3000/callback";
const { clientKey: client_key, clientSecret: client_secret } = DEMO_APP;
const clientQuery = { client_key, client_secret, grant_type: "client_credential" };

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One request over node:http, as a client that sets its own Host, method and body chunks would
 * send it. Rejects when the emulator drops the connection.
 */
function raw(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: Array<string | Buffer> | string } = {},
): Promise<Answer> {
  const chunks = typeof options.body === "string" ? [options.body] : (options.body ?? []);
  return new Promise((resolve, reject) => {
    const req = request(
      `${emu.url}${path}`,
      { method, headers: options.headers ?? {}, agent: false },
      (res) => {
        const parts: Buffer[] = [];
        res.on("data", (part: Buffer) => parts.push(part));
        res.on("error", reject);
        res.on("end", () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            body: Buffer.concat(parts).toString("utf8"),
          }),
        );
      },
    );
    req.on("error", reject);
    // each chunk once the one before is on its way, so the emulator reads them apart
    const next = (i: number) => {
      if (i === chunks.length) return req.end();
      req.write(chunks[i]!, () => setTimeout(() => next(i + 1), 20));
    };
    next(0);
  });
}

const query = (params: Record<string, string>) => `?${new URLSearchParams(params)}`;
const form = (body: string) => ({
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body,
});
const jsonBody = (body: string) => ({ headers: { "content-type": "application/json" }, body });
const dataOf = (answer: Answer) => JSON.parse(answer.body).data;
const latest = () => emu.requests()[0]!;

describe("token endpoints › methods", () => {
  it("a method other than GET or POST → 405 with Allow: GET, POST, counted nowhere, recorded", async () => {
    const answer = await raw("DELETE", `/oauth/client_token/${query(clientQuery)}`);
    expect(answer).toMatchObject({
      status: 405,
      body: "method not allowed",
      headers: {
        allow: "GET, POST",
        "content-type": "text/plain; charset=utf-8",
        "cache-control": "no-store",
      },
    });
    expect(emu.stats.clientToken).toBe(0);
    expect(emu.requests()).toEqual([
      {
        at: START,
        method: "DELETE",
        path: "/oauth/client_token/",
        withoutSlash: false,
        form: "GET",
        operation: "clientToken",
        params: { client_key, client_secret: "***", grant_type: "client_credential" },
        status: 405,
        outcome: "method not allowed",
      },
    ]);
  });

  it("userinfo: a method other than GET or POST → 405 with Allow: GET, POST, counted nowhere", async () => {
    const answer = await raw("PUT", "/oauth/userinfo/", jsonBody("{}"));
    expect(answer).toMatchObject({
      status: 405,
      body: "method not allowed",
      headers: { allow: "GET, POST", "content-type": "text/plain; charset=utf-8" },
    });
    expect(emu.stats.userInfo).toBe(0);
    expect(latest()).toMatchObject({
      method: "PUT",
      operation: "userInfo",
      status: 405,
      outcome: "method not allowed",
    });
  });

  it("stable_client_token takes POST only: GET → 405 with Allow: POST", async () => {
    const answer = await raw("GET", `/oauth/stable_client_token/${query(clientQuery)}`);
    expect(answer).toMatchObject({ status: 405, headers: { allow: "POST" } });
    expect(emu.stats.stableClientToken).toBe(0);
  });

  it("every answer is HTTP 200 JSON, never cached", async () => {
    const answer = await raw("GET", `/oauth/client_token/${query(clientQuery)}`);
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(answer.headers["cache-control"]).toBe("no-store");
    expect(dataOf(answer).access_token).toMatch(/^clt\./);
  });
});

describe("token endpoints › where the parameters come from", () => {
  it("GET: the query, first value of a repeated parameter", async () => {
    const first = await raw(
      "GET",
      `/oauth/client_token/?client_key=${client_key}&client_key=ghost&client_secret=${client_secret}&grant_type=client_credential`,
    );
    expect(dataOf(first).error_code).toBe(0);
    const ghost = await raw(
      "GET",
      `/oauth/client_token/?client_key=ghost&client_key=${client_key}&client_secret=${client_secret}&grant_type=client_credential`,
    );
    expect(dataOf(ghost).error_code).toBe(10003);
    expect(latest().params.client_key).toBe("ghost");
  });

  it("a parameter named like an object's own member (constructor, toString) is a parameter too", async () => {
    await raw(
      "GET",
      `/oauth/client_token/${query({ ...clientQuery, constructor: "c", toString: "t" })}`,
    );
    expect(latest().params).toMatchObject({ constructor: "c", toString: "t" });
    await raw("POST", "/oauth/client_token/", form("hasOwnProperty=h&valueOf=v"));
    expect(latest().params).toEqual({ hasOwnProperty: "h", valueOf: "v" });
  });

  it("POST form: the body, first value of a repeated parameter; the query is not read", async () => {
    const body = `client_key=${client_key}&client_key=ghost&client_secret=${client_secret}&grant_type=client_credential`;
    expect(dataOf(await raw("POST", "/oauth/client_token/", form(body))).error_code).toBe(0);
    const queried = await raw("POST", `/oauth/client_token/${query(clientQuery)}`, form(""));
    expect(dataOf(queried).error_code).toBe(10005);
    // the activity shows what was read: the (empty) body, not the query
    expect(latest()).toMatchObject({ form: "POST form", params: {}, errorCode: 10005 });
  });

  it("POST JSON: an object's string members; any other member is as if absent", async () => {
    const ok = await raw("POST", "/oauth/client_token/", jsonBody(JSON.stringify(clientQuery)));
    expect(dataOf(ok).error_code).toBe(0);
    expect(latest().params).toEqual({
      client_key,
      client_secret: "***",
      grant_type: "client_credential",
    });
    const numbered = await raw(
      "POST",
      "/oauth/client_token/",
      jsonBody(JSON.stringify({ ...clientQuery, grant_type: 1 })),
    );
    expect(dataOf(numbered).error_code).toBe(10005);
    expect(latest().params).toEqual({ client_key, client_secret: "***" });
  });

  it("POST JSON that is null, a string, a number, an array or no JSON reads as no parameters: 10005", async () => {
    for (const body of ["null", '"client_key"', "7", '["client_key"]', "{not json"]) {
      const answer = await raw("POST", "/oauth/client_token/", jsonBody(body));
      expect(dataOf(answer).error_code, body).toBe(10005);
      expect(latest().params, body).toEqual({});
    }
  });

  it("a body of another media type is not read, even when it is JSON: 10005", async () => {
    const answer = await raw("POST", "/oauth/client_token/", {
      headers: { "content-type": "text/plain" },
      body: JSON.stringify(clientQuery),
    });
    expect(dataOf(answer).error_code).toBe(10005);
    expect(latest()).toMatchObject({ form: "POST other", params: {} });
  });

  it("a body sent in several chunks is read whole, a character split between chunks intact", async () => {
    const body = Buffer.from(JSON.stringify({ ...clientQuery, note: "抖音" }));
    const cut = body.indexOf(Buffer.from("抖")) + 1; // inside the character's three bytes
    const answer = await raw("POST", "/oauth/client_token/", {
      headers: { "content-type": "application/json" },
      body: [body.subarray(0, cut), body.subarray(cut)],
    });
    expect(dataOf(answer).error_code).toBe(0);
    expect(latest().params.note).toBe("抖音");
  });
});

describe("the 64 KiB body cap", () => {
  /** A form body of exactly `size` bytes whose parameters are the client-token call's. */
  const formOfSize = (size: number) => {
    const head = `${new URLSearchParams(clientQuery)}&pad=`;
    return head + "x".repeat(size - head.length);
  };

  it("a token call's body of exactly 64 KiB is read; one byte more → 413, nothing counted", async () => {
    const exact = await raw("POST", "/oauth/client_token/", form(formOfSize(64 * 1024)));
    expect(dataOf(exact).error_code).toBe(0);
    expect(emu.stats.clientToken).toBe(1);
    const over = await raw(
      "POST",
      `/oauth/client_token/?client_key=${client_key}`,
      form(formOfSize(64 * 1024 + 1)),
    );
    expect(over).toMatchObject({
      status: 413,
      body: "body too large",
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
    expect(emu.stats.clientToken).toBe(1);
    // the body was never read: the activity shows the query
    expect(latest()).toMatchObject({
      operation: "clientToken",
      params: { client_key },
      status: 413,
      outcome: "too large",
    });
  });

  it("userinfo's body too → 413, not counted", async () => {
    const over = await raw("POST", "/oauth/userinfo/", jsonBody(" ".repeat(64 * 1024 + 1)));
    expect(over).toMatchObject({
      status: 413,
      body: "body too large",
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
    expect(emu.stats.userInfo).toBe(0);
    expect(latest()).toMatchObject({ operation: "userInfo", status: 413, outcome: "too large" });
  });

  it("the consent page's form too → 413", async () => {
    const over = await raw("POST", "/platform/oauth/connect/", form(formOfSize(64 * 1024 + 1)));
    expect(over).toMatchObject({
      status: 413,
      body: "form too large",
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
    expect(latest()).toMatchObject({ operation: "connect", status: 413, outcome: "too large" });
  });
});

describe("faults › as served", () => {
  const clientTokenPath = `/oauth/client_token/${query(clientQuery)}`;
  /** An error answer whose length does not vary: a missing parameter, on a fixed clock. */
  const missingPath = `/oauth/client_token/${query({ client_key })}`;

  it("status: 503 by default, an HTML page, nothing processed", async () => {
    emu.injectFault({ operation: "clientToken", kind: "status", times: 1 });
    const answer = await raw("GET", clientTokenPath);
    expect(answer).toMatchObject({
      status: 503,
      body: "<html><body><h1>503 Service Unavailable</h1></body></html>",
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
    });
    expect(emu.stored.clientTokens).toBe(0);
    expect(latest()).toMatchObject({ status: 503, outcome: "fault status" });
    expect(latest()).not.toHaveProperty("errorCode");
    emu.injectFault({ operation: "clientToken", kind: "status", status: 502, times: 1 });
    expect((await raw("GET", clientTokenPath)).status).toBe(502);
    expect(latest()).toMatchObject({ status: 502, outcome: "fault status" });
  });

  it("html: HTTP 200 with the maintenance page, nothing processed", async () => {
    emu.injectFault({ operation: "clientToken", kind: "html", times: 1 });
    const answer = await raw("GET", clientTokenPath);
    expect(answer).toMatchObject({
      status: 200,
      body: "<!doctype html><title>系统维护</title><p>Service under maintenance</p>",
      headers: { "content-type": "text/html; charset=utf-8" },
    });
    expect(emu.stored.clientTokens).toBe(0);
    expect(latest()).toMatchObject({ status: 200, outcome: "fault html" });
  });

  it("empty: HTTP 200 JSON with no body, nothing processed", async () => {
    emu.injectFault({ operation: "clientToken", kind: "empty", times: 1 });
    const answer = await raw("GET", clientTokenPath);
    expect(answer).toMatchObject({
      status: 200,
      body: "",
      headers: { "content-type": "application/json; charset=utf-8" },
    });
    expect(emu.stored.clientTokens).toBe(0);
    expect(latest()).toMatchObject({ status: 200, outcome: "fault empty" });
  });

  it("reset: the connection drops, nothing processed; recorded with status 0", async () => {
    emu.injectFault({ operation: "clientToken", kind: "reset", times: 1 });
    await expect(raw("GET", clientTokenPath)).rejects.toThrow();
    expect(emu.stored.clientTokens).toBe(0);
    expect(latest()).toMatchObject({ status: 0, outcome: "fault reset" });
    expect(latest()).not.toHaveProperty("errorCode");
  });

  it("lost: processed, then the connection drops; the error the platform meant is recorded", async () => {
    emu.injectFault({ operation: "clientToken", kind: "lost", times: 2 });
    await expect(raw("GET", clientTokenPath)).rejects.toThrow();
    expect(emu.stored.clientTokens).toBe(1);
    expect(latest()).toEqual(expect.objectContaining({ status: 0, outcome: "fault lost" }));
    expect(latest()).not.toHaveProperty("errorCode");
    await expect(raw("GET", missingPath)).rejects.toThrow();
    expect(latest()).toMatchObject({ status: 0, outcome: "fault lost", errorCode: 10005 });
  });

  it("truncated: processed, then the first half of the JSON with its own Content-Length", async () => {
    const whole = (await raw("GET", missingPath)).body;
    emu.injectFault({ operation: "clientToken", kind: "truncated", times: 2 });
    const answer = await raw("GET", missingPath);
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(answer.body).toHaveLength(Math.floor(whole.length / 2));
    expect(answer.headers["content-length"]).toBe(String(Buffer.byteLength(answer.body)));
    expect(whole.startsWith(answer.body.slice(0, 20))).toBe(true);
    expect(() => JSON.parse(answer.body)).toThrow(SyntaxError);
    expect(latest()).toMatchObject({ status: 200, outcome: "fault truncated", errorCode: 10005 });
    await raw("GET", clientTokenPath);
    expect(emu.stored.clientTokens).toBe(1);
    expect(latest()).toMatchObject({ outcome: "fault truncated" });
    expect(latest()).not.toHaveProperty("errorCode");
  });

  it("stall: processed, the whole answer's Content-Length, half of it, then nothing", async () => {
    const whole = (await raw("GET", missingPath)).body;
    emu.injectFault({ operation: "clientToken", kind: "stall", times: 1 });
    const { headers, first } = await new Promise<{ headers: IncomingHttpHeaders; first: string }>(
      (resolve, reject) => {
        const req = request(`${emu.url}${missingPath}`, { agent: false }, (res) => {
          res.once("data", (part: Buffer) => {
            resolve({ headers: res.headers, first: part.toString("utf8") });
            req.destroy();
          });
        });
        req.on("error", reject);
        req.end();
      },
    );
    expect(headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(headers["content-length"]).toBe(String(Buffer.byteLength(whole)));
    expect(first).toHaveLength(Math.floor(whole.length / 2));
    expect(latest()).toMatchObject({ status: 200, outcome: "fault stall", errorCode: 10005 });
  });

  it("latency: the answer as usual, the outcome marked", async () => {
    emu.injectFault({ operation: "clientToken", kind: "latency", latencyMs: 1, times: 2 });
    expect(dataOf(await raw("GET", clientTokenPath)).error_code).toBe(0);
    expect(latest()).toMatchObject({ status: 200, outcome: "success after fault latency" });
    expect(latest()).not.toHaveProperty("errorCode");
    expect(dataOf(await raw("GET", missingPath)).error_code).toBe(10005);
    expect(latest()).toMatchObject({
      status: 200,
      outcome: "error after fault latency",
      errorCode: 10005,
    });
  });
});

describe("authorization pages › methods and records", () => {
  const pageQuery = {
    client_key,
    response_type: "code",
    scope: "user_info",
    redirect_uri: redirectUri,
    state: "st",
  };

  it("the consent page: HTML, counted, recorded as a consent page", async () => {
    const answer = await raw("GET", `/platform/oauth/connect/${query(pageQuery)}`);
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(answer.headers["cache-control"]).toBe("no-store");
    expect(emu.stats.connect).toBe(1);
    expect(latest()).toMatchObject({
      operation: "connect",
      status: 200,
      outcome: "consent page",
      params: { redirect_uri: redirectUri, state: "st" },
    });
  });

  it("a refused page is the JSON envelope, recorded with its error code", async () => {
    const answer = await raw(
      "GET",
      `/oauth/authorize/${query({ ...pageQuery, redirect_uri: "https://evil.example/cb" })}`,
    );
    expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(dataOf(answer).error_code).toBe(10006);
    expect(emu.stats.authorize).toBe(1);
    expect(latest()).toMatchObject({
      operation: "authorize",
      status: 200,
      outcome: "error",
      errorCode: 10006,
    });
  });

  it("a page takes GET and POST only: PUT → 405 with Allow: GET; authorize/v2 refuses POST", async () => {
    for (const [method, path] of [
      ["PUT", "/platform/oauth/connect/"],
      ["DELETE", "/oauth/authorize/"],
      ["POST", "/oauth/authorize/v2/"],
    ] as const) {
      const answer = await raw(method, path, form(new URLSearchParams(pageQuery).toString()));
      expect(answer, `${method} ${path}`).toMatchObject({
        status: 405,
        body: "method not allowed",
        headers: { allow: "GET", "content-type": "text/plain; charset=utf-8" },
      });
      expect(latest()).toMatchObject({ status: 405, outcome: "method not allowed" });
    }
    expect(emu.stats).toMatchObject({ connect: 0, authorize: 0, authorizeV2: 0 });
  });

  it("authorize/v2 redirects with a code for demo_user, never cached, recorded as a redirect", async () => {
    const answer = await raw(
      "GET",
      `/oauth/authorize/v2/${query({ ...pageQuery, scope: "login_id" })}`,
    );
    expect(answer.status).toBe(302);
    expect(answer.headers["cache-control"]).toBe("no-store");
    const back = new URL(answer.headers.location!);
    expect([...back.searchParams.keys()].sort()).toEqual(["code", "state"]);
    const signedIn = await exchange(back.searchParams.get("code")!);
    const demo = await exchange(emu.issueCode({ scope: "login_id" }));
    expect(signedIn).toMatchObject({ scope: "login_id", open_id: demo.open_id });
    expect(emu.requests()[2]).toMatchObject({
      operation: "authorizeV2",
      status: 302,
      outcome: "redirect",
    });
  });
});

/** The code's exchange, over GET: the token answer's data. */
async function exchange(code: string) {
  const answer = await raw(
    "GET",
    `/oauth/access_token/${query({ client_key, client_secret, code, grant_type: "authorization_code" })}`,
  );
  return dataOf(answer);
}

describe("the consent page's POST", () => {
  const fields = (extra: Record<string, string | string[]>) => {
    const body = new URLSearchParams({
      client_key,
      response_type: "code",
      scope: "user_info",
      redirect_uri: redirectUri,
      state: "st",
      optionalScope: "mobile,1,video.data,0",
    });
    for (const [name, value] of Object.entries(extra)) {
      for (const one of [value].flat()) body.append(name, one);
    }
    return body.toString();
  };
  const approve = async (extra: Record<string, string | string[]>) => {
    const answer = await raw(
      "POST",
      "/platform/oauth/connect/",
      form(fields({ decision: "approve", ...extra })),
    );
    expect(answer.status).toBe(302);
    expect(answer.headers["cache-control"]).toBe("no-store");
    return new URL(answer.headers.location!);
  };

  it("grants the requested scopes and the ticked optional ones that were offered, no others", async () => {
    const back = await approve({ optional_scope: ["video.data", "mobile", "video.delete"] });
    expect(back.searchParams.get("scopes")).toBe("user_info,video.data,mobile");
    expect(back.searchParams.get("state")).toBe("st");
    expect(latest()).toMatchObject({
      operation: "connect",
      form: "POST form",
      status: 302,
      outcome: "redirect",
      params: { decision: "approve", optional_scope: "video.data" },
    });
    expect((await exchange(back.searchParams.get("code")!)).scope).toBe(
      "user_info,video.data,mobile",
    );
  });

  it("the account name is trimmed; a blank one is demo_user", async () => {
    const alice = await exchange(emu.issueCode({ scope: "user_info", user: "alice" }));
    const demo = await exchange(emu.issueCode({ scope: "user_info" }));
    const trimmed = await approve({ user: "  alice " });
    expect((await exchange(trimmed.searchParams.get("code")!)).open_id).toBe(alice.open_id);
    const blank = await approve({ user: "   " });
    expect((await exchange(blank.searchParams.get("code")!)).open_id).toBe(demo.open_id);
  });

  it("a long account name is the user's nickname cut to 64 characters", async () => {
    const name = `${"n".repeat(64)}tail`;
    const back = await approve({ user: name });
    const { access_token, open_id } = await exchange(back.searchParams.get("code")!);
    expect(open_id).not.toBe((await exchange(emu.issueCode({ scope: "user_info" }))).open_id);
    const info = await raw("POST", "/oauth/userinfo/", {
      headers: { "access-token": access_token, "content-type": "application/json" },
      body: JSON.stringify({ open_id }),
    });
    expect(dataOf(info).nickname).toBe("n".repeat(64));
  });

  it("anything but approve is a refusal: back with the state alone, recorded as denied", async () => {
    for (const extra of [{}, { decision: "Approve" }]) {
      const answer = await raw("POST", "/platform/oauth/connect/", form(fields(extra)));
      expect(answer.status).toBe(302);
      const back = new URL(answer.headers.location!);
      expect(back.origin + back.pathname).toBe(redirectUri);
      expect([...back.searchParams]).toEqual([["state", "st"]]);
      expect(latest()).toMatchObject({ status: 302, outcome: "denied" });
    }
    expect(emu.stored.codes).toBe(0);
  });

  it("an approval for a redirect_uri with a query of its own is refused (10006), no code issued", async () => {
    const codes = emu.stored.codes;
    const answer = await raw(
      "POST",
      "/platform/oauth/connect/",
      form(
        new URLSearchParams({
          client_key,
          response_type: "code",
          scope: "user_info",
          redirect_uri: `${redirectUri}?from=app&state=stale`,
          state: "st",
          decision: "approve",
        }).toString(),
      ),
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.location).toBeUndefined();
    expect(dataOf(answer).error_code).toBe(ERROR_CODE.ILLEGAL_REDIRECT_URI);
    expect(emu.stored.codes).toBe(codes);
  });
});

describe("userinfo › the avatar URL follows the Host the client used", () => {
  async function avatarWith(host: string | undefined) {
    const { access_token, open_id } = await exchange(emu.issueCode({ scope: "user_info" }));
    const headers: Record<string, string> = {
      "access-token": access_token,
      "content-type": "application/json",
    };
    if (host !== undefined) headers.host = host;
    const answer = await raw("POST", "/oauth/userinfo/", {
      headers,
      body: JSON.stringify({ open_id }),
    });
    return dataOf(answer).avatar as string;
  }

  it("a name or address with a port, an IPv6 literal: as sent; anything else: 127.0.0.1", async () => {
    const sent = [
      "localhost:8123",
      "dev.example-host",
      "h:1",
      "h:12345",
      "[::1]",
      "[::1]:8",
      "[::1]:65535",
      "[::FFFF:127.0.0.1]",
    ];
    const refused = [
      ":80",
      "h:",
      "h:123456",
      "evil.example/path",
      "a b",
      "[]",
      "[::1]:",
      "[::1]:123456",
      "[::g]",
      "[::1]x",
      "x[::1]",
    ];
    for (const [hosts, origin] of [
      [sent, (host: string) => `http://${host}`],
      [refused, () => "http://127.0.0.1"],
    ] as const) {
      for (const host of hosts) {
        const avatar = await avatarWith(host);
        expect(avatar, JSON.stringify(host)).toMatch(/^http:\/\/[^/]+\/avatar\/[0-9a-f]{20}\.svg$/);
        expect(avatar.slice(0, avatar.indexOf("/avatar/")), JSON.stringify(host)).toBe(
          origin(host),
        );
      }
    }
  });

  it("no Host at all (HTTP/1.0): 127.0.0.1", async () => {
    const { access_token, open_id } = await exchange(emu.issueCode({ scope: "user_info" }));
    const body = JSON.stringify({ open_id });
    const { port } = new URL(emu.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), "127.0.0.1", () => {
        socket.end(
          [
            "POST /oauth/userinfo/ HTTP/1.0",
            `access-token: ${access_token}`,
            "content-type: application/json",
            `content-length: ${Buffer.byteLength(body)}`,
            "",
            body,
          ].join("\r\n"),
        );
      });
      const parts: Buffer[] = [];
      socket.on("data", (part: Buffer) => parts.push(part));
      socket.on("error", reject);
      socket.on("close", () => resolve(Buffer.concat(parts).toString("utf8")));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    const { data } = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4));
    expect(data.avatar).toMatch(/^http:\/\/127\.0\.0\.1\/avatar\/[0-9a-f]{20}\.svg$/);
  });

  it("the activity records the body's parameters, never the header's token", async () => {
    const { access_token, open_id } = await exchange(emu.issueCode({ scope: "user_info" }));
    await raw("POST", "/oauth/userinfo/", {
      headers: { "access-token": access_token, "content-type": "application/json" },
      body: JSON.stringify({ open_id }),
    });
    expect(latest()).toMatchObject({
      operation: "userInfo",
      form: "POST JSON",
      params: { open_id },
      status: 200,
      outcome: "success",
    });
    expect(JSON.stringify(emu.requests())).not.toContain(access_token);
  });
});

describe("the emulator's own pages", () => {
  it("/docs and /docs/control, with or without the slash, vary by Accept-Encoding", async () => {
    for (const path of ["/docs", "/docs/", "/docs/control", "/docs/control/"]) {
      const answer = await raw("GET", path, { headers: { "accept-encoding": "identity" } });
      expect(answer, path).toMatchObject({
        status: 200,
        headers: { "content-type": "text/html; charset=utf-8", vary: "accept-encoding" },
      });
      expect(answer.headers["content-encoding"], path).toBeUndefined();
      const title = /<title>([^<]*)<\/title>/.exec(answer.body)?.[1];
      expect(title, path).toBe(
        path.includes("control")
          ? "Douyin OAuth emulator: control API"
          : "Douyin Open Platform OAuth",
      );
    }
    const gzip = await raw("GET", "/docs/control/", { headers: { "accept-encoding": "gzip" } });
    expect(gzip.headers).toMatchObject({ "content-encoding": "gzip", vary: "accept-encoding" });
    expect(emu.requests()).toEqual([]);
  });

  it("/ is the index page, for GET only", async () => {
    const index = await raw("GET", "/");
    expect(index.status).toBe(200);
    expect(index.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(index.body).toContain(client_key);
    expect((await raw("POST", "/", form(""))).status).toBe(404);
    expect((await raw("POST", "/docs", form(""))).status).toBe(404);
  });

  it("an avatar is served for GET at /avatar/<20 hex digits>.svg, cached a day", async () => {
    const digest = "0123456789abcdef0123";
    const answer = await raw("GET", `/avatar/${digest}.svg`);
    expect(answer).toMatchObject({
      status: 200,
      headers: { "content-type": "image/svg+xml", "cache-control": "max-age=86400" },
    });
    expect(answer.body).toMatch(/^<svg /);
    for (const path of [
      `/avatars${digest}.svg`,
      `/x/avatar/${digest}.svg`,
      `/avatar/${digest.toUpperCase()}.svg`,
    ]) {
      expect((await raw("GET", path)).status, path).toBe(404);
    }
    expect((await raw("POST", `/avatar/${digest}.svg`, form(""))).status).toBe(404);
    expect(emu.requests().map((r) => r.path)).toEqual([
      `/avatar/${digest}.svg`,
      `/avatar/${digest.toUpperCase()}.svg`,
      `/x/avatar/${digest}.svg`,
      `/avatars${digest}.svg`,
    ]);
  });

  it("/favicon.ico: 204, cached a day, whatever the method, not recorded", async () => {
    for (const method of ["GET", "POST"]) {
      const answer = await raw(method, "/favicon.ico");
      expect(answer).toMatchObject({
        status: 204,
        body: "",
        headers: { "cache-control": "max-age=86400" },
      });
    }
    expect(emu.requests()).toEqual([]);
  });
});

describe("unknown paths", () => {
  it("404 plain text, recorded with the query's parameters, redacted", async () => {
    const answer = await raw("GET", `/oauth/nothing/${query({ client_secret, a: "1" })}`);
    expect(answer).toMatchObject({
      status: 404,
      body: "not found",
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
    expect(emu.requests()).toEqual([
      {
        at: START,
        method: "GET",
        path: "/oauth/nothing/",
        withoutSlash: false,
        form: "GET",
        operation: null,
        params: { client_secret: "***", a: "1" },
        status: 404,
        outcome: "not found",
      },
    ]);
  });

  it("a path is recorded up to 200 characters, a longer one cut with an ellipsis", async () => {
    const edge = `/${"e".repeat(199)}`;
    const long = `/${"l".repeat(200)}`;
    await raw("GET", edge);
    await raw("GET", long);
    expect(emu.requests().map((r) => r.path)).toEqual([`${long.slice(0, 200)}…`, edge]);
  });
});

describe("a request the emulator cannot finish", () => {
  it("a request target no URL parser takes (`//[`): 500 emulator error, nothing recorded", async () => {
    const { port } = new URL(emu.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), "127.0.0.1", () => {
        socket.end("GET //[ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      });
      const parts: Buffer[] = [];
      socket.on("data", (part: Buffer) => parts.push(part));
      socket.on("error", reject);
      socket.on("close", () => resolve(Buffer.concat(parts).toString("utf8")));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 500 /);
    expect(answer).toMatch(/\r\ncontent-type: text\/plain; charset=utf-8\r\n/i);
    expect(answer.slice(answer.indexOf("\r\n\r\n"))).toContain("emulator error");
    expect(emu.requests()).toEqual([]);
  });

  it("a body cut short by the client: recorded as an emulator error (500)", async () => {
    await new Promise<void>((resolve) => {
      const req = request(`${emu.url}/oauth/client_token/`, {
        method: "POST",
        agent: false,
        headers: { "content-type": "application/json", "content-length": "100" },
      });
      req.on("error", () => resolve());
      req.write('{"client_key":', () => setTimeout(() => req.destroy(), 50));
    });
    await expect.poll(() => emu.requests()[0]?.outcome, { timeout: 2_000 }).toBe("emulator error");
    expect(latest()).toMatchObject({ status: 500, operation: "clientToken" });
    expect(emu.stats.clientToken).toBe(0);
  });
});

describe("platformPath", () => {
  it("adds the slash to an operation's slash-less path, and to nothing else", () => {
    for (const path of Object.values(OPERATION_PATHS)) {
      expect(platformPath(path.slice(0, -1)), path).toEqual({ path, withoutSlash: true });
      expect(platformPath(path), path).toEqual({ path, withoutSlash: false });
    }
    for (const path of ["/", "/oauth", "/nope", "/docs"]) {
      expect(platformPath(path), path).toEqual({ path, withoutSlash: false });
    }
  });
});

describe("the state file", () => {
  it("is written soon after a token call over HTTP", async () => {
    const dir = mkdtempSync(join(tmpdir(), "douyin-server-"));
    const file = join(dir, "state.json");
    const withFile = await startEmulator({ stateFile: file });
    try {
      const answer = await fetch(`${withFile.url}/oauth/client_token/${query(clientQuery)}`);
      const { access_token } = (await answer.json()).data;
      await expect
        .poll(
          () => {
            try {
              return readFileSync(file, "utf8");
            } catch {
              return "";
            }
          },
          { timeout: 2_000 },
        )
        .toContain(access_token);
    } finally {
      await withFile.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
