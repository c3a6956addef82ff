// Sends one request, bounded by its deadline and the caller's signal, and turns every way it can
// fail into a DouyinTransportError. The deadline is set when the request starts, not when the
// client is made (openapi-fetch #2567). No AbortController or timer per request: one timer per
// client watches every deadline (Deadlines), and the caller's signal is listened to, never
// combined (AbortSignal.any kept a link per call on a long-lived signal).
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
  /**
   * When the client stops waiting for this request, in `Date.now()` milliseconds. The client
   * rejects the call then (kind `timeout`) whatever the transport does; a transport that also
   * stops its request by then frees its connection.
   */
  deadline: number;
  /** The caller's signal, when the caller passed one: stop the request when it aborts. */
  signal: AbortSignal | undefined;
}

/** What a transport resolves to: the status and the whole body as text. */
export interface TransportResponse {
  status: number;
  text: string;
}

/**
 * Sends one request and reads the whole answer. Rejects (with anything) on a network failure,
 * and with an {@link AnswerTooLargeError} past {@link MAX_ANSWER_BYTES}; the client turns every
 * rejection into a DouyinTransportError. The client itself settles the call at `deadline` and
 * when `signal` aborts, so a transport that ignores both cannot make a call hang; honouring them
 * ends the request too.
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
  return async ({ method, url, headers, body, deadline, signal }) => {
    const stop = fetchSignal(deadline, signal);
    try {
      // A bare GET (the client's own: no headers) skips building a Headers object: about 20 %
      // of a loopback call (BENCHMARKS.md). A GET with headers (a wrapping transport's) sends them.
      const init: RequestInit =
        method === "GET" && Object.keys(headers).length === 0
          ? { redirect: "manual", signal: stop.signal }
          : { method, headers, body: body ?? null, redirect: "manual", signal: stop.signal };
      const response = await (fetchImpl ?? globalThis.fetch)(url, init);
      return { status: response.status, text: await readCapped(response) };
    } finally {
      stop.done();
    }
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

/** What a timed-out signal's reason is, as `AbortSignal.timeout()` would have it. */
export const timeoutReason = () =>
  new DOMException("The operation was aborted due to timeout", "TimeoutError");

/** Something in flight that must end by its deadline. */
export interface Deadlined {
  deadline: number;
  /** Called once when the deadline has passed (unless removed before). */
  expire(): void;
}

/** Deadlines share a slot per this many ms: a call's timeout fires up to 15 ms late. */
const SLOT_MS = 16;
const LONGEST_DELAY_MS = 2_147_483_647;
const slotOf = (deadline: number) => Math.ceil(deadline / SLOT_MS) * SLOT_MS;

/**
 * Deadlines of calls in flight on one timer, for the earliest of them: adding and removing a call
 * is a Map and a Set operation, not a timer each. When nothing is left in flight the timer stays
 * set but stops holding the process (unref'd; cleared where timers cannot be unref'd), so an idle
 * client never keeps a process alive, and sequential calls do not set a timer each.
 */
export class Deadlines {
  readonly #slots = new Map<number, Set<Deadlined>>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armedFor = Infinity;
  /** Whether the timer holds the process while calls are in flight. */
  constructor(readonly holds = true) {}

