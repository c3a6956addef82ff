// Users' tokens, kept with absolute expiry times: the access token refreshed as it nears expiry,
// the refresh token renewed whenever it is inside its renewal window and renewals remain, and
// the one error to catch when nothing can be done any more: DouyinReauthorizeError. A grant is
// the user's sign-in: it is never dropped because the store or the network failed.
// This file is the manager: one call per user at a time, what this process remembers, the
// sweep. The record's rules are in user-record.ts, the work under the lock in user-grant.ts.
import type { TokenData } from "../answer.js";
import type { DouyinOAuth } from "../client.js";
import { DouyinReauthorizeError } from "../errors.js";
import { requirePositiveMs, requireText } from "../validate.js";
import {
  createCoordinator,
  type CoordinationOptions,
  type HeldLock,
  type Stored,
} from "./coordinate.js";
import { createGrantKeeper, type Flight, type RenewalOutcome } from "./user-grant.js";
import { DAY, recordOf, secretsOf, userTokenRules, type UserTokenRecord } from "./user-record.js";

export type { UserTokenRecord } from "./user-record.js";

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

/** Records this process remembers, to serve while the store is unreachable. */
const HELD_MAX = 10_000;

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

  const rules = userTokenRules({ now, refreshBefore, renewBefore, maxRenewals });
  const { usable, refreshDue, renewalDue, reauthorize } = rules;
  /** Work is due: a refresh, or a renewal not held back by a recent failure. */
  const workDue = (r: UserTokenRecord) => {
    if (refreshDue(r)) return true;
    if (!renewalDue(r)) return false;
    if (now() < (renewNotBefore.get(r.openId) ?? 0)) return false;
    renewNotBefore.delete(r.openId); // the pause, if any, is over: forget it
    return true;
  };

  function remember(openId: string, record: UserTokenRecord, flight?: Flight) {
    if (flight?.signedOut) return;
    held.delete(openId);
    held.set(openId, record);
    if (held.size > HELD_MAX) held.delete(held.keys().next().value!);
  }

  const grants = createGrantKeeper({
    douyin,
    shared,
    rules,
    keyOf,
    memory: { remember, unsaved, writeLater, renewNotBefore },
    maxRenewals,
    renewRetryMs,
  });

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
    // Only this call can be the user's flight until it settles: no other is set while it is.
    flight.promise = run(flight).finally(() => flights.delete(openId));
    flights.set(openId, flight);
    return flight.promise;
  }

  async function refreshUser(openId: string, stored: UserTokenRecord, flight: Flight) {
    const work = (lock: HeldLock) => grants.maintain(openId, lock, flight);
    let record: UserTokenRecord;
    try {
      // Another server is on it: serve what still works; never renew without the lock.
      record = await shared.underLock(lockOf(openId), work, {
        serve: usable(stored) ? stored : undefined,
        settled: async () => {
          const theirs = await shared.read<UserTokenRecord>(keyOf(openId));
          return theirs !== undefined && usable(theirs.value) && !refreshDue(theirs.value)
            ? theirs.value
            : undefined;
        },
      });
    } catch (error) {
      if (error instanceof DouyinReauthorizeError || !usable(stored)) throw error;
      report(error); // only due, not expired: serve it, and say the refresh failed
      record = stored;
    }
    // Callers may have joined this call after a sign-out on another server: look once more.
    if (flight.signedOut || (await shared.read(keyOf(openId)).catch(() => true)) === undefined) {
      held.delete(openId); // signed out: not served from memory in a store outage either
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
      return grants.offline(openId, error, unsaved.get(openId)?.record ?? held.get(openId), flight);
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

  async function sweepOne(openId: string): Promise<RenewalOutcome> {
    const stored = await shared.read<UserTokenRecord>(keyOf(openId));
    if (stored === undefined) return "skipped";
    if (rules.exhausted(stored.value)) return "exhausted";
    if (!renewalDue(stored.value)) return "skipped";
    if (flights.has(openId)) return "skipped"; // this process is on it already
    let outcome: RenewalOutcome = "skipped";
    await fly(openId, async (flight) => {
      const done = await shared.withLock(lockOf(openId), async (lock) => {
        const latest = await shared.read<UserTokenRecord>(keyOf(openId));
        if (latest === undefined || !renewalDue(latest.value)) return latest?.value;
        const result = await grants.renew(openId, latest, lock, flight);
        outcome = result.outcome;
        return result.current?.value;
      });
      if (!done.busy) {
        held.delete(openId); // found gone (signed out elsewhere): forgotten here too
        if (done.value !== undefined) remember(openId, done.value, flight);
      }
      return done.busy ? stored.value : (done.value ?? stored.value);
    });
    return outcome;
  }

  return {
    async save(data) {
      requireText(data?.open_id, "open_id");
      requireText(data.access_token, "access_token");
      requireText(data.refresh_token, "refresh_token");
      const record = recordOf(data, now());
      unsaved.delete(record.openId);
      renewNotBefore.delete(record.openId);
      await shared.write(
        keyOf(record.openId),
        JSON.stringify(record),
        rules.ttlOf(record),
        secretsOf(record),
      );
      remember(record.openId, record);
      return record;
    },

    async getAccessToken(openId) {
      requireText(openId, "openId");
      const own = () => fly(openId, (flight) => getRecord(openId, flight));
      let record = await own();
      // A sweep's call renews, never refreshes: one joined may end with an expired access token.
      if (!usable(record)) record = await own();
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
