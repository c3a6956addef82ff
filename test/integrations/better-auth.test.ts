// Better Auth end to end: its real handler (toNodeHandler) on loopback with the memory adapter,
// configured by the README's block, signs a user in through the emulator's consent page in
// Chromium; the session holds the Douyin user (name, image, account id); then signs out.
import type { IncomingMessage } from "node:http";
import { fromNodeHeaders, toNodeHandler } from "better-auth/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { launchBrowser, screenshot, watchPage, type Browser } from "../support/browser.js";
import { html, mePage, page, profileOf, startAppServer, type AppServer } from "./app-server.js";
import { importReadmeBlock, QUICK_START_CLIENT, setQuickStartEnv } from "./readme-snippet.js";

const HOME = page(
  "Better Auth app",
  `<h1>Better Auth app</h1><button id="login">Sign in with Douyin</button>
<script>document.getElementById("login").onclick = async () => {
  const r = await fetch("/api/auth/sign-in/social", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ provider: "douyin", callbackURL: "/me" }) });
  location.href = (await r.json()).url;
};</script>`,
);
const SIGN_OUT = `<button id="logout">Sign out</button>
<script>document.getElementById("logout").onclick = async () => {
  const r = await fetch("/api/auth/sign-out", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  await r.text();
  location.href = "/me";
};</script>`;

let emu: Emulator;
let app: AppServer;
let browser: Browser;
let auth: any;

beforeAll(async () => {
  emu = await startEmulator();
  app = await startAppServer(async (url) => {
    setQuickStartEnv(emu);
    process.env.BETTER_AUTH_URL = url;
    process.env.BETTER_AUTH_SECRET = "a-test-secret-of-at-least-32-characters";
    const mod = await importReadmeBlock(
      "better-auth",
      `import { memoryAdapter } from "better-auth/adapters/memory";
${QUICK_START_CLIENT}
const database = memoryAdapter({ user: [], session: [], account: [], verification: [] });`,
    );
    auth = mod.auth;
    const handler = toNodeHandler(auth);
    return async (req, res) => {
      const path = new URL(req.url ?? "/", url).pathname;
      if (path.startsWith("/api/auth/")) return handler(req, res);
      if (path === "/") return html(res, 200, HOME);
      if (path === "/me")
        return html(res, 200, mePage("Better Auth", await signedIn(req), SIGN_OUT));
      html(res, 404, page("Not found", "not found"));
    };
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await emu?.close();
});

/** The user as Better Auth's session and account table hold them. */
async function signedIn(req: IncomingMessage) {
  const headers = fromNodeHeaders(req.headers);
  const session = await auth.api.getSession({ headers });
  if (!session) return undefined;
  const accounts: Array<{ providerId: string; accountId: string }> =
    await auth.api.listUserAccounts({ headers });
  const account = accounts.find((a) => a.providerId === "douyin");
  return {
    name: session.user.name,
    image: session.user.image,
    email: session.user.email,
    accountId: account?.accountId ?? "",
  };
}

describe("Better Auth + douyin-oauth/better-auth in Chromium", () => {
  it("signs in through the consent page; the session holds the Douyin user; signs out", async () => {
    const page = await browser.context.newPage();
    const problems = watchPage(page);
    await page.goto(app.url);
    await page.click("#login");
    await page.waitForURL(`${emu.url}/platform/oauth/connect/**`);
    const consent = new URL(page.url());
    expect(consent.searchParams.get("client_key")).toBe(emu.apps[0]!.clientKey);
    expect(consent.searchParams.get("scope")).toBe("user_info");
    expect(consent.searchParams.get("redirect_uri")).toBe(`${app.url}/api/auth/callback/douyin`);
    expect(consent.searchParams.has("code_challenge")).toBe(false);
    await page.fill('input[name="user"]', "alice");
    await page.click('button[value="approve"]');
    await page.waitForURL(`${app.url}/me`);

    // The code exchange and the profile went through the client: one call each, the profile as
    // a POST with the token in a header (the client's form), never in a URL.
    expect(emu.stats).toMatchObject({ connect: 1, accessToken: 1, userInfo: 1 });
    const asked = emu.requests().find((r) => r.operation === "userInfo")!;
    expect([asked.method, asked.form, asked.outcome]).toEqual(["POST", "POST JSON", "success"]);
    const alice = await profileOf(emu, "alice");
    expect(await page.textContent("#name")).toBe(alice.nickname);
    expect(await page.getAttribute("#avatar", "src")).toBe(alice.avatar);
    expect(await page.textContent("#account-id")).toBe(alice.open_id);
    expect(await page.textContent("#email")).toBe(`${alice.open_id}@douyin.invalid`);
    await expect
      .poll(() => page.$eval("#avatar", (img) => (img as HTMLImageElement).naturalWidth))
      .toBeGreaterThan(0);
    await screenshot(page, "better-auth-signed-in");
    const content = await page.content();
    for (const secret of ["act.", "rft.", emu.apps[0]!.clientSecret]) {
      expect(content).not.toContain(secret);
    }

    await page.click("#logout");
    await page.waitForSelector("#signed-out");
    const session = await page.evaluate(() => fetch("/api/auth/get-session").then((r) => r.json()));
    expect(session).toBeNull();
    expect(problems).toEqual([]);
  });

  it("Deny on the consent page: Better Auth's error page, no code exchanged, nobody signed in", async () => {
    const page = await browser.context.newPage();
    const before = emu.stats.accessToken;
    await page.goto(app.url);
    await page.click("#login");
    await page.waitForURL(`${emu.url}/platform/oauth/connect/**`);
    await page.click('button[value="deny"]');
    await page.waitForURL(`${app.url}/api/auth/error**`);
    expect(new URL(page.url()).searchParams.get("error")).toBe("no_code");
    expect(emu.stats.accessToken).toBe(before);
    await page.goto(`${app.url}/me`);
    await page.waitForSelector("#signed-out");
  });
});
