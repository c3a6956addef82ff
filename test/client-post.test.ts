// tokenRequestMethod "POST" (the default): the platform's current form, secrets in the body,
// none in the URL. "GET" stays available.
import { describe, expect, it } from "vitest";
import { createDouyinOAuth, fetchTransport, type Transport } from "../src/index.js";
import { useFakePlatform } from "./support/fake-platform.js";

const platform = useFakePlatform();

const post = () =>
  createDouyinOAuth({
    clientKey: "key-1",
    clientSecret: "s.e-c+r%2Bt",
    baseUrl: platform.url,
    tokenRequestMethod: "POST",
  });
const form = (body: string) => [...new URLSearchParams(body).entries()].sort();

describe("tokenRequestMethod POST", () => {
  it("accessToken › form body with every parameter, nothing in the query", async () => {
    await post().accessToken({ code: "c.o+d e" });
    const [request] = platform.requests;
    expect(request).toMatchObject({ method: "POST", path: "/oauth/access_token/", rawQuery: "" });
    expect(request!.contentType).toBe("application/x-www-form-urlencoded");
    expect(form(request!.body)).toEqual(
      [
        ["client_key", "key-1"],
        ["client_secret", "s.e-c+r%2Bt"],
        ["code", "c.o+d e"],
        ["grant_type", "authorization_code"],
      ].sort(),
    );
  });

  it("refreshToken and renewRefreshToken › form bodies", async () => {
    await post().refreshToken({ refreshToken: "rft.x&y" });
    await post().renewRefreshToken({ refreshToken: "rft.x&y" });
    const [refresh, renew] = platform.requests;
    expect(refresh).toMatchObject({
      method: "POST",
      path: "/oauth/refresh_token/",
      rawQuery: "",
      contentType: "application/x-www-form-urlencoded",
    });
    expect(form(refresh!.body)).toEqual([
      ["client_key", "key-1"],
      ["grant_type", "refresh_token"],
      ["refresh_token", "rft.x&y"],
    ]);
    expect(renew).toMatchObject({
      method: "POST",
      path: "/oauth/renew_refresh_token/",
      rawQuery: "",
    });
    expect(form(renew!.body)).toEqual([
      ["client_key", "key-1"],
      ["refresh_token", "rft.x&y"],
    ]);
  });

  it("clientToken › JSON body", async () => {
    await post().clientToken();
    const [request] = platform.requests;
    expect(request).toMatchObject({
      method: "POST",
      path: "/oauth/client_token/",
      rawQuery: "",
      contentType: "application/json",
    });
    expect(JSON.parse(request!.body)).toEqual({
      client_key: "key-1",
      client_secret: "s.e-c+r%2Bt",
      grant_type: "client_credential",
    });
  });

  it("stableClientToken › always POST with a JSON body, whatever tokenRequestMethod says", async () => {
    const get = createDouyinOAuth({
      clientKey: "key-1",
      clientSecret: "sec",
      baseUrl: platform.url,
    });
    await expect(get.stableClientToken()).resolves.toMatchObject({
      access_token: "clt.fake",
      expires_in: 7200,
    });
    const [request] = platform.requests;
    expect(request).toMatchObject({
      method: "POST",
      path: "/oauth/stable_client_token/",
      rawQuery: "",
      contentType: "application/json",
    });
    expect(JSON.parse(request!.body)).toEqual({
      client_key: "key-1",
      client_secret: "sec",
      grant_type: "client_credential",
    });
  });

  it("no tokenRequestMethod › POST is the default: form bodies, client_token as JSON, no secret in any URL", async () => {
    const secret = "s.e-c+r%2Bt";
    const byDefault = createDouyinOAuth({
      clientKey: "key-1",
      clientSecret: secret,
      baseUrl: platform.url,
    });
    await byDefault.accessToken({ code: "code-1" });
    await byDefault.refreshToken({ refreshToken: "rft.refresh-1" });
    await byDefault.renewRefreshToken({ refreshToken: "rft.renew-1" });
    await byDefault.clientToken();
    const [access, refresh, renew, client] = platform.requests;
    for (const request of [access, refresh, renew]) {
      expect(request).toMatchObject({
        method: "POST",
        rawQuery: "",
        contentType: "application/x-www-form-urlencoded",
      });
    }
    expect(form(access!.body)).toEqual(
      [
        ["client_key", "key-1"],
        ["client_secret", secret],
        ["code", "code-1"],
        ["grant_type", "authorization_code"],
      ].sort(),
    );
    expect(form(refresh!.body)).toEqual([
      ["client_key", "key-1"],
      ["grant_type", "refresh_token"],
      ["refresh_token", "rft.refresh-1"],
    ]);
    expect(form(renew!.body)).toEqual([
      ["client_key", "key-1"],
      ["refresh_token", "rft.renew-1"],
    ]);
    expect(client).toMatchObject({
      method: "POST",
      path: "/oauth/client_token/",
      rawQuery: "",
      contentType: "application/json",
    });
    expect(JSON.parse(client!.body)).toEqual({
      client_key: "key-1",
      client_secret: secret,
      grant_type: "client_credential",
    });
    const urls = platform.requests.map((request) => `${request.path}?${request.rawQuery}`);
    for (const value of [
      secret,
      encodeURIComponent(secret),
      "code-1",
      "rft.refresh-1",
      "rft.renew-1",
    ]) {
      for (const url of urls) expect(url).not.toContain(value);
    }
  });

  it("tokenRequestMethod GET › still available: the query string, no body", async () => {
    await createDouyinOAuth({
      clientKey: "k",
      clientSecret: "s",
      baseUrl: platform.url,
      tokenRequestMethod: "GET",
    }).refreshToken({ refreshToken: "rft.get" });
    expect(platform.requests[0]).toMatchObject({
      method: "GET",
      path: "/oauth/refresh_token/",
      body: "",
    });
    expect(platform.requests[0]!.query.sort()).toEqual([
      ["client_key", "k"],
      ["grant_type", "refresh_token"],
      ["refresh_token", "rft.get"],
    ]);
  });

  it("refuses an unknown tokenRequestMethod", () => {
    expect(() => createDouyinOAuth({ clientKey: "k", tokenRequestMethod: "PUT" as never })).toThrow(
      new TypeError('"tokenRequestMethod" must be "GET" or "POST"'),
    );
  });

  it("a transport of your own that adds a header to its request › no other client's request carries it", async () => {
    const viaFetch = fetchTransport();
    const tracing: Transport = (request) => {
      request.headers["x-trace"] = "trace-of-app-a";
      return viaFetch(request);
    };
    await createDouyinOAuth({
      clientKey: "app-a",
      clientSecret: "s",
      baseUrl: platform.url,
      tokenRequestMethod: "POST",
      transport: tracing,
    }).accessToken({ code: "c-a" });
    await post().accessToken({ code: "c-b" });
    const [a, b] = platform.requests;
    expect(a!.headers["x-trace"]).toBe("trace-of-app-a");
    expect(b!.headers["x-trace"]).toBeUndefined();
    expect(b!.contentType).toBe("application/x-www-form-urlencoded");
  });
});
