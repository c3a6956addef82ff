// createDouyinOAuth's options as src/options.ts checks them, where issue 24 changed them: an
// option written from an environment variable may be undefined in the type, and a secret that is
// present but undefined (the variable is not set) is refused at construction, naming it.
import { describe, expect, it } from "vitest";
import { createDouyinOAuth } from "../src/index.js";

describe("clientSecret › given but undefined (issue 24)", () => {
  it("throws at construction, naming the option and the likely cause", () => {
    expect(() => createDouyinOAuth({ clientKey: "k", clientSecret: undefined })).toThrow(
      new TypeError(
        `"clientSecret" is undefined: set the variable it is read from, or leave the option out for a client without a secret`,
      ),
    );
  });

  it("left out: a client without a secret (refreshToken and renewRefreshToken need none)", () => {
    const douyin = createDouyinOAuth({ clientKey: "k" });
    expect(
      douyin.connectUrl({ scope: "user_info", redirectUri: "https://a.example/cb" }).href,
    ).toContain("client_key=k");
  });

  it("baseUrl undefined is the platform's host, as if left out", () => {
    expect(createDouyinOAuth({ clientKey: "k", baseUrl: undefined }).baseUrl).toBe(
      "https://open.douyin.com",
    );
  });
});
