// user-memory.ts, what one process remembers of its users: bounded, and told of a sign-out.
import { describe, expect, it } from "vitest";
import { HELD_MAX, UserMemory } from "../../src/tokens/user-memory.js";
import type { UserTokenRecord } from "../../src/tokens/user-record.js";

const rec = (openId: string, accessToken = `act.${openId}`): UserTokenRecord => ({
  openId,
  scope: "user_info",
  accessToken,
  accessExpiresAt: 100,
  refreshToken: `rft.${openId}`,
  refreshExpiresAt: 200,
  renewals: 0,
});

describe("UserMemory", () => {
  it("offline: a record confirmed since the given time; an unsaved renewal before it", () => {
    const m = new UserMemory();
    m.hold("u", rec("u"), 10);
    expect(m.offline("u", 10)).toEqual(rec("u"));
    expect(m.offline("u", 11)).toBeUndefined();
    m.keepUnsaved("u", { record: rec("u", "act.new"), replaced: "rft.old", at: 20 });
    expect(m.offline("u", 15)?.accessToken).toBe("act.new");
    expect(m.offline("u", 21)).toBeUndefined();
  });

  it("holds at most HELD_MAX users, the least recently served dropped; update() never adds nor makes recent", () => {
    const m = new UserMemory();
    for (let n = 0; n < HELD_MAX; n++) m.hold(`u-${n}`, rec(`u-${n}`), 1);
    m.update("u-0", rec("u-0", "act.swept"), 2); // the sweep: not made recent
    m.update("stranger", rec("stranger"), 2); // not held: not added
    m.hold("u-new", rec("u-new"), 1);
    expect(m.offline("u-0", 0)).toBeUndefined(); // dropped first all the same
    expect(m.offline("stranger", 0)).toBeUndefined();
    expect(m.offline("u-1", 0)).toBeDefined();
  });

  it("holdBack: until the given time; pauses that are over are pruned past HELD_MAX", () => {
    const m = new UserMemory();
    m.holdBack("u", 50, 0);
    expect(m.heldBack("u", 49)).toBe(true);
    expect(m.heldBack("u", 50)).toBe(false);
    expect(m.heldBack("u", 0)).toBe(false); // forgotten once over
    for (let n = 0; n <= HELD_MAX; n++) m.holdBack(`u-${n}`, 10, 0);
    m.holdBack("late", 100, 20); // every earlier pause is over at 20: all pruned
    expect(m.heldBack("late", 20)).toBe(true);
    expect(m.heldBack("u-5", 0)).toBe(false);
  });

  it("a sign-out marks the work, the sweep and every watcher of the user, and forgets the user", () => {
    const m = new UserMemory();
    m.hold("u", rec("u"), 1);
    m.keepUnsaved("u", { record: rec("u"), replaced: "rft.x", at: 1 });
    m.holdBack("u", 99, 0);
    const flight = m.join("u", () => new Promise(() => undefined));
    const sweep = m.sweep("u");
    const watcher = m.watch("u");
    const other = m.watch("v");
    m.signOut("u");
    expect([flight.work.signedOut, sweep.signedOut, watcher.signedOut]).toEqual([true, true, true]);
    expect(other.signedOut).toBe(false);
    expect(m.heldBack("u", 0)).toBe(false);
    // Until the tombstone is written, an unsaved renewal stays: it may still be the grant.
    expect(m.isSigningOut("u")).toBe(true);
    expect(m.unsavedOf("u")).toBeDefined();
    m.signedOut("u", false);
    expect(m.isSigningOut("u")).toBe(false);
    expect(m.unsavedOf("u")).toBeDefined();
    m.signOut("u");
    m.signedOut("u", true);
    expect(m.offline("u", 0)).toBeUndefined();
    expect(m.unsavedOf("u")).toBeUndefined();
    // A call made after the sign-out starts its own work, never joins the old one.
    const again = m.join("u", async () => rec("u"));
    expect(again).not.toBe(flight);
  });

  it("join: calls join the work in flight; once it settles the next call starts anew", async () => {
    const m = new UserMemory();
    let runs = 0;
    const run = async () => (runs++, rec("u"));
    const a = m.join("u", run);
    expect(m.join("u", run)).toBe(a);
    expect(m.busy("u")).toBe(true);
    await a.promise;
    await Promise.resolve();
    expect(m.busy("u")).toBe(false);
    m.join("u", run);
    expect(runs).toBe(2);
  });

  it("saved: drops the unsaved renewal only if it is still the one written", () => {
    const m = new UserMemory();
    const first = { record: rec("u"), replaced: "rft.a", at: 1 };
    const second = { record: rec("u", "act.2"), replaced: "rft.a", at: 2 };
    m.keepUnsaved("u", first);
    m.keepUnsaved("u", second);
    m.saved("u", first);
    expect(m.unsavedOf("u")).toBe(second);
    m.saved("u", second);
    expect(m.unsavedUsers()).toEqual([]);
  });
});
