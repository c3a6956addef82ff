// Users' tokens, kept with absolute expiry times: the access token refreshed as it nears expiry,
// the refresh token renewed whenever it is inside its renewal window and renewals remain, and
// the one error to catch when nothing can be done any more: DouyinReauthorizeError. A grant is
// the user's sign-in: it is never dropped because the store or the network failed.
// This file is the manager: the public calls, the sweep, and the writes tried again. The
// grant's states are in grant.ts, its store and platform calls in user-grant.ts, what this
// process remembers in user-memory.ts, the record's rules in user-record.ts.
import type { TokenData } from "../answer.js";
import type { DouyinOAuth } from "../client.js";
import { DouyinReauthorizeError, DouyinStoreError } from "../errors.js";
import { requirePositiveMs, requireText } from "../validate.js";
import { createCoordinator, type CoordinationOptions } from "./coordinate.js";
import { grantKeeper, type RenewalOutcome } from "./user-grant.js";
import { UserMemory, type Work } from "./user-memory.js";
import { DAY, secretsOf, userTokenRules, type UserTokenRecord } from "./user-record.js";

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
  /**
   * While the store is unreachable, a user's record this process read or wrote within this
   * long is served (and refreshed alone if due, never renewed); older ones are not, since the
   * user may have signed out on another server since. Default 300 000 ms (5 minutes); 0 never
   * serves without the store.
   */
  offlineGraceMs?: number;
  /** How long `close()` keeps trying to write renewals the store refused; default 10 000 ms. */
  closeTimeoutMs?: number;
}

/** What {@link UserTokenManager.renewDue} did, user by user. */
export interface RenewalSummary {
  /** Users with tokens in the store (signed-out users are not counted). */
  users: number;
  /** Refresh tokens renewed. */
  renewed: number;
  /** Not due, or another server was renewing them at the time. */
  skipped: number;
  /** The renewal failed (network, platform, store); tried again on the next sweep. */
  failed: number;
  /** Due, but no renewal is left: the grant ends when the refresh token expires. */
  exhausted: number;
  /**
   * Users whose renewed refresh token only this process holds when the sweep ends: the
   * platform renewed it, the store refused the record. Written again in the background; a
   * short-lived job awaits `close()`, which tries for `closeTimeoutMs`.
   */
  unsaved: number;
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
  /**
   * Signs the user out: a tombstone replaces their tokens, which no late or stale write can
   * overwrite (only a new `save`). A call made after it resolves, on any server, is not served.
   */
  delete(openId: string): Promise<void>;
  /**
   * Renews every stored user whose refresh token is inside its renewal window, for users who
   * are away (run it daily). Fleet-safe: each user under the same lock as `getAccessToken`.
   * Needs a store with `list()`.
   */
  renewDue(options?: { concurrency?: number }): Promise<RenewalSummary>;
  /**
   * Stops the background writes and tries the renewals the store refused once more, for at
   * most `closeTimeoutMs`; resolves to how many are still unsaved (their grants are lost when
   * the process exits: exit non-zero). Calls made after it reject.
   */
  close(): Promise<{ unsaved: number }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
  const offlineGraceMs = options.offlineGraceMs ?? 300_000;
  const closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
  requirePositiveMs(refreshBefore, "refreshBeforeExpiryMs");
  requirePositiveMs(renewBefore, "renewBeforeExpiryMs");
  requirePositiveMs(renewRetryMs, "renewRetryMs");
  requirePositiveMs(closeTimeoutMs, "closeTimeoutMs");
  if (!Number.isFinite(offlineGraceMs) || offlineGraceMs < 0)
    throw new TypeError(`"offlineGraceMs" must be a number of milliseconds, 0 or more`);
  if (!Number.isInteger(maxRenewals) || maxRenewals < 0)
    throw new TypeError(`"maxRenewals" must be a non-negative integer`);
  const shared = createCoordinator(options);
  const { now, report } = shared;
  const prefix = `douyin-oauth:${douyin.clientKey}:user:`;
  const keyOf = (openId: string) => prefix + openId;
  const lockOf = (openId: string) => `douyin-oauth:${douyin.clientKey}:lock:user:${openId}`;
  const rules = userTokenRules({ now, refreshBefore, renewBefore, maxRenewals });
  const { usable, refreshDue, refreshable, renewalDue, reauthorize } = rules;
  const memory = new UserMemory();
  const grants = grantKeeper({ douyin, shared, rules, keyOf, memory, maxRenewals, renewRetryMs });
  /** Background writes of unsaved renewals, per user. */
  const retries = new Map<string, ReturnType<typeof setTimeout>>();
  let closed = false;

