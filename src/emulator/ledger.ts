// The platform's OAuth records and rules, in memory, on an injected clock (PLATFORM.md,
// "Lifetimes and rules"): apps, codes, user and client tokens, and what each token call does to
// them. No HTTP here (server.ts routes requests to these methods) and no wire format (answers
// are wrapped by envelope.ts); every answer is typed from the spec's components.
import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { ERROR_CODE, type components } from "../spec.js";
import type { ControlComponents } from "./control-spec.js";
import { redirectAllowed, registered, type EmulatorApp, type RegisteredApp } from "./apps.js";
import { AVATAR_PATH } from "./avatar.js";
import { Envelopes } from "./envelope.js";

type Schemas = components["schemas"];
type Envelope =
  | Schemas["AccessTokenSuccess"]
  | Schemas["ClientTokenSuccess"]
  | Schemas["RefreshTokenSuccess"]
  | Schemas["RenewRefreshTokenSuccess"]
  | Schemas["ErrorAnswer"];
type UserInfoAnswer = Schemas["UserInfoSuccess"] | Schemas["ErrorAnswer"];

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;
/** How long each credential lives on the platform (PLATFORM.md), in milliseconds. */
export const LIFETIMES = {
  code: 10 * MINUTE,
  accessToken: 15 * DAY,
  refreshToken: 30 * DAY,
  clientToken: 2 * 60 * MINUTE,
} as const;
/** How many times one grant's refresh token can be renewed (PLATFORM.md). */
export const MAX_RENEWALS = 5;
export const CLIENT_TOKEN_RATE = { max: 500, windowMs: 5 * MINUTE } as const;

export type { EmulatorApp, RegisteredApp } from "./apps.js";

/** Calls per operation, errors included: the control API's `Stats.calls`. */
export type EmulatorStats = ControlComponents["schemas"]["Stats"]["calls"];

export interface CodeRecord {
  clientKey: string;
  openId: string;
  scope: string;
  expiresAt: number;
  /** Where the consent page sent the code (fragment dropped); absent for `issueCode`'s. */
  redirectUri?: string;
}
export interface UserToken {
  clientKey: string;
  openId: string;
  scope: string;
  expiresAt: number;
}
export interface RefreshRecord extends UserToken {
  renewals: number;
  accessToken: string;
}
export interface ClientTokenRecord {
  token: string;
  expiresAt: number;
}
/** How a user appears, as `issueCode` or the consent page's account field set it. */
export interface UserProfile {
  nickname?: string;
  avatar?: string;
  /** Returned encrypted (`encrypt_mobile`) to apps the user granted `mobile_alert`. */
  mobile?: string;
}

/** Everything the platform holds, whole values included: the control API's listings (which
 * redact them) and the `--state` file read it. */
export interface PlatformState {
  codes: Array<[code: string, record: CodeRecord]>;
  accessTokens: Array<[token: string, record: UserToken]>;
  refreshTokens: Array<[token: string, record: RefreshRecord]>;
  clientTokens: Array<[clientKey: string, records: ClientTokenRecord[]]>;
  stableTokens: Array<[clientKey: string, record: ClientTokenRecord]>;
  clientTokenCalls: Array<[clientKey: string, at: number[]]>;
  profiles: Array<{ clientKey: string; openId: string; profile: UserProfile }>;
}

/** A platform holding nothing: a fresh start, and the base a partial state is built on. */
export const emptyState = (): PlatformState => ({
  codes: [],
  accessTokens: [],
  refreshTokens: [],
  clientTokens: [],
  stableTokens: [],
  clientTokenCalls: [],
  profiles: [],
});

/** A request's parameters by name: the first value of each, as the platform reads them. */
export type Query = Record<string, string | undefined>;

const token = (prefix: string) => `${prefix}${randomBytes(24).toString("hex")}`;

/** A token call's required parameters, all present, and the app they name. */
type Checked<Name extends string> =
  | { ok: true; app: RegisteredApp; params: Record<Name, string> }
  | { ok: false; answer: Schemas["ErrorAnswer"] };

