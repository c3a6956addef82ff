// The README's quick start and the client guide's custom transport, run as written against a
// local server standing in for the platform.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDouyinOAuth, type Transport } from "../src/index.js";
import { defaultHandler, startFakePlatform, type FakePlatform } from "./support/fake-platform.js";
import { docBlock, root } from "./support/project.js";

describe("README quick start", () => {
  let platform: FakePlatform;
  beforeAll(async () => {
    platform = await startFakePlatform((request) => {
      if (request.path !== "/platform/oauth/connect/") return defaultHandler(request);
      const q = new Map(request.query);
      const back = new URL(q.get("redirect_uri")!);
      back.search = new URLSearchParams({
        code: "code-from-consent",
        state: q.get("state")!,
        scopes: q.get("scope")!,
      }).toString();
      return { status: 302, headers: { location: back.href } };
    });
  });
  afterAll(() => platform.close());

  it("runs as written: consent URL, callback, token exchange, user info", async () => {
    process.env.DOUYIN_CLIENT_KEY = "readme-key";
    process.env.DOUYIN_CLIENT_SECRET = "readme-secret";
    process.env.DOUYIN_BASE_URL = platform.url;
    const dir = join(root, "build/readme");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "quickstart.ts");
    writeFileSync(
      file,
      `${docBlock("README.md", "quickstart")}\nexport { douyin, loginUrl, state, onCallback };\n`,
    );
    const mod = await import(pathToFileURL(file).href);

    expect(mod.loginUrl).toBeInstanceOf(URL);
    const consent = await fetch(mod.loginUrl, { redirect: "manual" });
    expect(consent.status).toBe(302);
    const callback = new URL(consent.headers.get("location")!);
    expect(callback.origin + callback.pathname).toBe("https://app.example/callback");

    const result = await mod.onCallback(callback.pathname + callback.search, mod.state);
    expect(result).toEqual({
      scopes: ["user_info"],
      openId: "open-1",
      expiresIn: 1296000,
      nickname: "Fake User",
      avatar: "https://p3.example/avatar.jpeg",
    });
    const userInfo = platform.requests.find((r) => r.path === "/oauth/userinfo/")!;
    expect(userInfo.headers["access-token"]).toBe("act.fake");
    expect(JSON.parse(userInfo.body)).toEqual({ open_id: "open-1" });
    const exchange = platform.requests.find((r) => r.path === "/oauth/access_token/")!;
    expect(exchange).toMatchObject({
      method: "POST",
      rawQuery: "",
      contentType: "application/x-www-form-urlencoded",
    });
    expect(new Map(new URLSearchParams(exchange.body))).toEqual(
      new Map([
        ["client_key", "readme-key"],
        ["client_secret", "readme-secret"],
        ["code", "code-from-consent"],
        ["grant_type", "authorization_code"],
      ]),
    );
  });
});

describe("guide/client.md custom transport", () => {
  let platform: FakePlatform;
  beforeAll(async () => {
    platform = await startFakePlatform();
  });
  afterAll(() => platform.close());

  it("sends as written; the client still ends a call at its deadline, and on the caller's abort", async () => {
    const dir = join(root, "build/readme");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "custom-transport.ts");
    writeFileSync(file, docBlock("guide/client.md", "custom-transport"));
    const { transport } = (await import(pathToFileURL(file).href)) as { transport: Transport };
    const douyin = createDouyinOAuth({
      clientKey: "k",
      clientSecret: "s",
      baseUrl: platform.url,
      transport,
      retry: false,
      timeoutMs: 200,
    });
    await expect(douyin.clientToken()).resolves.toMatchObject({ expires_in: 7200 });
    platform.answer(() => ({ hang: true }));
    await expect(douyin.clientToken()).rejects.toMatchObject({ kind: "timeout" });
    const controller = new AbortController();
    const pending = douyin.clientToken({ signal: controller.signal, timeoutMs: 60_000 });
    setTimeout(() => controller.abort(new Error("stop")), 50);
    await expect(pending).rejects.toMatchObject({ kind: "aborted" });
    platform.answer(defaultHandler);
  });
});
