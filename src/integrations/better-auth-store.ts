// A TokenStore over Better Auth's own account rows, so `douyin-oauth/tokens` keeps a user's
// Douyin grant where Better Auth keeps it: one copy of the tokens. The tokens and their expiry
// live in Better Auth's columns (encrypted when `account.encryptOAuthTokens` is set); what the
// grant protocol adds (its version, renewals, the renewal mark) lives in one extra column,
// `douyinGrant`. Every write is one UPDATE whose WHERE holds the values it was decided from, so
// a write of Better Auth's (a new sign-in, its own refresh) in between makes it fail and the
// manager read again.
import type { BetterAuthPlugin } from "better-auth";
import { decryptOAuthToken, setTokenUtil } from "better-auth/oauth2";
import type { TokenStore, UserTokenRecord } from "../tokens/index.js";
import { encodeGrant, parseGrant, type Grant } from "../tokens/grant.js";

/** Better Auth's context, as its plugins' `init` receives it. */
export type AuthContext = Parameters<NonNullable<BetterAuthPlugin["init"]>>[0];

/** The column the plugin adds to Better Auth's account table. */
export const GRANT_FIELD = "douyinGrant";

/** What the extra column holds: the protocol's state beside Better Auth's token columns. */
interface GrantState {
  version: number;
  renewals: number;
  renewingSince?: number;
  /** The refresh token this state belongs to (a digest): another one means a new sign-in. */
  of?: string;
  signedOutAt?: number;
}

interface AccountRow {
  id: string;
  accountId: string;
  accessToken?: string | null;
  refreshToken?: string | null;
  accessTokenExpiresAt?: Date | string | null;
  refreshTokenExpiresAt?: Date | string | null;
  scope?: string | null;
  [GRANT_FIELD]?: string | null;
}

const time = (value: Date | string | null | undefined) =>
  value === null || value === undefined ? 0 : new Date(value).getTime();

