// Secrets (client_secret, code, access and refresh tokens) never leave in an error or a printed
// URL. Values are replaced whole, by parsing, never by a `key=\w+` pattern that would leave the
// `.x1y2` of `act.x1y2` behind.

/** Query parameters whose values are secrets. */
export const SECRET_PARAMS = ["client_secret", "code", "access_token", "refresh_token"] as const;
const MASK = "***";

/**
 * A copy of `url` with the whole value of every secret query parameter replaced by `***`.
 * Safe to log or print.
 * @example redactUrl("https://open.douyin.com/oauth/access_token/?code=a.b-c&client_key=k")
 * // "https://open.douyin.com/oauth/access_token/?code=***&client_key=k"
 */
export function redactUrl(url: string | URL): string {
  const text = String(url);
  if (!URL.canParse(text)) return redactText(text);
  const parsed = new URL(text);
  for (const name of SECRET_PARAMS) {
    if (parsed.searchParams.has(name)) parsed.searchParams.set(name, MASK);
  }
  // URLSearchParams encodes `*`; keep the mask readable.
  return parsed.href.replaceAll("%2A%2A%2A", MASK);
}

const QUERY_PAIR = new RegExp(`\\b(${SECRET_PARAMS.join("|")})=[^&\\s"'<>]*`, "g");
const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>]+/g;

/**
 * `text` with URLs redacted, `secret_param=value` pairs masked, and every known secret removed,
 * in each spelling (raw, percent-encoded, form-encoded, JSON-escaped).
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(URL_IN_TEXT, (url) => (URL.canParse(url) ? redactUrl(url) : url));
  out = out.replace(QUERY_PAIR, (_pair, name: string) => `${name}=${MASK}`);
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(new URLSearchParams({ s: secret }).toString().slice(2));
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  // Longest first: a code that contains the client secret must go whole, not leave its remainder.
  for (const form of [...forms].sort((a, b) => b.length - a.length))
    out = out.split(form).join(MASK);
  return out;
}

/**
 * A stand-in for an error thrown by fetch or the user's fetch: same name, code and stack frames,
 * with the message (and its causes, a few levels deep) redacted. Errors from custom fetch
 * implementations sometimes quote the request URL, query string included.
 */
export function safeCause(error: unknown, secrets: readonly string[], depth = 0): unknown {
  if (depth > 4) return undefined;
  if (typeof error === "string") return redactText(error, secrets);
  if (!(error instanceof Error))
    return error === undefined || error === null ? error : "[non-error value]";
  const safe = new Error(redactText(error.message, secrets));
  safe.name = error.name;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" || typeof code === "number") Object.assign(safe, { code });
  const frames = (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  safe.stack = [`${safe.name}: ${safe.message}`, ...frames.map((l) => redactText(l, secrets))].join(
    "\n",
  );
  if (error.cause !== undefined) {
    Object.defineProperty(safe, "cause", {
      value: safeCause(error.cause, secrets, depth + 1),
      enumerable: false,
      writable: true,
      configurable: true,
    });
  }
  return safe;
}
