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
      if (!options.httpAgent) http.destroy();
      if (!options.httpsAgent) https.destroy();
    },
  });
}
