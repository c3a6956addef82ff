// The authorization pages' parameter checks, as the platform applies them before it shows the
// consent page (or, for authorizeV2, redirects at once). Pure: no state, no HTTP, no envelope.
import { ERROR_CODE } from "../spec.js";
import type { ControlComponents } from "./control-spec.js";
import { redirectAllowed, type RegisteredApp } from "./apps.js";
import type { EmulatorStats, Query } from "./ledger.js";

/** The three authorization pages, by operationId: every counted operation that is no token call. */
export type PageOperation = Exclude<
  keyof EmulatorStats,
  ControlComponents["schemas"]["TokenOperation"]
>;

/** A valid authorization request, ready for the consent page or the redirect. */
export interface PageRequest {
  operation: PageOperation;
  app: RegisteredApp;
  scopes: string[];
  optional: Array<{ scope: string; ticked: boolean }>;
  redirectUri: URL;
  /** As sent; empty when none was sent (the platform returns it empty then). */
  state: string;
  query: Query;
}

export type PageCheck =
  { ok: true; page: PageRequest } | { ok: false; errorCode: number; detail?: string };

const refuse = (errorCode: number, detail?: string): PageCheck =>
  detail === undefined ? { ok: false, errorCode } : { ok: false, errorCode, detail };

/** `optionalScope` as `scope,0|1,scope,0|1…`; undefined when malformed. */
function optionalScopes(value: string): PageRequest["optional"] | undefined {
  const parts = value.split(",");
  // An odd count needs no check of its own: the last pair's flag is then missing.
  const optional: PageRequest["optional"] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const [scope, flag] = parts.slice(i, i + 2);
    if (!scope || (flag !== "0" && flag !== "1")) return undefined;
    optional.push({ scope, ticked: flag === "1" });
  }
  return optional;
}

/** Checks an authorization page's parameters as the platform does: the page, or the error code. */
export function checkPage(
  appFor: (clientKey: string) => RegisteredApp | undefined,
  operation: PageOperation,
  query: Query,
): PageCheck {
  const { client_key: clientKey, response_type, scope, redirect_uri } = query;
  if (!clientKey || !response_type || !scope || !redirect_uri) {
    return refuse(ERROR_CODE.MISSING_PARAMETER);
  }
  if (response_type !== "code") return refuse(ERROR_CODE.PARAMETER_ERROR);
  const app = appFor(clientKey);
  if (!app) return refuse(ERROR_CODE.CLIENT_KEY_NOT_FOUND);
  // Scopes are joined by commas (PLATFORM.md): `user_info video.list` is no scope.
  if (/\s/.test(scope)) {
    return refuse(
      ERROR_CODE.PARAMETER_ERROR,
      "scope holds a space: Douyin joins scopes with commas, e.g. user_info,video.list",
    );
  }
  if (
    operation === "connect" &&
    query.optionalScope !== undefined &&
    /\s/.test(query.optionalScope)
  ) {
    return refuse(
      ERROR_CODE.PARAMETER_ERROR,
      "optionalScope holds a space: its scopes and flags are joined by commas, e.g. mobile,1,video.list,0",
    );
  }
  if (operation === "authorizeV2" && scope !== "login_id") {
    return refuse(ERROR_CODE.PARAMETER_ERROR);
  }
  const redirectUri = URL.canParse(redirect_uri) ? new URL(redirect_uri) : undefined;
  if (!redirectUri || !redirectAllowed(app, redirectUri)) {
    return refuse(ERROR_CODE.ILLEGAL_REDIRECT_URI);
  }
  const optional =
    operation === "connect" && query.optionalScope ? optionalScopes(query.optionalScope) : [];
  if (!optional) return refuse(ERROR_CODE.PARAMETER_ERROR);
  return {
    ok: true,
    page: {
      operation,
      app,
      scopes: scope.split(",").filter((s) => s !== ""),
      optional,
      redirectUri,
      state: query.state ?? "",
      query,
    },
  };
}
