// The emulator's /docs page in a real browser: every operation, no console errors, offline.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { launchBrowser, screenshot, watchPage, type Browser } from "../support/browser.js";
import { readSpec } from "../support/project.js";

let emu: Emulator;
let browser: Browser;
beforeAll(async () => {
  emu = await startEmulator();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await emu?.close();
});

describe("/docs in Chromium", () => {
  it("lists every operation (the seed's seven, the POST forms, userinfo) under their tags, with no console error and nothing off loopback", async () => {
    const page = await browser.context.newPage();
    const problems = watchPage(page);
    await page.goto(`${emu.url}/docs`, { waitUntil: "load" });
    const spec = readSpec();
    const byTag = new Map<string, string[]>();
    for (const item of Object.values<any>(spec.paths)) {
      for (const op of Object.values<any>(item)) {
        byTag.set(op.tags[0], [...(byTag.get(op.tags[0]) ?? []), op.summary]);
      }
    }
    // the seed's seven, the four POST forms, stable_client_token and userinfo
    expect([...byTag.values()].flat()).toHaveLength(13);
    expect([...byTag.keys()].sort()).toEqual(["Authorization pages", "Tokens", "User information"]);
    // The sidebar is an accordion: open each tag and find its operations there.
    for (const [tag, summaries] of byTag) {
      await page.getByText(tag, { exact: true }).first().click();
      for (const summary of summaries) {
        await expect
          .poll(() => page.getByText(summary, { exact: true }).first().isVisible())
          .toBe(true);
      }
    }
    await page.getByText("Tokens", { exact: true }).first().click();
    await page
      .getByText(byTag.get("Tokens")![0]!, { exact: true })
      .first()
      .click({ timeout: 10_000 });
    await expect.poll(() => page.getByText("/oauth/access_token/").first().isVisible()).toBe(true);
    await screenshot(page, "docs");
    expect(problems).toEqual([]);
  }, 60_000);
});
