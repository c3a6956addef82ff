// The emulator's HTML: the consent page (Approve / Deny), the index page and the activity page.
// No external resources: everything renders offline.
import type { Control } from "./control.js";
import { DEMO_APP } from "./demo-app.js";
import type { RegisteredApp } from "./ledger.js";
import type { PageRequest } from "./page-check.js";

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#161823}
main{max-width:28rem;margin:3rem auto;background:#fff;border-radius:12px;padding:2rem;box-shadow:0 2px 12px #0001}
h1{font-size:1.3rem;margin:0 0 1rem}.brand{color:#fe2c55;font-weight:700}
ul{padding-left:1.2rem}label{display:block;margin:.3rem 0}
.actions{display:flex;gap:.75rem;margin-top:1.5rem}
button{flex:1;font:inherit;padding:.6rem;border-radius:8px;border:1px solid #ccc;background:#fff;cursor:pointer}
button.approve{background:#fe2c55;border-color:#fe2c55;color:#fff}
code{background:#f0f0f0;padding:.1rem .3rem;border-radius:4px;word-break:break-all}
.note{color:#666;font-size:.85rem}`;

function layout(title: string, body: string, head = ""): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,">${head}<title>${escape(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

/** The consent page of connect / authorize: requested scopes, optional ones as checkboxes. */
export function consentPage(page: PageRequest, action: string): string {
  const hidden = Object.entries(page.query)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`)
    .join("");
  const required = page.scopes.map((scope) => `<li><code>${escape(scope)}</code></li>`).join("");
  const optional = page.optional
    .map(
      ({ scope, ticked }) =>
        `<label><input type="checkbox" name="optional_scope" value="${escape(scope)}"${ticked ? " checked" : ""}> <code>${escape(scope)}</code></label>`,
    )
    .join("");
  return layout(
    "Authorize — Douyin OAuth emulator",
    `<h1><span class="brand">抖音</span> emulator: authorize ${escape(page.app.name ?? page.app.clientKey)}</h1>
<form method="post" action="${escape(action)}">${hidden}
<p>The app asks for:</p><ul id="scopes">${required}</ul>
${optional ? `<p>Optional:</p><div id="optional-scopes">${optional}</div>` : ""}
<label>Douyin account <input name="user" value="demo_user" autocomplete="off" maxlength="64"></label>
<p class="note">The account's name is the user's nickname in <code>/oauth/userinfo/</code>, unless the test gave one.</p>
<p class="note">Redirects to <code>${escape(page.redirectUri.origin + page.redirectUri.pathname)}</code></p>
<div class="actions"><button class="approve" name="decision" value="approve">Approve</button><button name="decision" value="deny">Deny</button></div>
</form>`,
  );
}

const redirects = (label: string, list: readonly string[]) =>
  list.length === 0
    ? ""
    : `<br>${label}: ${list.map((d) => `<code>${escape(d)}</code>`).join(" ")}`;

/**
 * The index page: where the docs and the activity are, and the registered apps. Only the demo
 * app's secret (a public test value) is shown; any other app's never is.
 */
export function indexPage(apps: readonly RegisteredApp[]): string {
  const rows = apps
    .map((app) => {
      const secret =
        app.clientSecret === DEMO_APP.clientSecret
          ? `<code>${escape(app.clientSecret)}</code> (the public demo value)`
          : "(not shown)";
      return `<li><strong>${escape(app.name ?? app.clientKey)}</strong><br>client_key <code>${escape(app.clientKey)}</code><br>client_secret ${secret}${redirects("redirect domains", app.redirectDomains)}${redirects("redirect URIs", app.redirectUris)}</li>`;
    })
    .join("");
  return layout(
    "Douyin OAuth emulator",
    `<h1><span class="brand">抖音</span> OAuth emulator</h1>
<p>A local stand-in for the Douyin Open Platform's OAuth endpoints. <a href="/docs">API docs</a> (spec: <a href="/openapi.yaml">openapi.yaml</a>, <a href="/openapi.json">openapi.json</a>) · <a href="/_emulator">activity</a> · <a href="/docs/control">control API</a> (spec: <a href="/_emulator/openapi.yaml">openapi.yaml</a>, <a href="/_emulator/openapi.json">openapi.json</a>)</p>
<p>Registered apps (local test credentials):</p><ul>${rows}</ul>`,
  );
}

// ---- the activity page ------------------------------------------------------------------------

const ACTIVITY_STYLE = `
main.wide{max-width:72rem}
h2{font-size:1.05rem;margin:1.6rem 0 .5rem}
table{border-collapse:collapse;width:100%;font-size:.85rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eee;vertical-align:top}
th{color:#555;font-weight:600;background:#fafafa}
.ok{color:#0a7d32}.err{color:#c3002f}.fault{color:#9a5b00}
.badge{display:inline-block;font-size:.72rem;padding:0 .35rem;border-radius:4px;background:#fff3cd;color:#7a5b00;margin-left:.3rem}
.muted{color:#777}.params code{margin-right:.3rem}td.nowrap,td.nowrap code{white-space:nowrap;word-break:normal}`;

const time = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 19);

/** "in 14 d 23 h", "in 9 min", "expired". */
function remaining(ms: number): string {
  if (ms <= 0) return "expired";
  const minutes = Math.floor(ms / 60_000);
  const [d, h, m] = [Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60), minutes % 60];
  if (d > 0) return `in ${d} d ${h} h`;
  if (h > 0) return `in ${h} h ${m} min`;
  return minutes > 0 ? `in ${m} min` : `in ${Math.ceil(ms / 1000)} s`;
}

function table(id: string, headers: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="muted" id="${id}">${escape(empty)}</p>`;
  const head = headers.map((h) => `<th>${escape(h)}</th>`).join("");
  // The first two columns (a time, a request or a key) read best unbroken.
  const body = rows.map(
    (cells) =>
      `<tr>${cells.map((c, i) => (i < 2 ? `<td class="nowrap">${c}</td>` : `<td>${c}</td>`)).join("")}</tr>`,
  );
  return `<table id="${id}"><thead><tr>${head}</tr></thead><tbody>${body.join("")}</tbody></table>`;
}

const code = (text: string) => `<code>${escape(text)}</code>`;

/**
 * What the emulator received and holds, for a person: the last requests, live users, codes and
 * tokens with their expiry on the emulator's clock, active faults, calls per operation. The same
 * data as the control API's listings, secrets already redacted there.
 */
export function activityPage(control: Control, refreshSeconds: number): string {
  const live = control.tokens();
  const { now } = live;
  const { offsetMs } = control.readClock();
  const expiry = (at: number) =>
    `${escape(time(at))} <span class="muted">(${remaining(at - now)})</span>`;
  const outcome = (text: string) => {
    const kind = text.startsWith("fault")
      ? "fault"
      : text.startsWith("success") || text === "redirect" || text === "consent page"
        ? "ok"
        : "err";
    return `<span class="${kind}">${escape(text)}</span>`;
  };
  const requests = control.activity.list().map((r) => [
    escape(time(r.at)),
    `${escape(r.method)} ${code(r.path)}${r.withoutSlash ? '<span class="badge">no trailing slash</span>' : ""}`,
    r.operation === null ? '<span class="muted">unknown path</span>' : escape(r.operation),
    escape(r.form),
    `<span class="params">${Object.entries(r.params)
      .map(([k, v]) => code(`${k}=${v}`))
      .join("")}</span>`,
    String(r.status || "cut"),
    outcome(r.outcome),
    r.errorCode === undefined ? "" : code(String(r.errorCode)),
  ]);
  const refreshOf = new Map<string, (typeof live.refreshTokens)[number]>(
    live.refreshTokens.map((t) => [`${t.clientKey}\u0000${t.openId}`, t] as const),
  );
  const accessOf = new Map<string, (typeof live.accessTokens)[number]>(
    live.accessTokens.map((t) => [`${t.clientKey}\u0000${t.openId}`, t] as const),
  );
  const users = live.users.map((u) => {
    const key = `${u.clientKey}\u0000${u.openId}`;
    const refresh = refreshOf.get(key);
    const access = accessOf.get(key);
    return [
      code(u.clientKey),
      code(u.openId),
      escape(u.profile?.nickname ?? ""),
      access
        ? `${code(access.token)}<br>${expiry(access.expiresAt)}`
        : '<span class="muted">none</span>',
      refresh
        ? `${code(refresh.token)}<br>${expiry(refresh.expiresAt)}<br><span class="muted">renewals ${refresh.renewals ?? 0} of 5</span>`
        : '<span class="muted">none</span>',
    ];
  });
  const codes = live.codes.map((c) => [
    code(c.code),
    code(c.clientKey),
    code(c.openId),
    escape(c.scope),
    expiry(c.expiresAt),
  ]);
  const clientTokens = live.clientTokens.map((t) => [
    code(t.token),
    code(t.clientKey),
    t.stable ? "stable" : "client_token",
    expiry(t.expiresAt),
  ]);
  const faults = control
    .listFaults()
    .faults.map((f) => [
      escape(f.kind),
      escape(f.operation ?? "every token call"),
      escape(
        f.kind === "latency"
          ? `${f.latencyMs ?? 1000} ms`
          : f.kind === "status"
            ? String(f.status ?? 503)
            : "",
      ),
      f.left === null ? "until cleared" : String(f.left),
    ]);
  const { calls } = control.stats();
  const stats = Object.entries(calls)
    .map(([name, count]) => `${escape(name)} <strong>${count}</strong>`)
    .join(" · ");
  const refresh =
    refreshSeconds > 0 ? `<meta http-equiv="refresh" content="${refreshSeconds}">` : "";
  const head = `${refresh}<style>${ACTIVITY_STYLE}</style>`;
  return layout(
    "Activity — Douyin OAuth emulator",
    `<h1><span class="brand">抖音</span> OAuth emulator: activity</h1>
<p>Emulator clock <strong id="clock">${escape(time(now))} UTC</strong>${offsetMs > 0 ? ` <span class="muted">(advanced by ${escape(remaining(offsetMs).replace("in ", ""))})</span>` : ""} · <a href="/_emulator${refreshSeconds > 0 ? "" : "?refresh=2"}">${refreshSeconds > 0 ? "stop refreshing" : "refresh every 2 s"}</a> · <a href="/">apps</a> · <a href="/docs/control">control API</a></p>
<p class="note">Secrets are redacted: client_secret as <code>***</code>, codes and tokens as their first characters.</p>
<h2>Recent requests</h2>
${table("requests", ["Time", "Request", "Operation", "Form", "Parameters", "Status", "Outcome", "error_code"], requests, "No request yet.")}
<h2>Live users</h2>
${table("users", ["App", "open_id", "Nickname", "Access token", "Refresh token"], users, "No user holds a token.")}
<h2>Live codes</h2>
${table("codes", ["Code", "App", "open_id", "Scope", "Expires"], codes, "No live code.")}
<h2>Client tokens</h2>
${table("client-tokens", ["Token", "App", "Kind", "Expires"], clientTokens, "No live client token.")}
<h2>Active faults</h2>
${table("faults", ["Kind", "Operation", "Detail", "Requests left"], faults, "No fault is active.")}
<h2>Calls per operation</h2>
<p id="stats">${stats}</p>`,
    head,
  ).replace("<main>", '<main class="wide">');
}
