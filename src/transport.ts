// Sends one request with its own timeout and the caller's signal, and turns every way it can
// fail into a DouyinTransportError. The timeout starts when the request starts, not when the
// client is made (openapi-fetch #2567).
import { DouyinTransportError, type TokenOperation } from "./errors.js";
import { safeCause } from "./redact.js";

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
 * when `signal` aborts, and with an {@link AnswerTooLargeError} past {@link MAX_ANSWER_BYTES};
 * the client turns every rejection into a DouyinTransportError.
 */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/** The largest answer body read, 1 MiB: token answers are a few hundred bytes. */
export const MAX_ANSWER_BYTES = 1_048_576;

/**
 * What a transport rejects with when an answer's body passes {@link MAX_ANSWER_BYTES}, once it
 * has stopped reading and dropped the connection. The client reports it as kind
 * `invalid-answer` (`http-status` for a non-2xx status, as any). Recognised by `code`, not by
 * class, so a transport bundled apart (douyin-oauth/node, your own) can signal it.
 */
export class AnswerTooLargeError extends Error {
  override name = "AnswerTooLargeError";
  readonly code = "DOUYIN_ANSWER_TOO_LARGE";
  constructor(readonly status: number) {
    super("the body exceeds 1 MiB");
  }
}

const isAnswerTooLarge = (error: unknown): error is AnswerTooLargeError =>
  typeof error === "object" &&
  error !== null &&
  (error as { code?: unknown }).code === "DOUYIN_ANSWER_TOO_LARGE";

/** A fetch of the standard shape: `fetch(url, init)`. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * The default transport: `fetch`, so the client runs wherever fetch exists. Redirects are never
 * followed (a 307 or 308 would carry the POST body, client_secret and code, to another host):
 * a 3xx reaches the answer reader, which reports it as kind `http-status`.
 */
export function fetchTransport(fetchImpl?: FetchLike): Transport {
  return async ({ method, url, headers, body, signal }) => {
    // A bare GET (the client's own: no headers) skips building a Headers object: about 20 % of a
    // loopback call (BENCHMARKS.md). A GET with headers (a wrapping transport's) sends them.
    const init: RequestInit =
      method === "GET" && Object.keys(headers).length === 0
        ? { redirect: "manual", signal }
        : { method, headers, body: body ?? null, redirect: "manual", signal };
    const response = await (fetchImpl ?? globalThis.fetch)(url, init);
    return { status: response.status, text: await readCapped(response) };
  };
}

/**
 * The body as text, at most {@link MAX_ANSWER_BYTES}. A declared length within the cap and no
 * content-encoding (which inflates) is read whole, the fast path; anything else is counted
 * chunk by chunk, and the read is cancelled, dropping the connection, once past the cap.
 */
async function readCapped(response: Response): Promise<string> {
  const declared = response.headers.get("content-length");
  if (declared !== null && !response.headers.has("content-encoding")) {
    const length = Number(declared);
    if (length > MAX_ANSWER_BYTES) {
      response.body?.cancel().catch(() => undefined);
      throw new AnswerTooLargeError(response.status);
    }
    if (length <= MAX_ANSWER_BYTES) {
      const text = await response.text();
      // UTF-16 units never outnumber bytes: a cheap check on a fetch that ignored the length.
      if (text.length > MAX_ANSWER_BYTES) throw new AnswerTooLargeError(response.status);
      return text;
    }
  }
  const reader = response.body?.getReader();
  if (reader === undefined) return "";
  const decoder = new TextDecoder();
  let text = "";
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      reader.cancel().catch(() => undefined);
      throw new AnswerTooLargeError(response.status);
    }
    text += decoder.decode(value, { stream: true });
  }
}

export type SendRequest = (signal: AbortSignal) => Promise<TransportResponse>;

export const abortedError = (operation: TokenOperation, signal: AbortSignal) =>
  new DouyinTransportError(operation, "aborted", { cause: signal.reason });

/** One request, bounded by `timeoutMs` and the caller's signal; never rejects with anything else. */
export async function send(one: {
  operation: TokenOperation;
  /** The caller's signal, if any. */
  signal: AbortSignal | undefined;
  timeoutMs: number;
  /** The values this request carries, kept out of any error. */
  secrets: readonly string[];
  request: SendRequest;
}): Promise<TransportResponse> {
  const { operation, signal: callerSignal, timeoutMs, secrets, request } = one;
  if (callerSignal?.aborted) throw abortedError(operation, callerSignal);
  // A timer cleared when the request settles: AbortSignal.timeout's cannot be cleared, and one
  // left pending per call costs more than the call's own JS on Node (BENCHMARKS.md, profile).
  const timeout = new AbortController();
  const timer = timeout.signal;
  const clock = setTimeout(
    () =>
      timeout.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")),
    timeoutMs,
  );
  const signal = callerSignal ? AbortSignal.any([callerSignal, timer]) : timer;
  try {
    return await request(signal);
  } catch (error) {
    if (isAnswerTooLarge(error)) {
      const { status } = error;
      throw status >= 200 && status <= 299
        ? new DouyinTransportError(operation, "invalid-answer", { status, detail: error.message })
        : new DouyinTransportError(operation, "http-status", { status });
    }
    if (callerSignal?.aborted) throw abortedError(operation, callerSignal);
    if (timer.aborted) {
      throw new DouyinTransportError(operation, "timeout", {
        detail: `${timeoutMs} ms passed`,
        cause: timer.reason,
      });
    }
    throw new DouyinTransportError(operation, "network", { cause: safeCause(error, secrets) });
  } finally {
    clearTimeout(clock);
  }
}
