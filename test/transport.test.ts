// Network faults, timeouts and aborts: always a DouyinTransportError, never a hang.
import { createServer as createHttpServer } from "node:http";
import { getEventListeners } from "node:events";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDouyinOAuth,
  DouyinTransportError,
  fetchTransport,
  type Transport,
  type TransportRequest,
} from "../src/index.js";
import { nodeTransport, type NodeTransport } from "../src/node/index.js";
import { defaultHandler, startFakePlatform, type FakePlatform } from "./support/fake-platform.js";
import { freePort, serveOnLoopback } from "./support/loopback.js";

let platform: FakePlatform;
beforeAll(async () => {
  platform = await startFakePlatform();
});
afterAll(() => platform.close());

/** A loopback port with nothing listening. */
const closedPort = freePort;

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
    const error = await douyin(150)
      .clientToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DouyinTransportError);
    expect(error).toMatchObject({
      kind: "timeout",
      message: "clientToken: no answer arrived in time: 150 ms passed",
    });
    expect(((error as Error).cause as Error).name).toBe("TimeoutError");
    expect(((error as Error).cause as Error).message).toBe(
      "The operation was aborted due to timeout",
    );
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

  it("a signal aborted before the call › a transport of your own is not even called", async () => {
    let calls = 0;
    // it ignores the signal: only the client's own check keeps the request from going out
    const viaFetch = fetchTransport();
    const transport: Transport = (request) => (
      calls++,
      viaFetch({ ...request, signal: new AbortController().signal })
    );
    const before = platform.requests.length;
    const error = await createDouyinOAuth({
      clientKey: "k",
      clientSecret: "s",
      baseUrl: platform.url,
      transport,
    })
      .clientToken({ signal: AbortSignal.abort("already gone") })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "aborted", operation: "clientToken" });
    expect(calls).toBe(0);
    expect(platform.requests.length).toBe(before);
  });

  for (const thrown of [null, undefined]) {
    it(`a transport of your own that rejects with ${String(thrown)} › kind network, cause ${String(thrown)}`, async () => {
      const error = await createDouyinOAuth({
        clientKey: "k",
        clientSecret: "s",
        baseUrl: platform.url,
        retry: false,
        transport: () => Promise.reject(thrown),
      })
        .clientToken()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DouyinTransportError);
      expect(error).toMatchObject({ kind: "network", operation: "clientToken" });
      expect((error as Error).cause).toBe(thrown);
    });
  }

  it("fetchTransport wrapped by a transport of your own › a GET carries the headers it adds", async () => {
    platform.answer(defaultHandler);
    const viaFetch = fetchTransport();
    const before = platform.requests.length;
    await createDouyinOAuth({
      clientKey: "k",
      clientSecret: "s",
      baseUrl: platform.url,
      tokenRequestMethod: "GET",
      transport: (request) =>
        viaFetch({ ...request, headers: { ...request.headers, "x-trace": "t-1" } }),
    }).clientToken();
    const [seen] = platform.requests.slice(before);
    expect(seen).toMatchObject({ method: "GET", path: "/oauth/client_token/", body: "" });
    expect(seen!.headers["x-trace"]).toBe("t-1");
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
      tokenRequestMethod: "GET",
    });
    await expect(douyin.clientToken()).rejects.toMatchObject({ kind: "http-status", status: 308 });
    expect(elsewhere.requests).toEqual([]);
    redirecting.answer(defaultHandler);
  });
});

