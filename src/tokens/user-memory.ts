// What one process remembers of its users, owned by the manager: the work in flight per user,
// the records it last saw confirmed by the store (to serve briefly while the store is down),
// renewals the store did not take (the only copy of a live grant until written), and the pause
// after a failed renewal. Plain data with bounded size; it calls nothing.
import type { UserTokenRecord } from "./user-record.js";

/** Work on one user's grant in this process; a sign-out here marks it, so its result is not kept. */
export interface Work {
  signedOut: boolean;
}

/** A renewed record the store refused, the refresh token it replaced, and when it was made. */
export interface Unsaved {
  record: UserTokenRecord;
  replaced: string;
  at: number;
}

/** Users remembered at most (least recently served dropped first). */
export const HELD_MAX = 10_000;

export class UserMemory {
  /** getAccessToken's work under the lock, which later calls join. */
  private readonly work = new Map<string, { work: Work; promise: Promise<UserTokenRecord> }>();
  /** The sweep's renewals, which no call joins. */
  private readonly sweeping = new Map<string, Work>();
  /** Calls reading a user's grant, told of a sign-out made here while they run. */
  private readonly watchers = new Map<string, Set<Work>>();
  /** Per user, the record last read from or written to the store, and when. */
  private readonly held = new Map<string, { record: UserTokenRecord; confirmedAt: number }>();
  private readonly unsaved = new Map<string, Unsaved>();
  private readonly notBefore = new Map<string, number>();
  /** Users whose sign-out is being written, and the work it marked. */
  private readonly signingOut = new Map<string, Set<Work>>();

  /**
   * The user's work in flight, joined, or `run` started as it. A sign-out takes the work out
   * of this map, so a call made after it never joins work started before it.
   */
  join(
    openId: string,
    run: (work: Work) => Promise<UserTokenRecord>,
  ): { work: Work; promise: Promise<UserTokenRecord> } {
    const existing = this.work.get(openId);
    if (existing !== undefined) return existing;
    const work: Work = { signedOut: false };
    const flight = { work, promise: run(work) };
    this.work.set(openId, flight);
    const done = () => {
      if (this.work.get(openId) === flight) this.work.delete(openId);
    };
    flight.promise.then(done, done);
    return flight;
  }

  /** Watches for a sign-out of the user made in this process, until `unwatch`. */
  watch(openId: string): Work {
    const work: Work = { signedOut: false };
    const set = this.watchers.get(openId) ?? new Set();
    set.add(work);
    this.watchers.set(openId, set);
    return work;
  }

  unwatch(openId: string, work: Work): void {
    const set = this.watchers.get(openId);
    set?.delete(work);
    if (set?.size === 0) this.watchers.delete(openId);
  }

  /** Marks the sweep at work on the user, until `swept`. */
  sweep(openId: string): Work {
    const work: Work = { signedOut: false };
    this.sweeping.set(openId, work);
    return work;
  }

  swept(openId: string, work: Work): void {
    if (this.sweeping.get(openId) === work) this.sweeping.delete(openId);
  }

  /** Some work on the user is in flight here. */
  busy(openId: string): boolean {
    return this.work.has(openId) || this.sweeping.has(openId);
  }

  /** Remembers what the store confirmed at `at`; the most recent user last, to be dropped last. */
  hold(openId: string, record: UserTokenRecord, at: number): void {
    this.held.delete(openId);
    this.held.set(openId, { record, confirmedAt: at });
    if (this.held.size > HELD_MAX) this.held.delete(this.held.keys().next().value!);
  }

  /** Updates a user already held, without making them recent (the sweep's renewals). */
  update(openId: string, record: UserTokenRecord, at: number): void {
    if (this.held.has(openId)) this.held.set(openId, { record, confirmedAt: at });
  }

