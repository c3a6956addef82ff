// The emulator's test hooks, one implementation under both the JavaScript API (startEmulator's
// methods) and the HTTP control API under /_emulator/ (openapi/emulator-control.yaml, whose
// schemas type every answer here). Each hook checks its input first and throws a TypeError
// naming the field; nothing changes on a bad input.
import type { ControlComponents } from "./control-spec.js";
import { Activity, shown } from "./activity.js";
import { FAULT_KINDS, Faults, TOKEN_OPERATIONS, type Fault } from "./faults.js";
import {
  emptyState,
  LIFETIMES,
  OAuthLedger,
  type EmulatorApp,
  type PlatformState,
} from "./ledger.js";

type Schemas = ControlComponents["schemas"];
export type IssueCodeRequest = Schemas["IssueCodeRequest"];
export type IssuedCode = Schemas["IssuedCode"];
export type Clock = Schemas["Clock"];
/** The faults queued for the next calls of each operation (the control API's `FaultList`). */
export type FaultList = Schemas["FaultList"];
export type Stats = Schemas["Stats"];
/** The tokens the emulator holds valid now (the control API's `LiveTokens`). */
export type LiveTokens = Schemas["LiveTokens"];
export type AppList = Schemas["AppList"];

// ---- input checks ----------------------------------------------------------------------------

const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,40}$/;

/** An object with only the given fields; the first unknown one is named when it looks like a name. */
export function requireFields(
  value: unknown,
  what: string,
  allowed: readonly string[],
): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`${what} must be an object`);
  }
  const unknown = Object.keys(value).find((key) => !allowed.includes(key));
  if (unknown !== undefined) {
    throw new TypeError(
      SAFE_NAME.test(unknown)
        ? `${what} has an unknown field "${unknown}"; known: ${allowed.join(", ")}`
        : `${what} has an unknown field; known: ${allowed.join(", ")}`,
    );
  }
  return value as Record<string, unknown>;
}

function optionalText(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim() === "") {
    throw new TypeError(`"${name}" must be a non-empty string`);
  }
  return value;
}

function integer(value: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(
      max === Number.MAX_SAFE_INTEGER
        ? `"${name}" must be an integer of at least ${min}`
        : `"${name}" must be an integer from ${min} to ${max}`,
    );
  }
  return value;
}

function scopeText(value: unknown): string {
  const list = Array.isArray(value) ? value : typeof value === "string" ? value.split(",") : [];
  if (list.length === 0 || list.some((s) => typeof s !== "string" || !/^[\w.:-]+$/.test(s))) {
    throw new TypeError(`"scope" must be scope names, as a comma-separated string or a list`);
  }
  return list.join(",");
}

function profileOf(value: unknown): Schemas["Profile"] | undefined {
  if (value === undefined) return undefined;
  const fields = requireFields(value, `"profile"`, ["nickname", "avatar", "mobile"]);
  const profile: Schemas["Profile"] = {};
  const nickname = optionalText(fields.nickname, "profile.nickname");
  if (nickname !== undefined) profile.nickname = nickname;
  const avatar = optionalText(fields.avatar, "profile.avatar");
  if (avatar !== undefined) {
    if (!/^https?:\/\//.test(avatar) || !URL.canParse(avatar)) {
      throw new TypeError(`"profile.avatar" must be an http:// or https:// URL`);
    }
    profile.avatar = avatar;
  }
  const mobile = optionalText(fields.mobile, "profile.mobile");
  if (mobile !== undefined) {
    if (!/^\+?[0-9][0-9 ]{0,30}$/.test(mobile)) {
      throw new TypeError(`"profile.mobile" must be digits, with an optional leading + and spaces`);
    }
    profile.mobile = mobile;
  }
  return profile;
}

/** A fault as the JavaScript API and the control API take it. */
export function checkFault(value: unknown): Fault {
  const fields = requireFields(value, "the fault", [
    "kind",
    "operation",
    "latencyMs",
    "status",
    "times",
  ]);
  if (!FAULT_KINDS.includes(fields.kind as Fault["kind"])) {
    throw new TypeError(`"kind" must be one of ${FAULT_KINDS.join(", ")}`);
  }
  const fault: Fault = { kind: fields.kind as Fault["kind"] };
  if (fields.operation !== undefined) {
    if (!TOKEN_OPERATIONS.includes(fields.operation as NonNullable<Fault["operation"]>)) {
      throw new TypeError(`"operation" must be one of ${TOKEN_OPERATIONS.join(", ")}`);
    }
    fault.operation = fields.operation as NonNullable<Fault["operation"]>;
  }
  if (fields.latencyMs !== undefined) fault.latencyMs = integer(fields.latencyMs, "latencyMs", 0);
  if (fields.status !== undefined) fault.status = integer(fields.status, "status", 400, 599);
  if (fields.times !== undefined) fault.times = integer(fields.times, "times", 1);
  return fault;
}

// ---- the hooks -----------------------------------------------------------------------------

