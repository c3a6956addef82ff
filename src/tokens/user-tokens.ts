// Users' tokens, kept with absolute expiry times: the access token refreshed as it nears expiry,
// the refresh token renewed whenever it is inside its renewal window and renewals remain, and
// the one error to catch when nothing can be done any more: DouyinReauthorizeError. A grant is
// the user's sign-in: it is never dropped because the store or the network failed.
import type { TokenData } from "../answer.js";
import type { DouyinOAuth } from "../client.js";
import {
  DouyinOAuthError,
  DouyinReauthorizeError,
  DouyinStoreError,
  ERROR_CODE,
} from "../errors.js";
import { requirePositiveMs, requireText } from "../validate.js";
import {
  createCoordinator,
  type CoordinationOptions,
  type HeldLock,
  type Stored,
} from "./coordinate.js";

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
   * While it is recent, no server renews this refresh token again, and a 10010 for it means
   * "its successor is not written yet", not "sign in again".
   */
  renewingSince?: number;
}

export interface UserTokenManagerOptions extends CoordinationOptions {
  /** Refresh the access token this long before it expires; default 1 day (of 15). */
  refreshBeforeExpiryMs?: number;
  /** Renew the refresh token this long before it expires; default 5 days (of 30). */
  renewBeforeExpiryMs?: number;
  /** Renewals the platform allows; default 5. */
  maxRenewals?: number;
  /** After a renewal failed (network, platform), `getAccessToken` tries again no sooner; default 60 000 ms. */
  renewRetryMs?: number;
}

/** What {@link UserTokenManager.renewDue} did, user by user. */
export interface RenewalSummary {
  /** User records found in the store. */
  users: number;
  /** Refresh tokens renewed. */
  renewed: number;
  /** Not due, or another server was renewing them at the time. */
  skipped: number;
  /** The renewal failed (network, platform, store); tried again on the next sweep. */
  failed: number;
  /** Due, but no renewal is left: the grant ends when the refresh token expires. */
  exhausted: number;
}

export interface UserTokenManager {
  /**
   * Keeps the answer of `douyin.accessToken()` for its open_id; resolves to the record kept,
   * rejects with DouyinStoreError when the store did not take it.
   */
  save(data: TokenData<"accessToken">): Promise<UserTokenRecord>;
  /**
   * A valid access token for the user: refreshed when near expiry, the refresh token renewed
   * inside its renewal window. Throws DouyinReauthorizeError only when the user must authorize
   * again; DouyinStoreError when the store fails and this process holds no usable token.
   */
  getAccessToken(openId: string): Promise<string>;
  /** The stored record, or undefined; rejects with DouyinStoreError when the store fails. */
  get(openId: string): Promise<UserTokenRecord | undefined>;
  /** Forgets the user's tokens (sign-out); wins over a refresh in flight. */
  delete(openId: string): Promise<void>;
  /**
   * Renews every stored user whose refresh token is inside its renewal window, for users who
   * are away (run it daily). Fleet-safe: each user under the same lock as `getAccessToken`.
   * Needs a store with `list()`.
   */
  renewDue(options?: { concurrency?: number }): Promise<RenewalSummary>;
}

const DAY = 24 * 60 * 60_000;
/** How long a renewal whose outcome is unknown (answer lost, record unsaved) holds back others. */
const RENEWAL_PENDING_MS = 60 * 60_000;
/** Records this process remembers, to serve while the store is unreachable. */
const HELD_MAX = 10_000;