/** The platform's records and rules for a set of apps. */
export class OAuthLedger {
  readonly stats: EmulatorStats = {
    accessToken: 0,
    clientToken: 0,
    stableClientToken: 0,
    refreshToken: 0,
    renewRefreshToken: 0,
    userInfo: 0,
    connect: 0,
    authorize: 0,
    authorizeV2: 0,
  };
  private readonly apps = new Map<string, RegisteredApp>();
  private readonly codes = new Map<string, CodeRecord>();
  /** Per app and user, the one live code, so a new code voids the previous in O(1). */
  private readonly userCodes = new Map<string, string>();
  private readonly accessTokens = new Map<string, UserToken>();
  private readonly refreshTokens = new Map<string, RefreshRecord>();
  /** Per app, newest last; only the latest two are kept (and valid). */
  private readonly clientTokens = new Map<string, ClientTokenRecord[]>();
  private readonly clientTokenCalls = new Map<string, number[]>();
  /** Per app, the stable client token while it lives. */
  private readonly stableTokens = new Map<string, ClientTokenRecord>();
  /** Per app and user (`clientKey\0openId`), the profile given with issueCode. */
  private readonly profiles = new Map<string, UserProfile>();
  private lastPurge = Number.NEGATIVE_INFINITY;
  /** The envelope every answer travels in. */
  readonly answers: Envelopes;

  constructor(
    apps: readonly EmulatorApp[],
    readonly now: () => number,
    stringNumbers: boolean,
  ) {
    for (const app of apps) this.apps.set(app.clientKey, { canRenew: true, ...registered(app) });
    this.answers = new Envelopes(now, stringNumbers);
  }

  app(clientKey: string | undefined): RegisteredApp | undefined {
    return clientKey === undefined ? undefined : this.apps.get(clientKey);
  }

  listApps(): RegisteredApp[] {
    return [...this.apps.values()].map((app) => ({
      ...app,
      redirectDomains: [...app.redirectDomains],
      redirectUris: [...app.redirectUris],
    }));
  }

  /** Live records, for watching memory stay flat. */
  stored() {
    return {
      codes: this.codes.size,
      accessTokens: this.accessTokens.size,
      refreshTokens: this.refreshTokens.size,
      clientTokens:
        [...this.clientTokens.values()].reduce((n, list) => n + list.length, 0) +
        this.stableTokens.size,
    };
  }

  /** A refresh token's record while held, expired until purged: read-only, live. */
  refreshRecord(token: string): Readonly<RefreshRecord> | undefined {
    return this.refreshTokens.get(token);
  }

  /** Every refresh token held with its record, expired ones until purged: read-only, live. */
  refreshRecords(): IterableIterator<[token: string, record: Readonly<RefreshRecord>]> {
    return this.refreshTokens.entries();
  }

