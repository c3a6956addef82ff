// Paths as clients send them (issue 14): the platform documents every path with a trailing
// slash, the seed's generated clients send none; the emulator serves both forms alike.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_APP, startEmulator, type Emulator } from "../../src/emulator/index.js";
import { OPERATION_PATHS } from "../../src/spec.js";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());

const redirectUri = "http://127.0.0.1:3000/callback";
/** The seed's form of an operation's path: no trailing slash. */
const seedPath = (operation: keyof typeof OPERATION_PATHS) =>
  OPERATION_PATHS[operation].replace(/\/$/, "");
const getJson = async (path: string, query: Record<string, string>) => {
  const res = await fetch(`${emu.url}${path}?${new URLSearchParams(query)}`);
  expect(res.status).toBe(200);
  return res.json();
};

describe("token endpoints › the seed's paths, without the trailing slash", () => {
  it("the seed client's four token calls work unchanged", async () => {
    const { clientKey: client_key, clientSecret: client_secret } = DEMO_APP;
    const code = emu.issueCode({ scope: "user_info" });
    const signedIn = await getJson(seedPath("accessToken"), {
      client_key,
      client_secret,
      code,
      grant_type: "authorization_code",
    });
    expect(signedIn.data).toMatchObject({ error_code: 0, scope: "user_info" });
    const refreshed = await getJson(seedPath("refreshToken"), {
      client_key,
      refresh_token: signedIn.data.refresh_token,
      grant_type: "refresh_token",
    });
    expect(refreshed.data.access_token).toBe(signedIn.data.access_token);
    const renewed = await getJson(seedPath("renewRefreshToken"), {
      client_key,
      refresh_token: signedIn.data.refresh_token,
    });
    expect(emu.isValid(renewed.data.refresh_token)).toBe(true);
    const client = await getJson(seedPath("clientToken"), {
      client_key,
      client_secret,
      grant_type: "client_credential",
    });
    expect(client.data.access_token).toMatch(/^clt\./);
  });

  it("errors come back in the same envelope: a spent code is 10007 with extra.logid", async () => {
    const body = await getJson(seedPath("accessToken"), {
      client_key: DEMO_APP.clientKey,
      client_secret: DEMO_APP.clientSecret,
      code: "spent",
      grant_type: "authorization_code",
    });
    expect(body.data.error_code).toBe(10007);
    expect(typeof body.extra.logid).toBe("string");
  });

  it("POST forms and stable_client_token take the slash-less path too", async () => {
    const res = await fetch(`${emu.url}${seedPath("stableClientToken")}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        client_key: DEMO_APP.clientKey,
        client_secret: DEMO_APP.clientSecret,
        grant_type: "client_credential",
      }),
    });
    expect((await res.json()).data.access_token).toMatch(/^clt\./);
  });

  it("other paths stay 404: a near miss is not an operation", async () => {
    for (const path of ["/oauth/access_tokens", "/oauth/access_token//", "/oauth"]) {
      expect((await fetch(`${emu.url}${path}`)).status, path).toBe(404);
    }
  });
});

describe("authorization pages › without the trailing slash", () => {
  const query = new URLSearchParams({
    client_key: DEMO_APP.clientKey,
    response_type: "code",
    scope: "user_info",
    redirect_uri: redirectUri,
    state: "s",
  });

  it("connect shows the consent page, whose form posts back to the path as sent", async () => {
    const res = await fetch(`${emu.url}${seedPath("connect")}?${query}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`action="${seedPath("connect")}"`);
    const approve = new URLSearchParams(query);
    approve.set("decision", "approve");
    const back = await fetch(`${emu.url}${seedPath("connect")}`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: approve.toString(),
    });
    expect(back.status).toBe(302);
    expect(new URL(back.headers.get("location")!).searchParams.get("code")).toMatch(/^[0-9a-f]+$/);
  });

  it("authorize/v2 redirects at once", async () => {
    const v2 = new URLSearchParams(query);
    v2.set("scope", "login_id");
    const res = await fetch(`${emu.url}${seedPath("authorizeV2")}?${v2}`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get("location")!).searchParams.get("state")).toBe("s");
  });
});
