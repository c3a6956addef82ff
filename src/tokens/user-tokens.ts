// Users' tokens, kept with absolute expiry times: the access token refreshed as it nears expiry,
// the refresh token renewed whenever it is inside its renewal window and renewals remain, and
// the one error to catch when nothing can be done any more: DouyinReauthorizeError. A grant is
// the user's sign-in: it is never dropped because the store or the network failed.
// This file is the manager: the public calls, the sweep, and the writes tried again. The
// grant's states are in grant.ts, its store and platform calls in user-grant.ts, what this
// process remembers in user-memory.ts, the record's rules in user-record.ts.
import type { TokenData } from "../answer.js";
import type { DouyinOAuthCalls } from "../client-calls.js";
import { DouyinReauthorizeError, DouyinStoreError } from "../errors.js";
import { requirePositiveMs, requireText } from "../validate.js";
import {
  createCoordinator,
  type CoordinationOptions,
  type Coordinator,
  type HeldLock,
} from "./coordinate.js";
import { GrantKeeper, type RenewalOutcome } from "./user-grant.js";
import { UserMemory, type Work } from "./user-memory.js";
import {
  DAY,
  secretsOf,
  userTokenRules,
  type UserTokenRecord,
  type UserTokenRules,
} from "./user-record.js";

export type { UserTokenRecord } from "./user-record.js";

/** What {@link createUserTokenManager} takes: the coordination options, when to refresh and renew, the renewal cap, the offline grace, the close bound. */
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

/** Users' grants kept alive (refresh, renewal, sign-out, the sweep): what {@link createUserTokenManager} returns. */
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
  douyin: DouyinOAuthCalls,
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
  const rules = userTokenRules({ now: shared.now, refreshBefore, renewBefore, maxRenewals });
  const manager = new UserTokens(douyin, shared, rules, {
    maxRenewals,
    renewRetryMs,
    offlineGraceMs,
    closeTimeoutMs,
  });
  // Plain functions: a caller may pass `users.getAccessToken` on without its object.
  return {
    save: (data) => manager.save(data),
    getAccessToken: (openId) => manager.getAccessToken(openId),
    get: (openId) => manager.get(openId),
    delete: (openId) => manager.delete(openId),
    renewDue: (sweep) => manager.renewDue(sweep),
    close: () => manager.close(),
  };
}

/** The manager behind createUserTokenManager's functions. */
class UserTokens {
  private readonly memory = new UserMemory();
  private readonly grants: GrantKeeper;
  private readonly prefix: string;
  private readonly now: () => number;
  private readonly report: (error: unknown) => void;
  /** Background writes of unsaved renewals, per user. */
  private readonly retries = new Map<string, ReturnType<typeof setTimeout>>();
  /** Background renewals that a store fault stopped, per user. */
  private readonly renewals = new Map<string, ReturnType<typeof setTimeout>>();
  private closed = false;

  constructor(
    private readonly douyin: DouyinOAuthCalls,
    private readonly shared: Coordinator,
    private readonly rules: UserTokenRules,
    private readonly limits: {
      maxRenewals: number;
      renewRetryMs: number;
      offlineGraceMs: number;
      closeTimeoutMs: number;
    },
  ) {
    this.prefix = `douyin-oauth:${douyin.clientKey}:user:`;
    this.now = shared.now;
    this.report = shared.report;
    const { maxRenewals, renewRetryMs } = limits;
    const keyOf = (openId: string) => this.prefix + openId;
    const holdKeyOf = (openId: string) => `douyin-oauth:${douyin.clientKey}:renewing:${openId}`;
    const memory = this.memory;
    this.grants = new GrantKeeper({
      douyin,
      shared,
      rules,
      keyOf,
      holdKeyOf,
      memory,
      maxRenewals,
      renewRetryMs,
    });
  }

  private lockOf(openId: string) {
    return `douyin-oauth:${this.douyin.clientKey}:lock:user:${openId}`;
  }

  private open() {
    if (this.closed) throw new Error("createUserTokenManager: the manager is closed");
  }