  /** A stable open_id for a user of an app. */
  openIdFor(clientKey: string, user: string): string {
    const hex = createHash("sha256").update(`${clientKey}\u0000${user}`).digest("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  }

  /** A one-time code, as the consent page issues it. A new code for the user voids the previous. */
  issueCode(clientKey: string, openId: string, scope: string, redirectUri?: URL): string {
    const user = `${clientKey}\u0000${openId}`;
    const previous = this.userCodes.get(user);
    if (previous !== undefined) this.codes.delete(previous);
    const code = randomBytes(16).toString("hex");
    const expiresAt = this.now() + LIFETIMES.code;
    const sentTo = redirectUri && `${redirectUri.origin}${redirectUri.pathname}`;
    this.codes.set(code, {
      clientKey,
      openId,
      scope,
      expiresAt,
      ...(sentTo === undefined ? {} : { redirectUri: sentTo }),
    });
    this.userCodes.set(user, code);
    return code;
  }

  /** Remembers how a user appears; kept until reset. */
  setProfile(clientKey: string, openId: string, profile: UserProfile): void {
    this.profiles.set(`${clientKey}\u0000${openId}`, { ...profile });
  }

  /** The consent page's account name becomes the nickname, unless one was given already. */
  nameUser(clientKey: string, openId: string, nickname: string): void {
    const profile = this.profiles.get(`${clientKey}\u0000${openId}`) ?? {};
    if (profile.nickname === undefined)
      this.setProfile(clientKey, openId, { ...profile, nickname });
  }

  /** A copy of everything held, expired records included until purged. */
  exportState(): PlatformState {
    const copy = <T extends object>(entries: Iterable<[string, T]>): Array<[string, T]> =>
      [...entries].map(([key, value]) => [key, { ...value }]);
    return {
      codes: copy(this.codes),
      accessTokens: copy(this.accessTokens),
      refreshTokens: copy(this.refreshTokens),
      clientTokens: [...this.clientTokens].map(([key, list]) => [key, list.map((r) => ({ ...r }))]),
      stableTokens: copy(this.stableTokens),
      clientTokenCalls: [...this.clientTokenCalls].map(([key, calls]) => [key, [...calls]]),
      profiles: [...this.profiles].map(([user, profile]) => {
        const [clientKey = "", openId = ""] = user.split("\u0000");
        return { clientKey, openId, profile: { ...profile } };
      }),
    };
  }

  /** Replaces everything held with `state` (a reset when it is empty); stats start at zero. */
  importState(state: PlatformState): void {
    for (const map of [
      this.codes,
      this.userCodes,
      this.accessTokens,
      this.refreshTokens,
      this.clientTokens,
      this.clientTokenCalls,
      this.stableTokens,
      this.profiles,
    ]) {
      map.clear();
    }
    for (const name of Object.keys(this.stats) as Array<keyof EmulatorStats>) this.stats[name] = 0;
    this.lastPurge = Number.NEGATIVE_INFINITY;
    for (const [code, record] of state.codes) {
      const user = `${record.clientKey}\u0000${record.openId}`;
      const previous = this.userCodes.get(user);
      // One live code per user: of two, the later-expiring one was issued last.
      const held = previous === undefined ? undefined : this.codes.get(previous);
      if (held && held.expiresAt > record.expiresAt) continue;
      if (previous !== undefined) this.codes.delete(previous);
      this.codes.set(code, { ...record });
      this.userCodes.set(user, code);
    }
    for (const [token, record] of state.accessTokens) this.accessTokens.set(token, { ...record });
    for (const [token, record] of state.refreshTokens) this.refreshTokens.set(token, { ...record });
    for (const [key, list] of state.clientTokens) {
      this.clientTokens.set(
        key,
        list.slice(-2).map((r) => ({ ...r })),
      );
    }
    for (const [key, record] of state.stableTokens) this.stableTokens.set(key, { ...record });
    for (const [key, calls] of state.clientTokenCalls) this.clientTokenCalls.set(key, [...calls]);
    for (const { clientKey, openId, profile } of state.profiles) {
      this.setProfile(clientKey, openId, profile);
    }
  }

  /** Forgets a code (exchanged or expired), and its user's pointer to it. */
  private dropCode(code: string, record: CodeRecord): void {
    this.codes.delete(code);
    const user = `${record.clientKey}\u0000${record.openId}`;
    if (this.userCodes.get(user) === code) this.userCodes.delete(user);
  }

  isValid(value: string): boolean {
    const now = this.now();
    const user = this.accessTokens.get(value) ?? this.refreshTokens.get(value);
    if (user) return user.expiresAt > now;
    for (const list of this.clientTokens.values()) {
      if (list.some((record) => record.token === value && record.expiresAt > now)) return true;
    }
    for (const record of this.stableTokens.values()) {
      if (record.token === value && record.expiresAt > now) return true;
    }
    return false;
  }

  /** Drops expired codes and tokens; called on requests, at most once a second of clock time. */
  purge(force = false): void {
    const now = this.now();
    if (!force && now - this.lastPurge < 1_000) return;
    this.lastPurge = now;
    for (const [code, record] of this.codes)
      if (record.expiresAt <= now) this.dropCode(code, record);
    for (const map of [this.accessTokens, this.refreshTokens]) {
      for (const [key, record] of map) if (record.expiresAt <= now) map.delete(key);
    }
    for (const [key, list] of this.clientTokens) {
      const live = list.filter((record) => record.expiresAt > now);
      if (live.length === 0) this.clientTokens.delete(key);
      else this.clientTokens.set(key, live);
    }
    for (const [key, record] of this.stableTokens) {
      if (record.expiresAt <= now) this.stableTokens.delete(key);
    }
    for (const [key, calls] of this.clientTokenCalls) {
      const recent = calls.filter((at) => at > now - CLIENT_TOKEN_RATE.windowMs);
      if (recent.length === 0) this.clientTokenCalls.delete(key);
      else this.clientTokenCalls.set(key, recent);
    }
  }

  // ---- token calls -------------------------------------------------------------------------

  /** The first parameter missing, a wrong grant_type, an unknown app or a wrong secret. */
  private checkClient<Name extends string>(
    query: Query,
    required: readonly Name[],
    grantType: string | undefined,
    withSecret: boolean,
  ): Checked<Name> {
    const refuse = (code: number): Checked<Name> => ({
      ok: false,
      answer: this.answers.error(code),
    });
    const params = {} as Record<Name, string>;
    for (const name of required) {
      const value = query[name];
      if (!value) return refuse(ERROR_CODE.MISSING_PARAMETER);
      params[name] = value;
    }
    if (grantType !== undefined && query.grant_type !== grantType) {
      return refuse(ERROR_CODE.PARAMETER_ERROR);
    }
    const app = this.app(query.client_key);
    if (!app) return refuse(ERROR_CODE.CLIENT_KEY_NOT_FOUND);
    if (withSecret && query.client_secret !== app.clientSecret) {
      return refuse(ERROR_CODE.CLIENT_KEY_OR_SECRET_WRONG);
    }
    return { ok: true, app, params };
  }

  accessToken(query: Query): Envelope {
    const checked = this.checkClient(
      query,
      ["client_key", "client_secret", "code", "grant_type"],
      "authorization_code",
      true,
    );
    if (!checked.ok) return checked.answer;
    const { app, params } = checked;
    const record = this.codes.get(params.code);
    // Single use: the code is gone once exchanged, whatever the outcome below.
    if (record) this.dropCode(params.code, record);
    if (!record || record.clientKey !== app.clientKey || record.expiresAt <= this.now()) {
      return this.answers.error(ERROR_CODE.CODE_EXPIRED);
    }
    // Not in the platform's docs (the seed's exchange takes no redirect_uri), but RFC 6749
    // section 4.1.3 clients send it: when sent, it is the registered URI the code went to.
    const sent = query.redirect_uri;
    if (sent !== undefined && !this.sameRedirect(app, record, sent)) {
      return this.answers.error(
        ERROR_CODE.ILLEGAL_REDIRECT_URI,
        "redirect_uri is not the one the code was issued for",
      );
    }
    const now = this.now();
    const access = token("act.");
    const refresh = token("rft.");
    const user = { clientKey: app.clientKey, openId: record.openId, scope: record.scope };
    this.accessTokens.set(access, { ...user, expiresAt: now + LIFETIMES.accessToken });
    this.refreshTokens.set(refresh, {
      ...user,
      expiresAt: now + LIFETIMES.refreshToken,
      renewals: 0,
      accessToken: access,
    });
    return this.answers.success({
      access_token: access,
      expires_in: this.answers.seconds(LIFETIMES.accessToken),
      open_id: record.openId,
      refresh_token: refresh,
      refresh_expires_in: this.answers.seconds(LIFETIMES.refreshToken),
      scope: record.scope,
    });
  }

  /** Whether `sent` is allowed for the app and, when the code went to a URI, that URI. */
  private sameRedirect(app: RegisteredApp, record: CodeRecord, sent: string): boolean {
    if (!URL.canParse(sent)) return false;
    const uri = new URL(sent);
    return (
      redirectAllowed(app, uri) &&
      (record.redirectUri === undefined || record.redirectUri === `${uri.origin}${uri.pathname}`)
    );
  }

  /** The app's refresh token record, if it exists and has not expired. */
  private liveRefreshToken(app: RegisteredApp, value: string): RefreshRecord | undefined {
    const record = this.refreshTokens.get(value);
    return record && record.clientKey === app.clientKey && record.expiresAt > this.now()
      ? record
      : undefined;
  }

  refreshToken(query: Query): Envelope {
    const checked = this.checkClient(
      query,
      ["client_key", "refresh_token", "grant_type"],
      "refresh_token",
      false,
    );
    if (!checked.ok) return checked.answer;
    const { app, params } = checked;
    const now = this.now();
    const refresh = this.liveRefreshToken(app, params.refresh_token);
    if (!refresh) return this.answers.error(ERROR_CODE.REFRESH_TOKEN_EXPIRED);
    // A still-valid access token comes back with a new expiry; otherwise a new one is issued.
    const current = this.accessTokens.get(refresh.accessToken);
    const access = current && current.expiresAt > now ? refresh.accessToken : token("act.");
    this.accessTokens.set(access, {
      clientKey: app.clientKey,
      openId: refresh.openId,
      scope: refresh.scope,
      expiresAt: now + LIFETIMES.accessToken,
    });
    refresh.accessToken = access;
    return this.answers.success({
      access_token: access,
      expires_in: this.answers.seconds(LIFETIMES.accessToken),
      open_id: refresh.openId,
      refresh_token: params.refresh_token,
      refresh_expires_in: this.answers.seconds(refresh.expiresAt - now),
      scope: refresh.scope,
    });
  }

  renewRefreshToken(query: Query): Envelope {
    const checked = this.checkClient(query, ["client_key", "refresh_token"], undefined, false);
    if (!checked.ok) return checked.answer;
    const { app, params } = checked;
    if (app.canRenew === false) return this.answers.error(ERROR_CODE.PERMISSION_DENIED);
    const now = this.now();
    const old = this.liveRefreshToken(app, params.refresh_token);
    if (!old) return this.answers.error(ERROR_CODE.REFRESH_TOKEN_EXPIRED);
    if (old.renewals >= MAX_RENEWALS) return this.answers.error(ERROR_CODE.LIMIT_REACHED);
    const renewed = token("rft.");
    this.refreshTokens.delete(params.refresh_token);
    this.refreshTokens.set(renewed, {
      ...old,
      renewals: old.renewals + 1,
      expiresAt: now + LIFETIMES.refreshToken,
    });
    return this.answers.success({
      refresh_token: renewed,
      expires_in: this.answers.seconds(LIFETIMES.refreshToken),
    });
  }

  /**
   * Who the access token's user is (`/oauth/userinfo/`, the newer gateway's codes): 2100005 for a
   * missing parameter; 2190008 for a token not live (expired tokens are purged, so an expired
   * token and one never issued look alike); 2190002 for another user's token. Fields not set by
   * `issueCode` or the consent page are stable per open_id; `avatarBase` is the emulator's URL.
   */
  userInfo(
    accessToken: string | undefined,
    openId: string | undefined,
    avatarBase: string,
  ): UserInfoAnswer {
    if (!accessToken || !openId) return this.answers.error(ERROR_CODE.GATEWAY_PARAMETER_ERROR);
    const held = this.accessTokens.get(accessToken);
    if (!held || held.expiresAt <= this.now()) {
      return this.answers.error(ERROR_CODE.GATEWAY_ACCESS_TOKEN_EXPIRED);
    }
    if (held.openId !== openId) return this.answers.error(ERROR_CODE.GATEWAY_ACCESS_TOKEN_INVALID);
    // The call needs scope user_info (PLATFORM.md, "User information"; 10004 "scope
    // not granted", the error-code table).
    if (!held.scope.split(",").includes("user_info")) {
      return this.answers.error(
        ERROR_CODE.PERMISSION_DENIED,
        "the user did not grant scope user_info",
      );
    }
    const digest = createHash("sha256").update(`${held.clientKey}\u0000${openId}`).digest("hex");
    const set = this.profiles.get(`${held.clientKey}\u0000${openId}`) ?? {};
    const avatar = set.avatar ?? `${avatarBase}${AVATAR_PATH}${digest.slice(0, 20)}.svg`;
    const secret = this.app(held.clientKey)?.clientSecret ?? "";
    const mobile =
      set.mobile ?? `13${String(parseInt(digest.slice(20, 32), 16) % 1e9).padStart(9, "0")}`;
    const granted = held.scope.split(",").includes("mobile_alert");
    return this.answers.success({
      open_id: openId,
      union_id: `${digest.slice(32, 40)}-${digest.slice(40, 44)}-${digest.slice(44, 48)}-${digest.slice(48, 52)}-${digest.slice(52, 64)}`,
      nickname: set.nickname ?? `用户${digest.slice(0, 6)}`,
      avatar,
      avatar_larger: avatar,
      // The platform's sample sends the literal "<nil>" for an ordinary account's role.
      e_account_role: "<nil>",
      ...(granted && Buffer.byteLength(secret) === 32
        ? { encrypt_mobile: encryptMobile(mobile, secret) }
        : {}),
    });
  }

  /** Counts a client-token fetch; false once the app made 500 in the last 5 minutes. */
  private withinRate(clientKey: string): boolean {
    const now = this.now();
    const calls = (this.clientTokenCalls.get(clientKey) ?? []).filter(
      (at) => at > now - CLIENT_TOKEN_RATE.windowMs,
    );
    if (calls.length >= CLIENT_TOKEN_RATE.max) return false;
    calls.push(now);
    this.clientTokenCalls.set(clientKey, calls);
    return true;
  }

  /** The client-credential grant both client-token calls take. */
  private checkClientCredential(query: Query) {
    const required = ["client_key", "client_secret", "grant_type"] as const;
    return this.checkClient(query, required, "client_credential", true);
  }

  clientToken(query: Query): Envelope {
    const checked = this.checkClientCredential(query);
    if (!checked.ok) return checked.answer;
    const { app } = checked;
    if (!this.withinRate(app.clientKey)) return this.answers.error(ERROR_CODE.LIMIT_REACHED);
    const issued = { token: token("clt."), expiresAt: this.now() + LIFETIMES.clientToken };
    // Only the latest two stay valid: a new fetch knocks out the one before the previous.
    const list = [...(this.clientTokens.get(app.clientKey) ?? []), issued].slice(-2);
    this.clientTokens.set(app.clientKey, list);
    return this.answers.success({
      access_token: issued.token,
      expires_in: this.answers.seconds(LIFETIMES.clientToken),
    });
  }

  /** The same token while it is valid, with the seconds it has left; a new one after. */
  stableClientToken(query: Query): Envelope {
    const checked = this.checkClientCredential(query);
    if (!checked.ok) return checked.answer;
    const { app } = checked;
    const now = this.now();
    let record = this.stableTokens.get(app.clientKey);
    if (!record || record.expiresAt <= now) {
      if (!this.withinRate(app.clientKey)) return this.answers.error(ERROR_CODE.LIMIT_REACHED);
      record = { token: token("clt."), expiresAt: now + LIFETIMES.clientToken };
      this.stableTokens.set(app.clientKey, record);
    }
    return this.answers.success({
      access_token: record.token,
      expires_in: this.answers.seconds(record.expiresAt - now),
    });
  }
}

/**
 * `encrypt_mobile` as the platform makes it (PLATFORM.md, "User information"): base64
 * of AES-256-CBC with PKCS#7 padding, key = the app's 32-byte client_secret, IV = its first 16.
 */
function encryptMobile(mobile: string, clientSecret: string): string {
  const key = Buffer.from(clientSecret, "utf8");
  const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16));
  return Buffer.concat([cipher.update(mobile, "utf8"), cipher.final()]).toString("base64");
}
