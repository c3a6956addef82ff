// The example app in a real browser: log in through the emulator's consent page, see who signed
// in (nickname, avatar), use the signed-in page's buttons, and see deny and a tampered state
// refused.
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
  app = await startExampleApp({ douyin });
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
    expect(emu.stats).toMatchObject({
      connect: 1,
      accessToken: 1,
      userInfo: 1,
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
});
