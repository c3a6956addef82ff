// Auth.js' debug log (`debug: true`) prints what it handles as JSON: the token answer
// ("authorization result"), the account it links (`adapter_linkAccount`), the request's query
// with the code, cookies and session tokens. Its supported `logger` option takes our `debug`,
// which removes every secret before the line is written.
import type { AuthConfig } from "@auth/core";
import { redactText } from "../redact.js";

type Debug = (message: string, metadata?: unknown) => void;

const MASK = "***";
/** Fields whose values are secrets, in the spellings Auth.js and the platform use. */
const SECRET_KEYS = new Set([
  "access_token",
  "refresh_token",
  "id_token",
  "code",
  "client_secret",
  "clientSecret",
  "accessToken",
  "refreshToken",
  "sessionToken",
  "token",
  "cookies",
  "cookie",
  "authorization",
  "code_verifier",
  "state",
]);
/** Adapter calls whose first argument is the session token itself. */
const SESSION_TOKEN_CALLS = new Set(["adapter_getSessionAndUser", "adapter_deleteSession"]);

/** Shorter values are not hunted down elsewhere in the line (they would mask ordinary words). */
const MIN_SECRET = 8;

/** Every secret value found under a secret key (cookies: each cookie's value), to remove wherever else it shows up. */
function secretsIn(value: unknown, found: Set<string>, depth = 0): Set<string> {
  if (depth > 8 || typeof value !== "object" || value === null) return found;
  const add = (text: unknown) => {
    if (typeof text === "string" && text.length >= MIN_SECRET) found.add(text);
  };
  for (const [key, child] of Object.entries(value)) {
    if (!SECRET_KEYS.has(key)) secretsIn(child, found, depth + 1);
    else if (key !== "cookies") add(child);
    else if (Array.isArray(child)) for (const cookie of child) add(cookie?.value);
    else if (typeof child === "object" && child !== null) Object.values(child).forEach(add);
  }
  return found;
}

/** A JSON-ready copy of `value` with every secret replaced by `***`. */
function scrub(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (depth > 8) return "[deep]";
  if (typeof value === "string") return redactText(value, secrets);
  if (typeof value !== "object" || value === null) {
    return typeof value === "function" || typeof value === "symbol" ? undefined : value;
  }
  if (value instanceof URL) return redactText(value.href, secrets);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message, secrets) };
  }
  if (Array.isArray(value)) return value.map((item) => scrub(item, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === "cookies" && typeof child === "object" && child !== null) {
      out[key] = maskCookies(child, secrets, depth + 1);
    } else {
      out[key] = SECRET_KEYS.has(key) && child != null ? MASK : scrub(child, secrets, depth + 1);
    }
  }
  return out;
}

/** Cookies (`[{ name, value, options }]` or `{ name: value }`): names and options kept, values masked. */
function maskCookies(cookies: object, secrets: readonly string[], depth: number): unknown {
  if (!Array.isArray(cookies))
    return Object.fromEntries(Object.keys(cookies).map((k) => [k, MASK]));
  return cookies.map((cookie: unknown) =>
    typeof cookie === "object" && cookie !== null
      ? { ...(scrub(cookie, secrets, depth + 1) as object), value: MASK }
      : MASK,
  );
}

/**
 * Auth.js' `logger` for `debug: true`: each debug line with the tokens, codes, secrets, cookies
 * and session tokens in it replaced by `***` (whole values, wherever they appear), handed to
 * `write` (this package prints nothing itself). Auth.js' own debug logger prints them in clear.
 * Errors and warnings stay Auth.js' own.
 * @example
 * const authConfig = { ...config, debug: true, logger: douyinLogger(myLogger.debug) };
 */
export function douyinLogger(write: Debug): NonNullable<AuthConfig["logger"]> {
  if (typeof write !== "function") throw new TypeError(`"write" must be a function`);
  return {
    debug(message: string, metadata?: unknown) {
      let safe = metadata;
      if (SESSION_TOKEN_CALLS.has(message) && typeof metadata === "object" && metadata !== null) {
        safe = { ...metadata, args: [MASK] };
      }
      const secrets = [...secretsIn(safe, new Set())];
      write(redactText(String(message), secrets), scrub(safe, secrets));
    },
  };
}
