// The example app's flow with no browser: follows the same redirects and submits the same
// forms a person would, printing each step. Codes and tokens are never printed.
import { redactUrl } from "douyin-oauth";

const attr = (tag, name) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
const unescape = (text) =>
  text.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)));
const textOf = (html, id) => {
  const match = new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</`).exec(html);
  return match ? unescape(match[1]).trim() : undefined;
};

/**
 * Runs login → consent (approve) → callback → signed-in page (nickname) → refresh → renewal sweep → client token,
 * then a tampered callback, against the app at `appUrl`. Throws when a step goes wrong.
 */
export async function runHeadlessDemo(appUrl, log = console.log) {
  let cookie = "";
  const request = async (url, init = {}) => {
    const res = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: { ...(cookie ? { cookie } : {}), ...init.headers },
      signal: AbortSignal.timeout(10_000),
    });
    const set = res.headers.get("set-cookie");
    if (set) cookie = set.split(";")[0];
    return res;
  };
  const expect = (condition, what) => {
    if (!condition) throw new Error(`headless demo: ${what}`);
  };
  const follow = async (res) => request(new URL(res.headers.get("location"), appUrl));

  const login = await request(new URL("/login", appUrl));
  expect(login.status === 302, "/login should redirect to the consent page");
  const consentUrl = new URL(login.headers.get("location"));
  log(`1. GET /login → 302 to the consent page ${consentUrl.origin}${consentUrl.pathname}`);

  const consent = await request(consentUrl);
  const form = await consent.text();
  expect(
    consent.status === 200 && form.includes('value="approve"'),
    "the consent page should offer Approve",
  );
  const scopes = [...form.matchAll(/<li><code>([^<]*)<\/code><\/li>/g)].map((m) => unescape(m[1]));
  const fields = new URLSearchParams();
  for (const [tag] of form.matchAll(/<input[^>]*>/g)) {
    const type = attr(tag, "type");
    const name = attr(tag, "name");
    if (!name) continue;
    if (type === "checkbox" && !tag.includes(" checked")) continue;
    fields.append(name, unescape(attr(tag, "value") ?? ""));
  }
  fields.set("decision", "approve");
  log(
    `2. consent page asks for ${scopes.join(", ")}; optional pre-ticked: ${fields.getAll("optional_scope").join(", ") || "none"}`,
  );

  const approved = await request(
    new URL(unescape(attr(form.match(/<form[^>]*>/)[0], "action")), consentUrl),
    {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: fields.toString(),
    },
  );
  expect(approved.status === 302, "Approve should redirect back to the app");
  log(`3. Approve → 302 to ${redactUrl(approved.headers.get("location"))}`);

  const callback = await follow(approved);
  expect(
    callback.status === 302 && callback.headers.get("location") === "/me",
    "the callback should sign in",
  );
  log("4. callback: state verified, code exchanged → /me");

  const me = await (await follow(callback)).text();
  const openId = textOf(me, "open-id");
  expect(openId, "the signed-in page should show an open_id");
  const nickname = textOf(me, "nickname");
  expect(nickname, "the signed-in page should show the user's nickname");
  log(
    `5. signed in: open_id ${openId} (${nickname}), scopes ${textOf(me, "scopes")}, access token until ${textOf(me, "access-expiry")}`,
  );

  for (const [step, path] of [
    ["6", "/refresh"],
    ["7", "/sweep"],
    ["8", "/client-token"],
  ]) {
    const done = await request(new URL(path, appUrl), { method: "POST" });
    expect(done.status === 303, `${path} should redirect to /me`);
    const shown = await (await follow(done)).text();
    const result = textOf(shown, "result");
    expect(result, `${path} should show a result, got ${textOf(shown, "error-type") ?? "nothing"}`);
    log(`${step}. POST ${path} → ${result}`);
  }

  await request(new URL("/login", appUrl));
  const tampered = await request(new URL("/callback?code=forged&state=tampered", appUrl));
  const refused = await tampered.text();
  expect(
    tampered.status === 400 && textOf(refused, "error-type") === "DouyinCallbackError",
    "a tampered state should be refused",
  );
  log(
    `9. tampered state → ${tampered.status} ${textOf(refused, "error-type")} (${/state_mismatch/.test(refused) ? "state_mismatch" : "?"})`,
  );
  return { openId, nickname };
}
