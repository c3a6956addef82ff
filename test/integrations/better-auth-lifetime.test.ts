// Better Auth over six months (issue 23): the guide's block on SQLite, a user signed in once in
// Chromium, then the app's clock and the emulator's moved forward together, 4 days at a time,
// the user opening /me each time (which calls Douyin on their behalf through getAccessToken).
// Past day 15 (the first access token's end), day 30 (the first refresh token's) and on, they
// stay signed in; once the platform's 5 renewals are spent and the last tokens expire, /me sends
// them to sign in again with a plain notice, before day 186.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/index.js";
import { DAY, startSharedClock, type SharedClock } from "../support/clocked-emulator.js";
import { launchBrowser, watchPage, type Browser } from "../support/browser.js";
import { sqliteQuery } from "../support/sqlite-cli.js";
import { startBetterAuthApp, type BetterAuthApp } from "./better-auth-app.js";

let shared: SharedClock;
let emu: Emulator;
let app: BetterAuthApp;
let browser: Browser;

beforeAll(async () => {
  shared = await startSharedClock();
  emu = shared.emu;
  app = await startBetterAuthApp(emu);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await shared?.close();
});

const advance = (days: number) => shared.advance(days);

/**
 * Lets the time between two visits pass for the app's background work, up to a minute of real
 * time: until the account row wants no renewal (its refresh token has more than the 5-day window
 * left, or its renewals are spent). A store fault on a visit leaves the renewal to the app's
 * background retry (1 s, 2 s, ... a minute apart), and a renewal mark that landed after its
 * write timed out holds for an hour: four real days give both time, a jump of the clock would
 * not. So the hour is moved on here when a mark holds; returns the days moved.
 */
async function renewalSettled(): Promise<number> {
  let moved = 0;
  for (let i = 0; i < 120; i++) {
    const [row] = await sqliteQuery(app.database, `SELECT * FROM account WHERE providerId = ?`, [
      "douyin",
    ]);
    const left = new Date(String(row?.refreshTokenExpiresAt)).getTime() - Date.now();
    const grant = JSON.parse(String(row?.douyinGrant ?? "{}"));
    if (!(left < 5 * DAY) || (grant.renewals ?? 0) >= 5) break;
    if (grant.renewingSince !== undefined && moved === 0) {
      advance(HOUR_AND_A_BIT / DAY);
      moved += HOUR_AND_A_BIT / DAY;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return moved;
}
const HOUR_AND_A_BIT = 61 * 60_000;

describe("Better Auth + douyinLogin: a user over six months", () => {
  it(
    "stays signed in past day 15 and day 30, renewed 5 times; then is sent to sign in again",
    { timeout: 420_000 },
    async () => {
      const page = await browser.context.newPage();
      const problems = watchPage(page);
      await page.goto(app.url);
      await page.click("#login");
      await page.waitForURL(`${emu.url}/platform/oauth/connect/**`);
      await page.fill('input[name="user"]', "carol");
      await page.click('button[value="approve"]');
      await page.waitForURL(`${app.url}/me`);
      const carol = await page.textContent("#name");
      expect(carol).toBeTruthy();

      const served: number[] = [];
      let endedOn: number | undefined;
      let day = 0;
      let heard = app.log.length;
      advance(2);
      for (day = 2; day <= 186; day += 4) {
        await page.goto(`${app.url}/me`);
        if (new URL(page.url()).pathname === "/") {
          endedOn = day;
          break;
        }
        // Called Douyin on their behalf with a token the platform accepted.
        expect(await page.textContent("#name")).toBe(carol);
        served.push(day);
        // A store fault on a visit leaves a renewal to the app's background retry (1 s, 2 s,
        // ...): four real days would give it time, a jump of the clock would not.
        let moved = 0;
        if (app.log.slice(heard).some((line) => line.includes("Douyin tokens:"))) {
          moved = await renewalSettled();
        }
        heard = app.log.length;
        advance(4 - moved);
      }
      // On a failure, the server's log says why the grant ended (and what the store did).
      const why = app.log.join("\n");
      expect(served, why).toContain(18); // past the first access token's 15 days
      expect(served, why).toContain(34); // past the first refresh token's 30 days
      expect(served.at(-1), why).toBeGreaterThan(150);
      expect(endedOn).toBeDefined();
      expect(endedOn).toBeLessThanOrEqual(186);
      expect(app.log).toContain("info: Douyin: sign in again (renewal_limit) ");
      expect(await page.textContent("#ended")).toContain("Sign in with Douyin again");
      expect(emu.stats.renewRefreshToken).toBe(5);
      expect(emu.stats.accessToken).toBe(1);
      expect(problems).toEqual([]);

      // One copy of the tokens: the account row holds the newest grant, the plugin's column its
      // renewals, and no token sits anywhere else in the database.
      const [row] = await sqliteQuery(app.database, `SELECT * FROM account WHERE providerId = ?`, [
        "douyin",
      ]);
      expect(JSON.parse(String(row!.douyinGrant))).toMatchObject({ renewals: 5 });
      const dump = JSON.stringify(
        await sqliteQuery(app.database, `SELECT * FROM verification`),
      ).concat(JSON.stringify(await sqliteQuery(app.database, `SELECT * FROM session`)));
      expect(dump).not.toContain(String(row!.refreshToken));

      // Signing in again starts a new grant: served at once, renewals counted from 0.
      await page.click("#login");
      await page.waitForURL(`${emu.url}/platform/oauth/connect/**`);
      await page.fill('input[name="user"]', "carol");
      await page.click('button[value="approve"]');
      await page.waitForURL(`${app.url}/me`);
      expect(await page.textContent("#name")).toBe(carol);
      for (let visit = 0; visit < 7; visit++) {
        advance(4);
        await page.goto(`${app.url}/me`);
        expect(await page.textContent("#name")).toBe(carol);
      }
      expect(emu.stats.renewRefreshToken).toBe(6);
    },
  );
});
