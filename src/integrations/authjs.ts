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
import { customFetch, type AuthConfig } from "@auth/core";
import { OAuthCallbackError } from "@auth/core/errors";
import type { OAuthConfig } from "@auth/core/providers";
import {
  DouyinError,
  DouyinReauthorizeError,
  OPERATION_PATHS,
  type DouyinOAuth,
} from "../index.js";
import {
  createUserTokenManager,
  type TokenStore,
  type UserTokenManagerOptions,
} from "../tokens/index.js";
import {
  accountIdOf,
  checkLoginOptions,
  consentEndpoint,
  type DouyinClient,
  type DouyinLoginOptions,
  type DouyinProfile,
} from "./common.js";

export type { DouyinClient, DouyinLoginOptions, DouyinProfile } from "./common.js";
export { douyinDatabaseSession, type DouyinDatabaseSessionOptions } from "./authjs-database.js";
export { douyinLogger } from "./authjs-logger.js";

/** What {@link DouyinProvider} (the Auth.js provider) takes beside the client: scopes, the account id, the provider id. */
export interface DouyinProviderOptions extends DouyinLoginOptions {
  /** The provider id (`/signin/<id>`, `/callback/<id>`). Default `"douyin"`. */
  id?: string;
}

const requestUrl = (input: RequestInfo | URL): string =>
  typeof input === "string" ? input : input instanceof URL ? input.href : input.url;

/**
 * A failed platform call as the error Auth.js shows the user as a sign-in failure (its sign-in
 * page, or `pages.signIn`, with `?error=OAuthCallbackError`) rather than as a configuration
 * error; the cause (the client's error: its message holds no secret) goes to Auth.js' log.
 */
function signInFailed(step: string, provider: string, error: unknown): unknown {
  if (!(error instanceof DouyinError)) return error;
  return new OAuthCallbackError(`Douyin: ${step} failed`, { cause: { err: error, provider } });
}

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
    let answer: Awaited<ReturnType<DouyinClient["accessToken"]>>;
    try {
      answer = await douyin.accessToken(
        { code: code ?? "" },
        init?.signal ? { signal: init.signal } : undefined,
      );
    } catch (error) {
      throw signInFailed("the code exchange", id, error);
    }
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
        try {
          return await douyin.userInfo({ accessToken, openId });
        } catch (error) {
          throw signInFailed("the user info call", id, error);
        }
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

/**
 * Deny on Douyin's consent page: the platform sends the browser back to the callback with no
 * code and no OAuth `error`, which Auth.js reports as its generic "Configuration" error (its
 * "Server error" page, HTTP 500). Called before `Auth()`, this answers that callback with a
 * redirect to the sign-in page with Auth.js' `AccessDenied` code (`<basePath>/signin?error=
 * AccessDenied`, or your `pages.signIn`), where the user can try again; for any other request it
 * returns undefined and Auth.js handles it. (Not Auth.js' own AccessDenied error page: in
 * @auth/core 0.41 its "Sign in" link is appended to the page's full URL, query included.)
 * @example
 * export const handle = (request: Request) =>
 *   douyinDenied(request, authConfig) ?? Auth(request, authConfig);
 */
export function douyinDenied(
  request: Request,
  config: Pick<AuthConfig, "basePath" | "pages">,
  options: { providerId?: string } = {},
): Response | undefined {
  const { providerId = "douyin" } = options;
  if (!(request instanceof Request)) throw new TypeError(`"request" must be a Request`);
  if (typeof config !== "object" || config === null) {
    throw new TypeError(`"config" must be the Auth.js config`);
  }
  if (typeof providerId !== "string" || !/^[A-Za-z0-9_-]+$/.test(providerId)) {
    throw new TypeError(`"providerId" must be letters, digits, "-" or "_"`);
  }
  if (request.method !== "GET") return undefined;
  const url = new URL(request.url);
  const basePath = (config.basePath ?? "/auth").replace(/\/$/, "");
  if (url.pathname.replace(/\/$/, "") !== `${basePath}/callback/${providerId}`) return undefined;
  if (url.searchParams.has("code") || url.searchParams.has("error")) return undefined;
  const page = config.pages?.signIn ?? `${basePath}/signin`;
  const location = `${page}${page.includes("?") ? "&" : "?"}error=AccessDenied`;
  return new Response(null, { status: 302, headers: { location, "cache-control": "no-store" } });
}

// ---------------------------------------------------------------------------------------------
// Staying signed in with JWT sessions: the grant kept in Auth.js's own JWT, by the manager's rules.

