// The work done on one user's grant under the store's lock: write a renewal that could not be
// written before, renew when due (marking the record first), refresh when due, and read the
// platform's 10010 for what it is. Every change goes through `commit`, which compares before
// it writes. Also the one path without the store: refreshing alone, never renewing.
import type { TokenData } from "../answer.js";
import type { DouyinOAuth } from "../client.js";
import {
  DouyinOAuthError,
  DouyinReauthorizeError,
  DouyinStoreError,
  ERROR_CODE,
} from "../errors.js";
import type { Coordinator, HeldLock, Stored } from "./coordinate.js";
import {
  secretsOf,
  withNewestAccess,
  withRefresh,
  withRenewal,
  type UserTokenRecord,
  type UserTokenRules,
} from "./user-record.js";

/** A call in flight for one user; a sign-out marks it so its result is not kept. */
export interface Flight {
  promise: Promise<UserTokenRecord>;
  signedOut: boolean;
}

/** What a renewal came to, as the sweep counts it. */
export type RenewalOutcome = "renewed" | "skipped" | "failed" | "exhausted";

/** This process's memory of its users, which the grant work reads and updates. */
export interface GrantMemory {
  /** Keeps the latest record of a user (not after a sign-out in flight). */
  remember(openId: string, record: UserTokenRecord, flight?: Flight): void;
  /** Renewed records the store did not take, and the refresh token each replaced. */
  unsaved: Map<string, { record: UserTokenRecord; replaced: string }>;
  /** Schedules another try at writing the user's unsaved renewal. */
  writeLater(openId: string): void;
  /** After a failed renewal, no new try before this time. */
  renewNotBefore: Map<string, number>;
}

