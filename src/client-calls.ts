// The client's calls, declared apart from client.ts: DouyinOAuth adds `raw`, openapi-fetch's client,
// whose types that package declares once per module system; this file names no package, so its
// declarations (and the token layer's, which take a DouyinOAuthCalls) ship once for both.
import type { TokenData, UserInfo } from "./answer.js";
import type {
  AuthorizeUrlOptions,
  AuthorizeV2UrlOptions,
  ConnectUrlOptions,
} from "./authorize-urls.js";
import type { CallbackResult } from "./callback.js";
import type { CallOptions } from "./transport.js";

/**
 * A `DouyinOAuth` client but its `raw` member: the calls and URL builders, which the token
 * layer (`douyin-oauth/tokens`) takes. Declared apart from `raw`, which names openapi-fetch's
 * types, so the token layer's declarations serve ES modules and CommonJS alike.
 */
export interface DouyinOAuthCalls {
  readonly clientKey: string;
  /** The base URL requests and page URLs use. */
  readonly baseUrl: string;
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
