// The redirect back from an authorization page: check state (CSRF), then the platform's error,
// then take code and scopes.
import { DouyinCallbackError } from "./errors.js";
import { redactText } from "./redact.js";
import type { components } from "./spec.js";
import { requireObject, requireText } from "./validate.js";

type CallbackQuery = components["schemas"]["AuthorizationCallback"];

/** What {@link parseCallback} returns: `scopes` split into a list, undefined when absent. */
export type CallbackResult = {
  [K in keyof CallbackQuery]-?: K extends "scopes"
    ? string[] | undefined
    : CallbackQuery[K] & string;
};

/**
 * An unguessable `state` for an authorization URL: 32 random bytes from Web Crypto, base64url.
 * Keep it (e.g. in the user's session) and hand it to `parseCallback`.
 */
export function generateState(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(32));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const encoder = new TextEncoder();

/** Compares two strings in time that depends only on `expected`'s length. */
export function constantTimeEqual(expected: string, received: string): boolean {
  const a = encoder.encode(expected);
  const b = encoder.encode(received);
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * Checks the callback URL against the `state` sent and returns its `code` and granted scopes.
 * Accepts an absolute URL or a request path (`/callback?code=...`); unknown extra parameters are
 * ignored. Throws {@link DouyinCallbackError}, or TypeError for arguments that are not a URL and
 * a state. The checks run in this order, and the first that fails gives the `reason`:
 * 1. `state` (state_missing, state_mismatch), first, so that a forged callback cannot choose the
 *    error the app shows;
 * 2. a non-zero `error_code` (platform_error, with the platform's `errorCode` and redacted
 *    `description`), even when a code rides along;
 * 3. `code` (code_missing; the user denied, on the emulator).
 * @example const { code, scopes } = douyin.parseCallback(request.url, { state: session.state });
 */
export function parseCallback(url: string | URL, expected: { state: string }): CallbackResult {
  if (!(url instanceof URL) && (typeof url !== "string" || url === "")) {
    throw new TypeError(`"url" must be a URL or a request path with its query string`);
  }
  requireObject(expected, "expected");
  requireText(expected.state, "state");
  const base = "http://callback.invalid";
  if (typeof url === "string" && !URL.canParse(url, base)) {
    throw new TypeError(`"url" must be a URL or a request path with its query string`);
  }
  const query = (url instanceof URL ? url : new URL(url, base)).searchParams;
  const state = query.get("state");
  if (state === null || state === "") throw new DouyinCallbackError("state_missing");
  if (!constantTimeEqual(expected.state, state)) throw new DouyinCallbackError("state_mismatch");
  const code = query.get("code");
  const errorCode = query.get("error_code");
  if (errorCode !== null && errorCode !== "" && !/^0+$/.test(errorCode)) {
    const description = query.get("description");
    throw new DouyinCallbackError("platform_error", {
      errorCode: /^-?\d{1,15}$/.test(errorCode) ? Number(errorCode) : undefined,
      description: description
        ? redactText(description, code === null ? [state] : [state, code])
        : undefined,
    });
  }
  if (code === null || code === "") throw new DouyinCallbackError("code_missing");
  const scopes = query.get("scopes");
  return {
    code,
    state,
    scopes: scopes === null ? undefined : scopes.split(",").filter((s) => s !== ""),
  };
}
