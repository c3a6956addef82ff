// tokenRequestMethod "POST": the platform's current form, secrets in the body, none in the URL.
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

  it("GET stays the default and sends no body", async () => {
    await createDouyinOAuth({
      clientKey: "k",
      clientSecret: "s",
      baseUrl: platform.url,
    }).clientToken();
    expect(platform.requests[0]).toMatchObject({ method: "GET", body: "" });
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
