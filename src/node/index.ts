/**
 * The fast path on Node: token requests over keep-alive `node:http` / `node:https`, with no
 * Request or Response objects in between. Pass it as the client's `transport`.
 * @example
 * import { createDouyinOAuth } from "douyin-oauth";
 * import { nodeTransport } from "douyin-oauth/node";
 * const douyin = createDouyinOAuth({ clientKey, clientSecret, transport: nodeTransport() });
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Transport, TransportRequest, TransportResponse } from "../transport.js";

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
  const http = options.httpAgent ?? new HttpAgent({ keepAlive: true, maxSockets });
  const https = options.httpsAgent ?? new HttpsAgent({ keepAlive: true, maxSockets });

  const send = ({ method, url, headers, body, signal }: TransportRequest) =>
    new Promise<TransportResponse>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const secure = url.startsWith("https:");
      const sendHeaders =
        body === undefined
          ? headers
          : { ...headers, "content-length": String(Buffer.byteLength(body)) };
      const onAbort = () => {
        req.destroy();
        reject(signal.reason);
      };
      const req = (secure ? httpsRequest : httpRequest)(
        url,
        { method, headers: sendHeaders, agent: secure ? https : http },
        (res: IncomingMessage) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () => {
            signal.removeEventListener("abort", onAbort);
            resolve({ status: res.statusCode ?? 0, text });
          });
          res.on("error", reject);
          res.on("aborted", () => reject(new Error("the connection closed mid-answer")));
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
      if (!options.httpAgent) http.destroy();
      if (!options.httpsAgent) https.destroy();
    },
  });
}
