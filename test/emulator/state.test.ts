// startEmulator({ stateFile }): codes, tokens and the clock's advance survive a restart; the
// file is written atomically, and a damaged one is refused naming where, never dropped.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createDouyinOAuth } from "../../src/index.js";
import { DEMO_APP, StateFileError, startEmulator } from "../../src/emulator/index.js";

const dir = mkdtempSync(join(tmpdir(), "douyin-state-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("stateFile", () => {
  it("keeps codes, tokens, renewals and the clock's advance across a restart", async () => {
    const file = join(dir, "kept.json");
    const first = await startEmulator({ stateFile: file });
    const douyin = createDouyinOAuth({ ...DEMO_APP, baseUrl: first.url });
    const signedIn = await douyin.accessToken({ code: first.issueCode({ scope: "user_info" }) });
    const renewed = await douyin.renewRefreshToken({ refreshToken: signedIn.refresh_token });
    const pending = first.issueCode({
      scope: "user_info",
      user: "bob",
      profile: { nickname: "Bob" },
    });
    const { access_token: clientToken } = await douyin.clientToken();
    first.advanceTime(60_000);
    const before = first.tokens();
    await first.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);

    const second = await startEmulator({ stateFile: file });
    try {
      const after = second.tokens();
      expect(after).toEqual({ ...before, now: after.now }); // the clock moves on between calls
      expect(second.now() - Date.now()).toBeGreaterThanOrEqual(59_000);
      for (const token of [signedIn.access_token, renewed.refresh_token, clientToken]) {
        expect(second.isValid(token)).toBe(true);
      }
      expect(second.isValid(signedIn.refresh_token)).toBe(false);
      const again = createDouyinOAuth({ ...DEMO_APP, baseUrl: second.url });
      expect((await again.accessToken({ code: pending })).scope).toBe("user_info");
      const refreshed = await again.refreshToken({ refreshToken: renewed.refresh_token });
      expect(refreshed.access_token).toBe(signedIn.access_token);
    } finally {
      await second.close();
    }
  });

  it("is written soon after a change, not only at close", async () => {
    const file = join(dir, "soon.json");
    const emu = await startEmulator({ stateFile: file });
    try {
      emu.issueCode({ scope: "user_info" });
      await expect
        .poll(() => (readdirSync(dir).includes("soon.json") ? readFileSync(file, "utf8") : ""), {
          timeout: 2_000,
        })
        .toContain('"codes":[["');
    } finally {
      await emu.close();
    }
  });

  const damaged: Array<[string, string, string]> = [
    ["not JSON", '{"format":', "is not JSON: damaged, or not a state file"],
    ["empty", "", "is not JSON: damaged, or not a state file"],
    ["another file's JSON", '{"name":"package"}', "is not an emulator state file"],
    [
      "another version",
      '{"format":"douyin-oauth-emulator-state","version":99}',
      "has a version this emulator does not read",
    ],
    [
      "a damaged record",
      JSON.stringify({
        format: "douyin-oauth-emulator-state",
        version: 1,
        clockOffsetMs: 0,
        platform: {
          codes: [],
          accessTokens: [["act.x", { clientKey: "k", openId: "o", scope: "s", expiresAt: "soon" }]],
          refreshTokens: [],
          clientTokens: [],
          stableTokens: [],
          clientTokenCalls: [],
          profiles: [],
        },
      }),
      "is damaged: state.platform.accessTokens[0][1].expiresAt must be a number",
    ],
  ];
  for (const [name, content, reason] of damaged) {
    it(`${name} → StateFileError naming the file and where; the file is left as it was`, async () => {
      const file = join(dir, `${name.replace(/\W/g, "-")}.json`);
      writeFileSync(file, content);
      const refused = await startEmulator({ stateFile: file }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(StateFileError);
      expect((refused as Error).message).toBe(`the state file ${file} ${reason}`);
      expect(readFileSync(file, "utf8")).toBe(content);
    });
  }
});