describe("answer size › the read stops past 1 MiB: DouyinTransportError invalid-answer, connection dropped", () => {
  const MiB = 1_048_576;
  /** A token answer padded with spaces to exactly `bytes` bytes. */
  const padded = (bytes: number) => {
    const json = JSON.stringify({
      data: { error_code: 0, access_token: "clt.big", expires_in: 7200 },
    });
    return Buffer.from(json + " ".repeat(bytes - json.length));
  };
  /** A token answer of about 1.5 MiB in 3-byte characters: fewer UTF-16 units than 1 MiB. */
  const wide = () => {
    const json = JSON.stringify({
      data: {
        error_code: 0,
        access_token: "clt.big",
        expires_in: 7200,
        description: "字".repeat(524_288),
      },
    });
    return Buffer.from(json);
  };
  type Plan =
    | { body: Buffer; status?: number; length?: "declared" | "none"; gzip?: boolean }
    | { endless: true; declared?: number; stall?: boolean };
  let plan: Plan = { body: padded(100) };
  /** Whether the last answer's connection was closed by the client before the body ended. */
  let cut = Promise.resolve(false);
  const server = createHttpServer((req, res) => {
    req.resume();
    let ended = false;
    cut = new Promise((resolve) => {
      res.on("finish", () => ((ended = true), resolve(false)));
      res.on("close", () => resolve(!ended));
    });
    if ("endless" in plan) {
      res.writeHead(200, {
        "content-type": "application/json",
        ...(plan.declared === undefined ? {} : { "content-length": String(plan.declared) }),
      });
      const chunk = Buffer.alloc(64 * 1024, " ");
      res.write('{"data":');
      if (plan.stall) return; // nothing more, until the client goes
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once("drain", pump);
      };
      pump();
      return;
    }
    const body = plan.gzip ? gzipSync(plan.body) : plan.body;
    res.writeHead(plan.status ?? 200, {
      "content-type": "application/json",
      ...(plan.gzip ? { "content-encoding": "gzip" } : {}),
      ...(plan.length === "none" ? {} : { "content-length": String(body.length) }),
    });
    if (plan.length === "none") {
      // Chunked: no content-length to go by, only the bytes.
      for (let at = 0; at < body.length; at += 100_000) res.write(body.subarray(at, at + 100_000));
      res.end();
    } else res.end(body);
  });
  const served = serveOnLoopback(server);
  let node: NodeTransport;
  beforeAll(() => {
    node = nodeTransport();
  });
  afterAll(() => node.close());

  const tooLarge = {
    kind: "invalid-answer",
    status: 200,
    operation: "clientToken",
    message: "clientToken: the answer is not the expected JSON (HTTP 200): the body exceeds 1 MiB",
  };
  // Last: whether the server must see its body cut off (an endless one, or one read whole); a
  // body just over 1 MiB may already sit in the socket buffers when the client drops it.
  const cases: Array<[string, Plan, Record<string, unknown> | "ok", boolean | undefined]> = [
    ["exactly 1 MiB, content-length declared › read", { body: padded(MiB) }, "ok", false],
    ["exactly 1 MiB, chunked › read", { body: padded(MiB), length: "none" }, "ok", false],
    ["1 MiB + 1 byte, content-length declared", { body: padded(MiB + 1) }, tooLarge, undefined],
    [
      "1 MiB + 1 byte, chunked (no content-length)",
      { body: padded(MiB + 1), length: "none" },
      tooLarge,
      undefined,
    ],
    ["a body that never ends, no content-length", { endless: true }, tooLarge, true],
    [
      "content-length 2 MiB declared, the body never ends",
      { endless: true, declared: 2 * MiB },
      tooLarge,
      true,
    ],
    [
      "content-length 2 MiB declared, then the body stalls › refused from the header, no wait",
      { endless: true, declared: 2 * MiB, stall: true },
      tooLarge,
      true,
    ],
    [
      "a 299 over 1 MiB › invalid-answer with its status: 299 is a success status",
      { body: padded(2 * MiB), status: 299 },
      { ...tooLarge, status: 299, message: tooLarge.message.replace("HTTP 200", "HTTP 299") },
      undefined,
    ],
    [
      "a 503 page over 1 MiB › still http-status 503, as any 503",
      { body: padded(2 * MiB), status: 503 },
      {
        kind: "http-status",
        status: 503,
        message: "clientToken: the platform answered with an HTTP error status (HTTP 503)",
      },
      undefined,
    ],
  ];
  const transports = [
    ["fetch", () => ({})],
    ["nodeTransport", () => ({ transport: node })],
  ] as const;
  for (const [transportName, options] of transports) {
    for (const [name, given, want, dropped] of cases) {
      it(`${transportName} › ${name}`, async () => {
        plan = given;
        const douyin = createDouyinOAuth({
          clientKey: "k",
          clientSecret: "s",
          baseUrl: served.url,
          retry: false,
          timeoutMs: 10_000,
          ...options(),
        });
        const result = await douyin.clientToken().catch((e: unknown) => e);
        if (want === "ok") {
          expect(result).toMatchObject({ access_token: "clt.big", expires_in: 7200 });
        } else {
          expect(result).toBeInstanceOf(DouyinTransportError);
          expect(result).toMatchObject(want);
        }
        if (dropped !== undefined) expect(await cut).toBe(dropped);
      });
    }
  }

  it("fetch › a small gzip body that inflates past 1 MiB is capped by its bytes, not its content-length", async () => {
    plan = { body: padded(2 * MiB), gzip: true };
    const douyin = createDouyinOAuth({
      clientKey: "k",
      clientSecret: "s",
      baseUrl: served.url,
      retry: false,
    });
    const error = await douyin.clientToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DouyinTransportError);
    expect(error).toMatchObject(tooLarge);
  });

  it("fetch › a gzip body that inflates to 1.5 MiB of 3-byte characters: the cap counts bytes, not characters", async () => {
    plan = { body: wide(), gzip: true };
    const douyin = createDouyinOAuth({
      clientKey: "k",
      clientSecret: "s",
      baseUrl: served.url,
      retry: false,
    });
    await expect(douyin.clientToken()).rejects.toMatchObject(tooLarge);
  });

  /** A fetch of your own whose answers claim `length` as their content-length, whatever their body. */
  const claiming =
    (length: string): typeof fetch =>
    async (input, init) => {
      const real = await fetch(input, init);
      return new Response(real.body, {
        status: real.status,
        headers: { "content-type": "application/json", "content-length": length },
      });
    };
  const misreported: Array<[string, string, Plan]> = [
    ["claims 100 bytes, sends 2 MiB", "100", { body: padded(2 * MiB), length: "none" }],
    [
      "claims a length that is no number, sends 1.5 MiB of 3-byte characters",
      "many",
      { body: wide(), length: "none" },
    ],
  ];
  for (const [name, length, given] of misreported) {
    it(`a fetch of your own that ${name} › still capped`, async () => {
      plan = given;
      const douyin = createDouyinOAuth({
        clientKey: "k",
        clientSecret: "s",
        baseUrl: served.url,
        retry: false,
        fetch: claiming(length),
      });
      await expect(douyin.clientToken()).rejects.toMatchObject(tooLarge);
    });
  }
});