  /**
   * Work is due: a refresh, or a renewal not held back by a recent failure nor by a marked
   * renewal that still holds. A failed look at the hold leaves it to the work under the lock.
   */
  private async workDue(openId: string, r: UserTokenRecord) {
    const { rules } = this;
    if (rules.refreshDue(r)) return true;
    if (!rules.renewalWanted(r) || this.memory.heldBack(openId, this.now())) return false;
    return !(await this.grants.markHolds(openId, r).catch(() => false));
  }

  /**
   * Writes a renewal the store refused again, 1 s, 2 s, 4 s ... at most a minute apart, until
   * it is written or superseded: until then this process holds the only copy of the grant.
   */
  private writeLater(openId: string, attempt = 0) {
    if (this.closed || this.retries.has(openId)) return;
    if (this.memory.unsavedOf(openId) === undefined) return;
    const timer = setTimeout(
      () => {
        this.retries.delete(openId);
        this.grants.saveUnsaved(openId).then(
          () => this.writeLater(openId, 0),
          (error: unknown) => {
            this.report(error);
            this.writeLater(openId, attempt + 1);
          },
        );
      },
      Math.min(60_000, 1_000 * 2 ** attempt),
    );
    (timer as { unref?: () => void }).unref?.();
    this.retries.set(openId, timer);
  }

  /**
   * A renewal that `record` wanted and a call or the sweep did not make (a store fault: a write
   * that timed out, a lock or a read refused; a lock held by a server that then failed; the
   * pause after the platform refused) is tried again in the background by the sweep's own
   * step, 1 s, 2 s, 4 s ... at most a minute apart (not before `renewRetryMs` after a refusal),
   * while the store holds that refresh token and it still wants renewing, up to its end: a user
   * whose only visit in the renewal window met a fault keeps the grant. A mark that holds (a
   * renewal under way, or a mark whose write landed late) is waited for; the platform refusing
   * the retry ends it (the next call or sweep tries after the pause).
   */
  private renewLater(openId: string, record: UserTokenRecord, attempt = 0) {
    if (this.closed || this.renewals.has(openId) || !this.rules.renewalWanted(record)) return;
    if (this.now() >= record.refreshExpiresAt || this.memory.unsavedOf(openId) !== undefined) {
      return;
    }
    const again = async () => {
      this.renewals.delete(openId);
      const outcome = await this.sweepOne(openId, true).catch((error: unknown) => {
        this.report(error);
        return error instanceof DouyinStoreError ? ("store" as const) : ("failed" as const);
      });
      if (outcome === "skipped") {
        // Not due any more, held by a mark, or a lock busy: again only while the store still
        // holds the refresh token that wanted renewing.
        const current = await this.grants.read(openId).catch(() => undefined);
        const kept = current?.value.state === "live" ? current.value.record : undefined;
        if (kept?.refreshToken !== record.refreshToken) return; // renewed by another, or gone
      } else if (outcome !== "store") {
        return; // renewed, refused by the platform (its own pause applies), over, signed out
      }
      this.renewLater(openId, record, attempt + 1);
    };
    const backoff = Math.min(60_000, 1_000 * 2 ** attempt);
    const paused = this.memory.heldBack(openId, this.now()) ? this.limits.renewRetryMs : 0;
    const timer = setTimeout(() => void again(), Math.max(backoff, paused));
    (timer as { unref?: () => void }).unref?.();
    this.renewals.set(openId, timer);
  }

  /** The store is unreachable: a record this process holds, confirmed within the grace. */
  private async offline(openId: string, storeError: unknown): Promise<UserTokenRecord> {
    const { rules } = this;
    this.report(storeError);
    const mine = this.memory.offline(openId, this.now() - this.limits.offlineGraceMs);
    if (mine === undefined) throw storeError;
    this.renewLater(openId, mine);
    if (rules.usable(mine) && !rules.refreshDue(mine)) return mine;
    if (!rules.refreshable(mine)) throw storeError;
    try {
      return await this.grants.refreshAlone(openId, mine);
    } catch (error) {
      if (!rules.usable(mine)) throw storeError;
      this.report(error);
      return mine;
    }
  }

