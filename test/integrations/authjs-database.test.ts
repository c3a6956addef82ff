// Auth.js with database sessions (issue 23): the integrations guide's block (douyinDatabaseSession,
// douyinLogger) under @auth/core's own handler, on a real SQLite file through a minimal Adapter,
// with debug on. A user signs in once in Chromium; then the app's clock and the emulator's move
// forward together, 4 days at a time, the user opening /me each time: the app reads Auth.js'
// session (its session callback brings the grant up to date), takes the access token through
// the block's douyinToken and calls Douyin on the user's behalf. Past day 15 and day 30 they
// stay signed in; once the 5 renewals are spent, /me sends them to sign in again; they do, then
// sign out, which ends the grant. Auth.js' debug log of all that holds no secret.
import { Auth } from "@auth/core";
import { mkdtempSync, rmSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDouyinOAuth } from "../../src/index.js";
import type { Emulator } from "../../src/emulator/index.js";
import { MemoryTokenStore } from "../../src/tokens/index.js";
import { launchBrowser, screenshot, watchPage, type Browser } from "../support/browser.js";
import { sqliteQuery } from "../support/sqlite-cli.js";
import {
  escape,
  html,
  page as htmlPage,
  sendWebResponse,
  startAppServer,
  toWebRequest,
  signOutOfAuthjs,
  type AppServer,
} from "./app-server.js";
import { sqliteAdapter } from "./authjs-sqlite-adapter.js";
import { startSharedClock, type SharedClock } from "../support/clocked-emulator.js";
import { importDocBlock, QUICK_START_CLIENT, setQuickStartEnv } from "./readme-snippet.js";

let shared: SharedClock;
let emu: Emulator;
let app: AppServer;
let browser: Browser;
let mod: any;
let dir: string;
let file: string;
/** Every debug line: console.debug (the block's douyinLogger), console.log (Auth.js' own). */
const logged: string[] = [];
/** When set, requests go to Auth.js with its own debug logger instead of the block's. */
let ownLogger = false;

