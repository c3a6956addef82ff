// The emulator's authorization pages, index and docs over HTTP, as a browser would meet them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDouyinOAuth } from "../../src/index.js";
import { DEMO_APP, startEmulator, type Emulator } from "../../src/emulator/index.js";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());

const douyin = () => createDouyinOAuth({ ...DEMO_APP, baseUrl: emu.url });
const redirectUri = "http://127.0.0.1:3000/callback";
const get = (url: URL | string) => fetch(url, { redirect: "manual" });

/** The consent form's fields, as a browser would submit them with the boxes as they are. */
function formFields(html: string): URLSearchParams {
  const fields = new URLSearchParams();
  for (const [tag] of html.matchAll(/<input[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(tag)?.[1];
    const value = (/value="([^"]*)"/.exec(tag)?.[1] ?? "").replace(/&#(\d+);/g, (_, c) =>
      String.fromCharCode(Number(c)),
    );
    if (!name || (tag.includes('type="checkbox"') && !tag.includes(" checked"))) continue;
    fields.append(name, value);
  }
  return fields;
}

const post = (path: string, fields: URLSearchParams) =>
  fetch(new URL(path, emu.url), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: fields.toString(),
  });

describe("connect and authorize › consent page", () => {
  it("lists the requested scopes and the optional ones, pre-ticked as optionalScope says", async () => {
    const url = douyin().connectUrl({
      scope: ["user_info", "video.list"],
      redirectUri,
      state: "st-1",
      optionalScope: { mobile: true, "video.data": false },
    });
    const res = await get(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect([...html.matchAll(/<li><code>([^<]*)<\/code><\/li>/g)].map((m) => m[1])).toEqual([
      "user_info",
      "video.list",
    ]);
    expect(html).toMatch(/name="optional_scope" value="mobile" checked>/);
    expect(html).toMatch(/name="optional_scope" value="video\.data">/);
    expect(html).toContain('value="approve"');
    expect(html).toContain('value="deny"');
    expect(html).not.toMatch(/(?:src|href)="https?:/);
  });

  it("Approve redirects (302) to redirect_uri with code, state and the granted scopes", async () => {
    const url = douyin().connectUrl({
      scope: "user_info",
      redirectUri,
      state: "st-2",
      optionalScope: "mobile,1,video.data,0",
    });
    const fields = formFields(await (await get(url)).text());
    fields.set("decision", "approve");
    fields.set("user", "alice");
    const res = await post(url.pathname, fields);
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get("location")!);
    expect(back.origin + back.pathname).toBe(redirectUri);
    const { code, state, scopes } = douyin().parseCallback(back, { state: "st-2" });
    expect(state).toBe("st-2");
    expect(scopes).toEqual(["user_info", "mobile"]);
    const tokens = await douyin().accessToken({ code });
    expect(tokens.scope).toBe("user_info,mobile");
    const again = await douyin().accessToken({
      code: emu.issueCode({ scope: "user_info", openId: tokens.open_id }),
    });
    expect(again.open_id).toBe(tokens.open_id);
  });

  it("Deny redirects with the state and no code: parseCallback says code_missing", async () => {
    const url = douyin().authorizeUrl({ scope: "user_info", redirectUri, state: "st-3" });
    const fields = formFields(await (await get(url)).text());
    fields.set("decision", "deny");
    const res = await post(url.pathname, fields);
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get("location")!);
    expect(back.searchParams.has("code")).toBe(false);
    expect(() => douyin().parseCallback(back, { state: "st-3" })).toThrow(
      expect.objectContaining({ name: "DouyinCallbackError", reason: "code_missing" }),
    );
  });

  it("without a state, the callback carries an empty state", async () => {
    const url = douyin().connectUrl({ scope: "user_info", redirectUri });
    const fields = formFields(await (await get(url)).text());
    fields.set("decision", "approve");
    const back = new URL((await post(url.pathname, fields)).headers.get("location")!);
    expect(back.searchParams.get("state")).toBe("");
    expect(back.searchParams.get("code")).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe("authorizeV2 › silent", () => {
  it("redirects at once with code and state; the code exchanges for scope login_id", async () => {
    const res = await get(douyin().authorizeV2Url({ redirectUri, state: "v2" }));
    expect(res.status).toBe(302);
    const { code, state } = douyin().parseCallback(res.headers.get("location")!, { state: "v2" });
    expect(state).toBe("v2");
    expect((await douyin().accessToken({ code })).scope).toBe("login_id");
  });
});

describe("invalid page parameters › the platform's JSON error envelope", () => {
  const cases: Array<[string, string, number]> = [
    [
      "unknown client_key",
      `client_key=ghost&response_type=code&scope=user_info&redirect_uri=${encodeURIComponent(redirectUri)}`,
      10003,
    ],
    [
      "redirect_uri outside the app's domains",
      `client_key=${DEMO_APP.clientKey}&response_type=code&scope=user_info&redirect_uri=${encodeURIComponent("https://evil.example/cb")}`,
      10006,
    ],
    [
      "redirect_uri that is not http(s)",
      `client_key=${DEMO_APP.clientKey}&response_type=code&scope=user_info&redirect_uri=${encodeURIComponent("javascript:alert(1)")}`,
      10006,
    ],
    [
      "missing scope",
      `client_key=${DEMO_APP.clientKey}&response_type=code&redirect_uri=${encodeURIComponent(redirectUri)}`,
      10005,
    ],
    [
      "response_type other than code",
      `client_key=${DEMO_APP.clientKey}&response_type=token&scope=user_info&redirect_uri=${encodeURIComponent(redirectUri)}`,
      10002,
    ],
    [
      "malformed optionalScope",
      `client_key=${DEMO_APP.clientKey}&response_type=code&scope=user_info&optionalScope=mobile,2&redirect_uri=${encodeURIComponent(redirectUri)}`,
      10002,
    ],
  ];
  for (const [name, query, code] of cases) {
    it(`connect › ${name} → ${code}`, async () => {
      const res = await get(`${emu.url}/platform/oauth/connect/?${query}`);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.data.error_code).toBe(code);
      expect(body.extra).toHaveProperty("logid");
    });
  }

  it("authorizeV2 with a scope other than login_id → 10002", async () => {
    const res = await get(
      `${emu.url}/oauth/authorize/v2/?client_key=${DEMO_APP.clientKey}&response_type=code&scope=user_info&redirect_uri=${encodeURIComponent(redirectUri)}`,
    );
    expect((await res.json()).data.error_code).toBe(10002);
  });

  it("a forged POST to the consent page is checked like the GET", async () => {
    const fields = new URLSearchParams({
      client_key: DEMO_APP.clientKey,
      response_type: "code",
      scope: "user_info",
      redirect_uri: "https://evil.example/cb",
      decision: "approve",
    });
    const res = await post("/platform/oauth/connect/", fields);
    expect((await res.json()).data.error_code).toBe(10006);
  });
});

describe("index and docs", () => {
  it("/ links the docs and shows the demo app's credentials", async () => {
    const html = await (await get(`${emu.url}/`)).text();
    expect(html).toContain('href="/docs"');
    expect(html).toContain(DEMO_APP.clientKey);
    expect(html).toContain(DEMO_APP.clientSecret);
  });

  it("/docs serves the self-contained Redoc page in the encoding the browser takes", async () => {
    const { request } = await import("node:http");
    const { brotliDecompressSync, gunzipSync } = await import("node:zlib");
    const get = (acceptEncoding: string) =>
      new Promise<{ status: number | undefined; encoding: string | undefined; body: Buffer }>(
        (resolve, reject) => {
          request(`${emu.url}/docs`, { headers: { "accept-encoding": acceptEncoding } }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("end", () =>
              resolve({
                status: res.statusCode,
                encoding: res.headers["content-encoding"],
                body: Buffer.concat(chunks),
              }),
            );
          })
            .on("error", reject)
            .end();
        },
      );
    const plain = await get("identity");
    expect(plain).toMatchObject({ status: 200, encoding: undefined });
    expect(plain.body.toString()).toContain("Douyin Open Platform OAuth");
    const gzip = await get("gzip, deflate");
    expect(gzip.encoding).toBe("gzip");
    expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
    const br = await get("gzip, deflate, br");
    // the shipped page is brotli; a checkout's page (docs/index.html) is sent gzipped
    if (br.encoding === "br") expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    else expect(br.encoding).toBe("gzip");
  });

  it("an unknown path answers 404", async () => {
    expect((await get(`${emu.url}/nope`)).status).toBe(404);
  });
});
