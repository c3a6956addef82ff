// Better Auth end to end: the guide's block (douyinLogin) on a real SQLite file, Better Auth's
// own handler on loopback, driven in Chromium through the emulator's consent page: sign-in,
// per-call scopes, accountInfo, Deny, a failed profile call, "Connect Douyin" for an
// email/password user, and a placeholder email nobody can take first (issue 23).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fromNodeHeaders } from "better-auth/node";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { hmacEmail } from "../../src/integrations/better-auth.js";
import { launchBrowser, screenshot, watchPage, type Browser } from "../support/browser.js";
import { sqliteQuery } from "../support/sqlite-cli.js";
import { profileOf } from "./app-server.js";
import { startBetterAuthApp, type BetterAuthApp } from "./better-auth-app.js";

let emu: Emulator;
let app: BetterAuthApp;
let browser: Browser;

beforeAll(async () => {
  emu = await startEmulator();
  app = await startBetterAuthApp(emu);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await emu?.close();
});
beforeEach(async () => {
  await browser.context.clearCookies();
  emu.clearFaults();
});

const SECRET = "a-test-secret-of-at-least-32-characters";

async function consent(page: import("playwright-core").Page, button: string) {
  await page.goto(app.url);
  await page.click(button);
  await page.waitForURL(`${emu.url}/platform/oauth/connect/**`);
  return new URL(page.url());
}

async function approve(page: import("playwright-core").Page, user: string) {
  await page.fill('input[name="user"]', user);
  await page.click('button[value="approve"]');
}

