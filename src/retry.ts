// Retries with exponential backoff and jitter, only where a retry cannot do harm: clientToken,
// stableClientToken, refreshToken and userInfo (a read: asking twice changes nothing on the
// platform, and a sign-in should not fail on one dropped connection). Never accessToken (a code works once) and never
// renewRefreshToken (it rotates the refresh token: a lost answer plus a retry would burn a
// renewal and leave the caller holding a dead token).
import { DouyinTransportError, type TokenOperation, type TransportFailure } from "./errors.js";
import { abortedError } from "./transport.js";

/** How a call is retried after a network fault, a 5xx or the platform's busy codes; `retry: false` turns it off. */
export interface RetryOptions {
  /** Retries after the first attempt; 0 turns retrying off. */
  retries: number;
  /** Delay before the first retry; each later one doubles, up to maxDelayMs, with jitter. */
  minDelayMs: number;
  maxDelayMs: number;
  /** The whole call, retries and delays included, ends by then (default: unbounded but by retries). */
  totalTimeoutMs?: number;
}

/** Default: two retries, 200 ms then 400 ms (each ±50 % jitter), at most 2 s apart. */
export const DEFAULT_RETRY: RetryOptions = { retries: 2, minDelayMs: 200, maxDelayMs: 2_000 };

export const RETRYABLE: ReadonlySet<TokenOperation> = new Set<TokenOperation>([
  "clientToken",
  "stableClientToken",
  "refreshToken",
  "userInfo",
]);

/** What the optional logger hears after each attempt: facts, never a value that was sent. */
export interface DouyinLogEvent {
  operation: TokenOperation;
  attempt: number;
  outcome: "ok" | "retry" | "error";
  durationMs: number;
  status?: number;
  kind?: TransportFailure;
  errorCode?: number;
  /** Before a retry: how long the client waits. */
  delayMs?: number;
}

/** Transport failures worth another try: the network, a timeout, a 5xx, a garbled body. */
function worthRetrying(error: unknown): error is DouyinTransportError {
  if (!(error instanceof DouyinTransportError)) return false;
  if (error.kind === "http-status") return (error.status ?? 0) >= 500;
  return error.kind !== "aborted";
}

function backoff(policy: RetryOptions, retry: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

function sleep(
  ms: number,
  operation: TokenOperation,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(operation, signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(operation, signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Runs `attempt` once, or (for a retryable operation) until it succeeds, fails in a way a retry
 * cannot mend, or the retries or the total time run out. Each attempt gets `timeoutMs`, cut
 * to what remains of the total.
 */
export async function withRetries<T>(
  operation: TokenOperation,
  policy: RetryOptions,
  /** Per attempt. */
  timeoutMs: number,
  signal: AbortSignal | undefined,
  log: ((event: DouyinLogEvent) => void) | undefined,
  attempt: (timeoutMs: number) => Promise<T>,
): Promise<T> {
  const retries = RETRYABLE.has(operation) ? policy.retries : 0;
  const deadline =
    policy.totalTimeoutMs === undefined ? Infinity : Date.now() + policy.totalTimeoutMs;
  for (let n = 1; ; n++) {
    const started = Date.now();
    const budget = Math.min(timeoutMs, deadline - started);
    try {
      const result = await attempt(Math.max(1, budget));
      log?.({ operation, attempt: n, outcome: "ok", durationMs: Date.now() - started });
      return result;
    } catch (error) {
      const facts = {
        operation,
        attempt: n,
        durationMs: Date.now() - started,
        ...(error instanceof DouyinTransportError ? { kind: error.kind } : {}),
        ...(typeof (error as { status?: unknown }).status === "number"
          ? { status: (error as { status: number }).status }
          : {}),
        ...(typeof (error as { errorCode?: unknown }).errorCode === "number"
          ? { errorCode: (error as { errorCode: number }).errorCode }
          : {}),
      };
      const delayMs = backoff(policy, n);
      if (n > retries || !worthRetrying(error) || Date.now() + delayMs >= deadline) {
        log?.({ ...facts, outcome: "error" });
        if (error instanceof DouyinTransportError) error.attempts = n;
        throw error;
      }
      log?.({ ...facts, outcome: "retry", delayMs });
      await sleep(delayMs, operation, signal);
    }
  }
}
