// createDouyinOAuth: the thin wrapper. Each method checks its input, fills the fixed values the
// spec requires (grant_type, response_type), sends through the transport (fetch by default,
// retries where safe), and hands the answer to the one reader. clientSecret lives in this
// closure only, never on an object. `raw` alone goes through openapi-fetch.
import { createClient, type Client } from "./openapi-fetch.js";
import { readAnswer, type TokenData } from "./answer.js";
import {
  authorizeUrl,
  authorizeV2Url,
  connectUrl,
  type AuthorizeUrlOptions,
  type AuthorizeV2UrlOptions,
  type ConnectUrlOptions,
} from "./authorize-urls.js";
import { parseCallback, type CallbackResult } from "./callback.js";
import { encodeQuery } from "./query-string.js";
import type { TokenOperation } from "./errors.js";
import { checkRetry, withRetries, type DouyinLogEvent, type RetryOptions } from "./retry.js";
import {
  OPERATION_PATHS,
  PLATFORM_BASE_URLS,
  type BodyOf,
  type paths,
  type Platform,
  type QueryOf,
} from "./spec.js";
import {
  checkCallOptions,
  fetchTransport,
  send,
  type CallOptions,
  type SendRequest,
  type Transport,
} from "./transport.js";
import {
  checkBaseUrl,
  optionalText,
  requireObject,
  requirePositiveMs,
  requireText,
} from "./validate.js";

export interface DouyinOAuthOptions {
  /** The app's client_key. */
  clientKey: string;
  /** The app's client_secret; needed by `accessToken`, `clientToken` and `stableClientToken`. */
  clientSecret?: string;
  /** Which platform's host to use; default `"douyin"`. */
  platform?: Platform;
  /** Overrides the platform host: an emulator, a proxy, a sandbox. No `user:password@`. */
  baseUrl?: string;
  /** Used for every request (undici agents, proxies, tests); default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch;
  /**
   * Sends the token requests instead of `fetch`: `nodeTransport()` from `douyin-oauth/node` is
   * the fast path on Node (keep-alive node:http). Not with `fetch`.
   */
  transport?: Transport;
  /** Per-request timeout in whole milliseconds, 1 to 2^31 - 1; default 10 000. */
  timeoutMs?: number;
  /**
   * `"GET"` (default, as the seed describes) puts the parameters in the query string; `"POST"`
   * sends them in the body as the platform's current docs do, keeping client_secret, codes and
   * refresh tokens out of URLs and so out of proxy and server logs.
   */
  tokenRequestMethod?: "GET" | "POST";
  /**
   * Retries for clientToken, stableClientToken and refreshToken on network failures, timeouts,
   * 5xx and garbled answers; default `{ retries: 2, minDelayMs: 200, maxDelayMs: 2000 }`,
   * `false` for none. accessToken and renewRefreshToken are never retried.
   */
  retry?: Partial<RetryOptions> | false;
  /** Hears one event per attempt (operation, outcome, status, timing); never a secret. */
  logger?: (event: DouyinLogEvent) => void;
}

