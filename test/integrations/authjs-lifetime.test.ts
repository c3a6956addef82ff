// Auth.js over six months (issue 23): the guide's block (JWT sessions, douyinCallbacks) under
// @auth/core's own handler, a user signed in once in Chromium, then the app's clock and the
// emulator's moved forward together, 4 days at a time, the user opening /me each time: the app
// reads the session (which runs the jwt callback), then the token from the cookie it set, and
// calls Douyin on the user's behalf. Past day 15 and day 30 they stay signed in; once the 5
// renewals are spent and the last tokens expire, /me sends them to sign in again.
import type { IncomingMessage, ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDouyinOAuth } from "../../src/index.js";
import type { Emulator } from "../../src/emulator/index.js";
import { launchBrowser, watchPage, type Browser } from "../support/browser.js";
import {
  escape,
  html,
  page as htmlPage,
  sendWebResponse,
  startAppServer,
  toWebRequest,
  type AppServer,
} from "./app-server.js";
import { startSharedClock, type SharedClock } from "../support/clocked-emulator.js";
import { importDocBlock, QUICK_START_CLIENT, setQuickStartEnv } from "./readme-snippet.js";

let shared: SharedClock;
let emu: Emulator;
let app: AppServer;
let browser: Browser;

beforeAll(async () => {
  shared = await startSharedClock();
  emu = shared.emu;
  app = await startAppServer(async (url) => {
    setQuickStartEnv(emu);
    process.env.AUTH_SECRET = "a-test-secret-of-at-least-32-characters";
    const mod = await importDocBlock("guide/integrations.md", "authjs", QUICK_START_CLIENT);
    const douyin = createDouyinOAuth({ ...emu.apps[0]!, baseUrl: emu.url });

    async function me(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const cookie = req.headers.cookie ?? "";
      // The session read runs the jwt callback; its cookie carries the grant brought up to date.
      const read = await mod.handle(new Request(`${url}/auth/session`, { headers: { cookie } }));
      const session = await read.json();
      const set = read.headers.getSetCookie();
      const fresh = new Map(
        cookie
          .split("; ")
          .filter(Boolean)
          .map((c) => c.split(/=(.*)/s).slice(0, 2) as [string, string]),
      );
      for (const c of set) {
        const [pair] = c.split(";");
        const [name, value] = pair!.split(/=(.*)/s);
        fresh.set(name!, value!);
      }
      const headers: Record<string, string | string[]> = {
        "content-type": "text/html; charset=utf-8",
      };
      if (set.length > 0) headers["set-cookie"] = set;
      if (!session?.user) {
        res.writeHead(200, headers);
        res.end(htmlPage("Signed out", `<h1 id="signed-out">signed out</h1>`));
        return;
      }
      const accessToken = await mod.douyinToken(
        new Request(url, {
          headers: { cookie: [...fresh].map(([n, v]) => `${n}=${v}`).join("; ") },
        }),
      );
      if (session.douyinError === "reauthorize" || accessToken === undefined) {
        res.writeHead(302, { ...headers, location: "/?douyin=ended" });
        res.end();
        return;
      }
      const profile = await douyin.userInfo({ accessToken, openId: session.openId });
      res.writeHead(200, headers);
      res.end(
        htmlPage(
          "Signed in",
          `<h1>signed in</h1><strong id="name">${escape(profile.nickname)}</strong>`,
        ),
      );
    }

    return async (req, res) => {
      const at = new URL(req.url ?? "/", url);
      if (at.pathname.startsWith("/auth/")) {
        return sendWebResponse(await mod.handle(await toWebRequest(req, url)), res);
      }
      if (at.pathname === "/me") return me(req, res);
      if (at.pathname === "/") {
        return html(
          res,
          200,
          htmlPage(
            "Auth.js app",
            `<p id="ended" role="alert">Your Douyin sign-in has ended: Douyin allows it for about six months. Sign in with Douyin again.</p><a id="login" href="/auth/signin?callbackUrl=${encodeURIComponent(`${url}/me`)}">Sign in</a>`,
          ),
        );
      }
      html(res, 404, htmlPage("Not found", "not found"));
    };
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await shared?.close();
});

const advance = (days: number) => shared.advance(days);

describe("Auth.js + douyinCallbacks: a user over six months", () => {
  it(
    "stays signed in past day 15 and day 30, renewed 5 times; then is sent to sign in again",
    { timeout: 240_000 },
    async () => {
      const page = await browser.context.newPage();
      const problems = watchPage(page);
      await page.goto(`${app.url}/auth/signin?callbackUrl=${encodeURIComponent(`${app.url}/me`)}`);
      await page.click("text=Sign in with Douyin");
      await page.waitForURL(`${emu.url}/platform/oauth/connect/**`);
      await page.fill('input[name="user"]', "heidi");
      await page.click('button[value="approve"]');
      await page.waitForURL(`${app.url}/me`);
      const heidi = await page.textContent("#name");
      expect(heidi).toBe("heidi");

      const served: number[] = [];
      let endedOn: number | undefined;
      advance(2);
      for (let day = 2; day <= 186; day += 4) {
        await page.goto(`${app.url}/me`);
        if (new URL(page.url()).pathname === "/") {
          endedOn = day;
          break;
        }
        expect(await page.textContent("#name")).toBe(heidi);
        served.push(day);
        advance(4);
      }
      expect(served).toContain(18);
      expect(served).toContain(34);
      expect(served.at(-1)).toBeGreaterThan(150);
      expect(endedOn).toBeDefined();
      expect(await page.textContent("#ended")).toContain("Sign in with Douyin again");
      expect(emu.stats.renewRefreshToken).toBe(5);
      // The session JSON the browser can read holds no token.
      const session = await page.evaluate(() => fetch("/auth/session").then((r) => r.text()));
      for (const secret of ["act.", "rft."]) expect(session).not.toContain(secret);
      expect(problems).toEqual([]);
    },
  );
});
