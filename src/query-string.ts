// The one encoder of query strings and form bodies: page URLs and token requests alike.

/** A query string (or form body) of the defined values, each percent-encoded (space as %20). */
export function encodeQuery(query: Readonly<Record<string, string | undefined>>): string {
  let out = "";
  for (const key in query) {
    const value = query[key];
    if (value !== undefined) out += `${out ? "&" : ""}${key}=${encodeURIComponent(value)}`;
  }
  return out;
}
