// The store calls and platform calls that move one user's grant through its states (grant.ts).
// Every write is one compare-and-set over the version it was decided from; when another write
// came first, the grant is read again and the decision made again, never merged. A transition
// applies only to the grant holding the refresh token that was presented to the platform.
import type { TokenData } from "../answer.js";
import type { DouyinOAuthCalls } from "../client-calls.js";
import {
  DouyinOAuthError,
  DouyinReauthorizeError,
  DouyinStoreError,
  ERROR_CODE,
} from "../errors.js";
import type { Coordinator, HeldLock, Stored } from "./coordinate.js";
import {
  encodeGrant,
  ended,
  exhausted,
  marked,
  parseGrant,
  refreshed,
  renewed,
  restored,
  SIGNED_OUT_TTL_MS,
  signedIn,
  signedOut,
  unmarked,
  type Grant,
  type LiveGrant,
} from "./grant.js";
import type { UserMemory, Work } from "./user-memory.js";
import {
  RENEWAL_PENDING_MS,
  secretsOf,
  withRefresh,
  type UserTokenRecord,
  type UserTokenRules,
} from "./user-record.js";

/** What a renewal came to, as the sweep counts it. */
export type RenewalOutcome = "renewed" | "skipped" | "failed" | "exhausted";

type Read = Stored<Grant>;
type LiveRead = Stored<LiveGrant>;

/** The outcome of one renewal: what the store holds after it, or the record only this process holds. */
interface Renewal {
  outcome: RenewalOutcome;
  current: LiveRead | undefined;
  /** Renewed, but the store refused the record: kept in memory, written later. */
  unsaved?: UserTokenRecord;
  /** The platform's 10010, when it ended the grant. */
  cause?: DouyinOAuthError;
}

/** Reads and decisions made again before a write is given up as contended. */
const ROUNDS = 4;
/** Decide again: another write came first. */
const AGAIN = Symbol("again");

const isLive = (read: Read | undefined): read is LiveRead => read?.value.state === "live";
const grantSecrets = (grant: Grant | undefined) =>
  grant?.state === "live" ? secretsOf(grant.record) : [];
const refusedWith = (error: unknown, code: number): error is DouyinOAuthError =>
  error instanceof DouyinOAuthError && error.errorCode === code;

export interface GrantKeeperDeps {
  douyin: DouyinOAuthCalls;
  shared: Coordinator;
  rules: UserTokenRules;
  keyOf: (openId: string) => string;
  /** The key of the user's renewal hold: while it is stored, a marked renewal holds. */
  holdKeyOf: (openId: string) => string;
  memory: UserMemory;
  maxRenewals: number;
  renewRetryMs: number;
}

export class GrantKeeper {
  private readonly douyin: DouyinOAuthCalls;
  private readonly shared: Coordinator;
  private readonly rules: UserTokenRules;
  private readonly keyOf: (openId: string) => string;
  private readonly holdKeyOf: (openId: string) => string;
  private readonly memory: UserMemory;
  private readonly maxRenewals: number;
  private readonly renewRetryMs: number;
  private readonly now: () => number;
  private readonly report: (error: unknown) => void;

  constructor(deps: GrantKeeperDeps) {
    ({
      douyin: this.douyin,
      shared: this.shared,
      rules: this.rules,
      keyOf: this.keyOf,
      holdKeyOf: this.holdKeyOf,
      memory: this.memory,
      maxRenewals: this.maxRenewals,
      renewRetryMs: this.renewRetryMs,
    } = deps);
    this.now = deps.shared.now;
    this.report = deps.shared.report;
  }

  /** The user's grant as stored; DouyinStoreError when the store fails or holds something else. */
  read(openId: string, known: readonly string[] = []): Promise<Read | undefined> {
    return this.shared.read<Grant>(this.keyOf(openId), parseGrant, known);
  }

  /** The user's live grant; DouyinReauthorizeError `no_tokens` when none (never, or signed out). */
  async live(openId: string, known: readonly string[] = []): Promise<LiveRead> {
    const current = await this.read(openId, known);
    if (isLive(current)) return current;
    this.memory.forget(openId);
    throw new DouyinReauthorizeError(openId, "no_tokens");
  }

