// One error family. Callers branch with `instanceof` and on fields, never on message text.
// Messages are fixed sentences plus non-secret facts (operation, code, status): never a value the
// caller sent, a raw body or a URL. One exception keeps a logged error meaningful: the platform's
// own description, redacted, on one line, cut short.
import { redactText } from "./redact.js";
import { ERROR_CODE, SUCCESS_DATA } from "./spec.js";

export { ERROR_CODE };

/** A token operation of the spec, by `operationId`: `"accessToken"`, `"clientToken"`, ... */
export type TokenOperation = keyof typeof SUCCESS_DATA;

// The package may be loaded twice in one process: `require("douyin-oauth")` and
// `import("douyin-oauth")` are two builds, so two copies of every class. Each error carries the
// kinds it is (a Symbol.for key: one registry for every copy), and each of these classes answers
// `instanceof` by that brand, so an error from one copy is an instance of the other's classes.
const KINDS = Symbol.for("douyin-oauth.error-kinds");
/** Each class's own kind, a static under this key; a subclass of yours has none of its own. */
const KIND = Symbol.for("douyin-oauth.error-kind");
type Branded = { [KIND]?: string };

/** Base of every error this package throws (besides `TypeError` for bad input). */
export class DouyinError extends Error {
  static readonly [KIND]: string = "DouyinError";
  override name = "DouyinError";

  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    const kinds: string[] = [];
    for (let c: Function = new.target; c !== Error; c = Object.getPrototypeOf(c)) {
      if (Object.hasOwn(c, KIND)) kinds.push((c as Branded)[KIND]!);
    }
    Object.defineProperty(this, KINDS, { value: kinds });
  }

  /** `instanceof` that holds across copies of the package (CommonJS and ES module builds). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    // Only the package's own classes answer by brand: a subclass of yours keeps the ordinary rule.
    const kind = Object.hasOwn(this, KIND) ? (this as Branded)[KIND] : undefined;
    const kinds = (value as { [KINDS]?: unknown } | null | undefined)?.[KINDS];
    return kind !== undefined && Array.isArray(kinds) && kinds.includes(kind);
  }
}

/**
 * The platform answered with a non-zero `error_code` (it does so with HTTP 200).
 * Unknown codes are still this error; compare `errorCode` with {@link ERROR_CODE}.
 * @example
 * try { await douyin.refreshToken({ refreshToken }); }
 * catch (e) { if (e instanceof DouyinOAuthError && e.errorCode === ERROR_CODE.REFRESH_TOKEN_EXPIRED) reauthorize(); }
 */
export class DouyinOAuthError extends DouyinError {
  static override readonly [KIND]: string = "DouyinOAuthError";
  override name = "DouyinOAuthError";
  /** The platform's `error_code`, as a number. */
  readonly errorCode: number;
  /**
   * The platform's `description` (often Chinese), with any secret we sent removed. The message
   * carries it too (redacted, on one line, at most 200 characters), so `String(error)` in a log
   * says why.
   */
  readonly description: string;
  /** `extra.logid` or `data.log_id`: quote it to platform support. */
  readonly logId: string | undefined;
  readonly operation: TokenOperation;
  /** HTTP status of the answer (200: the platform reports errors with 200). */
  readonly status: number;

  constructor(
    operation: TokenOperation,
    status: number,
    fields: { errorCode: number; description: string; logId: string | undefined },
  ) {
    // Control characters would let a description forge log lines: one line, whitespace squeezed.
    const said = redactText(fields.description)
      .replace(/[\s\u0000-\u001f\u007f]+/g, " ")
      .trim();
    const chars = [...said]; // by code point: a cut never splits a surrogate pair
    const shown = chars.length > 200 ? `${chars.slice(0, 200).join("")}…` : said;
    super(
      `${operation}: the platform answered error_code ${fields.errorCode}${shown && `: ${shown}`}`,
    );
    this.operation = operation;
    this.status = status;
    this.errorCode = fields.errorCode;
    this.description = fields.description;
    this.logId = fields.logId;
  }
}

/** What went wrong on the way: see {@link DouyinTransportError}. */
export type TransportFailure = "network" | "timeout" | "aborted" | "http-status" | "invalid-answer";

const TRANSPORT_MESSAGES: Record<TransportFailure, string> = {
  network: "the request failed before an answer arrived",
  timeout: "no answer arrived in time",
  aborted: "the request was aborted",
  "http-status": "the platform answered with an HTTP error status",
  "invalid-answer": "the answer is not the expected JSON",
};

/**
 * The exchange failed: network failure, timeout or abort, a non-2xx status, or a body that is
 * not the expected JSON (HTML error page, empty, truncated, fields missing). `kind` says which;
 * `cause` holds the underlying error (for an abort, the signal's reason) with secrets removed.
 */
export class DouyinTransportError extends DouyinError {
  static override readonly [KIND]: string = "DouyinTransportError";
  override name = "DouyinTransportError";
  readonly operation: TokenOperation;
  readonly kind: TransportFailure;
  /** HTTP status, when an answer arrived. */
  readonly status: number | undefined;
  /** How many requests were sent, retries included (see the client's `retry` option); set by the retry loop. */
  attempts = 1;

