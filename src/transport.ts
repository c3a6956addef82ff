// Sends one request with its own timeout and the caller's signal, and turns every way it can
// fail into a DouyinTransportError. The timeout starts when the request starts, not when the
// client is made (openapi-fetch #2567).
import type { RawAnswer } from "./answer.js";
import { DouyinTransportError, type TokenOperation } from "./errors.js";
import { safeCause } from "./redact.js";
import { requirePositiveMs } from "./validate.js";

/** Per-call options, the optional last argument of every token method. */
export interface CallOptions {
  /** Aborts the request (and any retry); the error's `cause` is the signal's reason. */
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` (per request) for this call; whole milliseconds. */
  timeoutMs?: number;
}

/** One token request, as the client hands it to a transport. */
export interface TransportRequest {
  method: "GET" | "POST";
  /** Absolute URL, query string included for GET. */
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal;
}

/** What a transport resolves to: the status and the whole body as text. */
export interface TransportResponse {
  status: number;
  text: string;
}

/**
 * Sends one request and reads the whole answer. Rejects (with anything) on a network failure or
 * when `signal` aborts; the client turns every rejection into a DouyinTransportError.
 */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/** A fetch of the standard shape: `fetch(url, init)`. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * The default transport: `fetch`, so the client runs wherever fetch exists. Redirects are never
 * followed (a 307 or 308 would carry the POST body, client_secret and code, to another host):
 * a 3xx reaches the answer reader, which reports it as kind `http-status`.
 */
export function fetchTransport(fetchImpl?: FetchLike): Transport {
  return async ({ method, url, headers, body, signal }) => {
    // A bare GET skips building a Headers object: about 20 % of a loopback call (BENCHMARKS.md).
    const init: RequestInit =
      method === "GET"
        ? { redirect: "manual", signal }
        : { method, headers, body: body ?? null, redirect: "manual", signal };
    const response = await (fetchImpl ?? globalThis.fetch)(url, init);
    return { status: response.status, text: await response.text() };
  };
}

export type SendRequest = (signal: AbortSignal) => Promise<TransportResponse>;

export function checkCallOptions(call: CallOptions | undefined): CallOptions {
  if (call === undefined) return {};
  if (typeof call !== "object" || call === null) throw new TypeError(`"options" must be an object`);
  if (call.timeoutMs !== undefined) requirePositiveMs(call.timeoutMs, "timeoutMs");
  if (call.signal !== undefined && !(call.signal instanceof AbortSignal)) {
    throw new TypeError(`"signal" must be an AbortSignal`);
  }
  return call;
}

export const abortedError = (operation: TokenOperation, signal: AbortSignal) =>
  new DouyinTransportError(operation, "aborted", { cause: signal.reason });

/** One request, bounded by `timeoutMs` and the caller's signal; never rejects with anything else. */
export async function send(
  operation: TokenOperation,
  callerSignal: AbortSignal | undefined,
  timeoutMs: number,
  secrets: readonly string[],
  request: SendRequest,
): Promise<RawAnswer> {
  if (callerSignal?.aborted) throw abortedError(operation, callerSignal);
  const timer = AbortSignal.timeout(timeoutMs);
  const signal = callerSignal ? AbortSignal.any([callerSignal, timer]) : timer;
  try {
    return await request(signal);
  } catch (error) {
    if (callerSignal?.aborted) throw abortedError(operation, callerSignal);
    if (timer.aborted) {
      throw new DouyinTransportError(operation, "timeout", {
        detail: `${timeoutMs} ms passed`,
        cause: timer.reason,
      });
    }
    throw new DouyinTransportError(operation, "network", { cause: safeCause(error, secrets) });
  }
}
