// Users' tokens, kept with absolute expiry times and refreshed as they near expiry: the access
// token is refreshed, the refresh token renewed while renewals remain, and when nothing can be
// done any more the caller gets one error to catch: DouyinReauthorizeError.
import type { TokenData } from "../answer.js";
import type { DouyinOAuth } from "../client.js";
import { DouyinOAuthError, DouyinReauthorizeError, ERROR_CODE } from "../errors.js";
import { requirePositiveMs, requireText } from "../validate.js";
import { createCoordinator, type CoordinationOptions } from "./coordinate.js";
import { MemoryTokenStore } from "./store.js";

/** What is kept per user; times are absolute, in milliseconds since the epoch. */
export interface UserTokenRecord {
  openId: string;
  scope: string;
  accessToken: string;
  accessExpiresAt: number;
  refreshToken: string;
  refreshExpiresAt: number;
  /** Renewals of the refresh token so far (the platform allows 5). */
  renewals: number;
}

export interface UserTokenManagerOptions extends CoordinationOptions {
  /** Refresh the access token this long before it expires; default 1 day (of 15). */
  refreshBeforeExpiryMs?: number;
  /** Renew the refresh token this long before it expires; default 5 days (of 30). */
  renewBeforeExpiryMs?: number;
  /** Renewals the platform allows; default 5. */
  maxRenewals?: number;
}

export interface UserTokenManager {
  /** Keeps the answer of `douyin.accessToken()` for its open_id; returns the record kept. */
  save(data: TokenData<"accessToken">): Promise<UserTokenRecord>;
  /**
   * A valid access token for the user: refreshed when near expiry, the refresh token renewed
   * when it nears expiry and renewals remain. Throws DouyinReauthorizeError when the user must
   * authorize again.
   */
  getAccessToken(openId: string): Promise<string>;
  /** The stored record, or undefined. */
  get(openId: string): Promise<UserTokenRecord | undefined>;
  /** Forgets the user's tokens (sign-out). */
  delete(openId: string): Promise<void>;
}

const DAY = 24 * 60 * 60_000;
const MUST_REAUTHORIZE = new Set<number>([
  ERROR_CODE.REFRESH_TOKEN_EXPIRED,
  ERROR_CODE.LIMIT_REACHED,
]);

/**
 * @example
 * const users = createUserTokenManager(douyin, { store });
 * await users.save(await douyin.accessToken({ code }));
 * try { token = await users.getAccessToken(openId); }
 * catch (e) { if (e instanceof DouyinReauthorizeError) return redirect(loginUrl); throw e; }
 */
export function createUserTokenManager(
  douyin: DouyinOAuth,
  options: UserTokenManagerOptions = {},
): UserTokenManager {
  const refreshBefore = options.refreshBeforeExpiryMs ?? DAY;
  const renewBefore = options.renewBeforeExpiryMs ?? 5 * DAY;
  const maxRenewals = options.maxRenewals ?? 5;
  requirePositiveMs(refreshBefore, "refreshBeforeExpiryMs");
  requirePositiveMs(renewBefore, "renewBeforeExpiryMs");
  if (!Number.isInteger(maxRenewals) || maxRenewals < 0)
    throw new TypeError(`"maxRenewals" must be a non-negative integer`);
  const now = options.now ?? Date.now;
  const shared = createCoordinator({
    ...options,
    now,
    store: options.store ?? new MemoryTokenStore(now),
  });
  const keyOf = (openId: string) => `douyin-oauth:${douyin.clientKey}:user:${openId}`;
  const inflight = new Map<string, Promise<UserTokenRecord>>();
  const fresh = (record: UserTokenRecord) => now() < record.accessExpiresAt - refreshBefore;
  // A record lives as long as either token, and a day more, so the error can say why sign-in is needed.
  const keep = (record: UserTokenRecord) => ({
    record,
    ttlMs: Math.max(record.accessExpiresAt, record.refreshExpiresAt) + DAY - now(),
  });

  /** Renews (when due and allowed) then refreshes; the platform's "authorize again" becomes ours. */
  async function renewAndRefresh(openId: string, current: UserTokenRecord | undefined) {
    if (current === undefined) throw new DouyinReauthorizeError(openId, "no_tokens");
    let record = { ...current };
    if (now() >= record.refreshExpiresAt) {
      throw new DouyinReauthorizeError(
        openId,
        record.renewals >= maxRenewals ? "renewal_limit" : "refresh_token_expired",
      );
    }
    try {
      if (now() >= record.refreshExpiresAt - renewBefore && record.renewals < maxRenewals) {
        const started = now();
        const renewed = await douyin.renewRefreshToken({ refreshToken: record.refreshToken });
        record = {
          ...record,
          refreshToken: renewed.refresh_token,
          refreshExpiresAt: started + renewed.expires_in * 1000,
          renewals: record.renewals + 1,
        };
      }
      const started = now();
      const refreshed = await douyin.refreshToken({ refreshToken: record.refreshToken });
      record = {
        ...record,
        accessToken: refreshed.access_token,
        accessExpiresAt: started + refreshed.expires_in * 1000,
        refreshExpiresAt: started + refreshed.refresh_expires_in * 1000,
        scope: refreshed.scope,
      };
    } catch (error) {
      if (error instanceof DouyinOAuthError && MUST_REAUTHORIZE.has(error.errorCode)) {
        await shared.remove(keyOf(openId));
        const reason =
          error.errorCode === ERROR_CODE.LIMIT_REACHED ? "renewal_limit" : "refresh_token_expired";
        throw new DouyinReauthorizeError(openId, reason, error);
      }
      throw error;
    }
    return keep(record);
  }

  async function refresh(
    openId: string,
    current: UserTokenRecord | undefined,
  ): Promise<UserTokenRecord> {
    const key = keyOf(openId);
    if (current === undefined) throw new DouyinReauthorizeError(openId, "no_tokens");
    try {
      return await shared.refresh<UserTokenRecord>(key, fresh, (latest) =>
        renewAndRefresh(openId, latest ?? current),
      );
    } catch (error) {
      // The access token is only due for refresh, not expired: serve it, and say the refresh failed.
      if (!(error instanceof DouyinReauthorizeError) && now() < current.accessExpiresAt) {
        shared.report(error);
        return current;
      }
      throw error;
    }
  }

  return {
    async save(data) {
      requireText(data?.open_id, "open_id");
      const started = now();
      const record: UserTokenRecord = {
        openId: data.open_id,
        scope: data.scope,
        accessToken: data.access_token,
        accessExpiresAt: started + data.expires_in * 1000,
        refreshToken: data.refresh_token,
        refreshExpiresAt: started + data.refresh_expires_in * 1000,
        renewals: 0,
      };
      const { ttlMs } = keep(record);
      await shared.write(keyOf(record.openId), record, ttlMs);
      return record;
    },

    async getAccessToken(openId) {
      requireText(openId, "openId");
      const stored = await shared.read<UserTokenRecord>(keyOf(openId));
      if (stored !== undefined && fresh(stored)) return stored.accessToken;
      let pending = inflight.get(openId);
      if (pending === undefined) {
        pending = refresh(openId, stored).finally(() => inflight.delete(openId));
        inflight.set(openId, pending);
      }
      const record = await pending;
      if (now() >= record.accessExpiresAt)
        throw new DouyinReauthorizeError(openId, "refresh_token_expired");
      return record.accessToken;
    },

    get: (openId) => shared.read<UserTokenRecord>(keyOf(openId)),
    delete: (openId) => shared.remove(keyOf(openId)),
  };
}
