// The example web app: "Log in with Douyin", the callback, and a signed-in page with the user's
// avatar and nickname (douyin.userInfo, called on each visit with the access token the manager
// serves) and buttons to refresh the access token, run the renewal sweep and fetch a client
// token. The user's tokens are kept by createUserTokenManager, which refreshes and renews them
// as the visits come, so a session lives as long as the platform allows. It uses only the
// package's public API; tokens stay on the server and are never shown, logged or put in a URL.
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import {
  DouyinCallbackError,
  DouyinError,
  DouyinOAuthError,
  DouyinTransportError,
  generateState,
} from "douyin-oauth";
import {
  createUserTokenManager,
  DouyinReauthorizeError,
  MemoryTokenStore,
} from "douyin-oauth/tokens";

const MAX_SESSIONS = 1_000;

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title, body) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,"><title>${escape(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#161823}
.login,button{font:inherit;padding:.6rem 1rem;border-radius:8px;border:1px solid #ccc;background:#fff;cursor:pointer}
.login{background:#161823;color:#fff;text-decoration:none;display:inline-block}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{color:#666}dd{margin:0;word-break:break-all}
form{display:inline}.actions{display:flex;gap:.5rem;flex-wrap:wrap;margin:1rem 0}
.box{padding:1rem;border-radius:8px;background:#f4f5f7}.error{background:#fde8ec}
.profile{display:flex;align-items:center;gap:1rem;margin:1rem 0}.profile img{width:72px;height:72px;border-radius:50%;object-fit:cover;background:#f4f5f7}
.profile strong{font-size:1.3rem}</style></head>
<body>${body}</body></html>`;

/** What a person may see of an error: its class and non-secret fields. */
export function describeError(error) {
  if (error instanceof DouyinOAuthError) {
    return {
      type: error.name,
      fields: {
        operation: error.operation,
        errorCode: error.errorCode,
        description: error.description,
        logId: error.logId ?? "",
      },
    };
  }
  if (error instanceof DouyinTransportError) {
    return {
      type: error.name,
      fields: { operation: error.operation, kind: error.kind, status: error.status ?? "" },
    };
  }
  if (error instanceof DouyinCallbackError)
    return { type: error.name, fields: { reason: error.reason } };
  if (error instanceof DouyinError) return { type: error.name, fields: {} };
  return { type: "Error", fields: { message: "unexpected error" } };
}

const errorBox = (error) => {
  const { type, fields } = describeError(error);
  const rows = Object.entries(fields)
    .map(([k, v]) => `<dt>${escape(k)}</dt><dd>${escape(v)}</dd>`)
    .join("");
  return `<div class="box error" id="error"><strong id="error-type">${escape(type)}</strong><dl>${rows}</dl><p>${escape(error.message)}</p></div>`;
};

const when = (ms) => new Date(ms).toISOString();

/**
 * Starts the example app.
 * @param {{ douyin: import("douyin-oauth").DouyinOAuth, port?: number, host?: string,
 *   redirectUri?: string, scope?: string[], optionalScope?: Record<string, boolean>,
 *   now?: () => number }} options  `now`: the platform's clock, for tokens' expiry (default
 *   Date.now; against the emulator, its `now`, so moving its clock moves the app's tokens too)
 */
export async function startExampleApp(options) {
  const {
    douyin,
    host = "127.0.0.1",
    scope = ["user_info"],
    optionalScope = { "video.list": true, mobile: false },
    now = Date.now,
  } = options;
  const sessions = new Map();
  let redirectUri = options.redirectUri;
  // The user's tokens live in the manager, with absolute expiry times: it refreshes the access
  // token a day ahead and renews the refresh token in its last 5 days. With several servers, give
  // every manager the same Redis store (guide/tokens.md, "Running several servers").
  const store = new MemoryTokenStore(now);
  const users = createUserTokenManager(douyin, { store, now });
  // The Refresh button's manager: same store, but every access token counts as due, so
  // getAccessToken refreshes now (a demo of what the first one does a day before expiry).
  const eager = createUserTokenManager(douyin, {
    store,
    now,
    refreshBeforeExpiryMs: 15 * 86_400_000,
  });

  function session(req, res) {
    const sid = /(?:^|;\s*)sid=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? "")?.[1];
    if (sid && sessions.has(sid)) return sessions.get(sid);
    const id = randomBytes(18).toString("base64url");
    if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value);
    const fresh = { id };
    sessions.set(id, fresh);
    res.setHeader("set-cookie", `sid=${id}; HttpOnly; SameSite=Lax; Path=/`);
    return fresh;
  }

  const html = (res, status, title, body) => {
    res.writeHead(status, {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
    });
    res.end(page(title, body));
  };
  const go = (res, location, status = 302) => {
    res.writeHead(status, { location, "cache-control": "no-store" });
    res.end();
  };

  function signedIn(s, record, u, problem) {
    const result =
      s.last === undefined
        ? ""
        : s.last.error
          ? errorBox(s.last.error)
          : `<div class="box" id="result">${escape(s.last.text)}</div>`;
    s.last = undefined;
    return page(
      "Signed in",
      `<h1>Signed in with Douyin</h1>
<div class="profile"><img id="avatar" src="${escape(u.avatar)}" alt="" referrerpolicy="no-referrer"><strong id="nickname">${escape(u.nickname)}</strong></div>
<dl><dt>open_id</dt><dd id="open-id">${escape(u.openId)}</dd>
<dt>union_id</dt><dd id="union-id">${escape(u.unionId)}</dd>
<dt>granted scopes</dt><dd id="scopes">${escape(u.scopes.join(", ") || "(none reported)")}</dd>
<dt>access token expires</dt><dd id="access-expiry">${when(record.accessExpiresAt)}</dd>
<dt>refresh token expires</dt><dd id="refresh-expiry">${when(record.refreshExpiresAt)}</dd>
<dt>refresh token renewals</dt><dd id="renewals">${record.renewals}</dd></dl>${problem ? errorBox(problem) : ""}
<div class="actions"><form method="post" action="/refresh"><button id="refresh">Refresh access token</button></form>
<form method="post" action="/sweep"><button id="sweep">Run the renewal sweep</button></form>
<form method="post" action="/client-token"><button id="client-token">Fetch client token</button></form>
<form method="post" action="/logout"><button id="logout">Log out</button></form></div>${result}`,
    );
  }

  async function act(s, work) {
    try {
      s.last = { text: await work() };
    } catch (error) {
      s.last = { error };
    }
  }

  async function route(req, res) {
    const url = new URL(req.url ?? "/", "http://app.invalid");
    const s = session(req, res);
    const key = `${req.method} ${url.pathname}`;
    if (key === "GET /") {
      if (s.user) return go(res, "/me");
      const ended = url.searchParams.has("ended")
        ? `<p class="box" id="ended" role="alert">Your Douyin sign-in has ended (Douyin allows about six months, or it was revoked): log in again.</p>`
        : "";
      return html(
        res,
        200,
        "Example app",
        `<h1>Example app</h1>${ended}<p>Sign in to see your Douyin open_id and tokens' lifetimes.</p><a class="login" id="login" href="/login">Log in with Douyin</a>`,
      );
    }
    if (key === "GET /login") {
      s.state = generateState();
      return go(res, douyin.connectUrl({ scope, optionalScope, redirectUri, state: s.state }).href);
    }
    if (key === "GET /callback") {
      try {
        if (!s.state) throw new DouyinCallbackError("state_missing");
        const { code, scopes } = douyin.parseCallback(req.url, { state: s.state });
        s.state = undefined;
        const tokens = await douyin.accessToken({ code });
        const { openId } = await users.save(tokens);
        // Who signed in: the signed-in page asks Douyin, with the token the manager holds.
        s.user = { openId, scopes: scopes ?? tokens.scope.split(",") };
        s.profile = undefined;
        return go(res, "/me");
      } catch (error) {
        const status = error instanceof DouyinCallbackError ? 400 : 502;
        return html(
          res,
          status,
          "Sign-in failed",
          `<h1>Sign-in failed</h1>${errorBox(error)}<p><a href="/">Back</a></p>`,
        );
      }
    }
    if (key === "GET /me") {
      if (!s.user) return go(res, "/");
      const { openId } = s.user;
      // Each visit calls Douyin on the user's behalf: the manager refreshes the access token near
      // its expiry and renews the refresh token in its last 5 days before it hands one out.
      let profile = s.profile;
      let problem;
      try {
        const accessToken = await users.getAccessToken(openId);
        profile = await douyin.userInfo({ accessToken, openId });
        s.profile = profile;
      } catch (error) {
        if (error instanceof DouyinReauthorizeError) {
          s.user = s.profile = undefined;
          return go(res, "/?ended");
        }
        problem = error; // the platform or the network failed: the last profile, and why
      }
      const record = await users.get(openId);
      if (!record) return go(res, "/");
      if (!profile) {
        return html(
          res,
          502,
          "Douyin is unavailable",
          `<h1>Douyin is unavailable</h1>${errorBox(problem)}<p><a href="/me">Try again</a></p>`,
        );
      }
      const shown = {
        openId,
        unionId: profile.union_id,
        nickname: profile.nickname,
        avatar: profile.avatar,
        scopes: s.user.scopes,
      };
      res.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
      });
      return res.end(signedIn(s, record, shown, problem));
    }
    if (req.method === "POST" && !s.user) return go(res, "/", 303);
    if (key === "POST /refresh") {
      await act(s, async () => {
        await eager.getAccessToken(s.user.openId);
        const { accessExpiresAt } = await users.get(s.user.openId);
        const seconds = Math.round((accessExpiresAt - now()) / 1000);
        return `Access token refreshed: valid for ${seconds} s more.`;
      });
      return go(res, "/me", 303);
    }
    if (key === "POST /sweep") {
      await act(s, async () => {
        // What a daily cron job runs: renews every stored refresh token in its last 5 days.
        const { users: seen, renewed, skipped, failed } = await users.renewDue();
        return `Renewal sweep: ${seen} user(s), ${renewed} renewed, ${skipped} not due, ${failed} failed.`;
      });
      return go(res, "/me", 303);
    }
    if (key === "POST /client-token") {
      await act(s, async () => {
        const data = await douyin.clientToken();
        return `Client token fetched: valid for ${data.expires_in} s.`;
      });
      return go(res, "/me", 303);
    }
    if (key === "POST /logout") {
      await users.delete(s.user.openId);
      sessions.delete(s.id);
      return go(res, "/", 303);
    }
    return html(res, 404, "Not found", "<h1>Not found</h1>");
  }

  const server = createServer((req, res) => {
    route(req, res).catch(() => {
      if (!res.headersSent) html(res, 500, "Error", "<h1>Something went wrong</h1>");
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const url = `http://${host}:${server.address().port}`;
  redirectUri ??= `${url}/callback`;
  return {
    url,
    redirectUri,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
