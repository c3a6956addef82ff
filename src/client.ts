// createDouyinOAuth: the methods. Each checks its input, fills the fixed values the spec requires
// (grant_type, response_type) and hands the request to request.ts, which sends it through the
// transport (fetch by default, retries where safe) to the one answer reader. Options are checked
// in options.ts. clientSecret lives in this closure only, never on an object it hands on.
// `raw` alone goes through openapi-fetch.
import { createClient, type Client } from "./openapi-fetch.js";
import { authorizeUrl, authorizeV2Url, connectUrl } from "./authorize-urls.js";
import { parseCallback } from "./callback.js";
import type { DouyinOAuthCalls } from "./client-calls.js";
import type { TokenOperation } from "./errors.js";
import { checkOptions, type DouyinOAuthOptions } from "./options.js";
import { exchange, type Encoding } from "./request.js";
import { OPERATION_PATHS, type BodyOf, type paths, type QueryOf } from "./spec.js";
import { Deadlines, type CallOptions } from "./transport.js";
import { requireObject, requireText } from "./validate.js";

export type { DouyinOAuthOptions } from "./options.js";

/** A Douyin OAuth client: what {@link createDouyinOAuth} returns. Stateless; share one per app. */
export interface DouyinOAuth extends DouyinOAuthCalls {
  /**
   * An openapi-fetch client for the spec's paths, base URL and `fetch` set, for calls of your own
   * (`raw.use()` adds middleware to those). The token methods do not go through it.
   */
  readonly raw: Client<paths>;
}

/**
 * Makes a client for one app.
 * @example
 * const douyin = createDouyinOAuth({ clientKey: "aw123", clientSecret: process.env.DOUYIN_SECRET });
 * const { access_token } = await douyin.clientToken();
 */
export function createDouyinOAuth(options: DouyinOAuthOptions): DouyinOAuth {
  const { clientSecret, ...checked } = checkOptions(options);
  const { clientKey, baseUrl, method, userFetch } = checked;
  // One timer for the deadlines of all this client's requests in flight (transport.ts).
  const config = { ...checked, deadlines: new Deadlines() };
  let raw: Client<paths> | undefined;
  /** Where accessToken, refreshToken and renewRefreshToken put their parameters. */
  const formOrQuery = method === "POST" ? "form" : "query";
  /** Sends one operation's parameters, encoded as given, and reads its answer. */
  const run = <Op extends TokenOperation>(
    operation: Op,
    params: Record<string, string>,
    encoding: Encoding,
    secrets: readonly string[],
    options: CallOptions | undefined,
    headers?: Record<string, string>,
  ) =>
    exchange(
      config,
      {
        operation,
        url: baseUrl + OPERATION_PATHS[operation],
        params,
        encoding,
        headers,
      },
      secrets,
      options,
    );

  function secretFor(operation: TokenOperation): string {
    if (typeof clientSecret !== "string") {
      throw new TypeError(
        `"clientSecret" is required by ${operation}: pass it to createDouyinOAuth`,
      );
    }
    return clientSecret;
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
      return run("accessToken", params, formOrQuery, [client_secret, input.code], call);
    },

    async clientToken(call) {
      const client_secret = secretFor("clientToken");
      const params = {
        client_key: clientKey,
        client_secret,
        grant_type: "client_credential",
      } satisfies QueryOf<"/oauth/client_token/"> & BodyOf<"/oauth/client_token/">;
      return run(
        "clientToken",
        params,
        method === "POST" ? "json" : "query",
        [client_secret],
        call,
      );
    },

    async stableClientToken(call) {
      const client_secret = secretFor("stableClientToken");
      const body = {
        client_key: clientKey,
        client_secret,
        grant_type: "client_credential",
      } satisfies BodyOf<"/oauth/stable_client_token/">;
      return run("stableClientToken", body, "json", [client_secret], call);
    },

    async refreshToken(input, call) {
      requireObject(input, "input");
      requireText(input.refreshToken, "refreshToken");
      const params = {
        client_key: clientKey,
        refresh_token: input.refreshToken,
        grant_type: "refresh_token",
      } satisfies QueryOf<"/oauth/refresh_token/"> & BodyOf<"/oauth/refresh_token/">;
      return run("refreshToken", params, formOrQuery, [input.refreshToken], call);
    },

    async renewRefreshToken(input, call) {
      requireObject(input, "input");
      requireText(input.refreshToken, "refreshToken");
      const params = {
        client_key: clientKey,
        refresh_token: input.refreshToken,
      } satisfies QueryOf<"/oauth/renew_refresh_token/"> & BodyOf<"/oauth/renew_refresh_token/">;
      return run("renewRefreshToken", params, formOrQuery, [input.refreshToken], call);
    },

    async userInfo(input, call) {
      requireObject(input, "input");
      requireText(input.accessToken, "accessToken");
      requireText(input.openId, "openId");
      const body = { open_id: input.openId } satisfies BodyOf<"/oauth/userinfo/">;
      // The platform's current form: the token in a header, never in a URL or beside open_id.
      const headers = { "access-token": input.accessToken };
      return run("userInfo", body, "json", [input.accessToken], call, headers);
    },
  };
}