export function createGrantKeeper(deps: {
  douyin: DouyinOAuth;
  shared: Coordinator;
  rules: UserTokenRules;
  keyOf: (openId: string) => string;
  memory: GrantMemory;
  maxRenewals: number;
  renewRetryMs: number;
}) {
  const { douyin, shared, rules, keyOf, memory, maxRenewals, renewRetryMs } = deps;
  const { now, report } = shared;

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
      if (await shared.swap(keyOf(openId), basedOn.raw, raw, rules.ttlOf(next), secretsOf(next))) {
        return { value: next, raw };
      }
      const theirs = await shared.read<UserTokenRecord>(keyOf(openId));
      if (theirs === undefined) return undefined;
      if (theirs.value.refreshToken !== basedOn.value.refreshToken) return theirs;
      next = withNewestAccess(
        { ...next, renewals: Math.max(next.renewals, theirs.value.renewals) },
        theirs.value,
      );
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
    if (latest === undefined) throw new DouyinReauthorizeError(openId, "no_tokens");
    if (latest.value.refreshToken !== current.value.refreshToken) return latest.value;
    if (rules.renewalPending(latest.value)) {
      if (rules.usable(latest.value)) return latest.value;
      throw new DouyinStoreError("unsaved", "get", error);
    }
    const dead: UserTokenRecord = {
      ...latest.value,
      refreshExpiresAt: Math.min(now(), latest.value.refreshExpiresAt),
    };
    if (rules.usable(dead)) {
      // The access token still works until it expires: keep it, never ask the platform again.
      await commit(openId, latest, dead).catch(report);
      return dead;
    }
    await shared.swap(keyOf(openId), latest.raw, undefined, 1).catch(report);
    throw rules.reauthorize(dead, error);
  }

  /** Renews under the lock; the renewed record is written before anything else happens. */
  async function renew(
    openId: string,
    current: Stored<UserTokenRecord>,
    lock: HeldLock,
    flight: Flight,
  ): Promise<{ current: Stored<UserTokenRecord> | undefined; outcome: RenewalOutcome }> {
    if (lock.lost || flight.signedOut) return { current, outcome: "skipped" };
    // Say a renewal is under way before sending it: if its answer or its record is lost, no
    // other server presents this refresh token again or takes its death for the end.
    const marked = await commit(openId, current, { ...current.value, renewingSince: now() });
    if (marked === undefined || marked.value.refreshToken !== current.value.refreshToken) {
      return { current: marked, outcome: "skipped" };
    }
    const { renewingSince: _, ...unmarked } = marked.value;
    let renewed: TokenData<"renewRefreshToken">;
    const started = now();
    try {
      renewed = await douyin.renewRefreshToken({ refreshToken: unmarked.refreshToken });
    } catch (error) {
      if (!(error instanceof DouyinOAuthError)) {
        // It may have been applied (an answer lost): the mark stays, holding others back.
        memory.renewNotBefore.set(openId, now() + renewRetryMs);
        report(error);
        return { current: marked, outcome: "failed" };
      }
      if (error.errorCode === ERROR_CODE.LIMIT_REACHED) {
        // No renewal left: keep refreshing until the refresh token really expires.
        const spent = { ...unmarked, renewals: Math.max(unmarked.renewals, maxRenewals) };
        return { current: await commit(openId, marked, spent), outcome: "exhausted" };
      }
      const cleared = await commit(openId, marked, unmarked);
      if (error.errorCode === ERROR_CODE.REFRESH_TOKEN_EXPIRED && cleared !== undefined) {
        const latest = await refreshTokenDead(openId, cleared, error);
        return { current: { value: latest, raw: JSON.stringify(latest) }, outcome: "failed" };
      }
      memory.renewNotBefore.set(openId, now() + renewRetryMs);
      report(error);
      return { current: cleared, outcome: "failed" };
    }
    memory.renewNotBefore.delete(openId);
    const next = withRenewal(unmarked, renewed, started);
    // The platform has killed the old refresh token: this record is the grant now.
    memory.remember(openId, next, flight);
    try {
      return { current: await commit(openId, marked, next), outcome: "renewed" };
    } catch (error) {
      if (!flight.signedOut) {
        memory.unsaved.set(openId, { record: next, replaced: unmarked.refreshToken });
        memory.writeLater(openId);
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
    const pending = memory.unsaved.get(openId);
    if (pending !== undefined) {
      if (current?.value.refreshToken === pending.replaced) {
        current = await commit(openId, current, withNewestAccess(pending.record, current.value));
      }
      memory.unsaved.delete(openId);
    }
    if (current === undefined) throw new DouyinReauthorizeError(openId, "no_tokens");
    if (rules.renewalDue(current.value) && now() >= (memory.renewNotBefore.get(openId) ?? 0)) {
      current = (await renew(openId, current, lock, flight)).current;
      if (current === undefined) throw new DouyinReauthorizeError(openId, "no_tokens");
    }
    const record = current.value;
    if (!rules.refreshDue(record)) {
      if (rules.usable(record)) return record;
      throw rules.reauthorize(record);
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
    const next = withRefresh(record, refreshed, started);
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

  /**
   * While the store is unreachable: what this process holds, refreshed alone if need be, never
   * renewed. Never a reauthorization: what the store holds may be newer than what we know.
   */
  async function offline(
    openId: string,
    storeError: unknown,
    mine: UserTokenRecord | undefined,
    flight: Flight,
  ): Promise<UserTokenRecord> {
    report(storeError);
    if (mine === undefined) throw storeError;
    if (rules.usable(mine) && !rules.refreshDue(mine)) return mine;
    // Not refreshable means not due for refresh: had the access token been usable, it was served.
    if (!rules.refreshable(mine)) throw storeError;
    try {
      const started = now();
      const next = withRefresh(
        mine,
        await douyin.refreshToken({ refreshToken: mine.refreshToken }),
        started,
      );
      const pending = memory.unsaved.get(openId);
      if (pending !== undefined) memory.unsaved.set(openId, { ...pending, record: next });
      memory.remember(openId, next, flight);
      return next;
    } catch (error) {
      if (!rules.usable(mine)) throw storeError;
      report(error);
      return mine;
    }
  }

  return { renew, maintain, offline };
}