/** A short digest of a refresh token: tells tokens apart, reveals nothing of them. */
async function digest(token: string): Promise<string> {
  const hash = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return Array.from(new Uint8Array(hash).slice(0, 12), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
}

function stateOf(text: string | null | undefined): GrantState | undefined {
  if (typeof text !== "string") return undefined;
  try {
    const value = JSON.parse(text) as GrantState;
    return typeof value === "object" && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Two stored texts hold the same grant (the same fields, whatever their order). */
function sameGrant(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const pa = parseGrant(JSON.parse(a));
  const pb = parseGrant(JSON.parse(b));
  if (pa === undefined || pb === undefined) return a === b;
  const canonical = (g: Grant) => {
    const flat: Record<string, unknown> = g.state === "live" ? { ...g.record } : { ...g };
    flat.version = g.version;
    return JSON.stringify(
      Object.keys(flat)
        .sort()
        .map((k) => [k, flat[k]]),
    );
  };
  return canonical(pa) === canonical(pb);
}

/**
 * A `TokenStore` over Better Auth's account rows of provider `providerId` (the plugin's own;
 * each row's `accountId` is the user's open_id). For `createUserTokenManager(douyin, { store })`
 * beside Better Auth: the manager reads and writes the very rows Better Auth serves tokens from.
 * It keeps users' grants only: any other key is refused (client tokens need a store of their own).
 */
export function accountTokenStore(
  context: AuthContext,
  options: { clientKey: string; providerId: string },
): TokenStore {
  const { providerId } = options;
  const prefix = `douyin-oauth:${options.clientKey}:user:`;
  /** A renewal's hold (see douyin-oauth/tokens): a row of Better Auth's verification table. */
  const holdPrefix = `douyin-oauth:${options.clientKey}:renewing:`;
  const hold = {
    async get(key: string): Promise<string | undefined> {
      const row = await context.internalAdapter.findVerificationValue(key);
      // A database keeps no expiry of its own: the writer's clock set it, this one reads it.
      return row !== null && new Date(row.expiresAt).getTime() > Date.now() ? row.value : undefined;
    },
    async set(key: string, value: string, ttlMs: number): Promise<void> {
      await context.internalAdapter.deleteVerificationByIdentifier(key);
      const expiresAt = new Date(Date.now() + ttlMs);
      await context.internalAdapter.createVerificationValue({ identifier: key, value, expiresAt });
    },
    delete: (key: string) => context.internalAdapter.deleteVerificationByIdentifier(key),
  };
  const { adapter } = context;

  const openIdOf = (key: string) => {
    if (!key.startsWith(prefix)) {
      throw new TypeError("accountTokenStore keeps Douyin users' grants (and renewal holds) only");
    }
    return key.slice(prefix.length);
  };
  const find = (openId: string) =>
    adapter.findOne<AccountRow>({
      model: "account",
      where: [
        { field: "providerId", value: providerId },
        { field: "accountId", value: openId },
      ],
    });

  /** The grant a row holds, as the manager's text; undefined when it holds none. */
  async function read(openId: string, row: AccountRow | null): Promise<string | undefined> {
    if (row === null) return undefined;
    const state = stateOf(row[GRANT_FIELD]);
    if (!row.accessToken || !row.refreshToken) {
      if (state?.signedOutAt === undefined) return undefined;
      const { signedOutAt, version } = state;
      return encodeGrant({ state: "signed-out", openId, signedOutAt, version });
    }
    const refreshToken = await decryptOAuthToken(row.refreshToken, context);
    // State written for another refresh token (or a tombstone under new tokens): a new sign-in.
    const ours = state?.signedOutAt === undefined && state?.of === (await digest(refreshToken));
    const record: UserTokenRecord = {
      openId,
      scope: row.scope ?? "",
      accessToken: await decryptOAuthToken(row.accessToken, context),
      accessExpiresAt: time(row.accessTokenExpiresAt),
      refreshToken,
      refreshExpiresAt: time(row.refreshTokenExpiresAt),
      renewals: ours ? state!.renewals : 0,
      ...(ours && state!.renewingSince !== undefined
        ? { renewingSince: state!.renewingSince }
        : {}),
    };
    return encodeGrant({ state: "live", record, version: state?.version ?? 0 });
  }

  /** The columns that store `next` (undefined: no tokens at all). */
  async function columnsOf(next: string | undefined): Promise<Record<string, unknown>> {
    const grant = next === undefined ? undefined : parseGrant(JSON.parse(next));
    if (next !== undefined && grant === undefined) {
      throw new TypeError("accountTokenStore: not a grant of douyin-oauth/tokens");
    }
    const cleared = {
      accessToken: null,
      refreshToken: null,
      accessTokenExpiresAt: null,
      refreshTokenExpiresAt: null,
    };
    if (grant === undefined) return { ...cleared, [GRANT_FIELD]: null };
    if (grant.state === "signed-out") {
      const state: GrantState = {
        version: grant.version,
        renewals: 0,
        signedOutAt: grant.signedOutAt,
      };
      return { ...cleared, [GRANT_FIELD]: JSON.stringify(state) };
    }
    const { record } = grant;
    const state: GrantState = {
      version: grant.version,
      renewals: record.renewals,
      ...(record.renewingSince !== undefined ? { renewingSince: record.renewingSince } : {}),
      of: await digest(record.refreshToken),
    };
    return {
      accessToken: await setTokenUtil(record.accessToken, context),
      refreshToken: await setTokenUtil(record.refreshToken, context),
      accessTokenExpiresAt: new Date(record.accessExpiresAt),
      refreshTokenExpiresAt: new Date(record.refreshExpiresAt),
      scope: record.scope,
      [GRANT_FIELD]: JSON.stringify(state),
    };
  }

  async function compareAndSet(
    key: string,
    expected: string | undefined,
    next: string | undefined,
  ): Promise<boolean> {
    const openId = openIdOf(key);
    const row = await find(openId);
    if (!sameGrant(await read(openId, row), expected)) return false;
    if (row === null) {
      if (next === undefined) return true;
      // Better Auth makes the row when the user signs in; the store cannot make one.
      throw new Error("accountTokenStore: no Better Auth account for this Douyin user");
    }
    const updated = await adapter.update<AccountRow>({
      model: "account",
      where: [
        { field: "id", value: row.id },
        { field: "accessToken", value: row.accessToken ?? null },
        { field: "refreshToken", value: row.refreshToken ?? null },
        { field: GRANT_FIELD, value: row[GRANT_FIELD] ?? null },
      ],
      update: { ...(await columnsOf(next)), updatedAt: new Date() },
    });
    return updated !== null && updated !== undefined;
  }

  /** `next` over whatever the row holds, tried a few times while other writes come first. */
  async function overwrite(key: string, next: string | undefined): Promise<void> {
    const openId = openIdOf(key);
    for (let round = 0; round < 8; round++) {
      if (await compareAndSet(key, await read(openId, await find(openId)), next)) return;
    }
    throw new Error("accountTokenStore: the account row kept changing under the write");
  }

  return {
    async get(key) {
      if (key.startsWith(holdPrefix)) return hold.get(key);
      const openId = openIdOf(key);
      return read(openId, await find(openId));
    },
    set: (key, value, ttlMs) =>
      key.startsWith(holdPrefix) ? hold.set(key, value, ttlMs) : overwrite(key, value),
    delete: (key) => (key.startsWith(holdPrefix) ? hold.delete(key) : overwrite(key, undefined)),
    compareAndSet: (key, expected, next) => compareAndSet(key, expected, next),
    async list(listPrefix, cursor) {
      if (!prefix.startsWith(listPrefix) && !listPrefix.startsWith(prefix)) return { keys: [] };
      const offset = Number(cursor ?? 0) || 0;
      const PAGE = 500;
      const rows = await adapter.findMany<AccountRow>({
        model: "account",
        where: [{ field: "providerId", value: providerId }],
        limit: PAGE,
        offset,
        sortBy: { field: "id", direction: "asc" },
      });
      const keys = rows.map((r) => prefix + r.accountId).filter((k) => k.startsWith(listPrefix));
      return { keys, cursor: rows.length < PAGE ? "" : String(offset + rows.length) };
    },
  };
}
