// The record's rules at their exact millisecond, and the merge of two records that both hold a
// valid access token. Pure functions of a record and a clock: tested with a clock we set.
import { describe, expect, it } from "vitest";
import {
  RENEWAL_PENDING_MS,
  userTokenRules,
  withNewestAccess,
  type UserTokenRecord,
} from "../../src/tokens/user-record.js";

const T = Date.UTC(2026, 10, 27, 8);
const record = (extra: Partial<UserTokenRecord> = {}): UserTokenRecord => ({
  openId: "u-1",
  scope: "user_info",
  accessToken: "act.a",
  accessExpiresAt: T + 1_000,
  refreshToken: "rft.a",
  refreshExpiresAt: T + 10_000,
  renewals: 0,
  ...extra,
});

function rulesAt(at: number) {
  return userTokenRules({ now: () => at, refreshBefore: 100, renewBefore: 1_000, maxRenewals: 5 });
}

describe("userTokenRules at the exact millisecond", () => {
  it("usable: until the millisecond before accessExpiresAt, not at it", () => {
    expect(rulesAt(T + 999).usable(record())).toBe(true);
    expect(rulesAt(T + 1_000).usable(record())).toBe(false);
  });

  it("renewalPending: for RENEWAL_PENDING_MS after renewingSince, and as long after renewingSeenAt; until noted, it holds", () => {
    const marked = record({ renewingSince: T });
    expect(rulesAt(T + RENEWAL_PENDING_MS - 1).renewalPending(marked)).toBe(true);
    expect(rulesAt(T + 10 * RENEWAL_PENDING_MS).renewalPending(marked)).toBe(true); // not noted
    expect(rulesAt(T + RENEWAL_PENDING_MS - 1).staleMark(marked)).toBe(false);
    expect(rulesAt(T + RENEWAL_PENDING_MS).staleMark(marked)).toBe(true);
    const S = T + 3 * RENEWAL_PENDING_MS;
    const noted = record({ renewingSince: T, renewingSeenAt: S });
    expect(rulesAt(S).staleMark(noted)).toBe(false);
    expect(rulesAt(S + RENEWAL_PENDING_MS - 1).renewalPending(noted)).toBe(true);
    expect(rulesAt(S + RENEWAL_PENDING_MS).renewalPending(noted)).toBe(false);
    // A mark from a clock ahead of this one holds until an hour after it, by this clock.
    const ahead = record({ renewingSince: T + RENEWAL_PENDING_MS, renewingSeenAt: T });
    expect(rulesAt(T + 2 * RENEWAL_PENDING_MS - 1).renewalPending(ahead)).toBe(true);
    expect(rulesAt(T).renewalPending(record())).toBe(false);
    expect(rulesAt(T).staleMark(record())).toBe(false);
  });
});

describe("withNewestAccess", () => {
  const next = record({ accessToken: "act.next", accessExpiresAt: T + 2_000, renewals: 1 });

  it("takes the other record's access token when it lasts longer, and nothing else of it", () => {
    const other = record({ accessToken: "act.other", accessExpiresAt: T + 3_000, renewals: 4 });
    expect(withNewestAccess(next, other)).toEqual({
      ...next,
      accessToken: "act.other",
      accessExpiresAt: T + 3_000,
    });
  });

  it("keeps its own when the other's lasts as long or less", () => {
    const same = record({ accessToken: "act.same", accessExpiresAt: T + 2_000 });
    const older = record({ accessToken: "act.older", accessExpiresAt: T + 1_000 });
    expect(withNewestAccess(next, same)).toBe(next);
    expect(withNewestAccess(next, older)).toBe(next);
  });
});
