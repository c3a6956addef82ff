// A user's token record and the rules read from it: when the access token is due for refresh,
// when the refresh token is due for renewal, how long the store keeps the record. Pure: the
// clock is passed in, nothing is sent or stored here.
import type { TokenData } from "../answer.js";
import { DouyinReauthorizeError } from "../errors.js";

/** What is kept per user; times are absolute, in milliseconds since the epoch. */
export interface UserTokenRecord {
  openId: string;
  scope: string;
  accessToken: string;
  accessExpiresAt: number;
  refreshToken: string;
  refreshExpiresAt: number;
  /** Renewals of the refresh token so far; set to the limit when the platform refused one (10020). */
  renewals: number;
  /**
   * Set, under the lock, just before a renewal is sent; cleared when its outcome is written.
   * While the hold key written with it is in the store (an hour, by the store's clock), no
   * server renews this refresh token again, and a 10010 for it means "its successor is not
   * written yet", not "sign in again".
   */
  renewingSince?: number;
}

export const DAY = 24 * 60 * 60_000;
/**
 * How long a renewal whose outcome is unknown (answer lost, record unsaved) holds back others:
 * the lifetime of its hold key, counted by the store's clock, never compared with a server's.
 */
export const RENEWAL_PENDING_MS = 60 * 60_000;

/** The absolute end of a lifetime the platform gave in seconds, counted from the request's start. */
const expiry = (started: number, seconds: number) => started + seconds * 1000;

/** The record of a fresh grant: the answer of `douyin.accessToken()`. */
export function recordOf(data: TokenData<"accessToken">, started: number): UserTokenRecord {
  return {
    openId: data.open_id,
    scope: data.scope,
    accessToken: data.access_token,
    accessExpiresAt: expiry(started, data.expires_in),
    refreshToken: data.refresh_token,
    refreshExpiresAt: expiry(started, data.refresh_expires_in),
    renewals: 0,
  };
}

/** The record after a refresh: a new access token; the refresh token's expiry as the platform says. */
export function withRefresh(
  record: UserTokenRecord,
  data: TokenData<"refreshToken">,
  started: number,
): UserTokenRecord {
  return {
    ...record,
    accessToken: data.access_token,
    accessExpiresAt: expiry(started, data.expires_in),
    refreshExpiresAt: expiry(started, data.refresh_expires_in),
    scope: data.scope,
  };
}

/** The record after a renewal: a new refresh token, one renewal more, the mark cleared. */
export function withRenewal(
  record: UserTokenRecord,
  data: TokenData<"renewRefreshToken">,
  started: number,
): UserTokenRecord {
  const { renewingSince: _, ...rest } = record;
  return {
    ...rest,
    refreshToken: data.refresh_token,
    refreshExpiresAt: expiry(started, data.expires_in),
    renewals: record.renewals + 1,
  };
}

/** `next` with the later of the two access tokens: both are valid, the later one lasts longer. */
export function withNewestAccess(next: UserTokenRecord, other: UserTokenRecord): UserTokenRecord {
  if (other.accessExpiresAt <= next.accessExpiresAt) return next;
  return { ...next, accessToken: other.accessToken, accessExpiresAt: other.accessExpiresAt };
}

/** The values of a record that must never appear in an error. */
export const secretsOf = (r: UserTokenRecord) => [r.accessToken, r.refreshToken];

export interface UserTokenRules {
  /** The access token still works. */
  usable(r: UserTokenRecord): boolean;
  /** The refresh token still works (as far as the record knows). */
  refreshable(r: UserTokenRecord): boolean;
  /** A renewal was marked and its outcome is not written yet (whether it holds: its hold key). */
  marked(r: UserTokenRecord): boolean;
  /** Inside the renewal window with renewals left: renewed unless a marked renewal holds. */
  renewalWanted(r: UserTokenRecord): boolean;
  /** Renewal wanted, and no renewal marked. */
  renewalDue(r: UserTokenRecord): boolean;
  /** No renewal left, and inside what would be the renewal window. */
  exhausted(r: UserTokenRecord): boolean;
  /** The access token is near its expiry and the refresh token can still refresh it. */
  refreshDue(r: UserTokenRecord): boolean;
  /** The error for a record nothing can be done with any more. */
  reauthorize(r: UserTokenRecord, cause?: unknown): DouyinReauthorizeError;
  /** How long the store keeps it: as long as either token, and a day more, so the error can say why. */
  ttlOf(r: UserTokenRecord): number;
}

export function userTokenRules(options: {
  now: () => number;
  refreshBefore: number;
  renewBefore: number;
  maxRenewals: number;
}): UserTokenRules {
  const { now, refreshBefore, renewBefore, maxRenewals } = options;
  const refreshable = (r: UserTokenRecord) => now() < r.refreshExpiresAt;
  const inRenewalWindow = (r: UserTokenRecord) =>
    refreshable(r) && now() >= r.refreshExpiresAt - renewBefore;
  const marked = (r: UserTokenRecord) => r.renewingSince !== undefined;
  const renewalWanted = (r: UserTokenRecord) => inRenewalWindow(r) && r.renewals < maxRenewals;
  return {
    usable: (r) => now() < r.accessExpiresAt,
    refreshable,
    marked,
    renewalWanted,
    renewalDue: (r) => renewalWanted(r) && !marked(r),
    exhausted: (r) => inRenewalWindow(r) && r.renewals >= maxRenewals,
    refreshDue: (r) => refreshable(r) && now() >= r.accessExpiresAt - refreshBefore,
    reauthorize: (r, cause) =>
      new DouyinReauthorizeError(
        r.openId,
        r.renewals >= maxRenewals ? "renewal_limit" : "refresh_token_expired",
        cause,
      ),
    ttlOf: (r) => Math.max(r.accessExpiresAt, r.refreshExpiresAt) + DAY - now(),
  };
}
