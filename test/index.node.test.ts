// The `node` export condition (src/index.node.ts): a client given neither `transport` nor `fetch`
// sends through one shared keep-alive nodeTransport; either option still wins, and under Deno
// (whose require() matches `node`) the client keeps fetch.
import { createServer, type IncomingHttpHeaders } from "node:http";
import { describe, expect, it } from "vitest";
import { createDouyinOAuth, fetchTransport } from "../src/index.node.js";
import { serveOnLoopback } from "./support/loopback.js";

/** What the server saw of each request: its headers and the client's port (one per socket). */
const seen: Array<{ headers: IncomingHttpHeaders; port: number }> = [];
const server = createServer((req, res) => {
  seen.push({ headers: req.headers, port: req.socket.remotePort ?? 0 });
  req.resume();
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ data: { error_code: 0, access_token: "clt.n", expires_in: 7200 } }));
});
const served = serveOnLoopback(server);

const app = () => ({
  clientKey: "k",
  clientSecret: "s",
  baseUrl: served.url,
  retry: false as const,
});

/** The last request's headers and port, after one clientToken call. */
async function oneCall(douyin: ReturnType<typeof createDouyinOAuth>) {
  await expect(douyin.clientToken()).resolves.toMatchObject({ access_token: "clt.n" });
  return seen.at(-1)!;
}

// fetch (undici) adds fetch-metadata headers; node:http sends only what it is given.
const sentByFetch = (headers: IncomingHttpHeaders) => headers["sec-fetch-mode"] === "cors";

describe("douyin-oauth under the node condition", () => {
  it("neither transport nor fetch › node:http, one kept-alive connection shared by every client", async () => {
    const first = await oneCall(createDouyinOAuth(app()));
    const second = await oneCall(createDouyinOAuth(app()));
    expect(sentByFetch(first.headers)).toBe(false);
    expect(first.headers["user-agent"]).toBeUndefined();
    expect(first.headers.connection).toBe("keep-alive");
    // the second client reused the first one's socket: one pool for the process
    expect(second.port).toBe(first.port);
  });

  it("fetch given › that fetch sends", async () => {
    let calls = 0;
    const fetch: typeof globalThis.fetch = (input, init) => (
      calls++,
      globalThis.fetch(input, init)
    );
    const { headers } = await oneCall(createDouyinOAuth({ ...app(), fetch }));
    expect(calls).toBe(1);
    expect(sentByFetch(headers)).toBe(true);
  });

  it("transport given › that transport sends", async () => {
    let calls = 0;
    const viaFetch = fetchTransport();
    const { headers } = await oneCall(
      createDouyinOAuth({ ...app(), transport: (request) => (calls++, viaFetch(request)) }),
    );
    expect(calls).toBe(1);
    expect(sentByFetch(headers)).toBe(true);
  });

  it("under Deno (its require() matches `node`) › fetch, as in index.ts", async () => {
    (globalThis as { Deno?: unknown }).Deno = {};
    try {
      const { headers } = await oneCall(createDouyinOAuth(app()));
      expect(sentByFetch(headers)).toBe(true);
    } finally {
      delete (globalThis as { Deno?: unknown }).Deno;
    }
    expect(sentByFetch((await oneCall(createDouyinOAuth(app()))).headers)).toBe(false);
  });

  for (const options of [undefined, null, "k"]) {
    it(`options ${String(options)} › the same TypeError as index.ts, before any request`, () => {
      const before = seen.length;
      expect(() => createDouyinOAuth(options as never)).toThrow(
        new TypeError('"options" must be an object'),
      );
      expect(seen.length).toBe(before);
    });
  }
});
