// createDouyinOAuth: the thin wrapper. Each method checks its input, fills the fixed values the
// spec requires (grant_type, response_type), sends through openapi-fetch, and hands the answer
// to the one reader. clientSecret lives in this closure only, never on an object.
import createClient, { type Client } from "openapi-fetch";
import { readAnswer, type TokenData } from "./answer.js";
import {
  authorizeUrl,
  authorizeV2Url,
  checkBaseUrl,
  connectUrl,
  type AuthorizeUrlOptions,
  type AuthorizeV2UrlOptions,
  type ConnectUrlOptions,
} from "./authorize-urls.js";
import { parseCallback, type CallbackResult } from "./callback.js";
import type { TokenOperation } from "./errors.js";
import { checkRetry, withRetries, type DouyinLogEvent, type RetryOptions } from "./retry.js";
import { PLATFORM_BASE_URLS, type paths, type Platform } from "./spec.js";
import { checkCallOptions, send, type CallOptions, type SendRequest } from "./transport.js";
import { optionalText, requireObject, requirePositiveMs, requireText } from "./validate.js";

export interface DouyinOAuthOptions {
  /** The app's client_key. */
  clientKey: string;
  /** The app's client_secret; needed by `accessToken`, `clientToken` and `stableClientToken`. */
  clientSecret?: string;
  /** Which platform's host to use; default `"douyin"`. */
  platform?: Platform;
  /** Overrides the platform host: an emulator, a proxy, a sandbox. */
  baseUrl?: string;
  /** Used for every request (undici agents, proxies, tests); default `globalThis.fetch`. */
  fetch?: (request: Request) => Promise<Response>;
  /** Per-request timeout in milliseconds; default 10 000. */
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
  /** The openapi-fetch client for the spec's paths, base URL set; `raw.use()` adds middleware. */
  readonly raw: Client<paths>;
  /** The Douyin consent page (`/platform/oauth/connect/`). */
  connectUrl(options: ConnectUrlOptions): URL;
  /** The Toutiao consent page (`/oauth/authorize/`). */
  authorizeUrl(options: AuthorizeUrlOptions): URL;
  /** Douyin silent authorization, scope `login_id` (`/oauth/authorize/v2/`). */
  authorizeV2Url(options: AuthorizeV2UrlOptions): URL;
  /** Checks the callback's state and returns its code and granted scopes. */
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
const FORM = { "Content-Type": "application/x-www-form-urlencoded" } as const;

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
  const raw = createClient<paths>(
    options.fetch === undefined ? { baseUrl } : { baseUrl, fetch: options.fetch },
  );

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
    request: SendRequest,
  ): Promise<TokenData<Op>> {
    const { signal, timeoutMs: callTimeout } = checkCallOptions(call);
    return withRetries(operation, retry, callTimeout ?? timeoutMs, signal, log, async (budget) =>
      readAnswer(operation, await send(operation, signal, budget, secrets, request), secrets),
    );
  }

  return {
    clientKey,
    baseUrl,
    raw,
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
      } as const;
      const path = "/oauth/access_token/";
      return exchange("accessToken", call, [client_secret, input.code], (signal) =>
        method === "POST"
          ? raw.POST(path, { body: params, headers: FORM, signal, parseAs: "text" })
          : raw.GET(path, { params: { query: params }, signal, parseAs: "text" }),
      );
    },

    async clientToken(call) {
      const client_secret = secretFor("clientToken");
      const params = {
        client_key: clientKey,
        client_secret,
        grant_type: "client_credential",
      } as const;
      const path = "/oauth/client_token/";
      return exchange("clientToken", call, [client_secret], (signal) =>
        method === "POST"
          ? raw.POST(path, { body: params, signal, parseAs: "text" })
          : raw.GET(path, { params: { query: params }, signal, parseAs: "text" }),
      );
    },

    async stableClientToken(call) {
      const client_secret = secretFor("stableClientToken");
      const body = {
        client_key: clientKey,
        client_secret,
        grant_type: "client_credential",
      } as const;
      return exchange("stableClientToken", call, [client_secret], (signal) =>
        raw.POST("/oauth/stable_client_token/", { body, signal, parseAs: "text" }),
      );
    },

    async refreshToken(input, call) {
      requireObject(input, "input");
      requireText(input.refreshToken, "refreshToken");
      const params = {
        client_key: clientKey,
        refresh_token: input.refreshToken,
        grant_type: "refresh_token",
      } as const;
      const path = "/oauth/refresh_token/";
      return exchange("refreshToken", call, [input.refreshToken], (signal) =>
        method === "POST"
          ? raw.POST(path, { body: params, headers: FORM, signal, parseAs: "text" })
          : raw.GET(path, { params: { query: params }, signal, parseAs: "text" }),
      );
    },

    async renewRefreshToken(input, call) {
      requireObject(input, "input");
      requireText(input.refreshToken, "refreshToken");
      const params = { client_key: clientKey, refresh_token: input.refreshToken };
      const path = "/oauth/renew_refresh_token/";
      return exchange("renewRefreshToken", call, [input.refreshToken], (signal) =>
        method === "POST"
          ? raw.POST(path, { body: params, headers: FORM, signal, parseAs: "text" })
          : raw.GET(path, { params: { query: params }, signal, parseAs: "text" }),
      );
    },
  };
}
