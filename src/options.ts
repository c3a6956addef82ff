// Every option of the package checked in one place, at construction: each refusal is a
// TypeError that names the option and what is expected, before any request. The factory in
// client.ts gets a checked config back and only builds methods.
import { DEFAULT_RETRY, type DouyinLogEvent, type RetryOptions } from "./retry.js";
import { PLATFORM_BASE_URLS, type Platform } from "./spec.js";
import { fetchTransport, type CallOptions, type Transport } from "./transport.js";
import {
  checkBaseUrl,
  optionalText,
  requireObject,
  requirePositiveMs,
  requireText,
} from "./validate.js";

/** What {@link createDouyinOAuth} takes: the app's key and secret, the platform or base URL, the transport, timeout, request method and retries. */
export interface DouyinOAuthOptions {
  /** The app's client_key. */
  clientKey: string;
  /**
   * The app's client_secret; needed by `accessToken`, `clientToken` and `stableClientToken`.
   * Leave it out for a client without one; given as `undefined` (an environment variable that
   * is not set), construction throws a TypeError naming it.
   */
  clientSecret?: string | undefined;
  /** Which platform's host to use; default `"douyin"`. */
  platform?: Platform;
  /**
   * Overrides the platform host: an emulator, a proxy, a sandbox. No `user:password@`.
   * `undefined` is the platform's host, as if left out.
   */
  baseUrl?: string | undefined;
  /**
   * Used for every request (undici agents, proxies, tests). Default: on Node a keep-alive
   * `nodeTransport()` (the package's `node` export condition), elsewhere `globalThis.fetch`.
   */
  fetch?: typeof globalThis.fetch;
  /**
   * Sends the token requests instead of the default: e.g. `nodeTransport()` from
   * `douyin-oauth/node` with agents of your own. Not with `fetch`.
   */
  transport?: Transport;
  /** Per-request timeout in whole milliseconds, 1 to 2^31 - 1; default 10 000. */
  timeoutMs?: number;
  /**
   * `"POST"` (default) sends the token calls' parameters in the body, the platform's current
   * form and what ByteDance's SDK sends: form bodies, JSON for client_token. It keeps
   * client_secret, codes and refresh tokens out of URLs and so out of proxy and server logs.
   * `"GET"` (the seed's form) puts them in the query string, for a path that cannot pass bodies.
   */
  tokenRequestMethod?: "GET" | "POST";
  /**
   * Retries for clientToken, stableClientToken, refreshToken and userInfo on network failures,
   * timeouts, 5xx and garbled answers; default `{ retries: 2, minDelayMs: 200, maxDelayMs: 2000 }`,
   * `false` for none. accessToken and renewRefreshToken are never retried.
   */
  retry?: Partial<RetryOptions> | false;
  /** Hears one event per attempt (operation, outcome, status, timing); never a secret. */
  logger?: (event: DouyinLogEvent) => void;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** The options of createDouyinOAuth, checked and with their defaults filled in. */
export function checkOptions(options: DouyinOAuthOptions) {
  requireObject(options, "options");
  const { clientKey, clientSecret, platform = "douyin", timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  requireText(clientKey, "clientKey");
  if ("clientSecret" in options && clientSecret === undefined) {
    throw new TypeError(
      `"clientSecret" is undefined: set the variable it is read from, or leave the option out for a client without a secret`,
    );
  }
  optionalText(clientSecret, "clientSecret");
  if (typeof platform !== "string" || !Object.hasOwn(PLATFORM_BASE_URLS, platform)) {
    throw new TypeError(`"platform" must be one of ${Object.keys(PLATFORM_BASE_URLS).join(", ")}`);
  }
  requirePositiveMs(timeoutMs, "timeoutMs");
  if (options.fetch !== undefined && typeof options.fetch !== "function") {
    throw new TypeError(`"fetch" must be a function`);
  }
  if (options.transport !== undefined && typeof options.transport !== "function") {
    throw new TypeError(`"transport" must be a function`);
  }
  if (options.transport !== undefined && options.fetch !== undefined) {
    throw new TypeError(`"transport" and "fetch" exclude each other: pass one`);
  }
  const method = options.tokenRequestMethod ?? "POST";
  if (method !== "GET" && method !== "POST") {
    throw new TypeError(`"tokenRequestMethod" must be "GET" or "POST"`);
  }
  const retry = checkRetry(options.retry);
  const { logger } = options;
  if (logger !== undefined && typeof logger !== "function") {
    throw new TypeError(`"logger" must be a function`);
  }
  const log =
    logger &&
    ((event: DouyinLogEvent) => {
      try {
        logger(event);
      } catch {
        // A failing logger must not fail the call.
      }
    });
  const baseUrl = (
    options.baseUrl === undefined
      ? PLATFORM_BASE_URLS[platform]
      : checkBaseUrl(options.baseUrl, "baseUrl")
  ).replace(/\/+$/, "");
  const userFetch = options.fetch;
  const transport = options.transport ?? fetchTransport(userFetch);
  return { clientKey, clientSecret, baseUrl, timeoutMs, method, retry, log, userFetch, transport };
}

/** The `retry` option: `false`, or a partial policy over the defaults. */
export function checkRetry(value: unknown): RetryOptions {
  if (value === undefined) return DEFAULT_RETRY;
  if (value === false) return { ...DEFAULT_RETRY, retries: 0 };
  if (typeof value !== "object" || value === null) {
    throw new TypeError(`"retry" must be false or { retries, minDelayMs, maxDelayMs }`);
  }
  const retry = { ...DEFAULT_RETRY, ...(value as Partial<RetryOptions>) };
  if (!Number.isInteger(retry.retries) || retry.retries < 0 || retry.retries > 10) {
    throw new TypeError(`"retry.retries" must be an integer from 0 to 10`);
  }
  requirePositiveMs(retry.minDelayMs, "retry.minDelayMs");
  requirePositiveMs(retry.maxDelayMs, "retry.maxDelayMs");
  if (retry.maxDelayMs < retry.minDelayMs) {
    throw new TypeError(`"retry.maxDelayMs" must not be below "retry.minDelayMs"`);
  }
  if (retry.totalTimeoutMs !== undefined)
    requirePositiveMs(retry.totalTimeoutMs, "retry.totalTimeoutMs");
  return retry;
}

/** The optional last argument of every token method. */
const NO_OPTIONS: CallOptions = Object.freeze({});

export function checkCallOptions(call: CallOptions | undefined): CallOptions {
  if (call === undefined) return NO_OPTIONS;
  if (typeof call !== "object" || call === null) throw new TypeError(`"options" must be an object`);
  if (call.timeoutMs !== undefined) requirePositiveMs(call.timeoutMs, "timeoutMs");
  if (call.signal !== undefined && !(call.signal instanceof AbortSignal)) {
    throw new TypeError(`"signal" must be an AbortSignal`);
  }
  return call;
}