  /**
   * Whether the renewal marked on `record` still holds: its hold key is in the store. The key
   * lives an hour by the store's clock, so no server's clock decides when a renewal whose
   * outcome was lost (a crash, an answer lost, a record never written) may be tried again.
   */
  async markHolds(openId: string, record: UserTokenRecord): Promise<boolean> {
    if (!this.rules.marked(record)) return false;
    return (await this.shared.read(this.holdKeyOf(openId))) !== undefined;
  }

  /** One compare-and-set of `next` over `basedOn`; undefined when another write came first. */
  private async write<G extends Grant>(
    openId: string,
    basedOn: Read | undefined,
    next: G,
  ): Promise<Stored<G> | undefined> {
    const raw = encodeGrant(next);
    const ttl = next.state === "live" ? this.rules.ttlOf(next.record) : SIGNED_OUT_TTL_MS;
    const secrets = [...grantSecrets(basedOn?.value), ...grantSecrets(next)];
    const done = await this.shared.swap(this.keyOf(openId), basedOn?.raw, raw, ttl, secrets);
    return done ? { value: next, raw } : undefined;
  }

  /**
   * Applies `step` to the grant holding the refresh token `presented`, reading again and
   * deciding again while other writes come first. Resolves to what the store holds after: the
   * step written, another grant left as it is (signed in anew, renewed), the same grant when
   * `step` finds nothing left to do (undefined), or undefined (signed out).
   */
  private async transition(
    openId: string,
    basedOn: Read | undefined,
    presented: string,
    step: (grant: LiveGrant) => LiveGrant | undefined,
  ): Promise<LiveRead | undefined> {
    let current = basedOn;
    for (let round = 0; round < ROUNDS; round++) {
      if (!isLive(current)) return undefined;
      if (current.value.record.refreshToken !== presented) return current;
      const next = step(current.value);
      if (next === undefined) return current;
      const written = await this.write(openId, current, next);
      if (written !== undefined) return written;
      current = await this.read(openId);
    }
    throw new DouyinStoreError("unsaved", "compareAndSet");
  }

  /** signed in: over whatever is stored (a sign-out's tombstone included). */
  async signIn(
    openId: string,
    data: TokenData<"accessToken">,
    started: number,
  ): Promise<UserTokenRecord> {
    let current = await this.read(openId);
    for (let round = 0; round < ROUNDS; round++) {
      const written = await this.write(openId, current, signedIn(current?.value, data, started));
      if (written !== undefined) return written.value.record;
      current = await this.read(openId);
    }
    throw new DouyinStoreError("unsaved", "compareAndSet");
  }

  /** signed out: a tombstone over whatever is stored, so no late write brings the grant back. */
  async signOut(openId: string): Promise<void> {
    let current = await this.read(openId);
    for (let round = 0; round < ROUNDS; round++) {
      if (current?.value.state === "signed-out") return;
      if (await this.write(openId, current, signedOut(current?.value, openId, this.now()))) return;
      current = await this.read(openId);
    }
    throw new DouyinStoreError("unsaved", "compareAndSet");
  }

  /**
   * Writes this process's unsaved renewal over the grant still holding the refresh token it
   * replaced; dropped once the store holds anything else (a sign-out, a new sign-in).
   * DouyinStoreError when the store fails: it stays unsaved.
   */
  async saveUnsaved(openId: string, current?: Read): Promise<void> {
    const pending = this.memory.unsavedOf(openId);
    if (pending === undefined) return;
    current ??= await this.read(openId, secretsOf(pending.record));
    // Written, or the store holds another grant, or none: either way nothing is left to save.
    await this.transition(openId, current, pending.replaced, (g) => restored(g, pending.record));
    this.memory.saved(openId, pending);
  }