  add(item: Deadlined): void {
    const at = slotOf(item.deadline);
    let slot = this.#slots.get(at);
    if (slot === undefined) {
      if (this.#slots.size === 0 && this.holds && this.#timer !== undefined) {
        refTimer(this.#timer, true);
      }
      this.#slots.set(at, (slot = new Set()));
      if (at < this.#armedFor) this.#arm(at);
    }
    slot.add(item);
  }

  delete(item: Deadlined): void {
    const at = slotOf(item.deadline);
    const slot = this.#slots.get(at);
    if (slot === undefined || !slot.delete(item) || slot.size > 0) return;
    this.#slots.delete(at);
    if (this.#slots.size === 0 && this.holds && !refTimer(this.#timer!, false)) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#armedFor = Infinity;
    }
  }

  #arm(at: number): void {
    clearTimeout(this.#timer);
    this.#armedFor = at;
    // setTimeout takes at most 2^31 - 1 ms (a longer delay fires at once): wait in steps.
    const delay = at - Date.now();
    const timer =
      delay > LONGEST_DELAY_MS
        ? setTimeout(() => this.#arm(at), LONGEST_DELAY_MS)
        : setTimeout(() => this.#fire(at), Math.max(0, delay));
    if (!this.holds) refTimer(timer, false);
    this.#timer = timer;
  }

  /** The timer for `due` fired: every deadline up to it has passed. */
  #fire(due: number): void {
    this.#timer = undefined;
    this.#armedFor = Infinity;
    let next = Infinity;
    const expired: Deadlined[] = [];
    for (const [at, slot] of this.#slots) {
      if (at <= due) {
        this.#slots.delete(at);
        for (const item of slot) expired.push(item);
      } else if (at < next) next = at;
    }
    if (next < Infinity) this.#arm(next);
    for (const item of expired) item.expire();
  }
}

/** Makes `timer` hold the process or not; false where the runtime cannot (browsers, workerd). */
function refTimer(timer: ReturnType<typeof setTimeout>, ref: boolean): boolean {
  if (typeof timer === "object" && timer !== null && "unref" in timer) {
    if (ref) timer.ref();
    else timer.unref();
    return true;
  }
  type DenoTimers = Partial<Record<"refTimer" | "unrefTimer", (id: unknown) => void>>;
  const deno = (globalThis as { Deno?: DenoTimers }).Deno;
  const set = ref ? deno?.refTimer : deno?.unrefTimer;
  if (typeof set !== "function") return false;
  set(timer);
  return true;
}

/**
 * fetch needs a signal to stop a request. Requests with no caller's signal share one per 64 ms
 * of deadlines, aborted (with a TimeoutError) when that window has passed: an AbortController
 * per request costs more than the rest of the client's work on some runtimes (BENCHMARKS.md).
 * With the caller's signal, the request gets its own, aborted by either.
 */
const WINDOW_MS = 64;
const fetchDeadlines = new Deadlines(false);
/** The shared signal of each window of deadlines still to come. */
const windows = new Map<number, OwnSignal>();
const nothing = () => undefined;

interface OwnSignal {
  signal: AbortSignal;
  /** The request has ended: stop listening. */
  done(): void;
}

function fetchSignal(deadline: number, caller: AbortSignal | undefined): OwnSignal {
  const at = Math.ceil(deadline / WINDOW_MS) * WINDOW_MS;
  let shared = windows.get(at);
  if (shared === undefined) {
    const controller = new AbortController();
    windows.set(at, (shared = { signal: controller.signal, done: nothing }));
    fetchDeadlines.add({
      deadline: at,
      expire() {
        windows.delete(at);
        controller.abort(timeoutReason());
      },
    });
  }
  return caller === undefined ? shared : new Linked(caller, deadline);
}

/** A request's own signal, aborted by the caller's signal or at its deadline. */
class Linked implements OwnSignal, Deadlined, Abortable {
  readonly #controller = new AbortController();
  readonly signal = this.#controller.signal;
  constructor(
    readonly caller: AbortSignal,
    readonly deadline: number,
  ) {
    watch(caller, this);
    fetchDeadlines.add(this);
  }
  aborted(): void {
    this.#controller.abort(this.caller.reason);
    this.done();
  }
  expire(): void {
    this.#controller.abort(timeoutReason());
    this.done();
  }
  done(): void {
    unwatch(this.caller, this);
    fetchDeadlines.delete(this);
  }
}

/** Something that ends when a caller's signal aborts. */
export interface Abortable {
  aborted(): void;
}

/**
 * What listens to each caller's signal: one listener per signal however many calls share it
 * (no MaxListeners warning at any concurrency), removed when its last call ends, so a
 * long-lived signal holds nothing between calls.
 */
const watchers = new WeakMap<AbortSignal, Set<Abortable>>();

function onCallerAbort(this: AbortSignal): void {
  const watching = watchers.get(this);
  this.removeEventListener("abort", onCallerAbort);
  if (watching === undefined) return;
  watchers.delete(this);
  for (const item of watching) item.aborted();
}

export function watch(signal: AbortSignal, item: Abortable): void {
  let watching = watchers.get(signal);
  if (watching === undefined) {
    watchers.set(signal, (watching = new Set()));
    signal.addEventListener("abort", onCallerAbort);
  }
  watching.add(item);
}

export function unwatch(signal: AbortSignal, item: Abortable): void {
  const watching = watchers.get(signal);
  if (watching === undefined || !watching.delete(item) || watching.size > 0) return;
  watchers.delete(signal);
  signal.removeEventListener("abort", onCallerAbort);
}

export const abortedError = (operation: TokenOperation, signal: AbortSignal) =>
  new DouyinTransportError(operation, "aborted", { cause: signal.reason });

/**
 * One request in flight: settled by the transport's answer or failure, by its deadline, or by
 * the caller's signal, whichever comes first.
 */
class InFlight implements Deadlined, Abortable {
  done = false;
  constructor(
    readonly operation: TokenOperation,
    readonly deadline: number,
    readonly timeoutMs: number,
    readonly signal: AbortSignal | undefined,
    readonly secrets: readonly string[],
    readonly deadlines: Deadlines,
    readonly resolve: (response: TransportResponse) => void,
    readonly reject: (error: DouyinTransportError) => void,
  ) {}

  #end(): boolean {
    if (this.done) return false;
    this.done = true;
    this.deadlines.delete(this);
    if (this.signal !== undefined) unwatch(this.signal, this);
    return true;
  }

  answered(response: TransportResponse): void {
    if (this.#end()) this.resolve(response);
  }

  failed(error: unknown): void {
    if (!this.#end()) return;
    const { operation, signal } = this;
    if (isAnswerTooLarge(error)) {
      const { status } = error;
      this.reject(
        status >= 200 && status <= 299
          ? new DouyinTransportError(operation, "invalid-answer", { status, detail: error.message })
          : new DouyinTransportError(operation, "http-status", { status }),
      );
    } else if (signal?.aborted) this.reject(abortedError(operation, signal));
    // The transport's own timer may fire before the client's: its failure is a timeout too.
    else if (Date.now() >= this.deadline) this.reject(this.#timeout(error));
    else {
      const cause = safeCause(error, this.secrets);
      this.reject(new DouyinTransportError(operation, "network", { cause }));
    }
  }

  #timeout(cause: unknown): DouyinTransportError {
    return new DouyinTransportError(this.operation, "timeout", {
      detail: `${this.timeoutMs} ms passed`,
      cause: isTimeoutReason(cause) ? cause : timeoutReason(),
    });
  }

  expire(): void {
    if (!this.done) {
      this.done = true; // already out of the deadlines
      if (this.signal !== undefined) unwatch(this.signal, this);
      this.reject(this.#timeout(undefined));
    }
  }

  aborted(): void {
    if (this.#end()) this.reject(abortedError(this.operation, this.signal!));
  }
}

const isTimeoutReason = (value: unknown): value is DOMException =>
  value instanceof DOMException && value.name === "TimeoutError";

/** One request through `transport`, bounded by its deadline and the caller's signal; never rejects with anything but a DouyinTransportError. */
export function send(
  transport: Transport,
  request: TransportRequest,
  operation: TokenOperation,
  /** The request's time allowed, for the timeout's message. */
  timeoutMs: number,
  /** The values this request carries, kept out of any error. */
  secrets: readonly string[],
  deadlines: Deadlines,
): Promise<TransportResponse> {
  const { signal } = request;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(operation, signal));
    const flight = new InFlight(
      operation,
      request.deadline,
      timeoutMs,
      signal,
      secrets,
      deadlines,
      resolve,
      reject,
    );
    deadlines.add(flight);
    if (signal !== undefined) watch(signal, flight);
    let sent: Promise<TransportResponse>;
    try {
      sent = Promise.resolve(transport(request));
    } catch (error) {
      return flight.failed(error);
    }
    sent.then(
      (response) => flight.answered(response),
      (error: unknown) => flight.failed(error),
    );
  });
}
