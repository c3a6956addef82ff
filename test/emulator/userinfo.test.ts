// The emulator's /oauth/userinfo/: the four request forms in use, a profile per user (issueCode,
// the consent page's account field, stable defaults), its own avatar, encrypt_mobile, and the
// newer gateway's error codes.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createDouyinOAuth,
  decryptMobile,
  DouyinOAuthError,
  type DouyinOAuth,
} from "../../src/index.js";
import {
  LIFETIMES,
  DEMO_APP,
  startEmulator,
  type Emulator,
  type EmulatorApp,
} from "../../src/emulator/index.js";

// An app whose secret is 32 bytes, as the platform's are: encrypt_mobile needs an AES-256 key.
const APP32: EmulatorApp = {
  clientKey: "aw_userinfo_app",
  clientSecret: "0123456789abcdef0123456789abcdef",
  redirectDomains: ["127.0.0.1"],
};

let emu: Emulator;
let douyin: DouyinOAuth;
beforeEach(async () => {
  emu = await startEmulator({ apps: [DEMO_APP, APP32] });
  douyin = createDouyinOAuth({ ...DEMO_APP, baseUrl: emu.url, retry: false });
});
afterEach(() => emu.close());

/** Signs a user in as the app would: a code, then the token call. */
async function signIn(options: Parameters<Emulator["issueCode"]>[0], client = douyin) {
  return client.accessToken({ code: emu.issueCode(options) });
}

/** The four request forms of the facts sheet, by hand (no client), answering the parsed JSON. */
const FORMS: Record<string, (token: string, openId: string) => Promise<Response>> = {
  "header access-token, JSON body (the platform's page)": (token, openId) =>
    fetch(`${emu.url}/oauth/userinfo/`, {
      method: "POST",
      headers: { "access-token": token, "content-type": "application/json" },
      body: JSON.stringify({ open_id: openId }),
    }),
  "header access_token, form body (ByteDance's Node SDK)": (token, openId) =>
    fetch(`${emu.url}/oauth/userinfo/`, {
      method: "POST",
      headers: { access_token: token, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ open_id: openId }).toString(),
    }),
  "form body access_token and open_id (older pages, third-party SDKs)": (token, openId) =>
    fetch(`${emu.url}/oauth/userinfo/`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ access_token: token, open_id: openId }).toString(),
    }),
  "GET /oauth/userinfo without the slash, token in the query (the seed's family)": (
    token,
    openId,
  ) =>
    fetch(
      `${emu.url}/oauth/userinfo?${new URLSearchParams({ open_id: openId, access_token: token })}`,
    ),
};

const dataOf = async (pending: Promise<Response>) => {
  const res = await pending;
  expect(res.status).toBe(200);
  return (await res.json()).data;
};