  /** `stored` refreshed without the store's lock, if due and possible; undefined otherwise. */
  private async refreshedAlone(openId: string, stored: UserTokenRecord, storeError: unknown) {
    if (!this.rules.refreshDue(stored) || !this.rules.refreshable(stored)) return undefined;
    this.report(storeError);
    return this.grants.refreshAlone(openId, stored).catch((error: unknown) => {
      this.report(error);
      return undefined;
    });
  }

  /** The work under the lock, which calls made while it runs join. */
  private async underLock(openId: string, stored: UserTokenRecord, work: Work) {
    const { rules, grants } = this;
    let served = stored;
    try {
      // Another server is on it: serve what still works; never renew without the lock.
      const maintain = (lock: HeldLock) => grants.maintain(openId, lock, work);
      return (served = await this.shared.underLock(this.lockOf(openId), maintain, {
        serve: rules.usable(stored) ? stored : undefined,
        settled: async () => {
          const theirs = (await grants.live(openId)).value.record;
          return rules.usable(theirs) && !rules.refreshDue(theirs) ? theirs : undefined;
        },
      }));
    } catch (error) {
      if (error instanceof DouyinReauthorizeError) throw error;
      if (error instanceof DouyinStoreError && error.reason !== "lock_wait") {
        // The store reads but cannot lock or write (out of memory, a read-only replica): the
        // record it just gave is current, so refresh alone; never renew without the lock.
        const alone = await this.refreshedAlone(openId, stored, error);
        if (alone !== undefined) return alone;
      }
      if (!rules.usable(stored)) throw error;
      this.report(error); // only due, not expired: serve it, and say the work failed
      return stored;
    } finally {
      this.writeLater(openId);
      // Still the refresh token read: a renewal it wants was not made here (a fault, a lock
      // held by a server that failed, a pause after the platform's refusal).
      if (served.refreshToken === stored.refreshToken && !work.signedOut) {
        this.renewLater(openId, stored);
      }
    }
  }

  /**
   * The user's record to serve: read by this call (so a sign-out that completed before it
   * began, on any server, is seen), then maintained if due. A sign-out made here while it runs
   * wins too.
   */
  private async serve(openId: string, seen: Work): Promise<UserTokenRecord> {
    const { memory } = this;
    let stored: UserTokenRecord;
    try {
      const known = memory.offline(openId, -Infinity);
      stored = (await this.grants.live(openId, known ? secretsOf(known) : [])).value.record;
    } catch (error) {
      if (error instanceof DouyinStoreError) return this.offline(openId, error);
      throw error;
    }
    if (seen.signedOut) throw new DouyinReauthorizeError(openId, "no_tokens");
    memory.hold(openId, stored, this.now());
    if (memory.unsavedOf(openId) === undefined && !(await this.workDue(openId, stored))) {
      if (this.rules.usable(stored)) return stored;
      throw this.rules.reauthorize(stored);
    }
    const flight = memory.join(openId, (work) => this.underLock(openId, stored, work));
    const record = await flight.promise;
    if (seen.signedOut || flight.work.signedOut) {
      throw new DouyinReauthorizeError(openId, "no_tokens");
    }
    memory.hold(openId, record, this.now()); // this call read the store: still signed in then
    return record;
  }

  /** The sweep's turn at one user: renewed under the lock if due, never waited for. */
  private async sweepOne(openId: string, retrying = false): Promise<RenewalOutcome | "gone"> {
    const { memory, rules } = this;
    if (memory.busy(openId)) return "skipped"; // this process is on it already
    const current = await this.grants.read(openId);
    if (current?.value.state !== "live") return "gone";
    const { record } = current.value;
    if (rules.exhausted(record)) return "exhausted";
    if (!rules.renewalWanted(record) || (await this.grants.markHolds(openId, record))) {
      return "skipped"; // not due, or another renewal is under way
    }
    const work = memory.sweep(openId);
    let outcome: RenewalOutcome | undefined;
    try {
      const done = await this.shared.withLock(this.lockOf(openId), (lock) =>
        this.grants.renewIfDue(openId, lock, work),
      );
      return (outcome = done.busy ? "skipped" : done.value);
    } finally {
      memory.swept(openId, work);
      this.writeLater(openId);
      // Not renewed (a fault, a lock held by a server that failed): tried again, not a day later.
      if (!retrying && outcome !== "renewed" && outcome !== "exhausted" && !work.signedOut) {
        this.renewLater(openId, record);
      }
    }
  }

