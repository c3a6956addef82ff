// Checks at the door: every public function refuses bad input with a TypeError naming the
// parameter and what is expected, never echoing the value received (it may be a secret).

export function requireText(value: unknown, name: string): asserts value is string {
  if (typeof value !== "string" || value === "") {
    throw new TypeError(`"${name}" is missing or empty: a non-empty string is expected`);
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

export function requirePositiveMs(value: unknown, name: string): asserts value is number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`"${name}" must be a positive, finite number of milliseconds`);
  }
}

export function requireObject(value: unknown, name: string): asserts value is object {
  if (typeof value !== "object" || value === null) {
    throw new TypeError(`"${name}" must be an object`);
  }
}