  const open = () => {
    if (closed) throw new Error("createUserTokenManager: the manager is closed");
  };
  /** Work is due: a refresh, or a renewal not held back by a recent failure. */
  const workDue = (openId: string, r: UserTokenRecord) =>
    refreshDue(r) || rules.staleMark(r) || (renewalDue(r) && !memory.heldBack(openId, now()));

  /**
   * Writes a renewal the store refused again, 1 s, 2 s, 4 s ... at most a minute apart, until
   * it is written or superseded: until then this process holds the only copy of the grant.
   */
  function writeLater(openId: string, attempt = 0) {
    if (closed || retries.has(openId) || memory.unsavedOf(openId) === undefined) return;
    const timer = setTimeout(
      () => {
        retries.delete(openId);
        grants.saveUnsaved(openId).then(
          () => writeLater(openId, 0),
          (error: unknown) => {
            report(error);
            writeLater(openId, attempt + 1);
          },
        );
      },
      Math.min(60_000, 1_000 * 2 ** attempt),
    );
    (timer as { unref?: () => void }).unref?.();
    retries.set(openId, timer);
  }

  /** The store is unreachable: a record this process holds, confirmed within the grace. */
  async function offline(openId: string, storeError: unknown): Promise<UserTokenRecord> {
    report(storeError);
    const mine = memory.offline(openId, now() - offlineGraceMs);
    if (mine === undefined) throw storeError;
    if (usable(mine) && !refreshDue(mine)) return mine;
    if (!refreshable(mine)) throw storeError;
    try {
      return await grants.refreshAlone(openId, mine);
    } catch (error) {
      if (!usable(mine)) throw storeError;
      report(error);
      return mine;
    }
  }

  /** `stored` refreshed without the store's lock, if due and possible; undefined otherwise. */
  async function refreshedAlone(openId: string, stored: UserTokenRecord, storeError: unknown) {
    if (!refreshDue(stored) || !refreshable(stored)) return undefined;
    report(storeError);
    return grants.refreshAlone(openId, stored).catch((error: unknown) => {
      report(error);
      return undefined;
    });
  }

  /** The work under the lock, which calls made while it runs join. */
  async function underLock(openId: string, stored: UserTokenRecord, work: Work) {
    try {
      // Another server is on it: serve what still works; never renew without the lock.
      return await shared.underLock(lockOf(openId), (lock) => grants.maintain(openId, lock, work), {
        serve: usable(stored) ? stored : undefined,
        settled: async () => {
          const theirs = (await grants.live(openId)).value.record;
          return usable(theirs) && !refreshDue(theirs) ? theirs : undefined;
        },
      });
    } catch (error) {
      if (error instanceof DouyinReauthorizeError) throw error;
      if (error instanceof DouyinStoreError && error.reason !== "lock_wait") {
        // The store reads but cannot lock or write (out of memory, a read-only replica): the
        // record it just gave is current, so refresh alone; never renew without the lock.
        const alone = await refreshedAlone(openId, stored, error);
        if (alone !== undefined) return alone;
      }
      if (!usable(stored)) throw error;
      report(error); // only due, not expired: serve it, and say the work failed
      return stored;
    } finally {
      writeLater(openId);
    }
  }

  /**
   * The user's record to serve: read by this call (so a sign-out that completed before it
   * began, on any server, is seen), then maintained if due. A sign-out made here while it runs
   * wins too.
   */
  async function serve(openId: string, seen: Work): Promise<UserTokenRecord> {
    let stored: UserTokenRecord;
    try {
      const known = memory.offline(openId, -Infinity);
      stored = (await grants.live(openId, known ? secretsOf(known) : [])).value.record;
    } catch (error) {
      if (error instanceof DouyinStoreError) return offline(openId, error);
      throw error;
    }
    if (seen.signedOut) throw new DouyinReauthorizeError(openId, "no_tokens");
    memory.hold(openId, stored, now());
    if (memory.unsavedOf(openId) === undefined && !workDue(openId, stored)) {
      if (usable(stored)) return stored;
      throw reauthorize(stored);
    }
    const flight = memory.join(openId, (work) => underLock(openId, stored, work));
    const record = await flight.promise;
    if (seen.signedOut || flight.work.signedOut) {
      throw new DouyinReauthorizeError(openId, "no_tokens");
    }
    memory.hold(openId, record, now()); // this call read the store: still signed in then
    return record;
  }