  /** Tries to write every unsaved renewal once; store failures are reported. */
  private async saveAll() {
    for (const openId of this.memory.unsavedUsers()) {
      await this.grants.saveUnsaved(openId).catch(this.report);
    }
  }

  /** One page of the sweep: its users, `concurrency` at a time, counted into `summary`. */
  private async sweepPage(openIds: string[], concurrency: number, summary: RenewalSummary) {
    let next = 0;
    const worker = async () => {
      while (next < openIds.length) {
        const openId = openIds[next++]!;
        const outcome = await this.sweepOne(openId).catch((error: unknown) => {
          this.report(error);
          return "failed" as const;
        });
        if (outcome === "gone") continue; // signed out, or expired since it was listed
        summary.users += 1;
        summary[outcome] += 1;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, openIds.length) }, worker));
  }

  async save(data: TokenData<"accessToken">): Promise<UserTokenRecord> {
    requireText(data?.open_id, "open_id");
    requireText(data.access_token, "access_token");
    requireText(data.refresh_token, "refresh_token");
    this.open();
    const record = await this.grants.signIn(data.open_id, data, this.now());
    // Only once the new grant is stored: until then an unsaved renewal of the old one is the
    // only copy of a live grant.
    this.memory.signIn(data.open_id);
    this.memory.hold(record.openId, record, this.now());
    return record;
  }

  async getAccessToken(openId: string): Promise<string> {
    requireText(openId, "openId");
    this.open();
    const seen = this.memory.watch(openId);
    try {
      const record = await this.serve(openId, seen);
      if (!this.rules.usable(record)) throw this.rules.reauthorize(record);
      return record.accessToken;
    } finally {
      this.memory.unwatch(openId, seen);
    }
  }

  async get(openId: string): Promise<UserTokenRecord | undefined> {
    requireText(openId, "openId");
    const current = await this.grants.read(openId);
    return current?.value.state === "live" ? current.value.record : undefined;
  }

  async delete(openId: string): Promise<void> {
    requireText(openId, "openId");
    this.open();
    this.memory.signOut(openId);
    try {
      await this.grants.signOut(openId);
    } catch (error) {
      this.memory.signedOut(openId, false); // still signed in: an unsaved renewal is kept
      this.writeLater(openId);
      throw error;
    }
    this.memory.signedOut(openId, true);
  }

  async renewDue({ concurrency = 4 }: { concurrency?: number } = {}): Promise<RenewalSummary> {
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
      throw new TypeError(`"concurrency" must be an integer from 1 to 64`);
    }
    if (typeof this.shared.store.list !== "function") {
      throw new TypeError(`renewDue() needs a store that can list its keys ("list")`);
    }
    this.open();
    // Renewals this process could not write come first: they are the only copy of a grant.
    await this.saveAll();
    const summary: RenewalSummary = {
      users: 0,
      renewed: 0,
      skipped: 0,
      failed: 0,
      exhausted: 0,
      unsaved: 0,
    };
    const { prefix } = this;
    let cursor: string | undefined;
    do {
      const page = await this.shared.listPage(prefix, cursor);
      cursor = page.cursor;
      const mine = page.keys.filter((key) => key.startsWith(prefix));
      await this.sweepPage(
        mine.map((key) => key.slice(prefix.length)),
        concurrency,
        summary,
      );
    } while (cursor !== undefined);
    summary.unsaved = this.memory.unsavedUsers().length;
    return summary;
  }

  async close(): Promise<{ unsaved: number }> {
    this.closed = true;
    for (const timer of [...this.retries.values(), ...this.renewals.values()]) clearTimeout(timer);
    this.retries.clear();
    this.renewals.clear();
    const deadline = Date.now() + this.limits.closeTimeoutMs;
    for (let round = 0; this.memory.unsavedUsers().length > 0; round++) {
      await this.saveAll();
      const left = deadline - Date.now();
      if (this.memory.unsavedUsers().length === 0 || left <= 0) break;
      await sleep(Math.min(left, 100 * 2 ** Math.min(round, 4)));
    }
    return { unsaved: this.memory.unsavedUsers().length };
  }
}
