// The proxy environment variables on Node: what src/node/proxy.ts reads from them, and
// nodeTransport (and the `node` entry's default client) sending through a real proxy written
// here, on 127.0.0.1: CONNECT tunnels for https, a forward proxy for http, NO_PROXY going direct.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type Server,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { connect, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDouyinOAuth, DouyinTransportError } from "../../src/index.node.js";
import { nodeTransport, type NodeTransport } from "../../src/node/index.js";
import { proxyFor, readProxyEnv } from "../../src/node/proxy.js";
import type { TransportRequest } from "../../src/transport.js";

const NAMES = ["HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"].flatMap((n) => [n, n.toLowerCase()]);
let saved: Record<string, string | undefined> = {};
beforeEach(() => {
  saved = Object.fromEntries(NAMES.map((n) => [n, process.env[n]]));
  for (const name of NAMES) delete process.env[name];
});
afterEach(() => {
  for (const name of NAMES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  open.push({
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * A small HTTP proxy: CONNECT tunnels and forwarded absolute-URL requests. It records each
 * request line and Proxy-Authorization, and counts the connections made to it.
 */
async function startProxy(options: { refuse?: number } = {}) {
  const seen: Array<{ line: string; authorization: string | undefined }> = [];
  let connections = 0;
  const tunnels = new Set<Socket>();
  const server = createServer((req, res) => {
    seen.push({
      line: `${req.method} ${req.url}`,
      authorization: req.headers["proxy-authorization"],
    });
    const target = new URL(req.url!);
    const headers: IncomingHttpHeaders = { ...req.headers };
    delete headers["proxy-authorization"];
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: req.method,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", () => (connections += 1));
  server.on("connect", (req, socket: Socket, head: Buffer) => {
    seen.push({ line: `CONNECT ${req.url}`, authorization: req.headers["proxy-authorization"] });
    if (options.refuse !== undefined) {
      socket.end(`HTTP/1.1 ${options.refuse} No\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    const at = req.url!.lastIndexOf(":");
    const upstream = connect(Number(req.url!.slice(at + 1)), req.url!.slice(0, at), () => {
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    tunnels.add(socket).add(upstream);
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  open.push({ close: () => tunnels.forEach((s) => s.destroy()) });
  const address = await listen(server);
  return { url: `http://${address}`, address, seen, connections: () => connections };
}

/** A plain target server answering its path; counts its connections. */
async function startTarget() {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    res.end(`{"path":"${req.url}"}`);
  });
  server.keepAliveTimeout = 60_000;
  return { url: `http://${await listen(server)}`, seen };
}

function transport(options?: Parameters<typeof nodeTransport>[0]): NodeTransport {
  const made = nodeTransport(options);
  open.push(made);
  return made;
}

const request = (url: string): TransportRequest => ({
  method: "GET",
  url,
  headers: { accept: "application/json" },
  body: undefined,
  deadline: Date.now() + 10_000,
  signal: undefined,
});

describe("readProxyEnv", () => {
  it("no proxy named › undefined: the fast path, whatever NO_PROXY says", () => {
    expect(readProxyEnv({})).toBeUndefined();
    expect(readProxyEnv({ NO_PROXY: "*", HTTPS_PROXY: "" })).toBeUndefined();
  });

  it("the lower-case form wins; a bare host:port is an http proxy; credentials become Basic", () => {
    const env = readProxyEnv({
      HTTPS_PROXY: "http://upper:1",
      https_proxy: "http://us%40r:p%3Ass@proxy.corp:3128",
      HTTP_PROXY: "10.0.0.1:8080",
      no_proxy: " .internal, Example.COM:8443 ",
    });
    expect(env).toEqual({
      https: {
        url: "http://proxy.corp:3128",
        secure: false,
        host: "proxy.corp",
        port: 3128,
        authorization: `Basic ${Buffer.from("us@r:p:ss").toString("base64")}`,
      },
      http: {
        url: "http://10.0.0.1:8080",
        secure: false,
        host: "10.0.0.1",
        port: 8080,
        authorization: undefined,
      },
      noProxy: [".internal", "example.com:8443"],
    });
  });

  it("an https:// proxy › TLS to the proxy, port 443 by default", () => {
    expect(readProxyEnv({ HTTPS_PROXY: "https://proxy.corp" })?.https).toMatchObject({
      secure: true,
      port: 443,
    });
  });

  for (const value of ["socks5://proxy:1080", "http://", "http://[::1"]) {
    it(`HTTPS_PROXY=${value} › a TypeError naming the variable, before any request`, () => {
      expect(() => readProxyEnv({ HTTPS_PROXY: value })).toThrow(
        new TypeError("HTTPS_PROXY must be an http:// or https:// proxy URL"),
      );
    });
  }
});

describe("proxyFor", () => {
  const env = (noProxy: string) =>
    readProxyEnv({ HTTPS_PROXY: "http://s:1", HTTP_PROXY: "http://p:2", NO_PROXY: noProxy })!;
  const https = (host: string, port = "443") => ({ secure: true, host, port });

  it("https URLs use HTTPS_PROXY, http ones HTTP_PROXY, and neither borrows the other", () => {
    expect(proxyFor(env(""), https("open.douyin.com"))?.host).toBe("s");
    expect(proxyFor(env(""), { secure: false, host: "h", port: "80" })?.host).toBe("p");
    const onlyHttp = readProxyEnv({ HTTP_PROXY: "http://p:2" })!;
    expect(proxyFor(onlyHttp, https("open.douyin.com"))).toBeUndefined();
  });

  const cases: Array<[string, string, string | undefined, boolean]> = [
    ["*", "open.douyin.com", undefined, false],
    ["douyin.com", "open.douyin.com", undefined, false],
    [".douyin.com", "open.douyin.com", undefined, false],
    ["*.douyin.com", "open.douyin.com", undefined, false],
    ["douyin.com", "douyin.com", undefined, false],
    ["OPEN.DOUYIN.COM", "open.douyin.com", undefined, false],
    ["yin.com", "open.douyin.com", undefined, true],
    ["open.douyin.com:443", "open.douyin.com", "443", false],
    ["open.douyin.com:8443", "open.douyin.com", "443", true],
    ["127.0.0.1", "127.0.0.1", "9", false],
    ["[::1]:9", "::1", "9", false],
    ["::1", "::1", "9", false],
    ["a.example, b.example", "b.example", undefined, false],
  ];
  for (const [noProxy, host, port, proxied] of cases) {
    it(`NO_PROXY=${noProxy}, ${host}${port ? `:${port}` : ""} › ${proxied ? "proxied" : "direct"}`, () => {
      expect(proxyFor(env(noProxy), https(host, port)) !== undefined).toBe(proxied);
    });
  }
});

describe("nodeTransport through a proxy on 127.0.0.1", () => {
  it("HTTP_PROXY, an http URL › forwarded: the absolute URL, the proxy's credentials, one kept-alive connection", async () => {
    const proxy = await startProxy();
    const target = await startTarget();
    process.env.HTTP_PROXY = `http://u:p%21@${proxy.address}`;
    const send = transport();
    for (const path of ["/a?b=1", "/c"]) {
      expect(await send(request(`${target.url}${path}`))).toEqual({
        status: 200,
        text: `{"path":"${path}"}`,
      });
    }
    const authorization = `Basic ${Buffer.from("u:p!").toString("base64")}`;
    expect(proxy.seen).toEqual([
      { line: `GET ${target.url}/a?b=1`, authorization },
      { line: `GET ${target.url}/c`, authorization },
    ]);
    expect(proxy.connections()).toBe(1);
    expect(target.seen[0]!["proxy-authorization"]).toBeUndefined();
  });

  it("no proxy variable › direct; the variables are read when the transport is made", async () => {
    const proxy = await startProxy();
    const target = await startTarget();
    const send = transport();
    await send(request(`${target.url}/x`));
    process.env.HTTP_PROXY = proxy.url;
    await send(request(`${target.url}/y`));
    expect(proxy.seen).toEqual([]);
    expect(target.seen).toHaveLength(2);
  });

  it("NO_PROXY naming the host › direct", async () => {
    const proxy = await startProxy();
    const target = await startTarget();
    process.env.HTTP_PROXY = proxy.url;
    process.env.no_proxy = "localhost,127.0.0.1";
    await transport()(request(`${target.url}/x`));
    expect(proxy.seen).toEqual([]);
    expect(target.seen).toHaveLength(1);
  });

  it("agents of your own › the variables are not read: your agents decide", async () => {
    const proxy = await startProxy();
    const target = await startTarget();
    process.env.HTTP_PROXY = proxy.url;
    const { Agent } = await import("node:http");
    const agent = new Agent({ keepAlive: true });
    open.push({ close: () => agent.destroy() });
    await transport({ httpAgent: agent })(request(`${target.url}/x`));
    expect(proxy.seen).toEqual([]);
  });

  it("the `node` entry's default client › through HTTP_PROXY too", async () => {
    // The first client made without transport or fetch in this file makes the shared transport.
    const proxy = await startProxy();
    const server = createServer((req, res) => {
      req.resume();
      res.end(JSON.stringify({ data: { error_code: 0, access_token: "clt.p", expires_in: 7200 } }));
    });
    const address = await listen(server);
    process.env.HTTP_PROXY = proxy.url;
    const douyin = createDouyinOAuth({
      clientKey: "k",
      clientSecret: "s3cret",
      baseUrl: `http://${address}`,
      retry: false,
    });
    await expect(douyin.clientToken()).resolves.toMatchObject({ access_token: "clt.p" });
    expect(proxy.seen.map((s) => s.line)).toEqual([`POST http://${address}/oauth/client_token/`]);
  });

  describe("https", () => {
    let dir: string;
    let tls: { key: Buffer; cert: Buffer };
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "perf-proxy-tls-"));
      const made = spawnSync(
        "openssl",
        [
          ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"],
          ...["-nodes", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
          ...["-days", "1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")],
        ],
        { encoding: "utf8", timeout: 30_000 },
      );
      expect(made.status, made.stderr).toBe(0);
      tls = { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) };
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    async function startTlsTarget() {
      let connections = 0;
      const server = createHttpsServer(tls, (req, res) => res.end(`{"path":"${req.url}"}`));
      server.keepAliveTimeout = 60_000;
      server.on("secureConnection", () => (connections += 1));
      return { url: `https://${await listen(server)}`, connections: () => connections };
    }

    /** Runs `body` trusting any certificate: Node reads this for each new TLS connection. */
    async function trusting<T>(body: () => Promise<T>): Promise<T> {
      const previous = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
      try {
        return await body();
      } finally {
        if (previous === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
        else process.env.NODE_TLS_REJECT_UNAUTHORIZED = previous;
      }
    }

    it("HTTPS_PROXY, an https URL › one CONNECT tunnel with its credentials, TLS to the target inside it, kept alive", async () => {
      const proxy = await startProxy();
      const target = await startTlsTarget();
      process.env.HTTPS_PROXY = `http://user:pw@${proxy.address}`;
      const send = transport();
      const answers = await trusting(async () => [
        await send(request(`${target.url}/x?y=1`)),
        await send(request(`${target.url}/z`)),
      ]);
      expect(answers).toEqual([
        { status: 200, text: '{"path":"/x?y=1"}' },
        { status: 200, text: '{"path":"/z"}' },
      ]);
      expect(proxy.seen).toEqual([
        {
          line: `CONNECT ${target.url.slice("https://".length)}`,
          authorization: `Basic ${Buffer.from("user:pw").toString("base64")}`,
        },
      ]);
      expect(target.connections()).toBe(1);
    });

    it("the target's certificate is still checked through the tunnel", async () => {
      const proxy = await startProxy();
      const target = await startTlsTarget();
      process.env.HTTPS_PROXY = proxy.url;
      const error = (await transport()(request(`${target.url}/x`)).catch(
        (e: unknown) => e,
      )) as NodeJS.ErrnoException;
      expect(error.code).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
      expect(proxy.seen).toHaveLength(1);
    });

    it("the proxy refuses the tunnel (407) › the client's DouyinTransportError network, naming the status, no secret", async () => {
      const proxy = await startProxy({ refuse: 407 });
      const target = await startTlsTarget();
      process.env.HTTPS_PROXY = proxy.url;
      const douyin = createDouyinOAuth({
        clientKey: "k",
        clientSecret: "s3cret",
        baseUrl: target.url,
        retry: false,
        transport: transport(),
      });
      const error = await douyin.clientToken().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DouyinTransportError);
      expect(error).toMatchObject({ kind: "network" });
      expect(((error as Error).cause as Error).message).toBe("the proxy refused the tunnel (407)");
      expect(target.connections()).toBe(0);
    });
  });
});
