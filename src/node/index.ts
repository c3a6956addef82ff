/**
 * The fast path on Node: token requests over keep-alive `node:http` / `node:https`, with no
 * Request or Response objects in between. Pass it as the client's `transport`.
 * @example
 * import { createDouyinOAuth } from "douyin-oauth";
 * import { nodeTransport } from "douyin-oauth/node";
 * const douyin = createDouyinOAuth({ clientKey, clientSecret, transport: nodeTransport() });
 */
import type { Agent as HttpAgent, IncomingMessage } from "node:http";
import type { Agent as HttpsAgent } from "node:https";
import {
  AnswerTooLargeError,
  MAX_ANSWER_BYTES,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from "../transport.js";

export type { Transport, TransportRequest, TransportResponse } from "../transport.js";

export interface NodeTransportOptions {
  /** Sockets kept per host; default 64. */
  maxSockets?: number;
  /** Agents of your own (proxies, TLS settings); keep-alive ones by default. */
  httpAgent?: HttpAgent;
  httpsAgent?: HttpsAgent;
}

export interface NodeTransport extends Transport {
  /** Closes the kept-alive sockets. */
  close(): void;
}

/**
 * A keep-alive node:http(s) transport. Like the fetch one, it never follows a redirect: a 3xx is
 * reported as kind `http-status`.
 */
export function nodeTransport(options: NodeTransportOptions = {}): NodeTransport {
  const maxSockets = options.maxSockets ?? 64;
  // node:http and node:https load on first use, not at import: the package's `node` entry
  // imports this module, and importing it must stay cheap (BENCHMARKS.md, cold start).
  let http = options.httpAgent;
  let https = options.httpsAgent;
  const plain = () => (http ??= new (builtin("node:http").Agent)({ keepAlive: true, maxSockets }));
  const secured = () =>
    (https ??= new (builtin("node:https").Agent)({ keepAlive: true, maxSockets }));

  const send = ({ method, url, headers, body, signal }: TransportRequest) =>
    new Promise<TransportResponse>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const target = parse(url);
      const secure = target.secure;
      const sendHeaders =
        body === undefined
          ? headers
          : { ...headers, "content-length": String(Buffer.byteLength(body)) };
      const onAbort = () => {
        req.destroy();
        reject(signal.reason);
      };
      const req = builtin(secure ? "node:https" : "node:http").request(
        {
          host: target.host,
          port: target.port,
          path: target.path,
          method,
          headers: sendHeaders,
          agent: secure ? secured() : plain(),
        },
        (res: IncomingMessage) => {
          const status = res.statusCode ?? 0;
          // Past 1 MiB (declared or counted), stop: drop the connection rather than read on.
          const tooLarge = () => {
            signal.removeEventListener("abort", onAbort);
            req.destroy();
            reject(new AnswerTooLargeError(status));
          };
          res.on("error", reject);
          res.on("aborted", () => reject(new Error("the connection closed mid-answer")));
          if (Number(res.headers["content-length"]) > MAX_ANSWER_BYTES) return tooLarge();
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES) return tooLarge();
            chunks.push(chunk);
          });
          res.on("end", () => {
            signal.removeEventListener("abort", onAbort);
            const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
            resolve({ status, text: body.toString("utf8") });
          });
        },
      );
      signal.addEventListener("abort", onAbort, { once: true });
      req.on("error", (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      });
      req.end(body);
    });

  return Object.assign(send, {
    close() {
      if (!options.httpAgent) http?.destroy();
      if (!options.httpsAgent) https?.destroy();
    },
  });
}

interface Builtins {
  "node:http": typeof import("node:http");
  "node:https": typeof import("node:https");
}
const builtin = <Id extends keyof Builtins>(id: Id): Builtins[Id] =>
  process.getBuiltinModule(id) as Builtins[Id];

interface Target {
  secure: boolean;
  host: string;
  port: string;
  path: string;
}
const origins = new Map<string, Omit<Target, "path">>();

/**
 * An absolute http(s) URL as node:http's options, the origin's part parsed once per origin (a
 * client sends to one base URL): cheaper than node:http parsing the whole URL on every call.
 */
function parse(url: string): Target {
  // The origin ends at the first "/", "?" or "#" after the scheme's "//".
  let end = url.indexOf("//") + 2;
  while (end < url.length && url[end] !== "/" && url[end] !== "?" && url[end] !== "#") end++;
  const origin = url.slice(0, end);
  let known = origins.get(origin);
  if (known === undefined) {
    const { protocol, hostname, port } = new URL(origin);
    const secure = protocol === "https:";
    // URL keeps an IPv6 host's brackets; node:http wants the bare address.
    const host = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
    known = { secure, host, port: port || (secure ? "443" : "80") };
    if (origins.size < 64) origins.set(origin, known);
  }
  // node:http sends the path as given: never the fragment, and "/" before a bare query.
  const hash = url.indexOf("#", end);
  const rest = hash < 0 ? url.slice(end) : url.slice(end, hash);
  return { ...known, path: rest[0] === "/" ? rest : "/" + rest };
}