beforeAll(async () => {
  for (const level of ["log", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    });
  }
  dir = mkdtempSync(join(tmpdir(), "authdb-authjs-"));
  file = join(dir, "auth.db");
  const { adapter } = await sqliteAdapter(file);
  shared = await startSharedClock();
  emu = shared.emu;
  app = await startAppServer(async (url) => {
    setQuickStartEnv(emu);
    process.env.AUTH_SECRET = "a-test-secret-of-at-least-32-characters";
    process.env.AUTH_DEBUG = "1";
    Object.assign(globalThis, { __authdbAdapter: adapter, __authdbStore: new MemoryTokenStore() });
    mod = await importDocBlock(
      "guide/integrations.md",
      "authjs-database",
      `${QUICK_START_CLIENT}
const adapter = (globalThis as any).__authdbAdapter;
const store = (globalThis as any).__authdbStore;`,
    );
    const douyin = createDouyinOAuth({ ...emu.apps[0]!, baseUrl: emu.url });
    const auth = (request: Request) =>
      ownLogger ? Auth(request, { ...mod.authConfig, logger: undefined }) : mod.handle(request);

    async function me(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const read = await auth(
        new Request(`${url}/auth/session`, { headers: { cookie: req.headers.cookie ?? "" } }),
      );
      const session = await read.json();
      const headers: Record<string, string | string[]> = {
        "content-type": "text/html; charset=utf-8",
      };
      const set = read.headers.getSetCookie();
      if (set.length > 0) headers["set-cookie"] = set;
      if (!session?.user) {
        res.writeHead(200, headers);
        res.end(htmlPage("Signed out", `<h1 id="signed-out">signed out</h1>`));
        return;
      }
      const accessToken = await mod.douyinToken(session);
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
          `<h1>signed in</h1><strong id="name">${escape(profile.nickname)}</strong><a id="logout" href="/auth/signout">Sign out</a>`,
        ),
      );
    }

    return async (req, res) => {
      const at = new URL(req.url ?? "/", url);
      if (at.pathname.startsWith("/auth/")) {
        return sendWebResponse(await auth(await toWebRequest(req, url)), res);
      }
      if (at.pathname === "/me") return me(req, res);
      if (at.pathname === "/") {
        return html(
          res,
          200,
          htmlPage(
            "Auth.js app",
            `<p id="ended" role="alert">Your Douyin sign-in has ended. Sign in with Douyin again.</p><a id="login" href="/auth/signin?callbackUrl=${encodeURIComponent(`${url}/me`)}">Sign in</a>`,
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
  await mod?.users.close();
  await shared?.close();
  vi.restoreAllMocks();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const advance = (days: number) => shared.advance(days);

/** Every secret this test meets, to look for in the log. */
const secrets = new Set<string>();
async function noteGrant(openId: string) {
  const record = await mod.users.get(openId);
  if (record) for (const token of [record.accessToken, record.refreshToken]) secrets.add(token);
}

async function signIn(page: import("playwright-core").Page, user: string) {
  page.on("request", (request) => {
    const code = new URL(request.url()).searchParams.get("code");
    if (code) secrets.add(code);
  });
  await page.goto(`${app.url}/auth/signin?callbackUrl=${encodeURIComponent(`${app.url}/me`)}`);
  await page.click("text=Sign in with Douyin");
  await page.waitForURL(`${emu.url}/platform/oauth/connect/**`);
  await page.fill('input[name="user"]', user);
  await page.click('button[value="approve"]');
  await page.waitForURL(`${app.url}/me`);
  for (const cookie of await page.context().cookies()) {
    if (cookie.name.includes("session-token")) secrets.add(cookie.value);
  }
}

const openIdOfSession = (page: import("playwright-core").Page) =>
  page.evaluate(() => fetch("/auth/session").then((r) => r.json()));

describe("Auth.js database sessions + douyinDatabaseSession: a user over six months", () => {
  it(
    "stays signed in past day 15 and day 30, renewed 5 times; sent to sign in again; signs in again; signs out",
    { timeout: 300_000 },
    async () => {
      const page = await browser.context.newPage();
      const problems = watchPage(page);
      await signIn(page, "heidi");
      expect(await page.textContent("#name")).toBe("heidi");
      const session = await openIdOfSession(page);
      const { openId } = session;
      expect(openId).toMatch(/^[0-9a-f-]{36}$/);
      expect(session.user.id).toMatch(/^[0-9a-f-]{36}$/);
      // The session JSON the browser reads holds no token, and no session row field.
      expect(Object.keys(session).sort()).toEqual(["expires", "openId", "user"]);
      await noteGrant(openId);
      // Auth.js linked the account in SQLite, with the first sign-in's tokens (never updated).
      const [row] = await sqliteQuery(file, "SELECT provider, providerAccountId FROM accounts");
      expect(row).toEqual({ provider: "douyin", providerAccountId: openId });

      const served: number[] = [];
      let endedOn: number | undefined;
      advance(2);
      for (let day = 2; day <= 186; day += 4) {
        await page.goto(`${app.url}/me`);
        if (new URL(page.url()).pathname === "/") {
          endedOn = day;
          break;
        }
        expect(await page.textContent("#name")).toBe("heidi");
        served.push(day);
        await noteGrant(openId);
        advance(4);
      }
      expect(served).toContain(18);
      expect(served).toContain(34);
      // Day 2 + 4k: the last visit inside the grant's six months, the first after it.
      expect([served.at(-1), endedOn]).toEqual([170, 174]);
      expect(emu.stats.renewRefreshToken).toBe(5);
      expect(await page.textContent("#ended")).toContain("Sign in with Douyin again");
      const ended = await openIdOfSession(page);
      expect(ended.douyinError).toBe("reauthorize");

      // Signing in again starts a new grant, in the same Auth.js account.
      await signIn(page, "heidi");
      expect(await page.textContent("#name")).toBe("heidi");
      expect(await mod.users.get(openId)).toMatchObject({ renewals: 0 });
      expect((await openIdOfSession(page)).douyinError).toBeUndefined();
      await noteGrant(openId);
      await screenshot(page, "authjs-database-signed-in-again");

      // Sign-out (Auth.js' own page) deletes the session row and ends the grant.
      await signOutOfAuthjs(page, app.url);
      expect(await mod.users.get(openId)).toBeUndefined();
      expect(await mod.douyinToken({ user: { id: session.user.id } })).toBeUndefined();
      expect(await sqliteQuery(file, "SELECT * FROM sessions")).toEqual([]);
      expect(problems).toEqual([]);

      // debug: true all along, through douyinLogger: the log is there, and no secret in it.
      const log = logged.join("\n");
      expect(log).toContain("adapter_linkAccount");
      expect(log).toContain('"access_token":"***"');
      secrets.add(emu.apps[0]!.clientSecret);
      expect(secrets.size).toBeGreaterThan(10);
      for (const secret of secrets) expect(log).not.toContain(secret);
    },
  );

  it("with debug on and Auth.js' own logger, a sign-in prints the tokens (what douyinLogger prevents)", async () => {
    ownLogger = true;
    logged.length = 0;
    try {
      const page = await browser.context.newPage();
      await signIn(page, "ivan");
      const { openId } = await openIdOfSession(page);
      const record = await mod.users.get(openId);
      const log = logged.join("\n");
      expect(log).toContain(record.refreshToken);
    } finally {
      ownLogger = false;
    }
  });
});