  /** The record to serve without the store: an unsaved renewal, else one confirmed since `since`. */
  offline(openId: string, since: number): UserTokenRecord | undefined {
    const pending = this.unsaved.get(openId);
    if (pending !== undefined) return pending.at >= since ? pending.record : undefined;
    const held = this.held.get(openId);
    return held !== undefined && held.confirmedAt >= since ? held.record : undefined;
  }

  /** A record refreshed without the store: it replaces what is served, not when it was confirmed. */
  refreshedAlone(openId: string, record: UserTokenRecord): void {
    const pending = this.unsaved.get(openId);
    if (pending !== undefined) this.unsaved.set(openId, { ...pending, record });
    const held = this.held.get(openId);
    if (held !== undefined) this.held.set(openId, { ...held, record });
  }

  keepUnsaved(openId: string, unsaved: Unsaved): void {
    this.unsaved.set(openId, unsaved);
  }

  unsavedOf(openId: string): Unsaved | undefined {
    return this.unsaved.get(openId);
  }

  /** Drops the unsaved renewal only if it is still `which` (a newer one may have replaced it). */
  saved(openId: string, which: Unsaved): void {
    if (this.unsaved.get(openId) === which) this.unsaved.delete(openId);
  }

  unsavedUsers(): string[] {
    return [...this.unsaved.keys()];
  }

  /** No new renewal try for the user before `until`; pauses that are over are pruned. */
  holdBack(openId: string, until: number, now: number): void {
    this.notBefore.delete(openId);
    this.notBefore.set(openId, until);
    if (this.notBefore.size > HELD_MAX) this.prune(now);
  }

  /** A renewal of the user is held back at `now`; a pause that is over is forgotten. */
  heldBack(openId: string, now: number): boolean {
    const until = this.notBefore.get(openId);
    if (until === undefined) return false;
    if (now < until) return true;
    this.notBefore.delete(openId);
    return false;
  }

  /** Drops the pauses that are over; if none was, the oldest. */
  private prune(now: number): void {
    for (const [openId, until] of this.notBefore) if (until <= now) this.notBefore.delete(openId);
    if (this.notBefore.size > HELD_MAX) this.notBefore.delete(this.notBefore.keys().next().value!);
  }

  /**
   * A sign-out here begins: the user's work in flight no longer serves, and nothing is served
   * from memory. An unsaved renewal stays until `signedOut` says the tombstone was written: if
   * it was not, the user is still signed in, and that renewal is their only live grant.
   */
  signOut(openId: string): void {
    const marked = this.signingOut.get(openId) ?? new Set<Work>();
    const flight = this.work.get(openId);
    const sweep = this.sweeping.get(openId);
    for (const work of [flight?.work, sweep, ...(this.watchers.get(openId) ?? [])]) {
      if (work === undefined || work.signedOut) continue;
      work.signedOut = true;
      marked.add(work);
    }
    this.signingOut.set(openId, marked);
    this.work.delete(openId);
    this.held.delete(openId);
    this.notBefore.delete(openId);
  }

  /**
   * The sign-out's write is done. `stored`: everything of the user is forgotten. Not stored: the
   * user is still signed in, and the work it marked goes on as if it had never begun.
   */
  signedOut(openId: string, stored: boolean): void {
    const marked = this.signingOut.get(openId);
    this.signingOut.delete(openId);
    if (stored) this.forget(openId);
    else for (const work of marked ?? []) work.signedOut = false;
  }

  /** A sign-out of the user is being written. */
  isSigningOut(openId: string): boolean {
    return this.signingOut.has(openId);
  }

  /** Found signed out (or signed in anew) in the store: nothing of the old grant is kept. */
  forget(openId: string): void {
    this.held.delete(openId);
    this.unsaved.delete(openId);
    this.notBefore.delete(openId);
  }

  /** A new sign-in here: the old grant's unsaved renewal and pause no longer apply. */
  signIn(openId: string): void {
    this.unsaved.delete(openId);
    this.notBefore.delete(openId);
  }
}
