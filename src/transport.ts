// Sends one request with its own timeout and the caller's signal, and turns every way it can
// fail into a DouyinTransportError. The timeout starts when the request starts, not when the
// client is made (openapi-fetch #2567).
import type { RawAnswer } from "./answer.js";
import { DouyinTransportError, type TokenOperation } from "./errors.js";
import { safeCause } from "./redact.js";
import { requirePositiveMs } from "./validate.js";

/** Per-call options, the optional last argument of every token method. */
export interface CallOptions {
  /** Aborts the request; the error's `cause` is the signal's reason. */
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number;
}

/** What openapi-fetch resolves to when asked to `parseAs: "text"`. */
interface FetchResult {
  data?: string | undefined;
  error?: unknown;
  response: Response;
}

export function checkCallOptions(call: CallOptions | undefined): CallOptions {
  if (call === undefined) return {};
  if (typeof call !== "object" || call === null) throw new TypeError(`"options" must be an object`);
  if (call.timeoutMs !== undefined) requirePositiveMs(call.timeoutMs, "timeoutMs");
  if (call.signal !== undefined && !(call.signal instanceof AbortSignal)) {
    throw new TypeError(`"signal" must be an AbortSignal`);
  }
  return call;
}

export async function send(
  operation: TokenOperation,
  call: CallOptions,
  defaultTimeoutMs: number,
  secrets: readonly string[],
  request: (signal: AbortSignal) => Promise<FetchResult>,
): Promise<RawAnswer> {
  if (call.signal?.aborted) {
    throw new DouyinTransportError(operation, "aborted", { cause: call.signal.reason });
  }
  const timeoutMs = call.timeoutMs ?? defaultTimeoutMs;
  const timer = AbortSignal.timeout(timeoutMs);
  const signal = call.signal ? AbortSignal.any([call.signal, timer]) : timer;
  try {
    const { data, error, response } = await request(signal);
    // openapi-fetch reads the body of a non-2xx answer into `error`; the reader only needs the status.
    const text = response.ok ? (data ?? "") : typeof error === "string" ? error : "";
    return { status: response.status, text };
  } catch (error) {
    if (call.signal?.aborted) {
      throw new DouyinTransportError(operation, "aborted", { cause: call.signal.reason });
    }
    if (timer.aborted) {
      throw new DouyinTransportError(operation, "timeout", {
        detail: `${timeoutMs} ms passed`,
        cause: timer.reason,
      });
    }
    throw new DouyinTransportError(operation, "network", { cause: safeCause(error, secrets) });
  }
}
