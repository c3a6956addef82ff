/**
 * douyin-oauth/better-auth: Douyin login for Better Auth, as a plugin (`douyinLogin`) whose tokens
 * Better Auth's own APIs keep fresh: `getAccessToken` refreshes the access token and renews the
 * refresh token inside its renewal window (by `douyin-oauth/tokens`' rules, over Better Auth's
 * account rows: one copy of the tokens), and `accountInfo` answers. The code exchange and the
 * user's profile go through this package's client, so its timeouts, typed errors and
 * redaction apply; `clientSecret` stays inside the client.
 *
 * @example
 * import { betterAuth } from "better-auth";
 * import { createDouyinOAuth } from "douyin-oauth";
 * import { douyinLogin } from "douyin-oauth/better-auth";
 *
 * const douyin = createDouyinOAuth({ clientKey: "aw123", clientSecret: process.env.DOUYIN_SECRET });
 * export const auth = betterAuth({ database, plugins: [douyinLogin(douyin)] });
 */
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, getSessionFromCtx } from "better-auth/api";
import type { OAuthProvider } from "better-auth/oauth2";
import type { GenericOAuthConfig, GenericOAuthUserInfo } from "better-auth/plugins/generic-oauth";
import {
  customScope,
  DouyinError,
  DouyinReauthorizeError,
  type DouyinOAuth,
  type OptionalScopeInput,
  type ScopeInput,
  type TokenData,
} from "../index.js";
import {
  createUserTokenManager,
  type UserTokenManager,
  type UserTokenManagerOptions,
} from "../tokens/index.js";
import { accountTokenStore, GRANT_FIELD, type AuthContext } from "./better-auth-store.js";
import {
  accountIdOf,
  checkLoginOptions,
  consentEndpoint,
  type DouyinClient,
  type DouyinLoginOptions,
  type DouyinProfile,
} from "./common.js";

export type { DouyinClient, DouyinLoginOptions, DouyinProfile } from "./common.js";
export { accountTokenStore } from "./better-auth-store.js";

type Tokens = Parameters<NonNullable<GenericOAuthConfig["getUserInfo"]>>[0];

/** What {@link douyinGenericOAuth} takes beside the client: scopes, the provider id, the placeholder email, where errors go. */
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

/** Better Auth's tokens from a Douyin answer; lifetimes counted from `started`. */
const tokensOf = (answer: TokenData<"accessToken" | "refreshToken">, started: number) => ({
  tokenType: "bearer",
  accessToken: answer.access_token,
  refreshToken: answer.refresh_token,
  accessTokenExpiresAt: new Date(started + answer.expires_in * 1000),
  refreshTokenExpiresAt: new Date(started + answer.refresh_expires_in * 1000),
  scopes: answer.scope.split(",").filter((scope) => scope !== ""),
  // Only what getUserInfo needs and nothing secret: Better Auth may keep `raw`.
  raw: { open_id: answer.open_id, scope: answer.scope },
});

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
      return tokensOf(answer, Date.now());
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

// ---------------------------------------------------------------------------------------------
// The plugin: sign-in, per-call scopes, tokens kept fresh by Better Auth's own APIs.

/** What {@link douyinLogin} takes beside the client: scopes, the provider id, the placeholder email, the token manager's options. */
export interface DouyinLoginPluginOptions {
  /** The provider id (`signIn.social({ provider })`, `/callback/<id>`). Default `"douyin"`. */
  providerId?: string;
  /** Scopes every consent page asks for; `user_info` is always among them. */
  scope?: ScopeInput;
  /** Optional scopes the user may untick on the consent page. */
  optionalScope?: OptionalScopeInput;
  /**
   * Douyin shares no email, and Better Auth's user table requires one. By default the user gets
   * `<HMAC-SHA256 of the open_id, keyed by Better Auth's secret>@douyin.invalid`: never
   * delivered (RFC 6761), unverified, and not guessable, so nobody can register it first.
   * Return a real address here if you have one.
   */
  email?: (profile: DouyinProfile) => string | Promise<string>;
  /**
   * How the grant is kept (`douyin-oauth/tokens`' manager options): `refreshBeforeExpiryMs`,
   * `renewBeforeExpiryMs`, `maxRenewals`, `onError`... The store is always Better Auth's
   * account table.
   */
  tokens?: Omit<UserTokenManagerOptions, "store">;
}

