// The emulator's record of what it received and answered: the last requests to the platform's
// paths, for the activity page and the control API. Secrets never enter it: client_secret is
// replaced whole, codes and tokens keep only their first characters.
import type { ControlComponents } from "./control-spec.js";

/** One request the emulator answered, secrets masked: what the activity page and the log show. */
export type RequestEntry = ControlComponents["schemas"]["RequestEntry"];
type Form = RequestEntry["form"];

/** How many requests are kept. */
export const ACTIVITY_SIZE = 100;

/** Parameters whose values are secret in part (shown as first characters) or whole (`***`). */
const PARTLY_SECRET = new Set(["code", "access_token", "refresh_token", "token"]);
const SECRET = new Set(["client_secret"]);

/**
 * The first characters of a code or token, then `…`: at most 8, and at most a quarter of it,
 * so a short value shows little and a long one enough to tell it from another.
 */
export function shown(value: string): string {
  return `${value.slice(0, Math.min(8, Math.floor(value.length / 4)))}…`;
}

/** Parameters as the activity shows them: secrets redacted, long values cut. */
export function redactParams(params: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const safeName = name.length > 64 ? `${name.slice(0, 64)}…` : name;
    if (SECRET.has(name)) out[safeName] = "***";
    else if (PARTLY_SECRET.has(name)) out[safeName] = shown(value);
    else out[safeName] = value.length > 200 ? `${value.slice(0, 200)}…` : value;
  }
  return out;
}

export class Activity {
  private entries: RequestEntry[] = [];

  record(entry: RequestEntry): void {
    this.entries.push(entry);
    if (this.entries.length > ACTIVITY_SIZE) this.entries.shift();
  }

  /** Newest first. */
  list(): RequestEntry[] {
    return this.entries.map((entry) => ({ ...entry, params: { ...entry.params } })).reverse();
  }

  clear(): void {
    this.entries = [];
  }
}

/** The request's form, as the activity names it. */
export function formOf(method: string | undefined, contentType: string | undefined): Form {
  if (method !== "POST") return "GET";
  const type = String(contentType ?? "")
    .split(";")[0]!
    .trim()
    .toLowerCase();
  if (type === "application/x-www-form-urlencoded") return "POST form";
  if (type === "application/json") return "POST JSON";
  return "POST other";
}
