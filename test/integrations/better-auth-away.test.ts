// Better Auth users who are away (issue 23): the guide's daily sweep over Better Auth's account
// rows. A user signs in once in Chromium and stays away; on day 26 (inside the renewal window,
// nobody having asked for their token) the guide's job runs as written and renews the refresh
// token in the row; on day 40 the server still calls Douyin for them. And a sweep that renews
// while Better Auth writes the same row (the user signing in again) leaves the newer tokens.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { accountTokenStore } from "../../src/integrations/better-auth.js";
import { createDouyinOAuth } from "../../src/index.js";
import type { Emulator } from "../../src/emulator/index.js";
import { createUserTokenManager, type TokenStore } from "../../src/tokens/index.js";
import { launchBrowser, watchPage, type Browser } from "../support/browser.js";
import { root } from "../support/project.js";
import { sqliteQuery } from "../support/sqlite-cli.js";
import { startBetterAuthApp, type BetterAuthApp } from "./better-auth-app.js";
import { startSharedClock, type SharedClock } from "../support/clocked-emulator.js";
import { importDocBlock } from "./readme-snippet.js";

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

/** `user` approves on the consent page in a fresh browser context; resolves on /me. */
async function signIn(user: string) {
  const page = await browser.context.newPage();
  const problems = watchPage(page);
  await page.goto(app.url);
  await page.click("#login");
  await page.waitForURL(`${emu.url}/platform/oauth/connect/**`);
  await page.fill('input[name="user"]', user);
  await page.click('button[value="approve"]');
  await page.waitForURL(`${app.url}/me`);
  expect(await page.textContent("#name")).toBeTruthy();
  return { page, problems, openId: (await page.textContent("#account-id"))! };
}

const rowOf = async (openId: string) => {
  const [row] = await sqliteQuery(
    app.database,
    `SELECT * FROM account WHERE providerId = ? AND accountId = ?`,
    ["douyin", openId],
  );
  return row!;
};

/** The guide's job, as written; `./auth.js` is the app's module (the Better Auth block). */
async function runReadmeJob(): Promise<{ printed: unknown[]; exitCode: number }> {
  const dir = join(root, "build/readme");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "auth.ts"),
    `export const auth = (globalThis as any).__integAway.auth;
export const douyin = (globalThis as any).__integAway.douyin;\n`,
  );
  (globalThis as any).__integAway = {
    auth: app.auth,
    douyin: createDouyinOAuth({ ...emu.apps[0]!, baseUrl: emu.url }),
  };
  const printed: unknown[] = [];
  const spy = vi
    .spyOn(console, "log")
    .mockImplementation((line: string) => void printed.push(JSON.parse(line)));
  try {
    await importDocBlock("guide/integrations.md", "better-auth-away", "");
  } finally {
    spy.mockRestore();
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { printed, exitCode };
}

