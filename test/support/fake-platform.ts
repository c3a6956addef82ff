// A throwaway node:http server on 127.0.0.1 standing in for the platform: it records every
// request and answers whatever the test scripts, hostile bytes included.
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach } from "vitest";

export interface Recorded {
  method: string;
  path: string;
  /** Every query value, in order, decoded. */
  query: Array<[string, string]>;
  rawQuery: string;
  contentType: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Reply =
  | { status?: number; json?: unknown; body?: string; headers?: Record<string, string> }
  | { reset: true }
  | { stallAfter: string; status?: number }
  | { hang: true };

export type Handler = (request: Recorded) => Reply;

export interface FakePlatform {
  url: string;
  requests: Recorded[];
  answer(handler: Handler): void;
  close(): Promise<void>;
}

const ok = (data: Record<string, unknown>): Reply => ({
  json: { data: { error_code: 0, description: "", ...data }, message: "success" },
});

/** Plausible success answers per path, for tests that don't care about the answer. */
export const defaultHandler: Handler = (request) => {
  switch (request.path) {
    case "/oauth/access_token/":
    case "/oauth/refresh_token/":
      return ok({
        access_token: "act.fake",
        expires_in: 1296000,
        open_id: "open-1",
        refresh_token: "rft.fake",
        refresh_expires_in: 2592000,
        scope: "user_info",
      });
    case "/oauth/client_token/":
    case "/oauth/stable_client_token/":
      return ok({ access_token: "clt.fake", expires_in: 7200 });
    case "/oauth/renew_refresh_token/":
      return ok({ refresh_token: "rft.renewed", expires_in: 2592000 });
    case "/oauth/userinfo/":
      return ok({
        open_id: "open-1",
        union_id: "union-1",
        nickname: "Fake User",
        avatar: "https://p3.example/avatar.jpeg",
      });
    default:
      return { status: 404, body: "not found" };
  }
};

export async function startFakePlatform(handler: Handler = defaultHandler): Promise<FakePlatform> {
  let current = handler;
  const requests: Recorded[] = [];
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const recorded: Recorded = {
      method: req.method ?? "",
      path: url.pathname,
      query: [...url.searchParams.entries()],
      rawQuery: url.search.slice(1),
      contentType: req.headers["content-type"],
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    requests.push(recorded);
    const reply = current(recorded);
    if ("reset" in reply) {
      req.socket.destroy();
      return;
    }
    if ("hang" in reply) return;
    if ("stallAfter" in reply) {
      res.writeHead(reply.status ?? 200, { "content-type": "application/json" });
      res.write(reply.stallAfter);
      return;
    }
    const body = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.body ?? "");
    const type = reply.json !== undefined ? "application/json" : "text/html; charset=utf-8";
    res.writeHead(reply.status ?? 200, { "content-type": type, ...reply.headers });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer(next) {
      current = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One fake platform per file: started, reset per test (no requests, defaultHandler), closed. */
export function useFakePlatform(): FakePlatform {
  let started: FakePlatform | undefined;
  const current = () => {
    if (started === undefined) throw new Error("the fake platform starts in beforeAll");
    return started;
  };
  beforeAll(async () => {
    started = await startFakePlatform();
  });
  afterAll(() => started?.close());
  beforeEach(() => {
    current().requests.length = 0;
    current().answer(defaultHandler);
  });
  return {
    get url() {
      return current().url;
    },
    get requests() {
      return current().requests;
    },
    answer: (handler) => current().answer(handler),
    close: () => current().close(),
  };
}
