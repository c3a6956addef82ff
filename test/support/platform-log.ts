// A loopback HTTP hop in front of the emulator that writes down every client-token answer, in the
// order the platform issued them (client-token requests pass one at a time), and every refresh
// token presented for renewal. From it, `check()` tells whether a token served at a given moment
// was one the platform accepted then: among the latest two client tokens, or the stable token
// before its expiry. Secrets stay in this process: nothing here is printed.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface Issued {
  stable: boolean;
  token: string;
  /** Date.now() when the request reached this hop (before it waited for its turn). */
  arrivedAt: number;
  /** Date.now() when the request left for the emulator, and when its answer came back. */
  sentAt: number;
  receivedAt: number;
  expiresInMs: number;
}

export interface PlatformLog {
  url: string;
  /** Client tokens and stable client tokens handed out, in the platform's order. */
  issued: Issued[];
  /** Refresh tokens presented to renewRefreshToken, in order. */
  renewals: string[];
  /** Counts of the upstream client-token fetches (both kinds). */
  readonly fetches: number;
  /**
   * Whether `token`, served at `at` (Date.now()), was valid then. Strict: a token counts as
   * knocked out from the moment the request that knocked it out left, and as expired from its
   * request's departure plus its lifetime (real ms, `scale` applied); a stable token, from the
   * latest such bound its answers give (each repeats the time it has left).
   */
  validAt(token: string, at: number): boolean;
  close(): Promise<void>;
}

const body = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });

/** `scale`: how much faster than Date.now() the emulator's clock runs. */
export async function startPlatformLog(target: string, scale = 1): Promise<PlatformLog> {
  const issued: Issued[] = [];
  const renewals: string[] = [];
  let queue: Promise<unknown> = Promise.resolve();
  const server = createServer((req, res) => {
    const arrivedAt = Date.now();
    void (async () => {
      const sent = await body(req);
      const url = new URL(req.url ?? "/", target);
      const path = url.pathname.replace(/\/?$/, "/");
      const clientToken = path === "/oauth/client_token/" || path === "/oauth/stable_client_token/";
      if (path === "/oauth/renew_refresh_token/") {
        const form = new URLSearchParams(req.method === "GET" ? url.search : sent.toString("utf8"));
        renewals.push(form.get("refresh_token") ?? "");
      }
      const forward = async () => {
        const sentAt = Date.now();
        const answer = await fetch(url, {
          method: req.method ?? "GET",
          headers: { "content-type": String(req.headers["content-type"] ?? "text/plain") },
          ...(req.method === "GET" || req.method === "HEAD" ? {} : { body: sent.toString("utf8") }),
        });
        const text = await answer.text();
        if (clientToken) {
          try {
            const data = (JSON.parse(text) as { data?: Record<string, unknown> }).data ?? {};
            if (typeof data.access_token === "string") {
              issued.push({
                stable: path === "/oauth/stable_client_token/",
                token: data.access_token,
                arrivedAt,
                sentAt,
                receivedAt: Date.now(),
                expiresInMs: (Number(data.expires_in) * 1000) / scale,
              });
            }
          } catch {
            // not JSON: an injected fault; nothing was issued
          }
        }
        res.writeHead(answer.status, {
          "content-type": answer.headers.get("content-type") ?? "application/json",
        });
        res.end(text);
      };
      if (clientToken) {
        const turn = queue.then(forward);
        queue = turn.catch(() => undefined);
        await turn;
      } else await forward();
    })().catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  // Idle keep-alive sockets stay open for the run: closed at Node's default 5 s, one could be
  // reused by a worker just as it closed, and the call failed before an answer arrived (a
  // Sentinel run under CPU load; the workers do not retry).
  server.keepAliveTimeout = 600_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    issued,
    renewals,
    get fetches() {
      return issued.length;
    },
    validAt(token, at) {
      const index = issued.findIndex((i) => i.token === token);
      const record = issued[index];
      if (record === undefined) return false;
      if (record.stable) {
        // Every answer for a stable token bounds its end from below: sent at `sentAt` with
        // `expires_in` left, rounded to the nearest second by the emulator (half a second, scaled).
        const ends = issued
          .filter((i) => i.token === token)
          .map((i) => i.sentAt + i.expiresInMs - 500 / scale);
        return at < Math.max(...ends);
      }
      if (at >= record.sentAt + record.expiresInMs) return false;
      const later = issued.slice(index + 1).filter((i) => !i.stable);
      return later.length < 2 || at < later[1]!.sentAt;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
