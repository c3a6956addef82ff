/**
 * douyin-oauth/authjs: Douyin login for Auth.js (`@auth/core`, under Next.js, SvelteKit and
 * Express). The provider's token step goes through this package's client by Auth.js's
 * supported per-provider fetch (`customFetch`), and its userinfo step by the endpoint's
 * `request`; `clientSecret` stays inside the client and Auth.js never sees it.
 *
 * @example
 * import { Auth } from "@auth/core";
 * import { createDouyinOAuth } from "douyin-oauth";
 * import { DouyinProvider } from "douyin-oauth/authjs";
 *
 * const douyin = createDouyinOAuth({ clientKey: "aw123", clientSecret: process.env.DOUYIN_SECRET });
 * const response = await Auth(request, { providers: [DouyinProvider(douyin)], secret, trustHost: true });
 */
import { customFetch } from "@auth/core";
import type { OAuthConfig } from "@auth/core/providers";
import { OPERATION_PATHS } from "../index.js";
import {
  accountIdOf,
  checkLoginOptions,
  consentEndpoint,
  type DouyinClient,
  type DouyinLoginOptions,
  type DouyinProfile,
} from "./common.js";

export type { DouyinClient, DouyinLoginOptions, DouyinProfile } from "./common.js";

export interface DouyinProviderOptions extends DouyinLoginOptions {
  /** The provider id (`/signin/<id>`, `/callback/<id>`). Default `"douyin"`. */
  id?: string;
}

const requestUrl = (input: RequestInfo | URL): string =>
  typeof input === "string" ? input : input instanceof URL ? input.href : input.url;

/**
 * An Auth.js OAuth provider for Douyin: the consent page with `client_key` and comma-joined
 * scopes, the state check (no PKCE: Douyin ignores it), the code exchange through
 * `douyin.accessToken`, the profile through `douyin.userInfo`, and the user as
 * `{ id: open_id (or union_id), name: nickname, image: avatar, email: null }` (Douyin shares no
 * email). Register `<basePath>/callback/<id>` (e.g. `https://app.example/auth/callback/douyin`)
 * as the app's redirect URL on the platform. The account id reaches the session only through
 * the app's `jwt`/`session` callbacks (`account.providerAccountId`): Auth.js's JWT `sub` is its
 * own user id.
 */
export function DouyinProvider(
  douyin: DouyinClient,
  options: DouyinProviderOptions = {},
): OAuthConfig<DouyinProfile> {
  checkLoginOptions(douyin, options);
  const { id = "douyin" } = options;
  if (typeof id !== "string" || !/^[A-Za-z0-9_-]+$/.test(id)) {
    throw new TypeError(`"id" must be letters, digits, "-" or "_"`);
  }
  const tokenUrl = `${douyin.baseUrl}${OPERATION_PATHS.accessToken}`;

  /**
   * Auth.js sends its standard token request here; the client makes Douyin's own exchange
   * instead and the answer goes back in the standard shape oauth4webapi checks. Nothing else
   * is expected through this fetch (no discovery: every endpoint is configured).
   */
  async function exchange(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    if (requestUrl(input) !== tokenUrl) {
      throw new TypeError("DouyinProvider: only the token request goes through its fetch");
    }
    const code = new URLSearchParams(init?.body as URLSearchParams | string | undefined).get(
      "code",
    );
    const answer = await douyin.accessToken(
      { code: code ?? "" },
      init?.signal ? { signal: init.signal } : undefined,
    );
    return Response.json({
      access_token: answer.access_token,
      token_type: "bearer",
      expires_in: answer.expires_in,
      refresh_token: answer.refresh_token,
      refresh_expires_in: answer.refresh_expires_in,
      scope: answer.scope,
      open_id: answer.open_id,
    });
  }

  return {
    id,
    name: "Douyin",
    type: "oauth",
    clientId: douyin.clientKey,
    // The secret stays in the douyin-oauth client: Auth.js sends none (and this fetch drops it).
    client: { token_endpoint_auth_method: "none" },
    checks: ["state"],
    authorization: consentEndpoint(douyin, options).href,
    token: tokenUrl,
    userinfo: {
      url: `${douyin.baseUrl}${OPERATION_PATHS.userInfo}`,
      async request({ tokens }: { tokens: Record<string, unknown> }) {
        const { access_token: accessToken, open_id: openId } = tokens;
        if (typeof accessToken !== "string" || typeof openId !== "string") {
          throw new TypeError("DouyinProvider: the token answer had no access_token or open_id");
        }
        return douyin.userInfo({ accessToken, openId });
      },
    },
    profile(profile) {
      const accountId = accountIdOf(profile, options.accountId);
      if (accountId === undefined) {
        throw new TypeError(`DouyinProvider: the profile has no ${options.accountId ?? "open_id"}`);
      }
      return { id: accountId, name: profile.nickname, image: profile.avatar, email: null };
    },
    // No logo: the built-in sign-in page would fetch one from authjs.dev.
    style: { brandColor: "#fe2c55", logo: "" },
    [customFetch]: exchange,
  };
}
