// grant.ts, the grant's states and transitions, as pure functions: what a stored value parses
// to (and what it does not), the text written, and the version each transition takes.
import { describe, expect, it } from "vitest";
import {
  encodeGrant,
  ended,
  exhausted,
  marked,
  parseGrant,
  refreshed,
  renewed,
  restored,
  signedIn,
  signedOut,
  unmarked,
  type LiveGrant,
} from "../../src/tokens/grant.js";
import type { UserTokenRecord } from "../../src/tokens/user-record.js";

const T = Date.UTC(2026, 0, 1);
const record: UserTokenRecord = {
  openId: "u-1",
  scope: "user_info",
  accessToken: "act.1",
  accessExpiresAt: T + 15 * 86_400_000,
  refreshToken: "rft.1",
  refreshExpiresAt: T + 30 * 86_400_000,
  renewals: 0,
};
const live = (more: Partial<UserTokenRecord> = {}, version = 3): LiveGrant => ({
  state: "live",
  record: { ...record, ...more },
  version,
});
const answer = { open_id: "u-1", scope: "user_info", error_code: 0 as const };

describe("parseGrant", () => {
  it("a live record, with its version; one written before versions is version 0", () => {
    expect(parseGrant({ ...record, version: 7 })).toEqual(live({}, 7));
    expect(parseGrant(record)).toEqual(live({}, 0));
    expect(parseGrant({ ...record, renewingSince: T })).toEqual(live({ renewingSince: T }, 0));
    // The note older versions kept beside a mark is dropped: the hold key took its place.
    expect(parseGrant({ ...record, renewingSince: T, renewingSeenAt: T + 1 })).toEqual(
      live({ renewingSince: T }, 0),
    );
  });

  it("a sign-out's tombstone", () => {
    expect(parseGrant({ openId: "u-1", signedOutAt: T, version: 4 })).toEqual({
      state: "signed-out",
      openId: "u-1",
      signedOutAt: T,
      version: 4,
    });
  });

  it.each([
    ["not an object", "text"],
    ["null", null],
    ["no openId", { ...record, openId: "" }],
    ["a version that is no count", { ...record, version: -1 }],
    ["a fractional version", { ...record, version: 1.5 }],
    ["a tombstone with no time", { openId: "u-1", signedOutAt: "yesterday" }],
    ["an access token that is a number", { ...record, accessToken: 42 }],
    ["an empty refresh token", { ...record, refreshToken: "" }],
    ["an expiry that is text", { ...record, accessExpiresAt: "soon" }],
    ["an infinite expiry", { ...record, refreshExpiresAt: Number.POSITIVE_INFINITY }],
    ["renewals that are no count", { ...record, renewals: -1 }],
    ["a scope that is no text", { ...record, scope: 1 }],
    ["a mark that is no time", { ...record, renewingSince: "now" }],
  ])("not a grant: %s", (_, value) => {
    expect(parseGrant(value)).toBeUndefined();
  });
});

describe("encodeGrant", () => {
  it("round-trips through parseGrant, the version beside the record's fields", () => {
    const grant = live({ renewingSince: T });
    expect(JSON.parse(encodeGrant(grant))).toEqual({ ...record, renewingSince: T, version: 3 });
    expect(parseGrant(JSON.parse(encodeGrant(grant)))).toEqual(grant);
    const out = signedOut(grant, "u-1", T);
    expect(JSON.parse(encodeGrant(out))).toEqual({ openId: "u-1", signedOutAt: T, version: 4 });
    expect(parseGrant(JSON.parse(encodeGrant(out)))).toEqual(out);
  });
});

describe("the transitions: each one version more", () => {
  it("signed in: over nothing it is version 1, over anything one more", () => {
    const data = {
      ...answer,
      access_token: "act.9",
      refresh_token: "rft.9",
      expires_in: 10,
      refresh_expires_in: 20,
    };
    expect(signedIn(undefined, data, T)).toMatchObject({
      version: 1,
      record: {
        accessToken: "act.9",
        accessExpiresAt: T + 10_000,
        refreshExpiresAt: T + 20_000,
        renewals: 0,
      },
    });
    expect(signedIn(signedOut(live(), "u-1", T), data, T).version).toBe(5);
  });

  it("signed out: a tombstone, whatever was there", () => {
    expect(signedOut(undefined, "u-1", T)).toEqual({
      state: "signed-out",
      openId: "u-1",
      signedOutAt: T,
      version: 1,
    });
  });

  it("marked, unmarked", () => {
    const m = marked(live({ renewingSince: T - 5 }), T);
    expect(m.record).toEqual({ ...record, renewingSince: T });
    expect(m.version).toBe(4);
    expect(unmarked(m).record).toEqual(record);
    expect(unmarked(m).version).toBe(5);
  });

  it("renewed: the new refresh token, one renewal more, the mark gone", () => {
    const data = { ...answer, refresh_token: "rft.2", expires_in: 30 * 86_400 };
    const r = renewed(live({ renewingSince: T, renewals: 2 }), data, T);
    expect(r.record).toEqual({
      ...record,
      refreshToken: "rft.2",
      refreshExpiresAt: T + 30 * 86_400_000,
      renewals: 3,
    });
    expect(r.version).toBe(4);
  });

  it("refreshed: a new access token; the mark and the refresh token kept", () => {
    const data = {
      ...answer,
      access_token: "act.2",
      refresh_token: "rft.1",
      expires_in: 100,
      refresh_expires_in: 200,
    };
    const r = refreshed(live({ renewingSince: T }), data, T);
    expect(r.record).toEqual({
      ...record,
      accessToken: "act.2",
      accessExpiresAt: T + 100_000,
      refreshExpiresAt: T + 200_000,
      renewingSince: T,
    });
  });

  it("exhausted: renewals at the limit (never fewer), the mark gone", () => {
    expect(exhausted(live({ renewingSince: T, renewals: 1 }), 5).record).toEqual({
      ...record,
      renewals: 5,
    });
    expect(exhausted(live({ renewals: 7 }), 5).record.renewals).toBe(7);
  });

  it("ended: the refresh token's expiry brought to now (never later), the mark gone", () => {
    expect(ended(live({ renewingSince: T }), T + 5).record).toEqual({
      ...record,
      refreshExpiresAt: T + 5,
    });
    expect(ended(live({ refreshExpiresAt: T }), T + 5).record.refreshExpiresAt).toBe(T);
  });

  it("restored: an unsaved renewal over the grant it replaced, the newer access token kept", () => {
    const mine = { ...record, refreshToken: "rft.2", renewals: 1 };
    const newer = live({ accessToken: "act.newer", accessExpiresAt: record.accessExpiresAt + 1 });
    expect(restored(newer, mine).record).toEqual({
      ...mine,
      accessToken: "act.newer",
      accessExpiresAt: record.accessExpiresAt + 1,
    });
    expect(restored(live({ accessToken: "act.old", accessExpiresAt: T }), mine).record).toEqual(
      mine,
    );
    expect(restored(newer, mine).version).toBe(4);
  });
});
