// The activity page, /_emulator, in Chromium: what the emulator received and answered, live
// users and tokens with their expiry on its clock, active faults; no secret, nothing external.
// And the control API's Redoc page, /docs/control.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDouyinOAuth } from "../../src/index.js";
import { DEMO_APP, startEmulator, type Emulator } from "../../src/emulator/index.js";
import { launchBrowser, screenshot, watchPage, type Browser } from "../support/browser.js";

const START = Date.UTC(2026, 10, 27, 9, 0, 0);
let emu: Emulator;
let browser: Browser;
beforeAll(async () => {
  emu = await startEmulator({ now: () => START });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await emu?.close();
});

describe("/_emulator in Chromium", () => {
  it("shows the requests (the slash-less form marked), users, tokens, faults and calls, with no secret", async () => {
    const code = emu.issueCode({
      scope: "user_info",
      user: "alice",
      profile: { nickname: "Alice" },
    });
    const query = new URLSearchParams({
      client_key: DEMO_APP.clientKey,
      client_secret: DEMO_APP.clientSecret,
      code,
      grant_type: "authorization_code",
    });
    // The seed's form: no trailing slash.
    const signedIn = (await (await fetch(`${emu.url}/oauth/access_token?${query}`)).json()).data;
    const post = createDouyinOAuth({ ...DEMO_APP, baseUrl: emu.url, tokenRequestMethod: "POST" });
    await post.refreshToken({ refreshToken: signedIn.refresh_token });
    await fetch(`${emu.url}/oauth/access_token/?${query}`); // spent: 10007
    emu.injectFault({ operation: "clientToken", kind: "status", status: 503, times: 1 });
    // the client retries the 503 (a clientToken call is safe to repeat)
    const { access_token: clientToken } = await post.clientToken();
    await fetch(`${emu.url}/oauth/acces_token/`);
    emu.injectFault({ operation: "renewRefreshToken", kind: "latency", latencyMs: 250 });
    emu.advanceTime(60 * 60_000);

    const page = await browser.context.newPage();
    const problems = watchPage(page);
    await page.goto(`${emu.url}/_emulator`, { waitUntil: "load" });
    expect(await page.title()).toBe("Activity — Douyin OAuth emulator");
    expect(await page.locator("#clock").textContent()).toBe("2026-11-27 10:00:00 UTC");

    const rows = page.locator("#requests tbody tr");
    expect(await rows.count()).toBe(6);
    const row = async (i: number) =>
      (await rows.nth(i).locator("td").allTextContents()).map((t) => t.trim());
    // newest first
    expect(await row(0)).toEqual([
      "2026-11-27 09:00:00",
      "GET /oauth/acces_token/",
      "unknown path",
      "GET",
      "",
      "404",
      "not found",
      "",
    ]);
    expect((await row(2)).slice(1, 7)).toEqual([
      "POST /oauth/client_token/",
      "clientToken",
      "POST JSON",
      `client_key=${DEMO_APP.clientKey}client_secret=***grant_type=client_credential`,
      "503",
      "fault status",
    ]);
    expect((await row(3)).slice(1, 8)).toEqual([
      "GET /oauth/access_token/",
      "accessToken",
      "GET",
      `client_key=${DEMO_APP.clientKey}client_secret=***code=${code.slice(0, 8)}…grant_type=authorization_code`,
      "200",
      "error",
      "10007",
    ]);
    expect((await row(4)).slice(1, 4)).toEqual([
      "POST /oauth/refresh_token/",
      "refreshToken",
      "POST form",
    ]);
    expect((await row(5)).slice(1, 3)).toEqual([
      "GET /oauth/access_tokenno trailing slash",
      "accessToken",
    ]);
    await expect.poll(() => rows.nth(5).locator(".badge").isVisible()).toBe(true);

    const users = (
      await page.locator("#users tbody tr").first().locator("td").allTextContents()
    ).map((t) => t.trim());
    expect(users.slice(0, 3)).toEqual([DEMO_APP.clientKey, signedIn.open_id, "Alice"]);
    expect(users[3]).toBe(
      `${signedIn.access_token.slice(0, 8)}…2026-12-12 09:00:00 (in 14 d 23 h)`,
    );
    expect(users[4]).toBe(
      `${signedIn.refresh_token.slice(0, 8)}…2026-12-27 09:00:00 (in 29 d 23 h)renewals 0 of 5`,
    );
    expect(await page.locator("#codes").textContent()).toBe("No live code.");
    expect(await page.locator("#client-tokens tbody tr td").first().textContent()).toBe(
      `${clientToken.slice(0, 8)}…`,
    );
    expect(
      (await page.locator("#faults tbody tr td").allTextContents()).map((t) => t.trim()),
    ).toEqual(["latency", "renewRefreshToken", "250 ms", "until cleared"]);
    expect(await page.locator("#stats").textContent()).toContain("accessToken 2");

    const html = await page.content();
    for (const secret of [
      DEMO_APP.clientSecret,
      code,
      signedIn.access_token,
      signedIn.refresh_token,
      clientToken,
    ]) {
      expect(html).not.toContain(secret);
    }
    await screenshot(page, "activity");
    expect(problems).toEqual([]);
  }, 60_000);

  it("/docs/control renders the control API's Redoc page: every operation, offline, no console error", async () => {
    const page = await browser.context.newPage();
    const problems = watchPage(page);
    await page.goto(`${emu.url}/docs/control`, { waitUntil: "load" });
    expect(await page.title()).toBe("Douyin OAuth emulator: control API");
    // The sidebar is an accordion: open each tag and find its operations there.
    const byTag: Array<[string, string]> = [
      ["Codes", "Issue a code for a user"],
      ["Clock", "Advance the emulator's clock"],
      ["Faults", "Inject a fault"],
      ["Reset", "Forget every code, token, fault, count and request"],
    ];
    for (const [tag, summary] of byTag) {
      await page.getByText(tag, { exact: true }).first().click();
      await expect
        .poll(() => page.getByText(summary, { exact: true }).first().isVisible())
        .toBe(true);
    }
    await screenshot(page, "docs-control");
    expect(problems).toEqual([]);
  }, 60_000);
});
