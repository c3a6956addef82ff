// Network faults, timeouts and aborts: always a DouyinTransportError, never a hang.
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDouyinOAuth, DouyinTransportError } from "../src/index.js";
import { defaultHandler, startFakePlatform, type FakePlatform } from "./support/fake-platform.js";

let platform: FakePlatform;
beforeAll(async () => {
  platform = await startFakePlatform();
});
afterAll(() => platform.close());

/** A loopback port with nothing listening. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const douyin = (timeoutMs = 5_000) =>
  createDouyinOAuth({ clientKey: "k", clientSecret: "s", baseUrl: platform.url, timeoutMs });

describe("transport failures", () => {
  it("connection refused › kind network, a cause, no status", async () => {
    const client = createDouyinOAuth({
      clientKey: "k",
      clientSecret: "s",
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
    });
    const error = await client.clientToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DouyinTransportError);
    expect(error).toMatchObject({
      kind: "network",
      status: undefined,
      operation: "clientToken",
      message: "clientToken: the request failed before an answer arrived",
    });
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it("connection reset mid-request › kind network", async () => {
    platform.answer(() => ({ reset: true }));
    const error = await douyin()
      .clientToken()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "network", operation: "clientToken" });
  });

  it("no answer at all › the client's timeoutMs fires, kind timeout, cause a TimeoutError", async () => {
    platform.answer(() => ({ hang: true }));
    const started = Date.now();
    const error = await douyin(150)
      .clientToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DouyinTransportError);
    expect(error).toMatchObject({
      kind: "timeout",
      message: "clientToken: no answer arrived in time: 150 ms passed",
    });
    expect(((error as Error).cause as Error).name).toBe("TimeoutError");
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it("a body that stalls mid-way › the per-call timeoutMs overrides the client's", async () => {
    platform.answer(() => ({ stallAfter: '{"data":{"access_tok' }));
    const error = await douyin(60_000)
      .accessToken({ code: "c" }, { timeoutMs: 150 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "timeout", operation: "accessToken" });
  });

  it("the caller aborts mid-request › kind aborted, cause is the abort reason", async () => {
    platform.answer(() => ({ hang: true }));
    const controller = new AbortController();
    const reason = new Error("user navigated away");
    const pending = douyin().refreshToken({ refreshToken: "r" }, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DouyinTransportError);
    expect(error).toMatchObject({
      kind: "aborted",
      message: "refreshToken: the request was aborted",
    });
    expect((error as Error).cause).toBe(reason);
  });

  it("a signal aborted before the call › rejects at once, no request sent", async () => {
    const before = platform.requests.length;
    const signal = AbortSignal.abort("already gone");
    const error = await douyin()
      .renewRefreshToken({ refreshToken: "r" }, { signal })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "aborted", operation: "renewRefreshToken" });
    expect((error as Error).cause).toBe("already gone");
    expect(platform.requests.length).toBe(before);
  });

  it("the timeout starts with each request, not with the client", async () => {
    platform.answer(() => ({
      json: { data: { error_code: 0, access_token: "clt.x", expires_in: 7200 } },
    }));
    const client = douyin(300);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await expect(client.clientToken()).resolves.toMatchObject({ access_token: "clt.x" });
  });
});

describe("redirects › never followed: the POST body (client_secret, code) stays with the first host", () => {
  let elsewhere: FakePlatform;
  let redirecting: FakePlatform;
  beforeAll(async () => {
    elsewhere = await startFakePlatform();
    redirecting = await startFakePlatform((request) => ({
      status: 307,
      headers: { location: `${elsewhere.url}${request.path}?${request.rawQuery}` },
    }));
  });
  afterAll(async () => {
    await redirecting.close();
    await elsewhere.close();
  });

  for (const tokenRequestMethod of ["GET", "POST"] as const) {
    it(`fetch, ${tokenRequestMethod} › a 307 to another host: DouyinTransportError http-status 307, nothing sent there`, async () => {
      const douyin = createDouyinOAuth({
        clientKey: "k",
        clientSecret: "s3cret",
        baseUrl: redirecting.url,
        tokenRequestMethod,
        retry: false,
      });
      const error = await douyin.accessToken({ code: "c0de" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DouyinTransportError);
      expect(error).toMatchObject({
        kind: "http-status",
        status: 307,
        operation: "accessToken",
        message: "accessToken: the platform answered with an HTTP error status (HTTP 307)",
      });
      expect(redirecting.requests.map((r) => r.method)).toContain(tokenRequestMethod);
      expect(elsewhere.requests).toEqual([]);
    });
  }

  it("a 308 is not followed either (clientToken, GET)", async () => {
    redirecting.answer(() => ({ status: 308, headers: { location: `${elsewhere.url}/` } }));
    const douyin = createDouyinOAuth({
      clientKey: "k",
      clientSecret: "s",
      baseUrl: redirecting.url,
    });
    await expect(douyin.clientToken()).rejects.toMatchObject({ kind: "http-status", status: 308 });
    expect(elsewhere.requests).toEqual([]);
    redirecting.answer(defaultHandler);
  });
});