  /** The platform refused a renewal: what that says about the grant, written. */
  private async refused(
    openId: string,
    sent: LiveRead,
    presented: string,
    error: unknown,
  ): Promise<Renewal> {
    if (refusedWith(error, ERROR_CODE.LIMIT_REACHED)) {
      const step = (g: LiveGrant) => exhausted(g, this.maxRenewals);
      return {
        outcome: "exhausted",
        current: await this.transition(openId, sent, presented, step),
      };
    }
    if (refusedWith(error, ERROR_CODE.REFRESH_TOKEN_EXPIRED)) {
      // `presented` is dead: the grant holding it has ended; any other grant is left alone.
      const step = (g: LiveGrant) => ended(g, this.now());
      const current = await this.transition(openId, sent, presented, step);
      return { outcome: "failed", current, cause: error };
    }
    this.memory.holdBack(openId, this.now() + this.renewRetryMs, this.now());
    this.report(error);
    // Not an answer from the platform: it may have applied the renewal, so the mark stays.
    if (!(error instanceof DouyinOAuthError)) return { outcome: "failed", current: sent };
    return { outcome: "failed", current: await this.transition(openId, sent, presented, unmarked) };
  }

  /**
   * Renews a grant due for it: marks it (so no other holder presents its refresh token), sends,
   * writes the outcome. AGAIN when the mark lost to another write.
   */
  private async renew(
    openId: string,
    current: LiveRead,
    work: Work,
  ): Promise<Renewal | typeof AGAIN> {
    // The hold first: a mark is never in the store without a hold written before it.
    const hold = JSON.stringify({ version: current.value.version + 1 });
    await this.shared.put(this.holdKeyOf(openId), hold, RENEWAL_PENDING_MS);
    const sent = await this.write(openId, current, marked(current.value, this.now()));
    if (sent === undefined) return AGAIN;
    const presented = current.value.record.refreshToken;
    const started = this.now();
    let data: TokenData<"renewRefreshToken">;
    try {
      data = await this.douyin.renewRefreshToken({ refreshToken: presented });
    } catch (error) {
      return this.refused(openId, sent, presented, error);
    }
    const step = (g: LiveGrant) => renewed(g, data, started);
    try {
      const after = await this.transition(openId, sent, presented, step);
      const mine = after?.value.record.refreshToken === data.refresh_token;
      return { outcome: mine ? "renewed" : "skipped", current: after };
    } catch (error) {
      if (!(error instanceof DouyinStoreError)) throw error;
      // The platform killed `presented`: until written, this process holds the only copy.
      const record = step(sent.value).record;
      // Kept while a sign-out is still being written: if its write fails, this is the grant.
      if (!work.signedOut || this.memory.isSigningOut(openId)) {
        this.memory.keepUnsaved(openId, { record, replaced: presented, at: this.now() });
      }
      this.report(new DouyinStoreError("unsaved", error.operation, error));
      return { outcome: "failed", current: undefined, unsaved: record };
    }
  }

  /** A refresh answered 10010: a renewal by another holder, one still unsaved, or the end. */
  private async refreshTokenDead(
    openId: string,
    presented: string,
    error: DouyinOAuthError,
  ): Promise<UserTokenRecord | typeof AGAIN> {
    const latest = await this.live(openId);
    const record = latest.value.record;
    if (record.refreshToken !== presented) return AGAIN;
    if (await this.markHolds(openId, record)) {
      // Its successor is not written yet: never the end of the grant.
      if (this.rules.usable(record)) return record;
      throw new DouyinStoreError("unsaved", "get", error);
    }
    const after = await this.transition(openId, latest, presented, (g) => ended(g, this.now()));
    if (after === undefined) throw new DouyinReauthorizeError(openId, "no_tokens");
    if (after.value.record.refreshToken !== presented) return AGAIN;
    if (this.rules.usable(after.value.record)) return after.value.record;
    throw this.rules.reauthorize(after.value.record, error);
  }