/** The emulator's state and hooks: the platform's ledger, its clock, faults and activity. */
export class Control {
  readonly ledger: OAuthLedger;
  readonly faults = new Faults();
  readonly activity = new Activity();
  private offset = 0;
  /** Called after anything the platform holds may have changed (the --state file listens). */
  onChange: () => void = () => undefined;

  constructor(
    apps: readonly EmulatorApp[],
    private readonly clock: () => number,
    stringNumbers: boolean,
  ) {
    this.ledger = new OAuthLedger(apps, () => this.now(), stringNumbers);
  }

  now(): number {
    return this.clock() + this.offset;
  }

  issueCode(input: unknown): IssuedCode {
    const fields = requireFields(input, "issueCode's options", [
      "clientKey",
      "scope",
      "openId",
      "user",
      "profile",
    ]);
    const clientKey =
      optionalText(fields.clientKey, "clientKey") ?? this.ledger.listApps()[0]!.clientKey;
    if (!this.ledger.app(clientKey)) throw new TypeError(`"clientKey" is not a registered app`);
    const scope = scopeText(fields.scope);
    const openId = optionalText(fields.openId, "openId");
    const user = optionalText(fields.user, "user");
    if (openId !== undefined && user !== undefined) {
      throw new TypeError(`give "openId" or "user", not both`);
    }
    const profile = profileOf(fields.profile);
    const id = openId ?? this.ledger.openIdFor(clientKey, user ?? "demo_user");
    if (profile !== undefined) this.ledger.setProfile(clientKey, id, profile);
    const code = this.ledger.issueCode(clientKey, id, scope);
    this.onChange();
    return { code, clientKey, openId: id, scope, expiresAt: this.now() + LIFETIMES.code };
  }

  readClock(): Clock {
    return { now: this.now(), offsetMs: this.offset };
  }

  /** Whole milliseconds: every time shown (the platform's `extra.now` too) stays an integer. */
  advanceTime(ms: unknown): Clock {
    this.offset += integer(ms, "ms", 0);
    this.onChange();
    return this.readClock();
  }

  /** The clock's advance, as the --state file restores it. */
  restore(offsetMs: number, state: PlatformState): void {
    this.offset = offsetMs;
    this.ledger.importState(state);
  }

  injectFault(fault: unknown): FaultList {
    this.faults.add(checkFault(fault));
    return this.listFaults();
  }

  clearFaults(): void {
    this.faults.clear();
  }

  listFaults(): FaultList {
    return { faults: this.faults.list() };
  }

  stats(): Stats {
    return { calls: { ...this.ledger.stats }, stored: this.ledger.stored() };
  }

  isValid(token: unknown): boolean {
    if (typeof token !== "string" || token === "") {
      throw new TypeError(`"token" is missing or empty`);
    }
    return this.ledger.isValid(token);
  }

  /** Live codes and tokens, each shown only as its first characters. */
  tokens(): LiveTokens {
    this.ledger.purge(true);
    const state = this.ledger.exportState();
    const users = new Map<string, Schemas["LiveUser"]>();
    const user = (clientKey: string, openId: string) =>
      users.set(`${clientKey}\u0000${openId}`, { clientKey, openId });
    const userToken = ([token, r]: [string, PlatformState["accessTokens"][number][1]]) => {
      user(r.clientKey, r.openId);
      return {
        token: shown(token),
        clientKey: r.clientKey,
        openId: r.openId,
        scope: r.scope,
        expiresAt: r.expiresAt,
      };
    };
    const codes = state.codes.map(([code, r]) => {
      user(r.clientKey, r.openId);
      const { clientKey, openId, scope, expiresAt } = r;
      return { code: shown(code), clientKey, openId, scope, expiresAt };
    });
    const accessTokens = state.accessTokens.map(userToken);
    const refreshTokens = state.refreshTokens.map((entry) => ({
      ...userToken(entry),
      renewals: entry[1].renewals,
    }));
    const clientTokens = [
      ...state.clientTokens.flatMap(([clientKey, list]) =>
        list.map((r) => ({
          token: shown(r.token),
          clientKey,
          stable: false,
          expiresAt: r.expiresAt,
        })),
      ),
      ...state.stableTokens.map(([clientKey, r]) => ({
        token: shown(r.token),
        clientKey,
        stable: true,
        expiresAt: r.expiresAt,
      })),
    ];
    for (const { clientKey, openId, profile } of state.profiles) {
      const live = users.get(`${clientKey}\u0000${openId}`);
      if (live) live.profile = profile;
    }
    return {
      now: this.now(),
      users: [...users.values()],
      codes,
      accessTokens,
      refreshTokens,
      clientTokens,
    };
  }

  apps(): AppList {
    return {
      apps: this.ledger
        .listApps()
        .map(({ clientKey, name, redirectDomains, redirectUris, canRenew }) => ({
          clientKey,
          ...(name === undefined ? {} : { name }),
          redirectDomains,
          redirectUris,
          canRenew: canRenew !== false,
        })),
    };
  }

  /** Back to a fresh start; the apps stay. */
  reset(): void {
    this.offset = 0;
    this.ledger.importState(emptyState());
    this.faults.clear();
    this.activity.clear();
    this.onChange();
  }
}
