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

  it("marked, renewalWanted, renewalDue: a marked renewal is wanted but not due (its hold decides)", () => {
    const due = record({ refreshExpiresAt: T + 1_000 });
    const marked = record({ refreshExpiresAt: T + 1_000, renewingSince: T });
    expect(rulesAt(T).marked(marked)).toBe(true);
    expect(rulesAt(T).marked(due)).toBe(false);
    expect(rulesAt(T).renewalWanted(marked)).toBe(true);
    expect(rulesAt(T).renewalDue(marked)).toBe(false);
    expect(rulesAt(T).renewalDue(due)).toBe(true);
    // No clock makes a mark stale: an hour or a year on, it is still marked, and not due.
    expect(rulesAt(T + 100 * RENEWAL_PENDING_MS).marked(marked)).toBe(true);
    expect(RENEWAL_PENDING_MS).toBe(60 * 60_000);
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