  /** Refreshes the access token of `current` and writes it. */
  private async refresh(
    openId: string,
    current: LiveRead,
  ): Promise<UserTokenRecord | typeof AGAIN> {
    const { record } = current.value;
    const started = this.now();
    let data: TokenData<"refreshToken">;
    try {
      data = await this.douyin.refreshToken({ refreshToken: record.refreshToken });
    } catch (error) {
      if (!refusedWith(error, ERROR_CODE.REFRESH_TOKEN_EXPIRED)) throw error;
      return this.refreshTokenDead(openId, record.refreshToken, error);
    }
    try {
      // Decided again on what another writer left: no write if it refreshed the grant already.
      const step = (g: LiveGrant) =>
        this.rules.refreshDue(g.record) ? refreshed(g, data, started) : undefined;
      const after = await this.transition(openId, current, record.refreshToken, step);
      if (after === undefined) throw new DouyinReauthorizeError(openId, "no_tokens");
      return after.value.record.refreshToken === record.refreshToken ? after.value.record : AGAIN;
    } catch (error) {
      if (!(error instanceof DouyinStoreError)) throw error;
      this.report(error); // a valid new access token: serve it; the next call refreshes again
      return withRefresh(record, data, started);
    }
  }

  /**
   * Under the lock: write what an earlier call could not, renew when due, refresh when due.
   * Resolves to the record to serve; DouyinReauthorizeError when the grant is over.
   */
  async maintain(openId: string, lock: HeldLock, work: Work): Promise<UserTokenRecord> {
    for (let round = 0; round < ROUNDS; round++) {
      let current = await this.live(openId);
      if (this.memory.unsavedOf(openId) !== undefined) {
        await this.saveUnsaved(openId, current);
        continue; // read what is stored now, and decide again
      }
      const { record } = current.value;
      if (
        this.rules.renewalWanted(record) &&
        !this.memory.heldBack(openId, this.now()) &&
        !lock.lost &&
        !(await this.markHolds(openId, record))
      ) {
        if (work.signedOut) throw new DouyinReauthorizeError(openId, "no_tokens");
        const renewal = await this.renew(openId, current, work);
        if (renewal === AGAIN) continue;
        if (renewal.unsaved !== undefined) {
          if (work.signedOut) throw new DouyinReauthorizeError(openId, "no_tokens");
          return this.servable(openId, renewal.unsaved);
        }
        if (renewal.current === undefined) {
          if (renewal.cause !== undefined) this.report(renewal.cause); // heard, though signed out
          throw new DouyinReauthorizeError(openId, "no_tokens");
        }
        current = renewal.current;
        const after = current.value.record;
        if (renewal.cause && !this.rules.usable(after))
          throw this.rules.reauthorize(after, renewal.cause);
      }
      if (!this.rules.refreshDue(current.value.record)) {
        if (this.rules.usable(current.value.record)) return current.value.record;
        throw this.rules.reauthorize(current.value.record);
      }
      const next = await this.refresh(openId, current);
      if (next !== AGAIN) return next;
    }
    throw new DouyinStoreError("unsaved", "compareAndSet");
  }

  /** A record this process holds alone (unsaved, or the store down): refreshed alone if due. */
  private async servable(openId: string, record: UserTokenRecord): Promise<UserTokenRecord> {
    if (!this.rules.refreshDue(record)) return record;
    return this.refreshAlone(openId, record).catch((error: unknown) => {
      if (!this.rules.usable(record)) throw error;
      this.report(error);
      return record;
    });
  }

  /** Refreshes without the store (it is down, or refuses writes): never a renewal. */
  async refreshAlone(openId: string, record: UserTokenRecord): Promise<UserTokenRecord> {
    const started = this.now();
    const data = await this.douyin.refreshToken({ refreshToken: record.refreshToken });
    const next = withRefresh(record, data, started);
    this.memory.refreshedAlone(openId, next);
    return next;
  }

  /** The sweep's work under the lock: renew when due, nothing else. */
  async renewIfDue(openId: string, lock: HeldLock, work: Work): Promise<RenewalOutcome> {
    for (let round = 0; round < ROUNDS; round++) {
      const current = await this.read(openId);
      if (!isLive(current)) return "skipped";
      const { record } = current.value;
      if (this.rules.exhausted(record)) return "exhausted";
      if (!this.rules.renewalWanted(record) || lock.lost || work.signedOut) return "skipped";
      if (await this.markHolds(openId, record)) return "skipped"; // another renewal is under way
      const renewal = await this.renew(openId, current, work);
      if (renewal === AGAIN) continue;
      if (renewal.current !== undefined) {
        this.memory.update(openId, renewal.current.value.record, this.now());
      }
      return renewal.outcome;
    }
    return "skipped";
  }
}
