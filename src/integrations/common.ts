// What the framework integrations share: the consent page's URL as this client builds it, the
// user's profile through this client, and which id names the account.
import type { DouyinOAuth, OptionalScopeInput, ScopeInput } from "../index.js";

/** The client an integration drives: the package's own client, made by `createDouyinOAuth`. */
export type DouyinClient = Pick<
  DouyinOAuth,
  "clientKey" | "baseUrl" | "connectUrl" | "accessToken" | "userInfo"
>;

/** What `douyin.userInfo()` resolves to: `open_id`, `union_id`, `nickname`, `avatar`, and more. */
export type DouyinProfile = Awaited<ReturnType<DouyinOAuth["userInfo"]>>;

/** Options both integrations take. */
export interface DouyinLoginOptions {
  /** Scopes asked on the consent page. Default `["user_info"]` (what user info needs). */
  scope?: ScopeInput;
  /** Optional scopes the user may untick on the consent page. */
  optionalScope?: OptionalScopeInput;
  /**
   * Which id names the account: `"open_id"` (default: the user within this app) or
   * `"union_id"` (the same user across the developer's apps). A profile without that id ends
   * the sign-in (Better Auth: `unable_to_get_user_info`; Auth.js: its error page).
   */
  accountId?: "open_id" | "union_id";
}

/**
 * The consent page (`/platform/oauth/connect/`) with `client_key`, `scope` (comma-joined) and
 * `optionalScope`, built by the client itself. The framework adds `redirect_uri`, `state` and
 * its own standard parameters (`client_id`, `response_type`), which the platform ignores or
 * expects; the placeholder redirect only satisfies the builder and is removed.
 */
export function consentEndpoint(douyin: DouyinClient, options: DouyinLoginOptions): URL {
  const url = douyin.connectUrl({
    scope: options.scope ?? ["user_info"],
    redirectUri: "https://placeholder.invalid/",
    ...(options.optionalScope === undefined ? {} : { optionalScope: options.optionalScope }),
  });
  url.searchParams.delete("redirect_uri");
  return url;
}

/** The account id of a profile: `open_id` or `union_id`; undefined when the platform sent none. */
export function accountIdOf(
  profile: DouyinProfile,
  which: DouyinLoginOptions["accountId"],
): string | undefined {
  const id = which === "union_id" ? profile.union_id : profile.open_id;
  return typeof id === "string" && id !== "" ? id : undefined;
}

/** Checks the shared options before anything is built. */
export function checkLoginOptions(douyin: unknown, options: unknown): void {
  if (typeof douyin !== "object" || douyin === null || !("accessToken" in douyin)) {
    throw new TypeError(`"douyin" must be a client made by createDouyinOAuth`);
  }
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`"options" must be an object`);
  }
  const { accountId } = options as DouyinLoginOptions;
  if (accountId !== undefined && accountId !== "open_id" && accountId !== "union_id") {
    throw new TypeError(`"accountId" must be "open_id" or "union_id"`);
  }
}