describe("Better Auth + douyinLogin: users who are away", () => {
  it(
    "the guide's daily job renews an away user's grant in their row on day 26; served on day 40",
    { timeout: 120_000 },
    async () => {
      const { page, problems, openId } = await signIn("dave");
      const signedIn = await rowOf(openId);
      const userId = String(signedIn.userId);
      await page.close();

      advance(26); // the refresh token ends on day 30; nobody asked for dave's token since
      const { printed, exitCode } = await runReadmeJob();
      expect(printed).toEqual([
        { users: 1, renewed: 1, skipped: 0, failed: 0, exhausted: 0, unsaved: 0 },
      ]);
      expect(exitCode).toBe(0);
      expect(emu.stats.renewRefreshToken).toBe(1);
      const renewed = await rowOf(openId);
      expect(JSON.parse(String(renewed.douyinGrant))).toMatchObject({ renewals: 1 });
      expect(renewed.refreshToken).not.toBe(signedIn.refreshToken);
      expect(emu.isValid(String(renewed.refreshToken))).toBe(true);
      expect(emu.isValid(String(signedIn.refreshToken))).toBe(false);
      // The renewal's hold (kept an hour) holds no token.
      const holds = JSON.stringify(await sqliteQuery(app.database, `SELECT * FROM verification`));
      expect(holds).toContain(":renewing:");
      expect(holds).not.toContain(String(renewed.refreshToken));

      advance(14); // day 40: the first refresh token would have ended on day 30
      const { accessToken } = await app.auth.api.getAccessToken({
        body: { accountId: String(signedIn.id), userId },
      });
      const douyin = createDouyinOAuth({ ...emu.apps[0]!, baseUrl: emu.url });
      const profile = await douyin.userInfo({ accessToken, openId });
      expect(profile.open_id).toBe(openId);
      // Their browser's Better Auth session ended after 7 days away.
      const back = await browser.context.newPage();
      await back.goto(`${app.url}/me`);
      expect(await back.textContent("#signed-out")).toBe("signed out");
      await back.close();
      expect(problems).toEqual([]);
    },
  );

  it(
    "a sweep renewing while the same user signs in again keeps the new sign-in's tokens",
    { timeout: 120_000 },
    async () => {
      const { page, openId } = await signIn("erin");
      await page.close();
      advance(27); // erin is due: her refresh token ends on day 30 of her grant
      const renewalsBefore = emu.stats.renewRefreshToken;

      // The real store, with the sweep held just before it writes the renewed tokens into the row
      // until Better Auth has written the row anew (erin signing in again).
      const real = accountTokenStore(await app.auth.$context, {
        clientKey: emu.apps[0]!.clientKey,
        providerId: "douyin",
      });
      let reached!: () => void;
      const atWrite = new Promise<void>((resolve) => (reached = resolve));
      let release!: () => void;
      const signedInAgain = new Promise<void>((resolve) => (release = resolve));
      let held = false;
      const store: TokenStore = {
        ...real,
        async compareAndSet(key, expected, next, ttlMs) {
          const renewals = next === undefined ? 0 : Number(JSON.parse(next).renewals ?? 0);
          if (!held && key.endsWith(`:user:${openId}`) && renewals === 1) {
            held = true;
            reached();
            await signedInAgain;
          }
          return real.compareAndSet!(key, expected, next, ttlMs);
        },
      };
      const douyin = createDouyinOAuth({ ...emu.apps[0]!, baseUrl: emu.url });
      // The held write waits for a browser sign-in: longer than the store's default 1 s bound.
      const errors: unknown[] = [];
      const users = createUserTokenManager(douyin, {
        store,
        storeTimeoutMs: 60_000,
        onError: (error) => errors.push(error),
      });
      const sweep = users.renewDue();
      await atWrite; // the platform has renewed erin's refresh token; the row is not written yet
      expect(emu.stats.renewRefreshToken).toBe(renewalsBefore + 1);

      const again = await signIn("erin");
      await again.page.close();
      const newer = await rowOf(openId);
      release();
      const summary = await sweep;
      expect(await users.close()).toEqual({ unsaved: 0 });

      const after = await rowOf(openId);
      expect(after.refreshToken).toBe(newer.refreshToken);
      expect(after.accessToken).toBe(newer.accessToken);
      expect(JSON.parse(String(after.douyinGrant ?? "{}")).renewals ?? 0).toBe(0);
      expect(emu.isValid(String(after.refreshToken))).toBe(true);
      // erin skipped: the row holds another grant than the one the sweep renewed.
      expect(summary).toMatchObject({ renewed: 0, unsaved: 0 });
      expect(errors).toEqual([]);
      // The new sign-in's grant is served, and counts its renewals from 0.
      const { accessToken } = await app.auth.api.getAccessToken({
        body: { accountId: String(after.id), userId: String(after.userId) },
      });
      expect(accessToken).toBe(after.accessToken);
    },
  );
});