/** The Better Auth cookies of this browser, as request headers. */
async function headersOf(): Promise<Headers> {
  const cookies = await browser.context.cookies(app.url);
  return fromNodeHeaders({ cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; ") });
}

// Each test drives Chromium through a sign-in: seconds alone, longer on a loaded machine.
describe("Better Auth + douyinLogin in Chromium, on SQLite", { timeout: 90_000 }, () => {
  it("signs in through the consent page; /me calls Douyin with the user's token; accountInfo answers", async () => {
    const page = await browser.context.newPage();
    const problems = watchPage(page);
    const url = await consent(page, "#login");
    expect(url.searchParams.get("client_key")).toBe(emu.apps[0]!.clientKey);
    expect(url.searchParams.get("scope")).toBe("user_info");
    expect(url.searchParams.get("redirect_uri")).toBe(`${app.url}/api/auth/callback/douyin`);
    expect(url.searchParams.has("code_challenge")).toBe(false);
    await approve(page, "alice");
    await page.waitForURL(`${app.url}/me`);

    const alice = await profileOf(emu, "alice");
    expect(await page.textContent("#name")).toBe(alice.nickname);
    expect(await page.textContent("#account-id")).toBe(alice.open_id);
    // The placeholder: an HMAC of the open_id under the app's secret, not the open_id itself.
    const email = await page.textContent("#email");
    expect(email).toBe(await hmacEmail(SECRET, alice.open_id));
    expect(email).toMatch(/^[0-9a-f]{40}@douyin\.invalid$/);
    expect(email).not.toContain(alice.open_id);
    const asked = emu.requests().find((r) => r.operation === "userInfo")!;
    expect([asked.method, asked.form, asked.outcome]).toEqual(["POST", "POST JSON", "success"]);
    await screenshot(page, "better-auth-signed-in");
    const content = await page.content();
    for (const secret of ["act.", "rft.", emu.apps[0]!.clientSecret]) {
      expect(content).not.toContain(secret);
    }

    // accountInfo: the profile again, through the plugin (Better Auth passes no open_id itself).
    const headers = await headersOf();
    const accounts = await app.auth.api.listUserAccounts({ headers });
    const account = accounts.find((a: { providerId: string }) => a.providerId === "douyin");
    const info = await app.auth.api.accountInfo({ query: { accountId: account.id }, headers });
    expect(info.user).toMatchObject({ name: alice.nickname, image: alice.avatar });
    expect(info.data.open_id).toBe(alice.open_id);
    expect(info.account).toEqual({
      id: account.id,
      providerId: "douyin",
      accountId: alice.open_id,
    });
    expect(problems).toEqual([]);
  });

  it("per-call scopes: comma-joined after user_info, and the account keeps what was granted", async () => {
    const page = await browser.context.newPage();
    const url = await consent(page, "#login-video");
    expect(url.searchParams.get("scope")).toBe("user_info,video.list");
    await approve(page, "dave");
    await page.waitForURL(`${app.url}/me`);
    const dave = await profileOf(emu, "dave");
    const [row] = await sqliteQuery(
      app.database,
      `SELECT scope FROM account WHERE providerId = 'douyin' AND accountId = ?`,
      [dave.open_id],
    );
    expect(row!.scope).toBe("user_info,video.list");
  });

  it("Deny on the consent page: Better Auth's error page says no_code; nobody signed in", async () => {
    const page = await browser.context.newPage();
    const before = emu.stats.accessToken;
    await consent(page, "#login");
    await page.click('button[value="deny"]');
    await page.waitForURL(`${app.url}/api/auth/error**`);
    expect(new URL(page.url()).searchParams.get("error")).toBe("no_code");
    expect(emu.stats.accessToken).toBe(before);
    await page.goto(`${app.url}/me`);
    await page.waitForSelector("#signed-out");
  });

  it("a failed profile call: error page unable_to_get_user_info; the cause in the log, redacted", async () => {
    const page = await browser.context.newPage();
    await consent(page, "#login");
    emu.injectFault({ operation: "userInfo", kind: "status", status: 503 });
    const logged = app.log.length;
    await approve(page, "erin");
    await page.waitForURL(`${app.url}/api/auth/error**`);
    expect(new URL(page.url()).searchParams.get("error")).toBe("unable_to_get_user_info");
    const lines = app.log.slice(logged).join("\n");
    expect(lines).toContain("Douyin user info failed: userInfo:");
    expect(lines).toContain("DouyinTransportError");
    for (const secret of ["act.", "rft.", emu.apps[0]!.clientSecret]) {
      expect(lines).not.toContain(secret);
    }
  });

  it("Connect Douyin: an email/password user links their Douyin account (the guide's settings)", async () => {
    const page = await browser.context.newPage();
    await page.goto(app.url);
    await page.fill('input[name="email"]', "frank@example.com");
    await page.fill('input[name="password"]', "a long enough password");
    await page.click("#signup-button");
    await page.waitForFunction(() => document.body.dataset.signup === "200");
    await page.click("#connect");
    await page.waitForURL(`${emu.url}/platform/oauth/connect/**`);
    await approve(page, "frank");
    await page.waitForURL(`${app.url}/me`);
    const frank = await profileOf(emu, "frank");
    expect(await page.textContent("#name")).toBe(frank.nickname);
    expect(await page.textContent("#email")).toBe("frank@example.com");
    const accounts = await app.auth.api.listUserAccounts({ headers: await headersOf() });
    expect(accounts.map((a: { providerId: string }) => a.providerId).sort()).toEqual([
      "credential",
      "douyin",
    ]);
  });

  it("someone who registers the Douyin user's old placeholder first does not lock them out", async () => {
    const grace = await profileOf(emu, "grace");
    const page = await browser.context.newPage();
    await page.goto(app.url);
    await page.fill('input[name="email"]', `${grace.open_id}@douyin.invalid`);
    await page.fill('input[name="password"]', "a long enough password");
    await page.click("#signup-button");
    await page.waitForFunction(() => document.body.dataset.signup === "200");
    await browser.context.clearCookies();

    await consent(page, "#login");
    await approve(page, "grace");
    await page.waitForURL(`${app.url}/me`);
    expect(await page.textContent("#account-id")).toBe(grace.open_id);
    expect(await page.textContent("#email")).toBe(await hmacEmail(SECRET, grace.open_id));
  });
});
