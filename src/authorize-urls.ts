// Builders for the three authorization pages: pure, no network, no clock. Each returns a URL
// for the user's browser; the platform redirects back to redirectUri with code, state, scopes.
import { encodeQuery } from "./query-string.js";
import { OPERATION_PATHS, type components, type paths } from "./spec.js";
import {
  checkBaseUrl,
  optionalText,
  requireHttpUrl,
  requireObject,
  requireText,
  requireWellFormed,
} from "./validate.js";

/** A scope the spec lists by name (`"user_info"`, `"video.list"`, ...): a typo is a type error. */
export type KnownScope = components["schemas"]["KnownScope"];

/**
 * A scope the spec does not list, taken on purpose: what {@link customScope} returns. The brand
 * is a string key, not a `unique symbol`, so the ESM and CommonJS declarations agree.
 */
export type CustomScope = string & { readonly "douyin-oauth:customScope": true };

/** A known scope, or another one marked with {@link customScope}. */
export type Scope = KnownScope | CustomScope;

/**
 * One scope or a list of them; the builders join a list with commas, as the platform reads it.
 * (Untyped JavaScript may still pass the comma-joined string itself.)
 */
export type ScopeInput = Scope | readonly Scope[];

/**
 * Takes a scope the spec does not list (a new one, one of your app's own): its name unchanged,
 * typed as a scope. The known ones need no call, and a typo in them stays a type error.
 * @example douyin.connectUrl({ scope: ["user_info", customScope("video.create")], redirectUri });
 */
export function customScope(name: string): CustomScope {
  if (typeof name !== "string" || !/^[^\s,]+$/.test(name)) {
    throw new TypeError(`"customScope" takes one scope name, without commas or spaces`);
  }
  requireWellFormed(name, "customScope");
  return name as CustomScope;
}

/**
 * Optional scopes the user may untick: the raw wire string (`"mobile,1,video.list,0"`) or an
 * object of scope → pre-ticked flag (`{ mobile: true, "video.list": false }`). A misspelled
 * known scope is a type error; another scope is a computed key: `{ [customScope("x.y")]: true }`.
 */
export type OptionalScopeInput = string | Readonly<Partial<Record<KnownScope, boolean>>>;

/** What `connectUrl` takes: the scopes to ask for, the redirect URI, and optional scopes and state. */
export interface ConnectUrlOptions {
  scope: ScopeInput;
  /** Absolute http(s) URL. The platform now insists on https and an exact match of the registered URL. */
  redirectUri: string;
  /** Returned unchanged on the callback; use {@link generateState} and check it there. */
  state?: string;
  optionalScope?: OptionalScopeInput;
}

/** What `authorizeUrl` takes (the silent, mobile-only authorization); the same fields as `connectUrl`. */
export interface AuthorizeUrlOptions {
  scope: ScopeInput;
  redirectUri: string;
  state?: string;
}

/** What `authorizeV2Url` takes (the page for apps inside Douyin); the same fields as `connectUrl`. */
export interface AuthorizeV2UrlOptions {
  redirectUri: string;
  state?: string;
  /**
   * Host of the silent-auth page. The platform now serves it at
   * `https://aweme.snssdk.com/passport/open/silent_auth/` inside the Douyin app's web view;
   * by default the client's base URL and the spec's `/oauth/authorize/v2/` path are used.
   */
  baseUrl?: string;
}

type PagePath = (typeof OPERATION_PATHS)["connect" | "authorize" | "authorizeV2"];
type PageQuery<P extends PagePath> = paths[P]["get"]["parameters"]["query"];

/** Scopes joined by commas, as `scope` carries them. */
export function joinScopes(scope: unknown, name = "scope"): string {
  if (typeof scope === "string") {
    requireText(scope.trim(), name);
    // `user_info video.list` is no scope (PLATFORM.md: joined by commas)
    if (/\s/.test(scope)) {
      throw new TypeError(`"${name}" holds a space: Douyin joins scopes with commas; pass a list`);
    }
    return scope;
  }
  if (!Array.isArray(scope) || scope.length === 0) {
    throw new TypeError(`"${name}" is missing or empty: a string or a non-empty list is expected`);
  }
  for (const item of scope) {
    if (typeof item !== "string" || !/^[^\s,]+$/.test(item)) {
      throw new TypeError(
        `"${name}" entries must be non-empty scope names without commas or spaces`,
      );
    }
    requireWellFormed(item, name);
  }
  return scope.join(",");
}

/** `optionalScope` on the wire: pairs `scope,flag` joined by commas, 1 = pre-ticked. */
export function serializeOptionalScope(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") {
    requireText(value.trim(), "optionalScope");
    return value;
  }
  requireObject(value, "optionalScope");
  const pairs: string[] = [];
  for (const [scope, ticked] of Object.entries(value)) {
    if (scope.trim() === "" || scope.includes(",") || typeof ticked !== "boolean") {
      throw new TypeError(`"optionalScope" maps scope names (no commas) to true or false`);
    }
    requireWellFormed(scope, "optionalScope");
    pairs.push(`${scope},${ticked ? 1 : 0}`);
  }
  return pairs.length > 0 ? pairs.join(",") : undefined;
}

/** The page's address with the query. */
function pageUrl(page: string, query: Record<string, string | undefined>): URL {
  const url = new URL(page);
  url.search = encodeQuery(query);
  return url;
}

function commonQuery(options: unknown) {
  requireObject(options, "options");
  const { redirectUri, state } = options as { redirectUri?: unknown; state?: unknown };
  requireHttpUrl(redirectUri, "redirectUri");
  optionalText(state, "state");
  return { redirectUri: redirectUri as string, state: state as string | undefined };
}

export function connectUrl(base: string, clientKey: string, options: ConnectUrlOptions): URL {
  const { redirectUri, state } = commonQuery(options);
  const query: PageQuery<"/platform/oauth/connect/"> = {
    client_key: clientKey,
    response_type: "code",
    scope: joinScopes(options.scope),
    redirect_uri: redirectUri,
  };
  const optionalScope = serializeOptionalScope(options.optionalScope);
  return pageUrl(base + OPERATION_PATHS.connect, { ...query, optionalScope, state });
}

export function authorizeUrl(base: string, clientKey: string, options: AuthorizeUrlOptions): URL {
  const { redirectUri, state } = commonQuery(options);
  const query: PageQuery<"/oauth/authorize/"> = {
    client_key: clientKey,
    response_type: "code",
    scope: joinScopes(options.scope),
    redirect_uri: redirectUri,
  };
  return pageUrl(base + OPERATION_PATHS.authorize, { ...query, state });
}

export function authorizeV2Url(
  base: string,
  clientKey: string,
  options: AuthorizeV2UrlOptions,
): URL {
  const { redirectUri, state } = commonQuery(options);
  const query: PageQuery<"/oauth/authorize/v2/"> = {
    client_key: clientKey,
    response_type: "code",
    scope: "login_id",
    redirect_uri: redirectUri,
  };
  if (options.baseUrl !== undefined) {
    // The silent-auth page is given whole, path included.
    return pageUrl(checkBaseUrl(options.baseUrl, "baseUrl"), { ...query, state });
  }
  return pageUrl(base + OPERATION_PATHS.authorizeV2, { ...query, state });
}
