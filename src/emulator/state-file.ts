// The --state file: what the platform holds and the clock's advance, kept across restarts.
// Written atomically (a temporary file renamed over the old one), read with validation: a file
// that is not the emulator's state, or is damaged, is an error naming where, never dropped.
import { randomBytes } from "node:crypto";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import type { PlatformState } from "./ledger.js";

const FORMAT = "douyin-oauth-emulator-state";
const VERSION = 1;

export interface SavedState {
  clockOffsetMs: number;
  platform: PlatformState;
}

/** Why a state file was refused; the message names the file and the place, never a value. */
export class StateFileError extends Error {
  override name = "StateFileError";
}

type Check = (value: unknown, at: string) => void;

function fail(at: string, what: string): never {
  throw new TypeError(`${at} must be ${what}`);
}
const text: Check = (v, at) => {
  if (typeof v !== "string" || v === "") fail(at, "a non-empty string");
};
const optionalText: Check = (v, at) => {
  if (v !== undefined && typeof v !== "string") fail(at, "a string when present");
};
// Number.isFinite and Number.isInteger answer false for anything but a number.
const time: Check = (v, at) => {
  if (!Number.isFinite(v)) fail(at, "a number");
};
const count: Check = (v, at) => {
  if (!Number.isInteger(v) || (v as number) < 0) fail(at, "a non-negative integer");
};
const record =
  (fields: Record<string, Check>): Check =>
  (v, at) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) fail(at, "an object");
    for (const [name, check] of Object.entries(fields)) {
      check((v as Record<string, unknown>)[name], `${at}.${name}`);
    }
  };
const list =
  (item: Check): Check =>
  (v, at) => {
    if (!Array.isArray(v)) fail(at, "an array");
    v.forEach((entry, i) => item(entry, `${at}[${i}]`));
  };
const pair =
  (value: Check): Check =>
  (v, at) => {
    if (!Array.isArray(v) || v.length !== 2) fail(at, "a [key, value] pair");
    text(v[0], `${at}[0]`);
    value(v[1], `${at}[1]`);
  };

const userFields = { clientKey: text, openId: text, scope: text, expiresAt: time };
const clientToken = record({ token: text, expiresAt: time });
const checkState = record({
  clockOffsetMs: count,
  platform: record({
    codes: list(pair(record({ ...userFields, redirectUri: optionalText }))),
    accessTokens: list(pair(record(userFields))),
    refreshTokens: list(pair(record({ ...userFields, renewals: count, accessToken: text }))),
    clientTokens: list(pair(list(clientToken))),
    stableTokens: list(pair(clientToken)),
    clientTokenCalls: list(pair(list(time))),
    profiles: list(
      record({
        clientKey: text,
        openId: text,
        profile: record({ nickname: optionalText, avatar: optionalText, mobile: optionalText }),
      }),
    ),
  }),
});

/** The saved state, or undefined when the file does not exist yet. */
export async function loadState(path: string): Promise<SavedState | undefined> {
  let raw: string;
  try {
    raw = await readFile(path, "utf8");
  } catch (error) {
    // Nothing to load; the first write (StateWriter.open) says why the path takes no file.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new StateFileError(`the state file ${path} cannot be read`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new StateFileError(`the state file ${path} is not JSON: damaged, or not a state file`);
  }
  // null has no fields; any other JSON value but an object has no `format`
  const head = parsed as { format?: unknown; version?: unknown } | null;
  if (head?.format !== FORMAT) {
    throw new StateFileError(`the state file ${path} is not an emulator state file`);
  }
  if (head.version !== VERSION) {
    throw new StateFileError(`the state file ${path} has a version this emulator does not read`);
  }
  try {
    checkState(parsed, "state");
  } catch (error) {
    throw new StateFileError(`the state file ${path} is damaged: ${(error as Error).message}`);
  }
  const { clockOffsetMs, platform } = parsed as SavedState;
  return { clockOffsetMs, platform };
}

/** Writes the state after changes (coalesced), each write atomic; `close()` writes the last. */
export class StateWriter {
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** The last write's failure, if the last write failed. */
  lastError: unknown;

  constructor(
    readonly path: string,
    private readonly snapshot: () => SavedState,
    private readonly delayMs = 50,
  ) {}

  /** The first write, at start: a path that takes no file fails here, naming it, not later. */
  async open(): Promise<void> {
    try {
      await this.write();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        code === "ENOENT"
          ? "its folder does not exist"
          : code === "ENOTDIR"
            ? "its folder is not a folder"
            : code === "EACCES" || code === "EPERM" || code === "EROFS"
              ? "its folder is not writable"
              : "the write failed";
      throw new StateFileError(`the state file ${this.path} cannot be written: ${why}`, {
        cause: error,
      });
    }
  }

  changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.write().catch(() => undefined); // kept in lastError; retried on the next change
    }, this.delayMs);
  }

  /** Writes now (after any write under way); rejects when it fails. */
  write(): Promise<void> {
    const state = { format: FORMAT, version: VERSION, ...this.snapshot() };
    const next = this.chain.then(async () => {
      const temporary = `${this.path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
      try {
        await writeFile(temporary, JSON.stringify(state), { mode: 0o600 });
        await rename(temporary, this.path);
        this.lastError = undefined;
      } catch (error) {
        this.lastError = error;
        await rm(temporary, { force: true });
        throw error;
      }
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.write();
  }
}
