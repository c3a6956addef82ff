// The store's lock, kept alive while its holder works (a watchdog extends it, as Redisson's
// does), and waited for by the others. The lock makes one holder the usual case; it is not what
// keeps a grant safe: every write is a compare-and-set (grant.ts), and a holder that lost its
// lock learns it before it renews.
import { DouyinStoreError } from "../errors.js";
import type { StoreCalls } from "./store-calls.js";
import type { StoreLock } from "./store.js";

/** The lock as its holder sees it: `lost` once an extension failed or found it taken. */
export interface HeldLock {
  readonly lost: boolean;
}

export type LockOutcome<R> = { busy: true } | { busy: false; value: R };

const POLL_MS = 25;
const MAX_POLL_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type Locks = ReturnType<typeof storeLocks>;

export function storeLocks(
  calls: StoreCalls,
  options: { lockTtlMs: number; lockWaitMs: number; report: (error: unknown) => void },
) {
  const { store, bounded } = calls;
  const { lockTtlMs, lockWaitMs, report } = options;

  /** Keeps `lock` alive every third of its lifetime until `stop()`; `held.lost` once it failed. */
  function watch(lock: StoreLock) {
    const held = { lost: false };
    let extending: Promise<void> | undefined;
    const watchdog = setInterval(
      () => {
        if (held.lost || extending) return;
        extending = bounded("extend", () => lock.extend(lockTtlMs))
          .then(
            (kept) => {
              if (!kept) held.lost = true;
            },
            (error) => {
              held.lost = true;
              report(error);
            },
          )
          .finally(() => (extending = undefined));
      },
      Math.max(1, Math.floor(lockTtlMs / 3)),
    );
    (watchdog as { unref?: () => void }).unref?.();
    const stop = async () => {
      clearInterval(watchdog);
      await extending;
    };
    return { held, stop };
  }

  /**
   * Runs `work` holding the store's lock on `key`; `busy` when another process holds it. A
   * store without locks runs `work` as is.
   */
  async function withLock<R>(
    key: string,
    work: (lock: HeldLock) => Promise<R>,
  ): Promise<LockOutcome<R>> {
    if (typeof store.lock !== "function") {
      return { busy: false, value: await work({ lost: false }) };
    }
    // A lock granted after the call timed out is nobody's: free it at once.
    const lock: StoreLock | undefined = await bounded(
      "lock",
      () => store.lock!(key, lockTtlMs),
      [],
      (late) => void late?.release().catch(() => undefined),
    );
    if (lock === undefined || lock === null) return { busy: true };
    const { held, stop } = watch(lock);
    try {
      return { busy: false, value: await work(held) };
    } finally {
      await stop();
      await bounded("release", () => lock.release()).catch(report);
    }
  }

  /**
   * Runs `work` under the store's lock on `key`. While another process holds it: `serve` (a
   * still-valid result) at once if there is one, else wait until `settled()` finds their
   * result or the lock frees; DouyinStoreError `lock_wait` after lockWaitMs. Real time, not the
   * injected clock: the lock expires in the store's time.
   */
  async function underLock<R>(
    key: string,
    work: (lock: HeldLock) => Promise<R>,
    when: { serve: R | undefined; settled: () => Promise<R | undefined> },
  ): Promise<R> {
    const deadline = Date.now() + lockWaitMs;
    for (let round = 0; ; round++) {
      const outcome = await withLock(key, work);
      if (!outcome.busy) return outcome.value;
      if (when.serve !== undefined) return when.serve;
      const left = deadline - Date.now();
      if (left <= 0) throw new DouyinStoreError("lock_wait", "lock");
      await sleep(Math.min(left, POLL_MS * 2 ** Math.min(round, 4), MAX_POLL_MS));
      const theirs = await when.settled();
      if (theirs !== undefined) return theirs;
    }
  }

  return { withLock, underLock };
}