  /** The sweep's turn at one user: renewed under the lock if due, never waited for. */
  async function sweepOne(openId: string): Promise<RenewalOutcome | "gone"> {
    if (memory.busy(openId)) return "skipped"; // this process is on it already
    const current = await grants.read(openId);
    if (current?.value.state !== "live") return "gone";
    if (rules.exhausted(current.value.record)) return "exhausted";
    if (!renewalDue(current.value.record) && !rules.staleMark(current.value.record)) {
      return "skipped";
    }
    const work = memory.sweep(openId);
    try {
      const done = await shared.withLock(lockOf(openId), (lock) =>
        grants.renewIfDue(openId, lock, work),
      );
      return done.busy ? "skipped" : done.value;
    } finally {
      memory.swept(openId, work);
      writeLater(openId);
    }
  }

  /** Tries to write every unsaved renewal once; store failures are reported. */
  async function saveAll() {
    for (const openId of memory.unsavedUsers()) {
      await grants.saveUnsaved(openId).catch(report);
    }
  }

  return {
    async save(data) {
      requireText(data?.open_id, "open_id");
      requireText(data.access_token, "access_token");
      requireText(data.refresh_token, "refresh_token");
      open();
      memory.signIn(data.open_id);
      const record = await grants.signIn(data.open_id, data, now());
      memory.hold(record.openId, record, now());
      return record;
    },

    async getAccessToken(openId) {
      requireText(openId, "openId");
      open();
      const seen = memory.watch(openId);
      try {
        const record = await serve(openId, seen);
        if (!usable(record)) throw reauthorize(record);
        return record.accessToken;
      } finally {
        memory.unwatch(openId, seen);
      }
    },

    async get(openId) {
      requireText(openId, "openId");
      const current = await grants.read(openId);
      return current?.value.state === "live" ? current.value.record : undefined;
    },

    async delete(openId) {
      requireText(openId, "openId");
      open();
      memory.signOut(openId);
      await grants.signOut(openId);
    },

    async renewDue({ concurrency = 4 } = {}) {
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
        throw new TypeError(`"concurrency" must be an integer from 1 to 64`);
      }
      if (typeof shared.store.list !== "function") {
        throw new TypeError(`renewDue() needs a store that can list its keys ("list")`);
      }
      open();
      // Renewals this process could not write come first: they are the only copy of a grant.
      await saveAll();
      const summary: RenewalSummary = {
        users: 0,
        renewed: 0,
        skipped: 0,
        failed: 0,
        exhausted: 0,
        unsaved: 0,
      };
      let cursor: string | undefined;
      do {
        const page = await shared.listPage(prefix, cursor);
        cursor = page.cursor;
        const openIds = page.keys.filter((key) => key.startsWith(prefix));
        let next = 0;
        const worker = async () => {
          while (next < openIds.length) {
            const openId = openIds[next++]!.slice(prefix.length);
            const outcome = await sweepOne(openId).catch((error: unknown) => {
              report(error);
              return "failed" as const;
            });
            if (outcome === "gone") continue; // signed out, or expired since it was listed
            summary.users += 1;
            summary[outcome] += 1;
          }
        };
        await Promise.all(Array.from({ length: Math.min(concurrency, openIds.length) }, worker));
      } while (cursor !== undefined);
      summary.unsaved = memory.unsavedUsers().length;
      return summary;
    },

    async close() {
      closed = true;
      for (const timer of retries.values()) clearTimeout(timer);
      retries.clear();
      const deadline = Date.now() + closeTimeoutMs;
      for (let round = 0; memory.unsavedUsers().length > 0; round++) {
        await saveAll();
        const left = deadline - Date.now();
        if (memory.unsavedUsers().length === 0 || left <= 0) break;
        await sleep(Math.min(left, 100 * 2 ** Math.min(round, 4)));
      }
      return { unsaved: memory.unsavedUsers().length };
    },
  };
}