describe("/oauth/userinfo/ › the four request forms", () => {
  for (const [form, send] of Object.entries(FORMS)) {
    it(`${form} › the profile issueCode set`, async () => {
      const avatar = "http://127.0.0.1:1/alice.png";
      const tokens = await signIn({
        scope: "user_info",
        user: "alice",
        profile: { nickname: "Alice", avatar },
      });
      const data = await dataOf(send(tokens.access_token, tokens.open_id));
      expect(data).toMatchObject({
        error_code: 0,
        description: "",
        open_id: tokens.open_id,
        nickname: "Alice",
        avatar,
        e_account_role: "<nil>",
      });
      expect(data.union_id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
      expect(data).not.toHaveProperty("encrypt_mobile");
    });

    it(`${form} › missing open_id 2100005, another user's token 2190002, an unknown one 2190008`, async () => {
      const alice = await signIn({ scope: "user_info", user: "alice" });
      const bob = await signIn({ scope: "user_info", user: "bob" });
      const code = async (pending: Promise<Response>) => (await dataOf(pending)).error_code;
      expect(await code(send(alice.access_token, ""))).toBe(2100005);
      expect(await code(send("", alice.open_id))).toBe(2100005);
      expect(await code(send(bob.access_token, alice.open_id))).toBe(2190002);
      expect(await code(send("act.never-issued", alice.open_id))).toBe(2190008);
    });

    it(`${form} › a grant without user_info (video.list, login_id): 10004, scope not granted`, async () => {
      for (const scope of ["video.list", "login_id", "user_info_extra"]) {
        const tokens = await signIn({ scope, user: `carol-${scope}` });
        const data = await dataOf(send(tokens.access_token, tokens.open_id));
        expect(data, scope).toMatchObject({
          error_code: 10004,
          description: "权限不足 / permission denied: the user did not grant scope user_info",
        });
        expect(data).not.toHaveProperty("nickname");
      }
    });
  }

  it("counts every call, and the activity names the operation with the token cut short", async () => {
    const tokens = await signIn({ scope: "user_info" });
    for (const send of Object.values(FORMS)) await send(tokens.access_token, tokens.open_id);
    expect(emu.stats.userInfo).toBe(4);
    const entries = emu.requests().filter((entry) => entry.operation === "userInfo");
    expect(entries.map((e) => [e.method, e.form, e.withoutSlash])).toEqual([
      ["GET", "GET", true],
      ["POST", "POST form", false],
      ["POST", "POST form", false],
      ["POST", "POST JSON", false],
    ]);
    expect(JSON.stringify(emu.requests())).not.toContain(tokens.access_token);
  });

  it("PUT is 405 with Allow: GET, POST", async () => {
    const res = await fetch(`${emu.url}/oauth/userinfo/`, { method: "PUT" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, POST");
  });
});

describe("douyin.userInfo against the emulator", () => {
  it("the promised fields, the '<nil>' role left out; the same in the emulator's string-numbers mode", async () => {
    for (const stringNumbers of [false, true]) {
      const strings = await startEmulator({ stringNumbers });
      try {
        const client = createDouyinOAuth({ ...DEMO_APP, baseUrl: strings.url });
        const code = strings.issueCode({ scope: "user_info", profile: { nickname: "Nick" } });
        const { access_token, open_id } = await client.accessToken({ code });
        const info = await client.userInfo({ accessToken: access_token, openId: open_id });
        expect(info).toMatchObject({ error_code: 0, open_id, nickname: "Nick" });
        expect(info.avatar).toMatch(new RegExp(`^${strings.url}/avatar/[0-9a-f]{20}\\.svg$`));
        expect(info).not.toHaveProperty("e_account_role");
      } finally {
        await strings.close();
      }
    }
  });

  it("an access token past its 15 days › DouyinOAuthError 2190008; a refreshed one works again", async () => {
    const tokens = await signIn({ scope: "user_info" });
    emu.advanceTime(LIFETIMES.accessToken + 1_000);
    const error = await douyin
      .userInfo({ accessToken: tokens.access_token, openId: tokens.open_id })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DouyinOAuthError);
    expect(error).toMatchObject({ operation: "userInfo", errorCode: 2190008 });
    expect((error as DouyinOAuthError).logId).toMatch(/^\d{14}[0-9A-F]{20}$/);
    const { access_token } = await douyin.refreshToken({ refreshToken: tokens.refresh_token });
    await expect(
      douyin.userInfo({ accessToken: access_token, openId: tokens.open_id }),
    ).resolves.toMatchObject({ open_id: tokens.open_id });
  });

  it("a 503 fault on userInfo › the client retries and gets the answer", async () => {
    const retrying = createDouyinOAuth({
      ...DEMO_APP,
      baseUrl: emu.url,
      retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2 },
    });
    const tokens = await signIn({ scope: "user_info" }, retrying);
    emu.injectFault({ operation: "userInfo", kind: "status", status: 503, times: 1 });
    const info = await retrying.userInfo({
      accessToken: tokens.access_token,
      openId: tokens.open_id,
    });
    expect(info.open_id).toBe(tokens.open_id);
    expect(emu.stats.userInfo).toBe(2);
  });
});

describe("profiles", () => {
  it("defaults are stable per open_id: the same after a reset, different for another user", async () => {
    const read = async (user: string) => {
      const { access_token, open_id } = await signIn({ scope: "user_info", user });
      return douyin.userInfo({ accessToken: access_token, openId: open_id });
    };
    const first = await read("carol");
    expect(first.nickname).toMatch(/^用户[0-9a-f]{6}$/);
    emu.reset();
    const again = await read("carol");
    const other = await read("dave");
    for (const field of ["open_id", "union_id", "nickname", "avatar"] as const) {
      expect(again[field], field).toBe(first[field]);
      expect(other[field], field).not.toBe(first[field]);
    }
  });

  it("the avatar is an SVG the emulator serves itself, the same bytes each time", async () => {
    const { access_token, open_id } = await signIn({ scope: "user_info" });
    const { avatar } = await douyin.userInfo({ accessToken: access_token, openId: open_id });
    const first = await fetch(avatar);
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("image/svg+xml");
    const svg = await first.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="100" height="100"/);
    expect(svg).not.toMatch(/href|https?:\/\/(?!www\.w3\.org)/); // nothing to load
    expect(await (await fetch(avatar)).text()).toBe(svg);
    expect((await fetch(`${emu.url}/avatar/not-hex.svg`)).status).toBe(404);
  });

  it("the consent page's account field names the user; a nickname from issueCode wins", async () => {
    const approve = async (user: string) => {
      const url = douyin.connectUrl({
        scope: "user_info",
        redirectUri: "http://127.0.0.1:9/cb",
        state: "s",
      });
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          ...Object.fromEntries(url.searchParams),
          user,
          decision: "approve",
        }),
        redirect: "manual",
      });
      const code = new URL(res.headers.get("location")!).searchParams.get("code")!;
      const { access_token, open_id } = await douyin.accessToken({ code });
      return douyin.userInfo({ accessToken: access_token, openId: open_id });
    };
    expect((await approve("erin")).nickname).toBe("erin");
    emu.issueCode({ scope: "user_info", user: "frank", profile: { nickname: "Frank F." } });
    expect((await approve("frank")).nickname).toBe("Frank F.");
  });
});