  constructor(
    operation: TokenOperation,
    kind: TransportFailure,
    details: { status?: number; detail?: string; cause?: unknown } = {},
  ) {
    const status = details.status === undefined ? "" : ` (HTTP ${details.status})`;
    const detail = details.detail === undefined ? "" : `: ${details.detail}`;
    const message = `${operation}: ${TRANSPORT_MESSAGES[kind]}${status}${detail}`;
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.operation = operation;
    this.kind = kind;
    this.status = details.status;
  }
}

/** Why {@link DouyinCallbackError} refused a callback. */
export type CallbackFailure =
  "state_missing" | "state_mismatch" | "platform_error" | "code_missing";

const CALLBACK_MESSAGES: Record<CallbackFailure, string> = {
  state_missing: "the callback carries no state",
  state_mismatch: "the callback's state differs from the one sent",
  platform_error: "the callback carries an error from the platform",
  code_missing: "the callback carries no code",
};

/**
 * `parseCallback` refused the callback URL; `reason` says why. For `platform_error` (the
 * platform redirected back with a non-zero `error_code`), `errorCode` and `description` hold
 * what it sent; they are undefined for the other reasons.
 */
export class DouyinCallbackError extends DouyinError {
  static override readonly [KIND]: string = "DouyinCallbackError";
  override name = "DouyinCallbackError";
  readonly reason: CallbackFailure;
  /** The callback's `error_code`, when it is an integer. */
  readonly errorCode: number | undefined;
  /** The callback's `description`, with secrets (codes, tokens, the state) removed. */
  readonly description: string | undefined;

  constructor(
    reason: CallbackFailure,
    platform: { errorCode?: number | undefined; description?: string | undefined } = {},
  ) {
    const code = platform.errorCode === undefined ? "" : ` (error_code ${platform.errorCode})`;
    super(`parseCallback: ${CALLBACK_MESSAGES[reason]}${code}`);
    this.reason = reason;
    this.errorCode = platform.errorCode;
    this.description = platform.description;
  }
}

/** What went wrong with the token store: see {@link DouyinStoreError}. */
export type StoreFailure =
  | "failed" // a store call threw or rejected
  | "timeout" // a store call took longer than storeTimeoutMs
  | "lock_wait" // another process held the lock longer than this call may wait
  | "unsaved" // the platform issued tokens that are not in the store yet (a write failed)
  | "unreadable"; // the store holds a value that is not a record this package wrote

const STORE_MESSAGES: Record<StoreFailure, string> = {
  failed: "a token store call failed",
  timeout: "a token store call took too long",
  lock_wait: "another process held the token lock too long",
  unsaved: "the newest tokens are not in the token store yet",
  unreadable: "the token store holds a value that is not a token record",
};

/**
 * The token store (Redis, your own) failed or did not answer in time. It never means the user
 * must sign in again: the grant is still there, the store is not. `operation` names the store
 * call; `cause` holds the store's own error, with known secrets removed. Reason `unsaved`: a
 * renewal succeeded but its record is not written yet (this process retries the write; another
 * server that meets it waits for that write rather than end the grant).
 */
export class DouyinStoreError extends DouyinError {
  static override readonly [KIND]: string = "DouyinStoreError";
  override name = "DouyinStoreError";
  readonly reason: StoreFailure;
  /** The store call: "get", "set", "delete", "compareAndSet", "lock", "extend", "release", "list". */
  readonly operation: string;

  constructor(reason: StoreFailure, operation: string, cause?: unknown) {
    super(
      `token store ${operation}: ${STORE_MESSAGES[reason]}`,
      cause === undefined ? undefined : { cause },
    );
    this.reason = reason;
    this.operation = operation;
  }
}

/** Why {@link DouyinReauthorizeError} says the user must authorize again. */
export type ReauthorizeReason =
  | "no_tokens" // nothing stored for this open_id
  | "refresh_token_expired" // it ran out, or the platform said 10010
  | "renewal_limit"; // the platform refused a renewal (10020) and the refresh token ran out

const REAUTHORIZE_MESSAGES: Record<ReauthorizeReason, string> = {
  no_tokens: "no tokens are stored for this user",
  refresh_token_expired: "the user's refresh token has expired",
  renewal_limit: "the user's refresh token can be renewed no more",
};

/**
 * The user must go through the authorization page again: catch it and redirect them. `cause`
 * holds the platform's DouyinOAuthError when there was one.
 */
export class DouyinReauthorizeError extends DouyinError {
  static override readonly [KIND]: string = "DouyinReauthorizeError";
  override name = "DouyinReauthorizeError";
  readonly openId: string;
  readonly reason: ReauthorizeReason;

  constructor(openId: string, reason: ReauthorizeReason, cause?: unknown) {
    super(
      `getAccessToken: ${REAUTHORIZE_MESSAGES[reason]}; authorize again`,
      cause === undefined ? undefined : { cause },
    );
    this.openId = openId;
    this.reason = reason;
  }
}
