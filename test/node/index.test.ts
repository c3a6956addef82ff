// douyin-oauth/node: the keep-alive node:http transport behaves as the fetch one does.
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, afterEach, vi } from "vitest";
import { createDouyinOAuth, DouyinTransportError } from "../../src/index.js";
import { nodeTransport, type NodeTransport } from "../../src/node/index.js";
import { DEMO_APP, startEmulator, type Emulator } from "../../src/emulator/index.js";
import { startFakePlatform } from "../support/fake-platform.js";
import {
  Agent as HttpAgent,
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { spawnSync } from "node:child_process";
import { getEventListeners } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent as HttpsAgent, createServer as createHttpsServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_ANSWER_BYTES, type TransportRequest } from "../../src/transport.js";

let emu: Emulator;
let transport: NodeTransport;
beforeAll(async () => {
  emu = await startEmulator();
  transport = nodeTransport();
});
afterAll(async () => {
  transport.close();
  await emu.close();
});
beforeEach(() => emu.clearFaults());

const client = (extra = {}) =>
  createDouyinOAuth({
    ...DEMO_APP,
    baseUrl: emu.url,
    transport,
    timeoutMs: 300,
    retry: false,
    ...extra,
  });

describe("nodeTransport", () => {
  for (const tokenRequestMethod of ["GET", "POST"] as const) {
    it(`${tokenRequestMethod} › the whole lifecycle against the emulator`, async () => {
      const douyin = client({ tokenRequestMethod });
      const signed = await douyin.accessToken({
        code: emu.issueCode({ scope: "user_info", openId: "n-1" }),
      });
      expect(signed).toMatchObject({ open_id: "n-1", expires_in: 1296000 });
      await expect(
        douyin.refreshToken({ refreshToken: signed.refresh_token }),
      ).resolves.toMatchObject({ open_id: "n-1" });
      const renewed = await douyin.renewRefreshToken({ refreshToken: signed.refresh_token });
      expect(emu.isValid(renewed.refresh_token)).toBe(true);
      await expect(douyin.clientToken()).resolves.toMatchObject({ expires_in: 7200 });
      await expect(douyin.stableClientToken()).resolves.toMatchObject({ expires_in: 7200 });
      await expect(douyin.accessToken({ code: "used" })).rejects.toMatchObject({
        name: "DouyinOAuthError",
        errorCode: 10007,
      });
    });
  }

  const faults: Array<[string, Parameters<Emulator["injectFault"]>[0], Record<string, unknown>]> = [
    ["a 503", { kind: "status", status: 503 }, { kind: "http-status", status: 503 }],
    ["a reset connection", { kind: "reset" }, { kind: "network" }],
    ["an answer lost after the platform acted", { kind: "lost" }, { kind: "network" }],
    ["a stalled body", { kind: "stall" }, { kind: "timeout" }],
    ["a truncated body", { kind: "truncated" }, { kind: "invalid-answer" }],
  ];
  for (const [name, fault, want] of faults) {
    it(`${name} › DouyinTransportError ${String(want.kind)}`, async () => {
      emu.injectFault({ operation: "clientToken", ...fault });
      const error = await client()
        .clientToken()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DouyinTransportError);
      expect(error).toMatchObject(want);
    });
  }

  for (const tokenRequestMethod of ["GET", "POST"] as const) {
    it(`${tokenRequestMethod} › a 307 to another host is not followed: http-status 307, nothing sent there`, async () => {
      const elsewhere = await startFakePlatform();
      const redirecting = await startFakePlatform((request) => ({
        status: 307,
        headers: { location: `${elsewhere.url}${request.path}?${request.rawQuery}` },
      }));
      try {
        const error = await client({ baseUrl: redirecting.url, tokenRequestMethod })
          .accessToken({ code: "c0de" })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DouyinTransportError);
        expect(error).toMatchObject({
          kind: "http-status",
          status: 307,
          operation: "accessToken",
          message: "accessToken: the platform answered with an HTTP error status (HTTP 307)",
        });
        expect(redirecting.requests.map((r) => r.method)).toEqual([tokenRequestMethod]);
        expect(elsewhere.requests).toEqual([]);
      } finally {
        await redirecting.close();
        await elsewhere.close();
      }
    });
  }

  it("the caller's abort rejects at once with the abort reason as cause", async () => {
    emu.injectFault({ operation: "clientToken", kind: "stall" });
    const controller = new AbortController();
    const pending = client({ timeoutMs: 5_000 }).clientToken({ signal: controller.signal });
    setTimeout(() => controller.abort("bye"), 50);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "aborted" });
    expect((error as Error).cause).toBe("bye");
  });

  it("keeps connections alive across calls", async () => {
    const own = nodeTransport({ maxSockets: 1 });
    const douyin = client({ transport: own });
    for (let i = 0; i < 5; i++) await douyin.stableClientToken();
    own.close();
    await expect(douyin.stableClientToken()).resolves.toMatchObject({ error_code: 0 });
  });
});