describe("answers without a body (fetch gives them a null body)", () => {
  let status = 204;
  let headers: Record<string, string> = {};
  const server = createHttpServer((req, res) => {
    req.resume();
    res.writeHead(status, headers);
    res.end();
  });
  const served = serveOnLoopback(server);
  const douyin = () =>
    createDouyinOAuth({ clientKey: "k", clientSecret: "s", baseUrl: served.url, retry: false });

  it("a 204 › invalid-answer: the body is empty", async () => {
    status = 204;
    headers = {};
    await expect(douyin().clientToken()).rejects.toMatchObject({
      kind: "invalid-answer",
      status: 204,
      message: "clientToken: the answer is not the expected JSON (HTTP 204): the body is empty",
    });
  });

  it("a 304 declaring a content-length over 1 MiB › http-status 304, as any 304", async () => {
    status = 304;
    headers = { "content-length": String(2 * 1_048_576) };
    await expect(douyin().clientToken()).rejects.toMatchObject({
      kind: "http-status",
      status: 304,
    });
  });
});

describe("an answer of unknown length, read chunk by chunk", () => {
  // "抖" is three bytes in UTF-8: the first chunk ends inside it.
  const body = Buffer.from(
    JSON.stringify({ data: { error_code: 0, access_token: "act.抖音", expires_in: 7200 } }),
  );
  const cut = body.indexOf(Buffer.from("抖")) + 1;
  const server = createHttpServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "application/json" }); // chunked: no length
    res.write(body.subarray(0, cut));
    setTimeout(() => res.end(body.subarray(cut)), 50);
  });
  const served = serveOnLoopback(server);

  it("a character split across two chunks is read whole", async () => {
    const douyin = createDouyinOAuth({
      clientKey: "k",
      clientSecret: "s",
      baseUrl: served.url,
      retry: false,
    });
    await expect(douyin.clientToken()).resolves.toMatchObject({ access_token: "act.抖音" });
  });
});