declare module "@auth/core/types" {
  interface Session {
    /** The Douyin user's open_id (douyinCallbacks). */
    openId?: string;
    /** Set when the platform's grant has ended: send the user to sign in with Douyin again. */
    douyinError?: "reauthorize";
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    openId?: string;
    /** The Douyin grant: tokens, expiry, renewals (never sent to the browser in clear). */
    douyin?: Record<string, unknown>;
    douyinError?: "reauthorize";
  }
}

type Token = Record<string, unknown> & { douyin?: Record<string, unknown> };

/**
 * A TokenStore over one JWT's `douyin` field: the JWT is the only copy of the grant. A renewal's
 * hold (`...:renewing:<open_id>`) rides beside it in `douyinHold`, with its expiry.
 */
function jwtStore(token: Token): TokenStore {
  const text = () => (token.douyin === undefined ? undefined : JSON.stringify(token.douyin));
  const canonical = (t: string | undefined) =>
    t === undefined ? undefined : JSON.stringify(Object.entries(JSON.parse(t)).sort());
  const write = (next: string | undefined) => {
    if (next === undefined) delete token.douyin;
    else token.douyin = JSON.parse(next);
  };
  const isHold = (key: string) => key.includes(":renewing:");
  return {
    get: async (key) => {
      if (!isHold(key)) return text();
      const held = token.douyinHold as { value?: unknown; expiresAt?: unknown } | undefined;
      const live = typeof held?.value === "string" && Number(held.expiresAt) > Date.now();
      return live ? (held.value as string) : undefined;
    },
    set: async (key, value, ttlMs) => {
      if (isHold(key)) token.douyinHold = { value, expiresAt: Date.now() + ttlMs };
      else write(value);
    },
    delete: async (key) => {
      if (isHold(key)) delete token.douyinHold;
      else write(undefined);
    },
    compareAndSet: async (key, expected, next) => {
      if (isHold(key)) return false; // holds are only set
      if (canonical(text()) !== canonical(expected)) return false;
      write(next);
      return true;
    },
  };
}

/**
 * Auth.js callbacks that keep a Douyin sign-in alive in a JWT session: at sign-in the grant goes
 * into the JWT (encrypted by Auth.js); on each session read the `jwt` callback refreshes the
 * access token near its expiry and renews the refresh token inside its window, by
 * `douyin-oauth/tokens`' rules (up to 5 renewals, 10020 and 10010 handled). `session.openId` is
 * the open_id; `session.douyinError` is `"reauthorize"` once the platform's grant has ended. The
 * access token stays in the JWT: read it on the server with `getToken` from `@auth/core/jwt`.
 * Two requests that both renew at once may race (the JWT has no compare-and-set): the browser
 * keeps the last cookie, and a lost renewal ends the grant when its access token expires.
 */
export function douyinCallbacks(
  douyin: DouyinOAuth,
  options: { providerId?: string; tokens?: Omit<UserTokenManagerOptions, "store"> } = {},
) {
  const { providerId = "douyin" } = options;
  return {
    async jwt({ token, account }: { token: Token; account?: Record<string, unknown> | null }) {
      if (account?.provider === providerId) {
        const openId = String(account.open_id);
        const started = Date.now();
        const expiresAt = Number(account.expires_at) * 1000;
        token.openId = openId;
        delete token.douyinError;
        token.douyin = {
          openId,
          scope: String(account.scope ?? ""),
          accessToken: account.access_token,
          accessExpiresAt: Number.isFinite(expiresAt) ? expiresAt : started,
          refreshToken: account.refresh_token,
          refreshExpiresAt: started + Number(account.refresh_expires_in) * 1000,
          renewals: 0,
          version: 0,
        };
        return token;
      }
      const openId = token.openId;
      if (typeof openId !== "string" || token.douyin === undefined) return token;
      const users = createUserTokenManager(douyin, { ...options.tokens, store: jwtStore(token) });
      try {
        await users.getAccessToken(openId);
      } catch (error) {
        if (!(error instanceof DouyinReauthorizeError)) throw error;
        token.douyinError = "reauthorize";
      } finally {
        await users.close();
      }
      return token;
    },
    session({ session, token }: { session: any; token: Token }) {
      return {
        ...session,
        openId: token.openId,
        ...(token.douyinError ? { douyinError: token.douyinError } : {}),
      };
    },
    /** The Douyin access token in a decoded JWT (`getToken`), for server code only. */
    accessTokenOf(token: Token | null): string | undefined {
      const value = token?.douyin?.["accessToken"];
      return typeof value === "string" && !token?.["douyinError"] ? value : undefined;
    },
  };
}
