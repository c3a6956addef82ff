/**
 * douyin-oauth/better-auth: Douyin login for Better Auth, as one entry of its `genericOAuth`
 * plugin. The code exchange and the user's profile go through this package's client, so its
 * timeouts, typed errors and redaction apply; `clientSecret` stays inside the client.
 *
 * @example
 * import { betterAuth } from "better-auth";
 * import { genericOAuth } from "better-auth/plugins/generic-oauth";
 * import { createDouyinOAuth } from "douyin-oauth";
 * import { douyinGenericOAuth } from "douyin-oauth/better-auth";
 *
 * const douyin = createDouyinOAuth({ clientKey: "aw123", clientSecret: process.env.DOUYIN_SECRET });
 * export const auth = betterAuth({ plugins: [genericOAuth({ config: [douyinGenericOAuth(douyin)] })] });
 */
import type { GenericOAuthConfig, GenericOAuthUserInfo } from "better-auth/plugins/generic-oauth";
import { DouyinError } from "../index.js";
import {
  accountIdOf,
  checkLoginOptions,
  consentEndpoint,
  type DouyinClient,
  type DouyinLoginOptions,
  type DouyinProfile,
} from "./common.js";

export type { DouyinClient, DouyinLoginOptions, DouyinProfile } from "./common.js";

type Tokens = Parameters<NonNullable<GenericOAuthConfig["getUserInfo"]>>[0];

export interface DouyinGenericOAuthOptions extends DouyinLoginOptions {
  /** The provider id (`signIn.social({ provider })`, `/callback/<id>`). Default `"douyin"`. */
  providerId?: string;
  /**
   * Douyin shares no email, and Better Auth's user table requires one. By default the user gets
   * `<account id>@douyin.invalid` (`.invalid` never delivers: RFC 6761), unverified, so it never
   * links to another account by email. Return a real address here if you have one.
   */
  email?: (profile: DouyinProfile) => string;
  /**
   * Hears a failed user-info call (`DouyinOAuthError`, `DouyinTransportError`) before Better Auth
   * ends the sign-in with `error=unable_to_get_user_info`. A failed code exchange is logged by
   * Better Auth itself (`error=invalid_code`).
   */
  onError?: (error: DouyinError) => void;
}

/** The address Douyin users get when the app has none: unique per account, never delivered. */
export function placeholderEmail(accountId: string): string {
  const local = /^[A-Za-z0-9._-]{1,64}$/.test(accountId)
    ? accountId
    : Array.from(new TextEncoder().encode(accountId), (b) => b.toString(16).padStart(2, "0"))
        .join("")
        .slice(0, 64);
  return `${local}@douyin.invalid`;
}

/**
 * One `genericOAuth` provider entry for Douyin: the consent page with `client_key` and
 * comma-joined scopes, PKCE off (Douyin ignores it), the code exchange through
 * `douyin.accessToken`, the profile through `douyin.userInfo`, `open_id` (or `union_id`) as the
 * account id, nickname → name, avatar → image, and a placeholder email (see `email`).
 * Register `<baseURL>/callback/<providerId>` (e.g. `https://app.example/api/auth/callback/douyin`)
 * as the app's redirect URL on the platform. Better Auth cannot refresh these tokens (Douyin's
 * refresh is not standard OAuth): keep them with `douyin-oauth/tokens` if the app calls the API.
 */
export function douyinGenericOAuth(
  douyin: DouyinClient,
  options: DouyinGenericOAuthOptions = {},
): GenericOAuthConfig {
  checkLoginOptions(douyin, options);
  const { providerId = "douyin", email, onError } = options;
  if (typeof providerId !== "string" || !/^[A-Za-z0-9_-]+$/.test(providerId)) {
    throw new TypeError(`"providerId" must be letters, digits, "-" or "_"`);
  }
  if (email !== undefined && typeof email !== "function") {
    throw new TypeError(`"email" must be a function of the Douyin profile`);
  }
  if (onError !== undefined && typeof onError !== "function") {
    throw new TypeError(`"onError" must be a function`);
  }

  return {
    providerId,
    name: "Douyin",
    clientId: douyin.clientKey,
    authorizationUrl: consentEndpoint(douyin, options).href,
    // Scopes ride on the consent URL, comma-joined: Better Auth would join these with spaces.
    scopes: [],
    pkce: false,

    async getToken({ code }) {
      const answer = await douyin.accessToken({ code });
      const now = Date.now();
      return {
        tokenType: "bearer",
        accessToken: answer.access_token,
        refreshToken: answer.refresh_token,
        accessTokenExpiresAt: new Date(now + answer.expires_in * 1000),
        refreshTokenExpiresAt: new Date(now + answer.refresh_expires_in * 1000),
        scopes: answer.scope.split(",").filter((scope) => scope !== ""),
        // Only what getUserInfo needs and nothing secret: Better Auth may keep `raw`.
        raw: { open_id: answer.open_id, scope: answer.scope },
      };
    },

    async getUserInfo(tokens: Tokens): Promise<GenericOAuthUserInfo | null> {
      const openId = tokens.raw?.["open_id"];
      if (typeof openId !== "string" || tokens.accessToken === undefined) return null;
      let profile: DouyinProfile;
      try {
        profile = await douyin.userInfo({ accessToken: tokens.accessToken, openId });
      } catch (error) {
        if (!(error instanceof DouyinError)) throw error;
        onError?.(error);
        return null;
      }
      const id = accountIdOf(profile, options.accountId);
      if (id === undefined) return null;
      return {
        ...profile,
        id,
        name: profile.nickname,
        image: profile.avatar,
        email: email ? email(profile) : placeholderEmail(id),
        emailVerified: false,
      };
    },

    accountSubject: ({ profile }) => String(profile.id),
  };
}
