// The emulator takes the platform's POST forms with the same rules, and stable_client_token.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDouyinOAuth, DouyinOAuthError, type DouyinOAuth } from "../../src/index.js";
import { DEMO_APP, LIFETIMES, startEmulator, type Emulator } from "../../src/emulator/index.js";

let emu: Emulator;
let douyin: DouyinOAuth;
beforeEach(async () => {
  emu = await startEmulator({ now: () => Date.UTC(2026, 10, 25) });
  douyin = createDouyinOAuth({ ...DEMO_APP, baseUrl: emu.url, tokenRequestMethod: "POST" });
});
afterEach(() => emu.close());

const errorCode = (pending: Promise<unknown>) =>
  pending.then(
    () => undefined,
    (e: unknown) => (e instanceof DouyinOAuthError ? e.errorCode : e),
  );

describe("POST forms", () => {
  it("the whole lifecycle works over POST: code, refresh, renew, client token", async () => {
    const code = emu.issueCode({ scope: "user_info" });
    const signedIn = await douyin.accessToken({ code });
    expect(await errorCode(douyin.accessToken({ code }))).toBe(10007);
    const refreshed = await douyin.refreshToken({ refreshToken: signedIn.refresh_token });
    expect(refreshed.open_id).toBe(signedIn.open_id);
    const renewed = await douyin.renewRefreshToken({ refreshToken: signedIn.refresh_token });
    expect(emu.isValid(renewed.refresh_token)).toBe(true);
    expect(emu.isValid(signedIn.refresh_token)).toBe(false);
    const { access_token } = await douyin.clientToken();
    expect(emu.isValid(access_token)).toBe(true);
  });

  it("the same errors: wrong secret 10013, unknown key 10003", async () => {
    const wrong = createDouyinOAuth({
      ...DEMO_APP,
      clientSecret: "nope",
      baseUrl: emu.url,
      tokenRequestMethod: "POST",
    });
    expect(await errorCode(wrong.clientToken())).toBe(10013);
    const ghost = createDouyinOAuth({
      clientKey: "ghost",
      clientSecret: "x",
      baseUrl: emu.url,
      tokenRequestMethod: "POST",
    });
    expect(await errorCode(ghost.accessToken({ code: "c" }))).toBe(10003);
  });

  it("a body of another content type reads as no parameters: 10005", async () => {
    const res = await fetch(`${emu.url}/oauth/client_token/`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "client_key=x",
    });
    expect((await res.json()).data.error_code).toBe(10005);
  });

  it("a JSON body that is not an object, or not JSON, reads as no parameters: 10005", async () => {
    for (const body of ["[1,2]", "{not json"]) {
      const res = await fetch(`${emu.url}/oauth/client_token/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      expect((await res.json()).data.error_code).toBe(10005);
    }
  });
});

describe("stableClientToken", () => {
  it("returns the same token while it is valid, with the seconds it has left; a new one after", async () => {
    const first = await douyin.stableClientToken();
    expect(first.expires_in).toBe(7200);
    emu.advanceTime(30 * 60_000);
    const again = await douyin.stableClientToken();
    expect(again.access_token).toBe(first.access_token);
    expect(again.expires_in).toBe(5400);
    emu.advanceTime(LIFETIMES.clientToken);
    const next = await douyin.stableClientToken();
    expect(next.access_token).not.toBe(first.access_token);
    expect(emu.isValid(first.access_token)).toBe(false);
    expect(emu.isValid(next.access_token)).toBe(true);
  });

  it("is not knocked out by client_token fetches (the latest-two rule is client_token's)", async () => {
    const stable = await douyin.stableClientToken();
    for (let i = 0; i < 3; i++) await douyin.clientToken();
    expect(emu.isValid(stable.access_token)).toBe(true);
  });

  it("answers only POST (405 to GET); a wrong secret answers 10013", async () => {
    expect((await fetch(`${emu.url}/oauth/stable_client_token/`)).status).toBe(405);
    const wrong = createDouyinOAuth({ ...DEMO_APP, clientSecret: "nope", baseUrl: emu.url });
    expect(await errorCode(wrong.stableClientToken())).toBe(10013);
  });
});
