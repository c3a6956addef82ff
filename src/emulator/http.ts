// The two HTTP helpers both the platform's routes (server.ts) and the control API
// (control-api.ts) answer with: one answer with no caching, and a request body read whole up to
// a cap.
import type { IncomingMessage, ServerResponse } from "node:http";

const MAX_BODY_BYTES = 64 * 1024;

export function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headers = {},
) {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store", ...headers });
  res.end(body);
}

/** The whole body as text, or undefined when it is over 64 KiB. */
export async function readBody(req: IncomingMessage): Promise<string | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