// nodeTransport() called directly, as the client calls it, against a raw node:http server on
// 127.0.0.1: the bytes and headers it sends, the 1 MiB cap (declared and counted), answers in
// several chunks, a connection dropped mid-answer, aborts, https, keep-alive, its agents.
describe("nodeTransport called directly", () => {
  interface Seen {
    method: string;
    url: string;
    headers: IncomingMessage["headers"];
    body: string;
  }

  interface Server {
    url: string;
    seen: Seen[];
    /** Sockets the server accepted, and how many of them have closed. */
    connections: Socket[];
    closed: () => number;
    close(): Promise<void>;
  }

  const open: Array<{ close(): unknown }> = [];
  afterEach(async () => {
    for (const thing of open.splice(0).reverse()) await thing.close();
  });

  async function serve(
    answer: (res: ServerResponse, seen: Seen) => void,
    host = "127.0.0.1",
  ): Promise<Server> {
    const seen: Seen[] = [];
    const connections: Socket[] = [];
    let closed = 0;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const request = {
          method: req.method!,
          url: req.url!,
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        };
        seen.push(request);
        answer(res, request);
      });
    });
    // Node closes idle keep-alive sockets after 5 s: longer than any test here waits.
    server.keepAliveTimeout = 60_000;
    server.on("connection", (socket: Socket) => {
      connections.push(socket);
      socket.on("close", () => (closed += 1));
    });
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    const { port } = server.address() as AddressInfo;
    const handle: Server = {
      url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
      seen,
      connections,
      closed: () => closed,
      close: () =>
        new Promise<void>((resolve) => {
          for (const socket of connections) socket.destroy();
          server.close(() => resolve());
        }),
    };
    open.push(handle);
    return handle;
  }

  function transport(options?: Parameters<typeof nodeTransport>[0]): NodeTransport {
    const made = nodeTransport(options);
    open.push(made);
    return made;
  }

  const request = (url: string, extra: Partial<TransportRequest> = {}): TransportRequest => ({
    method: "GET",
    url,
    headers: { accept: "application/json" },
    body: undefined,
    deadline: Date.now() + 10_000,
    signal: undefined,
    ...extra,
  });

  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.fail("expected a rejection"),
      (error: unknown) => error,
    );

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Waits until `done()` holds; fails after 5 s instead of hanging. */
  async function until(done: () => boolean): Promise<void> {
    for (let i = 0; i < 500 && !done(); i++) await sleep(10);
    expect(done()).toBe(true);
  }

  describe("nodeTransport › what it sends", () => {
    it("GET: the method, path, query and headers as given; no body, no length", async () => {
      const server = await serve((res) => res.end('{"ok":1}'));
      const answer = await transport()(
        request(`${server.url}/oauth/client_token/?client_key=k&x=%2B`, {
          headers: { accept: "application/json", "x-trace": "t-1" },
        }),
      );
      expect(answer).toEqual({ status: 200, text: '{"ok":1}' });
      const [seen] = server.seen;
      expect(seen).toMatchObject({
        method: "GET",
        url: "/oauth/client_token/?client_key=k&x=%2B",
        body: "",
      });
      expect(seen!.headers).toMatchObject({ accept: "application/json", "x-trace": "t-1" });
      expect(seen!.headers["content-length"]).toBeUndefined();
      expect(seen!.headers["transfer-encoding"]).toBeUndefined();
    });

    it("POST: the body whole, its length in bytes (not characters), never chunked", async () => {
      const server = await serve((res) => res.end("{}"));
      const body = "code=é€&state=ü";
      await transport()(
        request(`${server.url}/oauth/access_token/`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body,
        }),
      );
      const [seen] = server.seen;
      expect(seen!.method).toBe("POST");
      expect(seen!.body).toBe(body);
      expect(seen!.headers["content-length"]).toBe(String(Buffer.byteLength(body)));
      expect(Buffer.byteLength(body)).not.toBe(body.length);
      expect(seen!.headers["transfer-encoding"]).toBeUndefined();
      expect(seen!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    });

    it("a GET with a body (a wrapping transport's): framed by its length too, the socket kept in step", async () => {
      // node:http frames a POST's body by itself, but sends a GET's unframed: the server would
      // read it as the start of the next request on the kept-alive connection.
      const server = await serve((res, seen) => res.end(`{"got":"${seen.body}"}`));
      const send = transport();
      const answer = await send(request(`${server.url}/q`, { body: "a=1" }));
      expect(answer).toEqual({ status: 200, text: '{"got":"a=1"}' });
      expect(await send(request(`${server.url}/r`))).toEqual({ status: 200, text: '{"got":""}' });
      expect(server.seen.map(({ method, url, body }) => ({ method, url, body }))).toEqual([
        { method: "GET", url: "/q", body: "a=1" },
        { method: "GET", url: "/r", body: "" },
      ]);
      expect(server.seen[0]!.headers["content-length"]).toBe("3");
      expect(server.connections).toHaveLength(1);
    });
  });

  describe("nodeTransport › URLs", () => {
    it("an IPv6 literal: [::1] in the URL, ::1 dialled", async () => {
      const server = await serve((res, seen) => res.end(`{"path":"${seen.url}"}`), "::1");
      expect(server.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
      expect(await transport()(request(`${server.url}/oauth/x/?a=1`))).toEqual({
        status: 200,
        text: '{"path":"/oauth/x/?a=1"}',
      });
      expect(server.connections[0]!.localAddress).toBe("::1");
    });

    it("a URL with no path: its query is sent (on /), never read as a path, and its fragment is not", async () => {
      const server = await serve((res, seen) => res.end(`{"path":"${seen.url}"}`));
      const send = transport();
      for (const [url, path] of [
        [`${server.url}?x=1`, "/?x=1"],
        [`${server.url}?next=/a`, "/?next=/a"],
        [`${server.url}#top`, "/"],
        [`${server.url}/oauth/x/?a=1#top`, "/oauth/x/?a=1"],
      ] as const) {
        expect(await send(request(url))).toEqual({ status: 200, text: `{"path":"${path}"}` });
      }
    });

    it("each origin parsed once, whatever the path; at most 64 origins remembered", async () => {
      // A module of its own, so its table of origins starts empty; counts `new URL` calls.
      vi.resetModules();
      const fresh = await import("../../src/node/index.js");
      const send = fresh.nodeTransport();
      open.push(send);
      const server = await serve((res, seen) => res.end(`{"path":"${seen.url}"}`));
      // 65 origins, one server: they differ only in a user name, which node:http never sends
      const origins = Array.from({ length: 65 }, (_, i) => server.url.replace("//", `//u${i}@`));
      const Real = URL;
      let parsed = 0;
      globalThis.URL = class extends Real {
        constructor(...args: ConstructorParameters<typeof URL>) {
          super(...args);
          parsed += 1;
        }
      };
      try {
        for (const [i, origin] of origins.entries()) {
          expect(await send(request(`${origin}/a?i=${i}`))).toEqual({
            status: 200,
            text: `{"path":"/a?i=${i}"}`,
          });
        }
        expect(parsed).toBe(65);
        parsed = 0;
        for (const [i, origin] of origins.entries()) {
          expect(await send(request(`${origin}/b/${i}`))).toEqual({
            status: 200,
            text: `{"path":"/b/${i}"}`,
          });
        }
        // the first 64 were remembered, the 65th is parsed again every time
        expect(parsed).toBe(1);
      } finally {
        globalThis.URL = Real;
      }
      expect(server.connections).toHaveLength(1);
      expect(server.seen.every((seen) => seen.headers.authorization === undefined)).toBe(true);
    });
  });

  describe("nodeTransport › what it reads", () => {
    it("any status comes back as it is, with its body", async () => {
      const server = await serve((res) => {
        res.statusCode = 502;
        res.end("bad gateway");
      });
      expect(await transport()(request(server.url))).toEqual({ status: 502, text: "bad gateway" });
    });

    it("an answer in several chunks, a character split between two: joined as bytes first", async () => {
      const euro = Buffer.from("€"); // three bytes
      const server = await serve((res) => {
        res.write(Buffer.concat([Buffer.from('{"a":"'), euro.subarray(0, 1)]));
        setTimeout(() => {
          res.write(euro.subarray(1));
          setTimeout(() => res.end('"}'), 20);
        }, 20);
      });
      expect(await transport()(request(server.url))).toEqual({ status: 200, text: '{"a":"€"}' });
    });

    it("an empty answer is an empty text", async () => {
      const server = await serve((res) => {
        res.statusCode = 204;
        res.end();
      });
      expect(await transport()(request(server.url))).toEqual({ status: 204, text: "" });
    });
  });

  describe("nodeTransport › the 1 MiB cap", () => {
    it("exactly 1 MiB is read", async () => {
      const server = await serve((res) => res.end("x".repeat(MAX_ANSWER_BYTES)));
      const answer = await transport()(request(server.url));
      expect(answer.text.length).toBe(MAX_ANSWER_BYTES);
    });

    it("declared larger: AnswerTooLargeError with the status, before reading the body", async () => {
      const server = await serve((res) => {
        res.writeHead(503, { "content-length": String(MAX_ANSWER_BYTES + 1) });
        res.write("x"); // the rest never comes: only the declared length can stop this early
      });
      const error = await failure(transport()(request(server.url)));
      expect(error).toMatchObject({
        name: "AnswerTooLargeError",
        code: "DOUYIN_ANSWER_TOO_LARGE",
        status: 503,
        message: "the body exceeds 1 MiB",
      });
      await until(() => server.closed() === 1);
    });

    it("undeclared, counted past 1 MiB: AnswerTooLargeError, the connection dropped", async () => {
      const server = await serve((res) => {
        res.write("x".repeat(MAX_ANSWER_BYTES));
        setTimeout(() => res.write("yz"), 20); // and then it would never end
      });
      const error = await failure(transport()(request(server.url)));
      expect(error).toMatchObject({ code: "DOUYIN_ANSWER_TOO_LARGE", status: 200 });
      await until(() => server.closed() === 1);
    });
  });

  describe("nodeTransport › failures", () => {
    it("the connection closed mid-answer: rejects", async () => {
      const server = await serve((res) => {
        res.writeHead(200, { "content-length": "100" });
        res.write('{"access_token":');
        setTimeout(() => res.socket?.destroy(), 20);
      });
      const error = await failure(transport()(request(server.url)));
      expect(error).toBeInstanceOf(Error);
      expect(error).toEqual(new Error("the connection closed mid-answer"));
    });

    it("nobody listening: rejects with the socket's error", async () => {
      const server = await serve(() => undefined);
      const url = server.url;
      await server.close();
      const error = await failure(transport()(request(url)));
      expect(error).toMatchObject({ code: "ECONNREFUSED" });
    });

    it("an https URL goes over TLS: an http server cannot answer it", async () => {
      const server = await serve((res) => res.end("{}"));
      const error = (await failure(
        transport()(request(server.url.replace("http:", "https:"))),
      )) as NodeJS.ErrnoException;
      expect(error.code).toMatch(/SSL|EPROTO|ECONNRESET/);
      expect(server.seen).toEqual([]);
    });

    it("a signal already aborted: rejects with its reason, nothing sent", async () => {
      const server = await serve((res) => res.end("{}"));
      const send = transport();
      const error = await failure(send(request(server.url, { signal: AbortSignal.abort("gone") })));
      expect(error).toBe("gone");
      await send(request(server.url));
      expect(server.connections).toHaveLength(1);
      expect(server.seen).toHaveLength(1);
    });

    it("aborted while waiting: rejects with the reason, the request dropped", async () => {
      const server = await serve(() => undefined); // never answers
      const controller = new AbortController();
      const pending = transport()(request(server.url, { signal: controller.signal }));
      await until(() => server.seen.length === 1);
      controller.abort("stop");
      expect(await failure(pending)).toBe("stop");
      await until(() => server.closed() === 1);
    });

    it("the deadline passes while waiting: rejects with a TimeoutError, the request dropped", async () => {
      const server = await serve(() => undefined); // never answers
      const pending = transport()(request(server.url, { deadline: Date.now() + 100 }));
      await until(() => server.seen.length === 1);
      const error = (await failure(pending)) as DOMException;
      expect(error).toBeInstanceOf(DOMException);
      expect(error.name).toBe("TimeoutError");
      await until(() => server.closed() === 1);
    });

    it("an abort after the answer changes nothing", async () => {
      const server = await serve((res) => res.end("{}"));
      const controller = new AbortController();
      const send = transport();
      expect(await send(request(server.url, { signal: controller.signal }))).toEqual({
        status: 200,
        text: "{}",
      });
      controller.abort("late");
      await sleep(20);
      // the kept-alive socket is still there for the next request
      await send(request(server.url));
      expect(server.connections).toHaveLength(1);
    });
  });

  describe("nodeTransport › connections", () => {
    it("keeps one connection alive across sequential requests", async () => {
      const server = await serve((res) => res.end("{}"));
      const send = transport();
      for (let i = 0; i < 3; i++) await send(request(server.url));
      expect(server.seen).toHaveLength(3);
      expect(server.connections).toHaveLength(1);
    });

    it("maxSockets bounds concurrent connections; the rest wait their turn", async () => {
      const server = await serve((res) => setTimeout(() => res.end("{}"), 30));
      const send = transport({ maxSockets: 1 });
      const answers = await Promise.all([1, 2, 3].map(() => send(request(server.url))));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(server.connections).toHaveLength(1);
    });

    it("64 sockets per host by default", async () => {
      const waiting: ServerResponse[] = [];
      const server = await serve((res) => waiting.push(res));
      const send = transport();
      const pending = Array.from({ length: 65 }, () => send(request(server.url)));
      await until(() => waiting.length === 64);
      await sleep(50);
      expect(server.connections).toHaveLength(64);
      for (const res of waiting) res.end("{}");
      await until(() => waiting.length === 65);
      waiting[64]!.end("{}");
      expect((await Promise.all(pending)).length).toBe(65);
    });

    it("close() ends its own kept-alive connections", async () => {
      const server = await serve((res) => res.end("{}"));
      const send = transport();
      await send(request(server.url));
      expect(server.closed()).toBe(0);
      send.close();
      await until(() => server.closed() === 1);
    });

    it("close() leaves agents it was given alone; they are used for the requests", async () => {
      const server = await serve((res) => res.end("{}"));
      const agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
      open.push({ close: () => agent.destroy() });
      const send = transport({ httpAgent: agent });
      await send(request(server.url));
      await until(() => Object.keys(agent.freeSockets).length === 1);
      send.close();
      await sleep(50);
      expect(server.closed()).toBe(0);
      expect(Object.keys(agent.freeSockets)).toHaveLength(1);
    });
  });

  describe("nodeTransport › the caller's signal", () => {
    const listeners = (signal: AbortSignal) => getEventListeners(signal, "abort").length;

    it("no abort listener is left behind: after an answer, a cap, a socket error or an abort", async () => {
      const server = await serve((res) => res.end("{}"));
      const big = await serve((res) => {
        res.writeHead(200, { "content-length": String(MAX_ANSWER_BYTES + 1) });
        res.write("x");
      });
      const stalled = await serve(() => undefined);
      const gone = await serve(() => undefined);
      await gone.close();
      const send = transport();

      const ok = new AbortController();
      await send(request(server.url, { signal: ok.signal }));
      expect(listeners(ok.signal)).toBe(0);

      const capped = new AbortController();
      await failure(send(request(big.url, { signal: capped.signal })));
      expect(listeners(capped.signal)).toBe(0);

      const refused = new AbortController();
      await failure(send(request(gone.url, { signal: refused.signal })));
      expect(listeners(refused.signal)).toBe(0);

      const aborted = new AbortController();
      const pending = send(request(stalled.url, { signal: aborted.signal }));
      await until(() => stalled.seen.length === 1);
      expect(listeners(aborted.signal)).toBe(1);
      aborted.abort("stop");
      await failure(pending);
      expect(listeners(aborted.signal)).toBe(0);
    });
  });

  describe("nodeTransport › https", () => {
    // A throwaway self-signed certificate for 127.0.0.1, trusted only where a test says so.
    let dir: string;
    let tls: { key: Buffer; cert: Buffer };
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "douyin-oauth-tls-"));
      const made = spawnSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:prime256v1",
          "-nodes",
          "-subj",
          "/CN=127.0.0.1",
          "-addext",
          "subjectAltName=IP:127.0.0.1",
          "-days",
          "1",
          "-keyout",
          join(dir, "key.pem"),
          "-out",
          join(dir, "cert.pem"),
        ],
        { encoding: "utf8", timeout: 30_000 },
      );
      expect(made.status, made.stderr).toBe(0);
      tls = { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) };
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** An https server on 127.0.0.1 answering its path; counts its TLS connections and closes. */
    async function serveTls() {
      let connections = 0;
      let closed = 0;
      const server = createHttpsServer(tls, (req, res) => res.end(`{"path":"${req.url}"}`));
      server.keepAliveTimeout = 60_000;
      server.on("secureConnection", (socket: Socket) => {
        connections += 1;
        socket.on("close", () => (closed += 1));
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      open.push({
        close: () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      });
      return {
        url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
        connections: () => connections,
        closed: () => closed,
      };
    }

    it("its own agent checks the certificate, keeps one connection alive, and close() ends it", async () => {
      const server = await serveTls();
      const send = transport();
      const refused = (await failure(send(request(`${server.url}/x`)))) as NodeJS.ErrnoException;
      expect(refused.code).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
      await until(() => server.closed() === server.connections());
      const before = server.connections();
      // Node reads this for each new TLS connection; this test sets it for its own requests only
      // (no agent of ours can be given the certificate, and a child process would not run the
      // mutant under test).
      const previous = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
      try {
        expect(await send(request(`${server.url}/x?y=1`))).toEqual({
          status: 200,
          text: '{"path":"/x?y=1"}',
        });
        expect(await send(request(`${server.url}/z`))).toMatchObject({ status: 200 });
      } finally {
        if (previous === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
        else process.env.NODE_TLS_REJECT_UNAUTHORIZED = previous;
      }
      expect(server.connections() - before).toBe(1);
      await sleep(50);
      expect(server.closed()).toBe(before);
      send.close();
      await until(() => server.closed() === before + 1);
    });

    it("an agent of the caller's: used for TLS, and close() leaves it and its sockets alone", async () => {
      const server = await serveTls();
      const agent = new HttpsAgent({ ca: tls.cert, keepAlive: true });
      open.push({ close: () => agent.destroy() });
      const send = transport({ httpsAgent: agent });
      const url = `${server.url}/x?y=1`;
      expect(await send(request(url))).toEqual({ status: 200, text: '{"path":"/x?y=1"}' });
      await send(request(url));
      expect(server.connections()).toBe(1);
      await until(() => Object.keys(agent.freeSockets).length === 1);
      send.close();
      await sleep(50);
      expect(Object.keys(agent.freeSockets)).toHaveLength(1);
      expect(await send(request(url))).toMatchObject({ status: 200 });
      expect(server.connections()).toBe(1);
    });
  });
});