describe("encrypt_mobile", () => {
  const app32 = () => createDouyinOAuth({ ...APP32, baseUrl: emu.url });

  it("for a user who granted mobile_alert: decryptMobile with the app's secret gives the number", async () => {
    const client = app32();
    const { access_token, open_id } = await signIn(
      {
        clientKey: APP32.clientKey,
        scope: ["user_info", "mobile_alert"],
        profile: { mobile: "+86 13800138000" },
      },
      client,
    );
    const info = await client.userInfo({ accessToken: access_token, openId: open_id });
    expect(info.encrypt_mobile).toMatch(/^[A-Za-z0-9+/]+=*$/);
    await expect(decryptMobile(info.encrypt_mobile!, APP32.clientSecret)).resolves.toBe(
      "+86 13800138000",
    );
  });

  it("a default number, stable per open_id, when none was given", async () => {
    const client = app32();
    const read = async () => {
      const { access_token, open_id } = await signIn(
        { clientKey: APP32.clientKey, scope: "user_info,mobile_alert", user: "gina" },
        client,
      );
      const info = await client.userInfo({ accessToken: access_token, openId: open_id });
      return decryptMobile(info.encrypt_mobile!, APP32.clientSecret);
    };
    const mobile = await read();
    expect(mobile).toMatch(/^13\d{9}$/);
    expect(await read()).toBe(mobile);
  });

  it("the default number is always 13 and nine digits, leading zeros kept, across 40 users", async () => {
    const client = app32();
    const mobiles: string[] = [];
    for (let i = 0; i < 40; i++) {
      const { access_token, open_id } = await signIn(
        { clientKey: APP32.clientKey, scope: "user_info,mobile_alert", user: `user-${i}` },
        client,
      );
      const info = await client.userInfo({ accessToken: access_token, openId: open_id });
      mobiles.push(await decryptMobile(info.encrypt_mobile!, APP32.clientSecret));
    }
    for (const mobile of mobiles) expect(mobile).toMatch(/^13\d{9}$/);
    expect(new Set(mobiles).size).toBe(40);
  });

  it("absent without mobile_alert, and for an app whose secret is not 32 bytes (the demo app's)", async () => {
    const client = app32();
    const plain = await signIn({ clientKey: APP32.clientKey, scope: "user_info" }, client);
    expect(
      await client.userInfo({ accessToken: plain.access_token, openId: plain.open_id }),
    ).not.toHaveProperty("encrypt_mobile");
    const demo = await signIn({ scope: "user_info,mobile_alert" });
    expect(
      await douyin.userInfo({ accessToken: demo.access_token, openId: demo.open_id }),
    ).not.toHaveProperty("encrypt_mobile");
  });

  it("issueCode refuses a mobile that is not a phone number, naming the field", () => {
    expect(() => emu.issueCode({ scope: "user_info", profile: { mobile: "call me" } })).toThrow(
      new TypeError(`"profile.mobile" must be digits, with an optional leading + and spaces`),
    );
  });
});
