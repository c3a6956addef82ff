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
  /** Overrides the client's `timeoutMs` (per request) for this call. */
  timeoutMs?: number;
}

/** What openapi-fetch resolves to when asked to `parseAs: "text"`. */
export interface FetchResult {
  data?: string | undefined;
  error?: unknown;
  response: Response;
}

export type SendRequest = (signal: AbortSignal) => Promise<FetchResult>;

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
    const { data, error, response } = await request(signal);
    // openapi-fetch reads the body of a non-2xx answer into `error`; the reader only needs the status.
    const text = response.ok ? (data ?? "") : typeof error === "string" ? error : "";
    return { status: response.status, text };
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
