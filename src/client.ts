// createDouyinOAuth: the thin wrapper. Each method checks its input, fills the fixed values the
// spec requires (grant_type, response_type), sends through the transport (fetch by default,
// retries where safe), and hands the answer to the one reader. clientSecret lives in this
// closure only, never on an object. `raw` alone goes through openapi-fetch.
import { createClient, type Client } from "./openapi-fetch.js";
import { readAnswer, type TokenData, type UserInfo } from "./answer.js";
import {
  authorizeUrl,
  authorizeV2Url,
  connectUrl,
  type AuthorizeUrlOptions,
  type AuthorizeV2UrlOptions,
  type ConnectUrlOptions,
} from "./authorize-urls.js";
import { parseCallback, type CallbackResult } from "./callback.js";
import type { TokenOperation } from "./errors.js";
import { checkCallOptions, checkOptions, type DouyinOAuthOptions } from "./options.js";
import { encodeQuery } from "./query-string.js";
import { withRetries } from "./retry.js";
import { OPERATION_PATHS, type BodyOf, type paths, type QueryOf } from "./spec.js";
import { send, type CallOptions, type SendRequest } from "./transport.js";
import { requireObject, requireText } from "./validate.js";

export type { DouyinOAuthOptions } from "./options.js";

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
  /**
   * Who signed in: `open_id`, `union_id`, `nickname`, `avatar` (promised), and whatever else the
   * platform sent (`"<nil>"` placeholders left out). POST `/oauth/userinfo/`, the token in the
   * `access-token` header. Retried like refreshToken: it only reads.
   * @example const { nickname, avatar } = await douyin.userInfo({ accessToken, openId: open_id });
   */
  userInfo(input: { accessToken: string; openId: string }, call?: CallOptions): Promise<UserInfo>;
}

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
  const { clientKey, clientSecret, baseUrl, timeoutMs, method, retry, log, userFetch, transport } =
    checkOptions(options);
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

    async userInfo(input, call) {
      requireObject(input, "input");
      requireText(input.accessToken, "accessToken");
      requireText(input.openId, "openId");
      // The platform's current form: the token in a header, never in a URL or beside open_id.
      const headers = { ...HEADERS.json, "access-token": input.accessToken };
      const body = JSON.stringify({
        open_id: input.openId,
      } satisfies BodyOf<"/oauth/userinfo/">);
      const url = baseUrl + OPERATION_PATHS.userInfo;
      const sendOnce: SendRequest = (signal) =>
        transport({ method: "POST", url, headers, body, signal });
      return exchange("userInfo", call, [input.accessToken], sendOnce);
    },
  };
}
