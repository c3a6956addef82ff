// Auth.js end to end: @auth/core's real handler, Auth(request, config), on loopback with JWT
// sessions (no adapter), configured by the guide's block; its built-in sign-in page sends
// Chromium to the emulator's consent page; the session holds the Douyin user (name, image,
// account id); then its sign-out page signs out.
import type { IncomingMessage } from "node:http";
import { Auth, type AuthConfig } from "@auth/core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { launchBrowser, screenshot, watchPage, type Browser } from "../support/browser.js";
import {
  html,
  mePage,
  page,
  profileOf,
  sendWebResponse,
  startAppServer,
  toWebRequest,
  signOutOfAuthjs,
  type AppServer,
} from "./app-server.js";
import { importDocBlock, QUICK_START_CLIENT, setQuickStartEnv } from "./readme-snippet.js";

let emu: Emulator;
let app: AppServer;
let browser: Browser;
let authConfig: AuthConfig;

beforeAll(async () => {
  emu = await startEmulator();
  app = await startAppServer(async (url) => {
    setQuickStartEnv(emu);
    process.env.AUTH_SECRET = "a-test-secret-of-at-least-32-characters";
    const mod = await importDocBlock("guide/integrations.md", "authjs", QUICK_START_CLIENT);
    authConfig = mod.authConfig;
    return async (req, res) => {
      const path = new URL(req.url ?? "/", url).pathname;
      if (path.startsWith("/auth/")) {
        return sendWebResponse(await mod.handle(await toWebRequest(req, url)), res);
      }
      if (path === "/me") {
        return html(res, 200, mePage("Auth.js", await signedIn(req, url), SIGN_OUT));
      }
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

const SIGN_OUT = `<a id="logout" href="/auth/signout">Sign out</a>`;

/** The user as Auth.js's own /auth/session answers for this browser's cookies. */
async function signedIn(req: IncomingMessage, origin: string) {
  const response: Response = await Auth(
    new Request(`${origin}/auth/session`, { headers: { cookie: req.headers.cookie ?? "" } }),
    authConfig,
  );
  const session = await response.json();
  if (!session?.user) return undefined;
  return {
    name: session.user.name,
    image: session.user.image,
    email: String(session.user.email ?? "(none)"),
    accountId: session.openId,
  };
}

// Each test drives Chromium through a sign-in: seconds alone, longer on a loaded machine.
describe("Auth.js + douyin-oauth/authjs in Chromium", { timeout: 90_000 }, () => {
  it("signs in through the consent page; the session holds the Douyin user; signs out", async () => {
    const page = await browser.context.newPage();
    const problems = watchPage(page);
    await page.goto(`${app.url}/auth/signin?callbackUrl=${encodeURIComponent(`${app.url}/me`)}`);
    await page.click("text=Sign in with Douyin");
    await page.waitForURL(`${emu.url}/platform/oauth/connect/**`);
    const consent = new URL(page.url());
    expect(consent.searchParams.get("client_key")).toBe(emu.apps[0]!.clientKey);
    expect(consent.searchParams.get("scope")).toBe("user_info");
    expect(consent.searchParams.get("redirect_uri")).toBe(`${app.url}/auth/callback/douyin`);
    expect(consent.searchParams.has("code_challenge")).toBe(false);
    await page.fill('input[name="user"]', "bob");
    await page.click('button[value="approve"]');
    await page.waitForURL(`${app.url}/me`);

    // The code exchange and the profile went through the client: one call each, the profile as
    // a POST with the token in a header (the client's form), never in a URL.
    expect(emu.stats).toMatchObject({ connect: 1, accessToken: 1, userInfo: 1 });
    const asked = emu.requests().find((r) => r.operation === "userInfo")!;
    expect([asked.method, asked.form, asked.outcome]).toEqual(["POST", "POST JSON", "success"]);
    const bob = await profileOf(emu, "bob");
    expect(await page.textContent("#name")).toBe(bob.nickname);
    expect(await page.getAttribute("#avatar", "src")).toBe(bob.avatar);
    expect(await page.textContent("#account-id")).toBe(bob.open_id);
    expect(await page.textContent("#email")).toBe("(none)");
    await expect
      .poll(() => page.$eval("#avatar", (img) => (img as HTMLImageElement).naturalWidth))
      .toBeGreaterThan(0);
    await screenshot(page, "authjs-signed-in");

    await signOutOfAuthjs(page, app.url);
    expect(problems).toEqual([]);
  });

  it("Deny on the consent page: the sign-in page with AccessDenied, no code exchanged, nobody signed in", async () => {
    const page = await browser.context.newPage();
    const problems = watchPage(page);
    const before = emu.stats.accessToken;
    await page.goto(`${app.url}/auth/signin?callbackUrl=${encodeURIComponent(`${app.url}/me`)}`);
    await page.click("text=Sign in with Douyin");
    await page.waitForURL(`${emu.url}/platform/oauth/connect/**`);
    await page.click('button[value="deny"]');
    // The emulator sends the state and no error parameter (the platform's refusal is not
    // documented); the guide's douyinDenied answers that callback before Auth.js does.
    await page.waitForURL(`${app.url}/auth/signin?error=AccessDenied`);
    expect(await page.textContent(".error")).toContain("Unable to sign in.");
    await screenshot(page, "authjs-denied");
    expect(emu.stats.accessToken).toBe(before);
    // The user can try again from there.
    await page.click("text=Sign in with Douyin");
    await page.waitForURL(`${emu.url}/platform/oauth/connect/**`);
    await page.goto(`${app.url}/me`);
    await page.waitForSelector("#signed-out");
    expect(problems).toEqual([]);
  });

  for (const { operation, step } of [
    { operation: "accessToken", step: "the code exchange" },
    { operation: "userInfo", step: "the user info call" },
  ] as const) {
    it(`a failed ${operation} call: Auth.js' sign-in page says so; the cause, redacted, in its log`, async () => {
      const page = await browser.context.newPage();
      let code: string | undefined;
      page.on("request", (request) => {
        const url = new URL(request.url());
        if (url.pathname === "/auth/callback/douyin") code ??= url.searchParams.get("code")!;
      });
      const logged: string[] = [];
      const spy = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(" "));
      });
      try {
        await page.goto(
          `${app.url}/auth/signin?callbackUrl=${encodeURIComponent(`${app.url}/me`)}`,
        );
        await page.click("text=Sign in with Douyin");
        await page.waitForURL(`${emu.url}/platform/oauth/connect/**`);
        await page.fill('input[name="user"]', "frank");
        emu.injectFault({ operation, kind: "status", status: 503 });
        await page.click('button[value="approve"]');
        await page.waitForURL(`${app.url}/auth/signin?error=OAuthCallbackError`);
      } finally {
        emu.clearFaults();
        spy.mockRestore();
      }
      // Auth.js' own sign-in page: its message for a failed OAuth callback, and the button.
      expect(await page.textContent(".error")).toContain(
        "Try signing in with a different account.",
      );
      expect(await page.isVisible("text=Sign in with Douyin")).toBe(true);
      await screenshot(page, `authjs-${operation}-failed`);
      const log = logged.join("\n");
      expect(log).toContain(`OAuthCallbackError: Douyin: ${step} failed`);
      expect(log).toContain(`DouyinTransportError: ${operation}:`);
      expect(log).toContain('"provider": "douyin"');
      expect(code).toBeTruthy();
      expect(log).not.toContain(code!);
      expect(log).not.toMatch(/act\.|rft\./);
      await page.goto(`${app.url}/me`);
      await page.waitForSelector("#signed-out");
    });
  }
});