/** A call in flight for one user; a sign-out marks it so its result is not kept. */
interface Flight {
  promise: Promise<UserTokenRecord>;
  signedOut: boolean;
}

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
  const renewRetryMs = options.renewRetryMs ?? 60_000;
  requirePositiveMs(refreshBefore, "refreshBeforeExpiryMs");
  requirePositiveMs(renewBefore, "renewBeforeExpiryMs");
  requirePositiveMs(renewRetryMs, "renewRetryMs");
  if (!Number.isInteger(maxRenewals) || maxRenewals < 0)
    throw new TypeError(`"maxRenewals" must be a non-negative integer`);
  const shared = createCoordinator(options);
  const { now, report } = shared;
  const prefix = `douyin-oauth:${douyin.clientKey}:user:`;
  const keyOf = (openId: string) => prefix + openId;
  const lockOf = (openId: string) => `douyin-oauth:${douyin.clientKey}:lock:user:${openId}`;

  const flights = new Map<string, Flight>();
  /** The latest record this process read or wrote, per user (least recently used dropped). */
  const held = new Map<string, UserTokenRecord>();
  /** Renewed records the store did not take: the only copy of a live grant, written on the next call. */
  const unsaved = new Map<string, { record: UserTokenRecord; replaced: string }>();
  /** Users whose unsaved renewal has a write scheduled. */
  const retrying = new Set<string>();
  /** After a failed renewal, no new try before this time (the sweep ignores it). */
  const renewNotBefore = new Map<string, number>();

  const usable = (r: UserTokenRecord) => now() < r.accessExpiresAt;
  const refreshable = (r: UserTokenRecord) => now() < r.refreshExpiresAt;
  const renewable = (r: UserTokenRecord) => refreshable(r) && r.renewals < maxRenewals;
  const renewalPending = (r: UserTokenRecord) =>
    r.renewingSince !== undefined && now() < r.renewingSince + RENEWAL_PENDING_MS;
  const renewalDue = (r: UserTokenRecord) =>
    renewable(r) && now() >= r.refreshExpiresAt - renewBefore && !renewalPending(r);
  const refreshDue = (r: UserTokenRecord) =>
    refreshable(r) && now() >= r.accessExpiresAt - refreshBefore;
  const workDue = (r: UserTokenRecord) =>
    refreshDue(r) || (renewalDue(r) && now() >= (renewNotBefore.get(r.openId) ?? 0));
  const reauthorize = (r: UserTokenRecord, cause?: unknown) =>
    new DouyinReauthorizeError(
      r.openId,
      r.renewals >= maxRenewals ? "renewal_limit" : "refresh_token_expired",
      cause,
    );
  // A record lives as long as either token, and a day more, so the error can say why sign-in is needed.
  const ttlOf = (r: UserTokenRecord) =>
    Math.max(r.accessExpiresAt, r.refreshExpiresAt) + DAY - now();
  const secretsOf = (r: UserTokenRecord) => [r.accessToken, r.refreshToken];

  function remember(openId: string, record: UserTokenRecord, flight?: Flight) {
    if (flight?.signedOut) return;
    held.delete(openId);
    held.set(openId, record);
    if (held.size > HELD_MAX) held.delete(held.keys().next().value!);
  }

  /**
   * Writes `next` over `basedOn` only if the store still holds `basedOn`. If another writer
   * came first with the same refresh token (a refresh), the two are merged; with another
   * refresh token (a new sign-in) theirs wins; if the record is gone (sign-out), so is ours.
   */
  async function commit(
    openId: string,
    basedOn: Stored<UserTokenRecord>,
    next: UserTokenRecord,
  ): Promise<Stored<UserTokenRecord> | undefined> {
    for (let round = 0; round < 3; round++) {
      const raw = JSON.stringify(next);
      if (await shared.swap(keyOf(openId), basedOn.raw, raw, ttlOf(next), secretsOf(next))) {
        return { value: next, raw };
      }
      const theirs = await shared.read<UserTokenRecord>(keyOf(openId));
      if (theirs === undefined) return undefined;
      if (theirs.value.refreshToken !== basedOn.value.refreshToken) return theirs;
      next = {
        ...next,
        ...newestAccess(theirs.value, next),
        renewals: Math.max(next.renewals, theirs.value.renewals),
      };
      basedOn = theirs;
    }
    throw new DouyinStoreError("unsaved", "compareAndSet");
  }

  /**
   * The platform called the refresh token dead (10010). Not the end of the grant if another
   * server renewed it since (its record is newer), or if a renewal of it is pending (its
   * successor is not written yet): then the access token serves while it lasts, or the call
   * fails with DouyinStoreError `unsaved`.
   */
  async function refreshTokenDead(
    openId: string,
    current: Stored<UserTokenRecord>,
    error: DouyinOAuthError,
  ): Promise<UserTokenRecord> {
    const latest = await shared.read<UserTokenRecord>(keyOf(openId));
    if (latest !== undefined && latest.value.refreshToken !== current.value.refreshToken) {
      return latest.value;
    }
    if (latest === undefined) throw new DouyinReauthorizeError(openId, "no_tokens");
    if (renewalPending(latest.value)) {
      if (usable(latest.value)) return latest.value;
      throw new DouyinStoreError("unsaved", "get", error);
    }
    const dead: UserTokenRecord = {
      ...latest.value,
      refreshExpiresAt: Math.min(now(), latest.value.refreshExpiresAt),
    };
    if (usable(dead)) {
      // The access token still works until it expires: keep it, never ask the platform again.
      await commit(openId, latest, dead).catch(report);
      return dead;
    }
    await shared.swap(keyOf(openId), latest.raw, undefined, 1).catch(report);
    throw reauthorize(dead, error);
  }

  /** Renews under the lock; the renewed record is written before anything else happens. */
  async function renew(
    openId: string,
    current: Stored<UserTokenRecord>,
    lock: HeldLock,
    flight: Flight,
  ): Promise<{ current: Stored<UserTokenRecord> | undefined; outcome: keyof RenewalSummary }> {
    if (lock.lost || flight.signedOut) return { current, outcome: "skipped" };
    // Say a renewal is under way before sending it: if its answer or its record is lost, no
    // other server presents this refresh token again or takes its death for the end.
    const marked = await commit(openId, current, { ...current.value, renewingSince: now() });
    if (marked === undefined || marked.value.refreshToken !== current.value.refreshToken) {
      return { current: marked, outcome: "skipped" };
    }
    current = marked;
    const { renewingSince: _, ...record } = current.value;
    let renewed: TokenData<"renewRefreshToken">;
    const started = now();
    try {
      renewed = await douyin.renewRefreshToken({ refreshToken: record.refreshToken });
    } catch (error) {
      if (!(error instanceof DouyinOAuthError)) {
        // It may have been applied (an answer lost): the mark stays, holding others back.
        renewNotBefore.set(openId, now() + renewRetryMs);
        report(error);
        return { current, outcome: "failed" };
      }
      if (error.errorCode === ERROR_CODE.LIMIT_REACHED) {
        // No renewal left: keep refreshing until the refresh token really expires.
        const next = { ...record, renewals: Math.max(record.renewals, maxRenewals) };
        return { current: await commit(openId, current, next), outcome: "exhausted" };
      }
      const cleared = await commit(openId, current, record);
      if (error.errorCode === ERROR_CODE.REFRESH_TOKEN_EXPIRED && cleared !== undefined) {
        const latest = await refreshTokenDead(openId, cleared, error);
        return { current: { value: latest, raw: JSON.stringify(latest) }, outcome: "failed" };
      }
      renewNotBefore.set(openId, now() + renewRetryMs);
      report(error);
      return { current: cleared, outcome: "failed" };
    }
    renewNotBefore.delete(openId);
    const next: UserTokenRecord = {
      ...record,
      refreshToken: renewed.refresh_token,
      refreshExpiresAt: started + renewed.expires_in * 1000,
      renewals: record.renewals + 1,
    };
    // The platform has killed the old refresh token: this record is the grant now.
    remember(openId, next, flight);
    try {
      return { current: await commit(openId, current, next), outcome: "renewed" };
    } catch (error) {
      if (!flight.signedOut) {
        unsaved.set(openId, { record: next, replaced: record.refreshToken });
        writeLater(openId);
      }
      throw error instanceof DouyinStoreError
        ? new DouyinStoreError("unsaved", error.operation, error)
        : error;
    }
  }

  /** Under the lock: write what an earlier call could not, renew when due, refresh when due. */
  async function maintain(
    openId: string,
    lock: HeldLock,
    flight: Flight,
  ): Promise<UserTokenRecord> {
    let current = await shared.read<UserTokenRecord>(keyOf(openId));
    const pending = unsaved.get(openId);
    if (pending !== undefined) {
      if (current?.value.refreshToken === pending.replaced) {
        current = await commit(openId, current, {
          ...pending.record,
          ...newestAccess(current.value, pending.record),
        });
      }
      unsaved.delete(openId);
    }
    if (current === undefined) throw new DouyinReauthorizeError(openId, "no_tokens");
    if (renewalDue(current.value) && now() >= (renewNotBefore.get(openId) ?? 0)) {
      current = (await renew(openId, current, lock, flight)).current;
      if (current === undefined) throw new DouyinReauthorizeError(openId, "no_tokens");
    }
    const record = current.value;
    if (!refreshDue(record)) {
      if (usable(record)) return record;
      throw reauthorize(record);
    }
    const started = now();
    let refreshed: TokenData<"refreshToken">;
    try {
      refreshed = await douyin.refreshToken({ refreshToken: record.refreshToken });
    } catch (error) {
      if (
        error instanceof DouyinOAuthError &&
        error.errorCode === ERROR_CODE.REFRESH_TOKEN_EXPIRED
      ) {
        return refreshTokenDead(openId, current, error);
      }
      throw error; // 10020 here is the rate limit, not the renewal limit
    }
    const next: UserTokenRecord = {
      ...record,
      accessToken: refreshed.access_token,
      accessExpiresAt: started + refreshed.expires_in * 1000,
      refreshExpiresAt: started + refreshed.refresh_expires_in * 1000,
      scope: refreshed.scope,
    };
    try {
      const kept = await commit(openId, current, next);
      if (kept === undefined) throw new DouyinReauthorizeError(openId, "no_tokens");
      return kept.value;
    } catch (error) {
      if (!(error instanceof DouyinStoreError)) throw error;
      report(error); // a valid new access token: serve it; the next call refreshes again
      return next;
    }
  }

  /** While the store is unreachable: what this process holds, refreshed alone if need be, never renewed. */
  async function offline(openId: string, storeError: unknown, flight: Flight) {
    report(storeError);
    const mine = unsaved.get(openId)?.record ?? held.get(openId);
    if (mine === undefined) throw storeError;
    if (usable(mine) && !refreshDue(mine)) return mine;
    if (!refreshable(mine)) {
      if (usable(mine)) return mine;
      throw storeError;
    }
    try {
      const started = now();
      const refreshed = await douyin.refreshToken({ refreshToken: mine.refreshToken });
      const next: UserTokenRecord = {
        ...mine,
        accessToken: refreshed.access_token,
        accessExpiresAt: started + refreshed.expires_in * 1000,
        refreshExpiresAt: started + refreshed.refresh_expires_in * 1000,
      };
      if (unsaved.has(openId)) unsaved.set(openId, { ...unsaved.get(openId)!, record: next });
      remember(openId, next, flight);
      return next;
    } catch (error) {
      if (usable(mine)) {
        report(error);
        return mine;
      }
      // Not a reauthorization: what the store holds may be newer than what this process knows.
      throw storeError;
    }
  }

  /**
   * Tries again to write a renewal the store did not take, 1 s, 2 s, 4 s ... at most a minute
   * apart, until it is written or superseded (a sign-out, a new sign-in): until then this
   * process holds the only copy of the user's grant.
   */
  function writeLater(openId: string, attempt = 0) {
    if (retrying.has(openId)) return;
    retrying.add(openId);
    const timer = setTimeout(
      () => {
        retrying.delete(openId);
        if (!unsaved.has(openId)) return;
        const again = () => {
          if (unsaved.has(openId)) writeLater(openId, attempt + 1);
        };
        fly(openId, (flight) => getRecord(openId, flight)).then(again, again);
      },
      Math.min(60_000, 1_000 * 2 ** attempt),
    );
    (timer as { unref?: () => void }).unref?.();
  }

  /** One call per user at a time in this process; others join it. */
  function fly(openId: string, run: (flight: Flight) => Promise<UserTokenRecord>) {
    const existing = flights.get(openId);
    if (existing !== undefined) return existing.promise;
    const flight: Flight = { promise: undefined!, signedOut: false };
    flight.promise = run(flight).finally(() => {
      if (flights.get(openId) === flight) flights.delete(openId);
    });
    flights.set(openId, flight);
    return flight.promise;
  }

  async function refreshUser(openId: string, stored: UserTokenRecord, flight: Flight) {
    const work = (lock: HeldLock) => maintain(openId, lock, flight);
    let record: UserTokenRecord;
    try {
      const outcome = await shared.withLock(lockOf(openId), work);
      if (!outcome.busy) record = outcome.value;
      // Another server is on it: serve what still works; never renew without the lock.
      else if (usable(stored)) record = stored;
      else {
        record = await shared.whenLocked(lockOf(openId), work, async () => {
          const theirs = await shared.read<UserTokenRecord>(keyOf(openId));
          return theirs !== undefined && usable(theirs.value) && !refreshDue(theirs.value)
            ? theirs.value
            : undefined;
        });
      }
    } catch (error) {
      if (error instanceof DouyinReauthorizeError || !usable(stored)) throw error;
      report(error); // only due, not expired: serve it, and say the refresh failed
      record = stored;
    }
    // Callers may have joined this call after a sign-out on another server: look once more.
    if (flight.signedOut || (await shared.read(keyOf(openId)).catch(() => true)) === undefined) {
      throw new DouyinReauthorizeError(openId, "no_tokens");
    }
    remember(openId, record, flight);
    return record;
  }

  async function getRecord(openId: string, flight: Flight): Promise<UserTokenRecord> {
    let stored: Stored<UserTokenRecord> | undefined;
    try {
      const mine = held.get(openId);
      stored = await shared.read<UserTokenRecord>(keyOf(openId), mine ? secretsOf(mine) : []);
    } catch (error) {
      return offline(openId, error, flight);
    }
    if (stored === undefined) {
      held.delete(openId);
      throw new DouyinReauthorizeError(openId, "no_tokens");
    }
    if (!unsaved.has(openId) && !workDue(stored.value)) {
      if (!usable(stored.value)) throw reauthorize(stored.value);
      remember(openId, stored.value, flight);
      return stored.value;
    }
    return refreshUser(openId, stored.value, flight);
  }

  async function sweepOne(openId: string): Promise<keyof RenewalSummary> {
    const stored = await shared.read<UserTokenRecord>(keyOf(openId));
    if (stored === undefined) return "skipped";
    if (refreshable(stored.value) && stored.value.renewals >= maxRenewals) {
      return now() >= stored.value.refreshExpiresAt - renewBefore ? "exhausted" : "skipped";
    }
    if (!renewalDue(stored.value)) return "skipped";
    if (flights.has(openId)) return "skipped"; // this process is on it already
    let outcome: keyof RenewalSummary = "skipped";
    await fly(openId, async (flight) => {
      const done = await shared.withLock(lockOf(openId), async (lock) => {
        const latest = await shared.read<UserTokenRecord>(keyOf(openId));
        if (latest === undefined || !renewalDue(latest.value)) return latest?.value;
        const result = await renew(openId, latest, lock, flight);
        outcome = result.outcome;
        return result.current?.value;
      });
      if (!done.busy && done.value !== undefined) remember(openId, done.value, flight);
      return done.busy ? stored.value : (done.value ?? stored.value);
    });
    return outcome;
  }

  return {
    async save(data) {
      requireText(data?.open_id, "open_id");
      requireText(data.access_token, "access_token");
      requireText(data.refresh_token, "refresh_token");
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
      unsaved.delete(record.openId);
      renewNotBefore.delete(record.openId);
      await shared.write(
        keyOf(record.openId),
        JSON.stringify(record),
        ttlOf(record),
        secretsOf(record),
      );
      remember(record.openId, record);
      return record;
    },

    async getAccessToken(openId) {
      requireText(openId, "openId");
      const record = await fly(openId, (flight) => getRecord(openId, flight));
      if (!usable(record)) throw reauthorize(record);
      return record.accessToken;
    },

    async get(openId) {
      requireText(openId, "openId");
      return (await shared.read<UserTokenRecord>(keyOf(openId)))?.value;
    },

    async delete(openId) {
      requireText(openId, "openId");
      const flight = flights.get(openId);
      if (flight !== undefined) flight.signedOut = true;
      held.delete(openId);
      unsaved.delete(openId);
      renewNotBefore.delete(openId);
      await shared.remove(keyOf(openId));
    },

    async renewDue({ concurrency = 4 } = {}) {
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
        throw new TypeError(`"concurrency" must be an integer from 1 to 64`);
      }
      const { store } = shared;
      if (typeof store.list !== "function") {
        throw new TypeError(`renewDue() needs a store that can list its keys ("list")`);
      }
      // Renewals this process could not write come first: they are the only copy of a grant.
      for (const openId of [...unsaved.keys()]) {
        await fly(openId, (flight) => getRecord(openId, flight)).catch(report);
      }
      const keys = await shared.list(prefix);
      const summary: RenewalSummary = {
        users: keys.length,
        renewed: 0,
        skipped: 0,
        failed: 0,
        exhausted: 0,
      };
      let next = 0;
      const worker = async () => {
        while (next < keys.length) {
          const openId = keys[next++]!.slice(prefix.length);
          const outcome = await sweepOne(openId).catch((error: unknown) => {
            report(error);
            return "failed" as const;
          });
          summary[outcome] += 1;
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, keys.length) }, worker));
      return summary;
    },
  };
}

/** The access token of whichever record holds the later one. */
function newestAccess(a: UserTokenRecord, b: UserTokenRecord) {
  const newer = a.accessExpiresAt > b.accessExpiresAt ? a : b;
  return { accessToken: newer.accessToken, accessExpiresAt: newer.accessExpiresAt };
}