describe("one long-lived signal passed to every call", () => {
  /** A full garbage collection, in this process (V8's gc, exposed for the test alone). */
  const collect = (() => {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as () => void;
  })();
  const answer = JSON.stringify({
    data: { error_code: 0, access_token: "clt.x", expires_in: 7200 },
  });
  const douyin = createDouyinOAuth({
    clientKey: "k",
    clientSecret: "s",
    baseUrl: "http://127.0.0.1:9",
    transport: () => Promise.resolve({ status: 200, text: answer }),
  });
  const heapAfter = async (calls: number, signal: AbortSignal) => {
    for (let i = 0; i < calls; i++) await douyin.clientToken({ signal });
    await new Promise((resolve) => setTimeout(resolve, 0));
    collect();
    return process.memoryUsage().heapUsed;
  };

  it("keeps nothing per call: no listener is left on it, and 100,000 calls leave the heap flat", async () => {
    const { signal } = new AbortController();
    const before = await heapAfter(20_000, signal); // warm: code and caches settle
    const after = await heapAfter(100_000, signal);
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
    // Before the fix each call left about 55 bytes behind (AbortSignal.any's link from the
    // long-lived signal): 5.5 MB here. A flat heap moves by well under 1 MB either way.
    expect(after - before).toBeLessThan(1_000_000);
  });
});

describe("the client's one timer for its requests' deadlines", () => {
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
  const answer = JSON.stringify({
    data: { error_code: 0, access_token: "clt.x", expires_in: 7200 },
  });

  it("holds the process while a request is in flight, never once the client is idle", async () => {
    let release: (() => void) | undefined;
    const douyin = createDouyinOAuth({
      clientKey: "k",
      clientSecret: "s",
      baseUrl: "http://127.0.0.1:9",
      transport: () =>
        new Promise((resolve) => (release = () => resolve({ status: 200, text: answer }))),
    });
    const idle = timers();
    const pending = douyin.clientToken();
    await new Promise((resolve) => setImmediate(resolve));
    expect(timers()).toBe(idle + 1);
    release!();
    await pending;
    expect(timers()).toBe(idle);
    // sequential calls: one timer at most, whatever their number
    const second = douyin.clientToken();
    await new Promise((resolve) => setImmediate(resolve));
    expect(timers()).toBe(idle + 1);
    release!();
    await second;
    expect(timers()).toBe(idle);
  });
});

describe("fetchTransport › the deadline and the caller's signal, on its own", () => {
  const hanging = createHttpServer((req) => req.resume()); // never answers
  const served = serveOnLoopback(hanging);
  const request = (extra: Partial<TransportRequest>): TransportRequest => ({
    method: "GET",
    url: `${served.url}/oauth/client_token/`,
    headers: {},
    body: undefined,
    deadline: Date.now() + 100,
    signal: undefined,
    ...extra,
  });

  it("no answer by the deadline › fetch is aborted with a TimeoutError", async () => {
    const error = (await fetchTransport()(request({})).catch((e: unknown) => e)) as DOMException;
    expect(error.name).toBe("TimeoutError");
  });

  it("the caller aborts first › fetch is aborted with the caller's reason, no listener left", async () => {
    const controller = new AbortController();
    const pending = fetchTransport()(
      request({ signal: controller.signal, deadline: Date.now() + 60_000 }),
    );
    setTimeout(() => controller.abort(new Error("stop")), 50);
    const error = (await pending.catch((e: unknown) => e)) as Error;
    expect(error.message).toBe("stop");
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });
});
