// The example app in a real browser: log in through the emulator's consent page, see who signed
// in (nickname, avatar), use the signed-in page's buttons, see deny and a tampered state
// refused, and stay signed in while the emulator's clock moves 40 days (issue 23).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDouyinOAuth } from "../../src/index.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { startExampleApp } from "../../examples/web-app/app.mjs";
import { launchBrowser, screenshot, watchPage, type Browser } from "../support/browser.js";

let emu: Emulator;
let app: Awaited<ReturnType<typeof startExampleApp>>;
let browser: Browser;
beforeAll(async () => {
  emu = await startEmulator();
  const [demo] = emu.apps;
  const douyin = createDouyinOAuth({
    clientKey: demo!.clientKey,
    clientSecret: demo!.clientSecret,
    baseUrl: emu.url,
  });
  // The app reckons its tokens' expiry by the platform's clock: the emulator's, which the last
  // test moves through the control API.
  app = await startExampleApp({ douyin, now: emu.now });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await emu?.close();
});

describe("example app in Chromium", () => {
  it("login → consent → signed in; refresh, renew and client token work", async () => {
    const page = await browser.context.newPage();
    const problems = watchPage(page);
    await page.goto(app.url);
    await page.click("#login");
    await page.waitForURL(`${emu.url}/platform/oauth/connect/**`);
    await expect.poll(() => page.locator("#scopes li").allTextContents()).toEqual(["user_info"]);
    expect(await page.isChecked('input[name="optional_scope"][value="video.list"]')).toBe(true);
    expect(await page.isChecked('input[name="optional_scope"][value="mobile"]')).toBe(false);
    await screenshot(page, "consent");

    await page.check('input[name="optional_scope"][value="mobile"]');
    // The account field names the user: it is the nickname /oauth/userinfo/ answers.
    await page.fill('input[name="user"]', "小明 Xiaoming");
    await page.click('button[value="approve"]');
    await page.waitForURL(`${app.url}/me`);
    expect(await page.textContent("#open-id")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(await page.textContent("#scopes")).toBe("user_info, video.list, mobile");
    // Who signed in: the nickname and the avatar the emulator drew, loaded from the emulator.
    expect(await page.textContent("#nickname")).toBe("小明 Xiaoming");
    expect(await page.textContent("#union-id")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    const avatar = page.locator("#avatar");
    expect(await avatar.getAttribute("src")).toMatch(
      new RegExp(`^${emu.url}/avatar/[0-9a-f]{20}\\.svg$`),
    );
    await expect
      .poll(() => avatar.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBe(100);
    // The expiry shown is the token manager's record: 15 and 30 days from sign-in.
    const days = async (id: string) =>
      Math.round((Date.parse((await page.textContent(id))!) - Date.now()) / 86_400_000);
    expect(await days("#access-expiry")).toBe(15);
    expect(await days("#refresh-expiry")).toBe(30);
    expect(await page.textContent("#renewals")).toBe("0");
    await screenshot(page, "signed-in");

    await page.click("#refresh");
    expect(await page.textContent("#result")).toBe(
      "Access token refreshed: valid for 1296000 s more.",
    );
    await page.click("#sweep");
    expect(await page.textContent("#result")).toBe(
      "Renewal sweep: 1 user(s), 0 renewed, 1 not due, 0 failed.",
    );
    expect(await page.textContent("#renewals")).toBe("0");
    await page.click("#client-token");
    expect(await page.textContent("#result")).toBe("Client token fetched: valid for 7200 s.");
    // The signed-in page asks Douyin who the user is on each visit: 4 visits so far.
    expect(emu.stats).toMatchObject({
      connect: 1,
      accessToken: 1,
      userInfo: 4,
      refreshToken: 1,
      renewRefreshToken: 0,
      clientToken: 1,
    });

    const html = await page.content();
    for (const token of ["act.", "rft.", "clt."]) expect(html).not.toContain(token);
    await page.click("#logout");
    await page.waitForURL(`${app.url}/`);
    expect(problems).toEqual([]);
  });

  it("Deny on the consent page shows the typed error page", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${app.url}/login`);
    await page.click('button[value="deny"]');
    await page.waitForURL(`${app.url}/callback**`);
    expect(await page.textContent("#error-type")).toBe("DouyinCallbackError");
    expect(await page.textContent("#error")).toContain("code_missing");
  });

  it("a tampered state is refused", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${app.url}/login`);
    await page.waitForURL(`${emu.url}/**`);
    const response = await page.goto(`${app.url}/callback?code=forged&state=tampered`);
    expect(response?.status()).toBe(400);
    expect(await page.textContent("#error-type")).toBe("DouyinCallbackError");
    expect(await page.textContent("#error")).toContain("state_mismatch");
    await screenshot(page, "tampered-state");
  });

  it("a signed-in user's session survives 40 days of the emulator's clock", async () => {
    const page = await browser.context.newPage();
    const problems = watchPage(page);
    await page.goto(`${app.url}/login`);
    await page.fill('input[name="user"]', "Lin 40");
    await page.click('button[value="approve"]');
    await page.waitForURL(`${app.url}/me`);
    expect(await page.textContent("#nickname")).toBe("Lin 40");
    const before = { ...emu.stats };
    // The user comes back about once a week; each visit the app calls Douyin (user info) with
    // the token the manager serves. One jump of 40 days could not be survived: the refresh
    // token lives 30 days, and nothing renews it unless a visit (or the daily sweep) comes
    // inside its last 5.
    const moveClock = async (days: number) => {
      const answer = await fetch(`${emu.url}/_emulator/clock`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ms: days * 86_400_000 }),
      });
      expect(answer.status).toBe(200);
      return (await answer.json()).offsetMs / 86_400_000;
    };
    const start = (await (await fetch(`${emu.url}/_emulator/clock`)).json()).offsetMs / 86_400_000;
    let moved = 0;
    for (const days of [7, 7, 7, 7, 7, 5]) {
      moved = (await moveClock(days)) - start;
      await page.reload();
      expect(new URL(page.url()).pathname).toBe("/me");
      expect(await page.textContent("#nickname")).toBe("Lin 40");
    }
    expect(moved).toBe(40);
    // Refreshed when the first access token neared its end, renewed once inside the refresh
    // token's last 5 days: the grant now runs well past day 40.
    expect(emu.stats.refreshToken - before.refreshToken).toBeGreaterThanOrEqual(2);
    expect(emu.stats.renewRefreshToken - before.renewRefreshToken).toBe(1);
    expect(await page.textContent("#renewals")).toBe("1");
    const refreshEnds = Date.parse((await page.textContent("#refresh-expiry"))!);
    expect(refreshEnds).toBeGreaterThan(emu.now());
    expect(await page.isVisible("#error")).toBe(false);
    await screenshot(page, "signed-in-day-40");
    const html = await page.content();
    for (const token of ["act.", "rft."]) expect(html).not.toContain(token);
    expect(problems).toEqual([]);
  });
});
