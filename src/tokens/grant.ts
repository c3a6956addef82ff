// A user's grant as the store keeps it: a small state machine whose every transition is one
// compare-and-set over the version it was decided from. Pure: the clock and the platform's
// answers are passed in; user-grant.ts makes the store calls.
//
//   state             stored as                                   left by
//   ----------------  ------------------------------------------  --------------------------------
//   live              the record, version n                       refreshed, marked, signed out
//   renewing since T  the record with renewingSince T, written     renewed, unmarked, exhausted,
//                     just after the hold key (renewing:<open_id>, ended (10010), refreshed,
//                     kept an hour by the store's own clock)       signed out; renewable again
//                                                                 once the hold key is gone
//   exhausted         the record with renewals at the limit       refreshed, signed out (it ends
//                                                                 when the refresh token expires)
//   ended             the record with refreshExpiresAt passed     signed in again, signed out
//   signed out        a tombstone { openId, signedOutAt }, kept   signed in again
//                     for a refresh token's lifetime
//   (nothing)         no key: never signed in, or long gone       signed in
//
// `signed in` goes from any state to a new live record. Every write is version n -> n + 1, and
// is compared with the exact text it was decided from: a write that lands late, or a holder
// that lost its lock, never overwrites a newer state; a sign-out's tombstone cannot be
// overwritten by anything but a new sign-in.
import type { TokenData } from "../answer.js";
import { DAY, recordOf, withRefresh, withRenewal, type UserTokenRecord } from "./user-record.js";

/** What the store holds for a user, with the version every write increments. */
export type Grant =
  | { state: "live"; record: UserTokenRecord; version: number }
  | { state: "signed-out"; openId: string; signedOutAt: number; version: number };

/** A live grant. */
export type LiveGrant = Extract<Grant, { state: "live" }>;

/** How long a sign-out's tombstone stays: a refresh token's lifetime (30 days), and a day. */
export const SIGNED_OUT_TTL_MS = 31 * DAY;

const isText = (v: unknown): v is string => typeof v === "string" && v !== "";
const isTime = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/**
 * The grant in a stored JSON value; undefined when it is not one (the caller makes that a
 * DouyinStoreError `unreadable`). A record written before versions existed is version 0.
 */
export function parseGrant(value: unknown): Grant | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const version = v.version ?? 0;
  if (!isCount(version) || !isText(v.openId)) return undefined;
  if (v.signedOutAt !== undefined) {
    return isTime(v.signedOutAt)
      ? { state: "signed-out", openId: v.openId, signedOutAt: v.signedOutAt, version }
      : undefined;
  }
  const fine =
    typeof v.scope === "string" &&
    isText(v.accessToken) &&
    isTime(v.accessExpiresAt) &&
    isText(v.refreshToken) &&
    isTime(v.refreshExpiresAt) &&
    isCount(v.renewals) &&
    (v.renewingSince === undefined || isTime(v.renewingSince));
  if (!fine) return undefined;
  // renewingSeenAt: a note older versions kept beside the mark; the hold key replaced it.
  const { version: _, renewingSeenAt: __, ...record } = v;
  return { state: "live", record: record as unknown as UserTokenRecord, version };
}

/** The text stored for a grant. */
export function encodeGrant(grant: Grant): string {
  if (grant.state === "live") return JSON.stringify({ ...grant.record, version: grant.version });
  const { openId, signedOutAt, version } = grant;
  return JSON.stringify({ openId, signedOutAt, version });
}

const after = (current: Grant | undefined) => (current?.version ?? 0) + 1;
const live = (record: UserTokenRecord, current: Grant | undefined): LiveGrant => ({
  state: "live",
  record,
  version: after(current),
});

/** signed in: any state (or none) -> live, from `douyin.accessToken()`'s answer. */
export const signedIn = (
  current: Grant | undefined,
  data: TokenData<"accessToken">,
  started: number,
): LiveGrant => live(recordOf(data, started), current);

/** signed out: any state -> the tombstone. */
export const signedOut = (current: Grant | undefined, openId: string, now: number): Grant => ({
  state: "signed-out",
  openId,
  signedOutAt: now,
  version: after(current),
});

/** The record without its renewal mark. */
const unmarkedRecord = (record: UserTokenRecord): UserTokenRecord => {
  const { renewingSince: _, ...rest } = record;
  return rest;
};

/**
 * marked: live -> renewing since `now`, written (after the hold key) before the renewal is
 * sent; a mark whose hold key is gone is a renewal whose outcome was lost, renewable again.
 */
export const marked = (current: LiveGrant, now: number): LiveGrant =>
  live({ ...unmarkedRecord(current.record), renewingSince: now }, current);

/** renewed: renewing -> live, with the new refresh token and one renewal more. */
export const renewed = (
  current: LiveGrant,
  data: TokenData<"renewRefreshToken">,
  started: number,
): LiveGrant => live(withRenewal(current.record, data, started), current);

/** unmarked: renewing -> live, after the platform refused the renewal without applying it. */
export const unmarked = (current: LiveGrant): LiveGrant =>
  live(unmarkedRecord(current.record), current);

/** exhausted: renewing -> exhausted, after the platform said no renewal is left (10020). */
export const exhausted = (current: LiveGrant, maxRenewals: number): LiveGrant => {
  const record = unmarkedRecord(current.record);
  return live({ ...record, renewals: Math.max(record.renewals, maxRenewals) }, current);
};

/** ended: the platform called the refresh token dead (10010); the access token serves on. */
export const ended = (current: LiveGrant, now: number): LiveGrant => {
  const record = unmarkedRecord(current.record);
  return live({ ...record, refreshExpiresAt: Math.min(now, record.refreshExpiresAt) }, current);
};

/** refreshed: a new access token; the refresh token, its mark and its renewals unchanged. */
export const refreshed = (
  current: LiveGrant,
  data: TokenData<"refreshToken">,
  started: number,
): LiveGrant => live(withRefresh(current.record, data, started), current);

/**
 * restored: a renewal the store refused before, written now over the grant still holding the
 * refresh token it replaced; the newer of the two access tokens is kept.
 */
export const restored = (current: LiveGrant, record: UserTokenRecord): LiveGrant => {
  const newer = current.record.accessExpiresAt > record.accessExpiresAt ? current.record : record;
  return live(
    { ...record, accessToken: newer.accessToken, accessExpiresAt: newer.accessExpiresAt },
    current,
  );
};
