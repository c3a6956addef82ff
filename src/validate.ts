// Checks at the door: every public function refuses bad input with a TypeError naming the
// parameter and what is expected, never echoing the value received (it may be a secret).

/** A non-empty, well-formed string. */
export function requireText(value: unknown, name: string): asserts value is string {
  if (typeof value !== "string" || value === "") {
    throw new TypeError(`"${name}" is missing or empty: a non-empty string is expected`);
  }
  requireWellFormed(value, name);
}

/**
 * No lone surrogates: `encodeURIComponent` throws a URIError on them, so a value that passes
 * here can always be sent. (`isWellFormed` is ES2024, on Node 20; the lib setting is ES2022.)
 */
export function requireWellFormed(value: string, name: string): void {
  if (!(value as string & { isWellFormed(): boolean }).isWellFormed()) {
    throw new TypeError(`"${name}" must be well-formed text (no lone surrogates)`);
  }
}

export function optionalText(value: unknown, name: string): asserts value is string | undefined {
  if (value !== undefined) requireText(value, name);
}

/** An absolute http:// or https:// URL, parsed. */
export function requireHttpUrl(value: unknown, name: string): URL {
  requireText(value, name);
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new TypeError(`"${name}" needs an absolute http:// or https:// URL`);
  }
  return url;
}

/** The longest delay timers take (2^31 - 1 ms, about 24.8 days); AbortSignal.timeout throws beyond. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * Whole milliseconds from 1 to 2^31 - 1: what `AbortSignal.timeout` and `setTimeout` accept, so
 * a value that passes here never makes a call throw a RangeError later.
 */
export function requirePositiveMs(value: unknown, name: string): asserts value is number {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_TIMER_MS) {
    throw new TypeError(
      `"${name}" must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS}`,
    );
  }
}

export function requireObject(value: unknown, name: string): asserts value is object {
  if (typeof value !== "object" || value === null) {
    throw new TypeError(`"${name}" must be an object`);
  }
}

/**
 * An absolute http(s) base URL without credentials, query or fragment. A `user:password@`
 * would be sent with every request and quoted in error causes, so it is refused.
 */
export function checkBaseUrl(value: unknown, name: string): string {
  const url = requireHttpUrl(value, name);
  if (url.username !== "" || url.password !== "") {
    throw new TypeError(`"${name}" must not carry a user name or password`);
  }
  if (url.search !== "" || url.hash !== "") {
    throw new TypeError(`"${name}" must not carry a query string or fragment`);
  }
  return url.href;
}
