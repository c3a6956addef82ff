// The emulator's HTML: the consent page (Approve / Deny) and the index page. No external
// resources: everything renders offline.
import type { EmulatorApp, PageRequest } from "./platform.js";

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

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,"><title>${escape(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
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
<label>Douyin account <input name="user" value="demo_user" autocomplete="off"></label>
<p class="note">Redirects to <code>${escape(page.redirectUri.origin + page.redirectUri.pathname)}</code></p>
<div class="actions"><button class="approve" name="decision" value="approve">Approve</button><button name="decision" value="deny">Deny</button></div>
</form>`,
  );
}

/** The index page: where the docs are and the registered apps' credentials (local only). */
export function indexPage(apps: readonly EmulatorApp[]): string {
  const rows = apps
    .map(
      (app) =>
        `<li><strong>${escape(app.name ?? app.clientKey)}</strong><br>client_key <code>${escape(app.clientKey)}</code><br>client_secret <code>${escape(app.clientSecret)}</code><br>redirect domains: ${app.redirectDomains.map((d) => `<code>${escape(d)}</code>`).join(" ")}</li>`,
    )
    .join("");
  return layout(
    "Douyin OAuth emulator",
    `<h1><span class="brand">抖音</span> OAuth emulator</h1>
<p>A local stand-in for the Douyin Open Platform's OAuth endpoints. <a href="/docs">API docs</a></p>
<p>Registered apps (local test credentials, not real ones):</p><ul>${rows}</ul>`,
  );
}