/** The error `getAccessToken` and `accountInfo` answer when the user must sign in with Douyin again. */
export const DOUYIN_REAUTHORIZE = "DOUYIN_REAUTHORIZE";
/** The error they answer when the platform or the token store failed (try again later). */
export const DOUYIN_UNAVAILABLE = "DOUYIN_UNAVAILABLE";

const scopeList = (scope: ScopeInput | undefined): string[] =>
  scope === undefined ? [] : typeof scope === "string" ? scope.split(",") : [...scope];

/** `user_info`, then the configured scopes, then the call's own: each once, none empty. */
export function douyinScopes(configured?: ScopeInput, asked?: readonly string[]): string[] {
  const all = [
    "user_info",
    ...scopeList(configured),
    ...(asked ?? []).flatMap((s) => s.split(/[\s,]+/)),
  ];
  return [...new Set(all.map((s) => s.trim()).filter((s) => s !== ""))];
}

/** The placeholder address: an HMAC of the account id keyed by the app's secret. */
export async function hmacEmail(secret: string, accountId: string): Promise<string> {
  const { subtle } = globalThis.crypto;
  const key = await subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await subtle.sign("HMAC", key, new TextEncoder().encode(`douyin:${accountId}`));
  const hex = Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 40)}@douyin.invalid`;
}

/** Remembers which open_id an access token just served belongs to (accountInfo needs it). */
class RecentTokens {
  private readonly owners = new Map<string, string>();
  set(accessToken: string, openId: string) {
    this.owners.delete(accessToken);
    this.owners.set(accessToken, openId);
    if (this.owners.size > 1_000) this.owners.delete(this.owners.keys().next().value!);
  }
  get(accessToken: string | undefined) {
    return accessToken === undefined ? undefined : this.owners.get(accessToken);
  }
}

/**
 * Douyin login as a Better Auth plugin. The provider signs in through the consent page
 * (`client_key`, comma-joined scopes with `user_info` always kept, no PKCE: Douyin ignores it),
 * the code exchange and the profile go through the client, and the account id is the open_id.
 * `auth.api.getAccessToken` and `auth.api.accountInfo` (and the client's) keep the grant alive
 * as the platform allows: a hook runs `douyin-oauth/tokens`' manager over Better Auth's own
 * account row first (refresh near expiry, renewal inside the window, up to 5, the platform's
 * 10020 and 10010 handled), then Better Auth serves the row. When nothing is left they answer
 * 401 `DOUYIN_REAUTHORIZE`; a platform or database failure is 502 `DOUYIN_UNAVAILABLE`, its
 * cause in Better Auth's log. Adds the column `douyinGrant` to the account table (run Better
 * Auth's migration). Register `<baseURL>/callback/<providerId>` as the app's redirect URL.
 */
export function douyinLogin(douyin: DouyinOAuth, options: DouyinLoginPluginOptions = {}) {
  checkLoginOptions(douyin, options);
  const { providerId = "douyin", email, optionalScope } = options;
  if (typeof providerId !== "string" || !/^[A-Za-z0-9_-]+$/.test(providerId)) {
    throw new TypeError(`"providerId" must be letters, digits, "-" or "_"`);
  }
  if (email !== undefined && typeof email !== "function") {
    throw new TypeError(`"email" must be a function of the Douyin profile`);
  }
  const recent = new RecentTokens();
  let users: UserTokenManager | undefined;
  let log: AuthContext["logger"] | undefined;

  function provider(context: AuthContext): OAuthProvider<DouyinProfile> {
    return {
      id: providerId,
      name: "Douyin",
      accountSubject: ({ profile }) => profile.open_id,
      createAuthorizationURL: ({ state, scopes, redirectURI }) =>
        douyin.connectUrl({
          // The call's scopes come from the browser: each taken as given, checked by customScope.
          scope: douyinScopes(options.scope, scopes).map(customScope),
          redirectUri: redirectURI,
          state,
          ...(optionalScope === undefined ? {} : { optionalScope }),
        }),
      async validateAuthorizationCode({ code }) {
        // A failure here is logged by Better Auth with its cause, then `error=invalid_code`.
        const started = Date.now();
        return tokensOf(await douyin.accessToken({ code }), started);
      },
      async getUserInfo(tokens) {
        const fromExchange = (tokens as { raw?: Record<string, unknown> }).raw?.["open_id"];
        const openId =
          typeof fromExchange === "string" ? fromExchange : recent.get(tokens.accessToken);
        if (openId === undefined || tokens.accessToken === undefined) return null;
        let profile: DouyinProfile;
        try {
          profile = await douyin.userInfo({ accessToken: tokens.accessToken, openId });
        } catch (error) {
          if (!(error instanceof DouyinError)) throw error;
          // Better Auth logs only "Unable to get user info": the cause goes to its log here.
          context.logger.error(`Douyin user info failed: ${error.message}`, error);
          return null;
        }
        const id = accountIdOf(profile, "open_id");
        if (id === undefined) return null;
        return {
          user: {
            name: profile.nickname,
            image: profile.avatar,
            email: email ? await email(profile) : await hmacEmail(context.secret, id),
            emailVerified: false,
          },
          data: profile,
        };
      },
      // Better Auth's /refresh-token: a plain refresh (Douyin's form, through the client). The
      // renewal is the manager's, in the hook below.
      async refreshAccessToken(refreshToken) {
        const started = Date.now();
        return tokensOf(await douyin.refreshToken({ refreshToken }), started);
      },
    };
  }

  /** The hook before getAccessToken / accountInfo: the grant brought up to date in its row. */
  const keepFresh = createAuthMiddleware(async (ctx) => {
    const input = (ctx.body ?? ctx.query ?? {}) as { accountId?: unknown; userId?: unknown };
    const session = await getSessionFromCtx(ctx);
    const userId =
      session?.user.id ?? (typeof input.userId === "string" ? input.userId : undefined);
    if (userId === undefined || users === undefined) return;
    const accounts = await ctx.context.internalAdapter.findAccounts(userId);
    const account = accounts.find(
      (a) =>
        a.providerId === providerId && (input.accountId === undefined || a.id === input.accountId),
    );
    if (account === undefined) return;
    try {
      recent.set(await users.getAccessToken(account.accountId), account.accountId);
    } catch (error) {
      if (error instanceof DouyinReauthorizeError) {
        ctx.context.logger.info(`Douyin: sign in again (${error.reason})`);
        throw new APIError("UNAUTHORIZED", {
          code: DOUYIN_REAUTHORIZE,
          message: "Sign in with Douyin again: the platform's grant has ended",
          reason: error.reason,
        });
      }
      ctx.context.logger.error(`Douyin tokens: ${String((error as Error)?.message)}`, error);
      throw new APIError("BAD_GATEWAY", {
        code: DOUYIN_UNAVAILABLE,
        message: "Douyin could not be reached; try again later",
      });
    }
  });

  return {
    id: "douyin",
    schema: {
      account: {
        fields: {
          [GRANT_FIELD]: { type: "string", required: false, returned: false, input: false },
        },
      },
    },
    init(context: AuthContext) {
      log = context.logger;
      const tokenOptions = options.tokens ?? {};
      users = createUserTokenManager(douyin, {
        ...tokenOptions,
        onError: tokenOptions.onError ?? ((error) => log?.warn(`Douyin tokens: ${String(error)}`)),
        store: accountTokenStore(context, { clientKey: douyin.clientKey, providerId }),
      });
      return { context: { socialProviders: [provider(context), ...context.socialProviders] } };
    },
    hooks: {
      before: [
        {
          matcher: (ctx: { path?: string }) =>
            ctx.path === "/get-access-token" || ctx.path === "/account-info",
          handler: keepFresh,
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}