export interface DouyinOAuth {
  readonly clientKey: string;
  /** The base URL requests and page URLs use. */
  readonly baseUrl: string;
  /**
   * An openapi-fetch client for the spec's paths, base URL and `fetch` set, for calls of your own
   * (`raw.use()` adds middleware to those). The token methods do not go through it.
   */
  readonly raw: Client<paths>;
  /** The Douyin consent page (`/platform/oauth/connect/`). */
  connectUrl(options: ConnectUrlOptions): URL;
  /** The Toutiao consent page (`/oauth/authorize/`). */
  authorizeUrl(options: AuthorizeUrlOptions): URL;
  /** Douyin silent authorization, scope `login_id` (`/oauth/authorize/v2/`). */
  authorizeV2Url(options: AuthorizeV2UrlOptions): URL;
  /** Checks the callback's state, then the platform's error_code, and returns its code and scopes. */
  parseCallback(url: string | URL, expected: { state: string }): CallbackResult;
  /**
   * Swaps the callback's one-time `code` for the user's tokens. Never retried: a code works once.
   * @example const { access_token, open_id, expires_in } = await douyin.accessToken({ code });
   */
  accessToken(input: { code: string }, call?: CallOptions): Promise<TokenData<"accessToken">>;
  /** An app-level client token (2 hours; fetching one invalidates all but the latest two). */
  clientToken(call?: CallOptions): Promise<TokenData<"clientToken">>;
  /** The app's stable client token: the same token while it is valid (POST, JSON body). */
  stableClientToken(call?: CallOptions): Promise<TokenData<"stableClientToken">>;
  /** A fresh access token (15 days); the refresh token's expiry stays as it was. */
  refreshToken(
    input: { refreshToken: string },
    call?: CallOptions,
  ): Promise<TokenData<"refreshToken">>;
  /** A new refresh token (30 days), at most 5 times; it rotates, so it is never retried. */
  renewRefreshToken(
    input: { refreshToken: string },
    call?: CallOptions,
  ): Promise<TokenData<"renewRefreshToken">>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const HEADERS = {
  query: {},
  form: { accept: "application/json", "content-type": "application/x-www-form-urlencoded" },
  json: { accept: "application/json", "content-type": "application/json" },
} as const;

/**
 * Makes a client for one app.
 * @example
 * const douyin = createDouyinOAuth({ clientKey: "aw123", clientSecret: process.env.DOUYIN_SECRET });
 * const { access_token } = await douyin.clientToken();
 */
export function createDouyinOAuth(options: DouyinOAuthOptions): DouyinOAuth {
  requireObject(options, "options");
  const { clientKey, clientSecret, platform = "douyin", timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  requireText(clientKey, "clientKey");
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
  const method = options.tokenRequestMethod ?? "GET";
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
  let raw: Client<paths> | undefined;

  /** A token request: the spec's parameters in the query (GET) or in a form or JSON body. */
  function request(
    path: string,
    params: Record<string, string>,
    encoding: keyof typeof HEADERS,
  ): SendRequest {
    const url = encoding === "query" ? `${baseUrl}${path}?${encodeQuery(params)}` : baseUrl + path;
    const body =
      encoding === "form"
        ? encodeQuery(params)
        : encoding === "json"
          ? JSON.stringify(params)
          : undefined;
    const method = encoding === "query" ? "GET" : "POST";
    const headers = HEADERS[encoding];
    return (signal) => transport({ method, url, headers, body, signal });
  }
  const formOrQuery = method === "POST" ? "form" : "query";

  function secretFor(operation: TokenOperation): string {
    if (typeof clientSecret !== "string") {
      throw new TypeError(
        `"clientSecret" is required by ${operation}: pass it to createDouyinOAuth`,
      );
    }
    return clientSecret;
  }

  /** Sends (with retries where safe) and reads the answer. */
  async function exchange<Op extends TokenOperation>(
    operation: Op,
    call: CallOptions | undefined,
    secrets: readonly string[],
    sendOnce: SendRequest,
  ): Promise<TokenData<Op>> {
    const { signal, timeoutMs: callTimeout } = checkCallOptions(call);
    return withRetries({
      operation,
      policy: retry,
      timeoutMs: callTimeout ?? timeoutMs,
      signal,
      log,
      attempt: async (budget) =>
        readAnswer(
          operation,
          await send({ operation, signal, timeoutMs: budget, secrets, request: sendOnce }),
          secrets,
        ),
    });
  }

  return {
    clientKey,
    baseUrl,
    get raw() {
      raw ??= createClient<paths>(
        userFetch === undefined ? { baseUrl } : { baseUrl, fetch: userFetch },
      );
      return raw;
    },
    connectUrl: (page) => connectUrl(baseUrl, clientKey, page),
    authorizeUrl: (page) => authorizeUrl(baseUrl, clientKey, page),
    authorizeV2Url: (page) => authorizeV2Url(baseUrl, clientKey, page),
    parseCallback,

    async accessToken(input, call) {
      const client_secret = secretFor("accessToken");
      requireObject(input, "input");
      requireText(input.code, "code");
      const params = {
        client_key: clientKey,
        client_secret,
        code: input.code,
        grant_type: "authorization_code",
      } satisfies QueryOf<"/oauth/access_token/"> & BodyOf<"/oauth/access_token/">;
      const sendOnce = request(OPERATION_PATHS.accessToken, params, formOrQuery);
      return exchange("accessToken", call, [client_secret, input.code], sendOnce);
    },

    async clientToken(call) {
      const client_secret = secretFor("clientToken");
      const params = {
        client_key: clientKey,
        client_secret,
        grant_type: "client_credential",
      } satisfies QueryOf<"/oauth/client_token/"> & BodyOf<"/oauth/client_token/">;
      const sendOnce = request(
        OPERATION_PATHS.clientToken,
        params,
        method === "POST" ? "json" : "query",
      );
      return exchange("clientToken", call, [client_secret], sendOnce);
    },

    async stableClientToken(call) {
      const client_secret = secretFor("stableClientToken");
      const body = {
        client_key: clientKey,
        client_secret,
        grant_type: "client_credential",
      } satisfies BodyOf<"/oauth/stable_client_token/">;
      const sendOnce = request(OPERATION_PATHS.stableClientToken, body, "json");
      return exchange("stableClientToken", call, [client_secret], sendOnce);
    },

    async refreshToken(input, call) {
      requireObject(input, "input");
      requireText(input.refreshToken, "refreshToken");
      const params = {
        client_key: clientKey,
        refresh_token: input.refreshToken,
        grant_type: "refresh_token",
      } satisfies QueryOf<"/oauth/refresh_token/"> & BodyOf<"/oauth/refresh_token/">;
      const sendOnce = request(OPERATION_PATHS.refreshToken, params, formOrQuery);
      return exchange("refreshToken", call, [input.refreshToken], sendOnce);
    },

    async renewRefreshToken(input, call) {
      requireObject(input, "input");
      requireText(input.refreshToken, "refreshToken");
      const params = {
        client_key: clientKey,
        refresh_token: input.refreshToken,
      } satisfies QueryOf<"/oauth/renew_refresh_token/"> & BodyOf<"/oauth/renew_refresh_token/">;
      const sendOnce = request(OPERATION_PATHS.renewRefreshToken, params, formOrQuery);
      return exchange("renewRefreshToken", call, [input.refreshToken], sendOnce);
    },
  };
}
