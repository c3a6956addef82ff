// The Better Auth app of the end-to-end tests: the guide's block on a real SQLite file (Better
// Auth's own migration makes the tables), its handler (toNodeHandler) on loopback, a home page
// that signs in or signs up, and /me, which calls Douyin on the user's behalf with the token
// the guide's douyinToken() gives, or says plainly that they must sign in with Douyin again.
import { mkdtempSync, rmSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getMigrations } from "better-auth/db/migration";
import { fromNodeHeaders, toNodeHandler } from "better-auth/node";
import { createDouyinOAuth } from "../../src/index.js";
import type { Emulator } from "../../src/emulator/index.js";
import { sqliteCliDialect } from "../support/sqlite-cli.js";
import { escape, html, page, startAppServer, type AppServer } from "./app-server.js";
import { importDocBlock, QUICK_START_CLIENT, setQuickStartEnv } from "./readme-snippet.js";

const HOME = (notice: string) =>
  page(
    "Better Auth app",
    `<h1>Better Auth app</h1>${notice}
<button id="login">Sign in with Douyin</button>
<button id="login-video">Sign in with Douyin (videos too)</button>
<form id="signup"><input name="email" type="email"><input name="password" type="password"><button id="signup-button">Sign up</button></form>
<button id="connect">Connect Douyin</button>
<script>
const post = (path, body) => fetch("/api/auth" + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
document.getElementById("login").onclick = async () => {
  location.href = (await (await post("/sign-in/social", { provider: "douyin", callbackURL: "/me" })).json()).url;
};
document.getElementById("login-video").onclick = async () => {
  location.href = (await (await post("/sign-in/social", { provider: "douyin", callbackURL: "/me", scopes: ["video.list"] })).json()).url;
};
document.getElementById("signup").onsubmit = async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const r = await post("/sign-up/email", { email: f.get("email"), password: f.get("password"), name: "Email user" });
  document.body.dataset.signup = String(r.status);
};
document.getElementById("connect").onclick = async () => {
  location.href = (await (await post("/link-social", { provider: "douyin", callbackURL: "/me" })).json()).url;
};
</script>`,
  );

export interface BetterAuthApp extends AppServer {
  auth: any;
  /** The guide's module: `auth` and `douyinToken`. */
  readme: any;
  database: string;
  /** What the server log heard (Better Auth's logger), one line per call. */
  log: string[];
}

export async function startBetterAuthApp(emu: Emulator): Promise<BetterAuthApp> {
  const dir = mkdtempSync(join(tmpdir(), "integ-better-auth-"));
  const database = join(dir, "app.db");
  const log: string[] = [];
  let readme: any;
  let auth: any;
  const server = await startAppServer(async (url) => {
    setQuickStartEnv(emu);
    process.env.BETTER_AUTH_URL = url;
    process.env.BETTER_AUTH_SECRET = "a-test-secret-of-at-least-32-characters";
    (globalThis as any).__integDatabase = {
      dialect: sqliteCliDialect(database),
      type: "sqlite",
    };
    (globalThis as any).__integLog = log;
    readme = await importDocBlock(
      "guide/integrations.md",
      "better-auth",
      `${QUICK_START_CLIENT}
const database = (globalThis as any).__integDatabase;`,
    );
    auth = readme.auth;
    // The server log: Better Auth's logger, as the app would configure it (the guide's block
    // sets none); the test reads the lines.
    const context = await auth.$context;
    for (const level of ["error", "warn", "info"] as const) {
      const original = context.logger[level];
      context.logger[level] = (message: string, ...args: unknown[]) => {
        log.push(`${level}: ${message} ${args.map((a) => describe(a)).join(" ")}`);
        if (level !== "info") original.call(context.logger, message, ...args);
      };
    }
    const { runMigrations } = await getMigrations(auth.options);
    await runMigrations();
    const handler = toNodeHandler(auth);
    const douyin = createDouyinOAuth({ ...emu.apps[0]!, baseUrl: emu.url });
    return async (req, res) => {
      const at = new URL(req.url ?? "/", url);
      if (at.pathname.startsWith("/api/auth/")) return handler(req, res);
      if (at.pathname === "/") {
        const ended = at.searchParams.get("douyin") === "ended";
        const notice = ended
          ? `<p id="ended" role="alert">Your Douyin sign-in has ended: Douyin allows it for about six months. Sign in with Douyin again.</p>`
          : "";
        return html(res, 200, HOME(notice));
      }
      if (at.pathname === "/me") return me(req, res, douyin);
      html(res, 404, page("Not found", "not found"));
    };
  });

  async function me(req: IncomingMessage, res: any, douyin: ReturnType<typeof createDouyinOAuth>) {
    const headers = fromNodeHeaders(req.headers);
    const session = await auth.api.getSession({ headers });
    if (!session) return html(res, 200, page("Signed out", `<h1 id="signed-out">signed out</h1>`));
    const token = await readme.douyinToken(headers);
    if (!token) {
      res.writeHead(302, { location: "/?douyin=ended" });
      return res.end();
    }
    // On the user's behalf: their profile, with their access token.
    const profile = await douyin.userInfo(token);
    html(
      res,
      200,
      page(
        "Signed in",
        `<h1>signed in with Douyin</h1><p><strong id="name">${escape(profile.nickname)}</strong></p>
<p>account id <code id="account-id">${escape(token.openId)}</code></p>
<p>email <code id="email">${escape(session.user.email)}</code></p>`,
      ),
    );
  }

  return {
    ...server,
    get auth() {
      return auth;
    },
    get readme() {
      return readme;
    },
    database,
    log,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function describe(value: unknown): string {
  if (value instanceof Error) {
    const cause = (value as { cause?: unknown }).cause;
    return `${value.name}: ${value.message}${cause ? ` (cause: ${describe(cause)})` : ""}`;
  }
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
