// startEmulator({ apps }) checks every app at the door; the CLI's --app and --config use the
// same check. Messages name the place, never a value (a secret could be one).
import { describe, expect, it } from "vitest";
import { checkApps } from "../../src/emulator/apps.js";
import { startEmulator } from "../../src/emulator/index.js";

const app = { clientKey: "aw_key", clientSecret: "s3cret", redirectDomains: ["127.0.0.1"] };

describe("checkApps", () => {
  const refused: Array<[string, unknown, string]> = [
    ["no app", [], `"apps" must list at least one app`],
    ["not a list", app, `"apps" must list at least one app`],
    ["an app that is not an object", ["aw_key"], `"apps"[0] must be an object`],
    ["an app that is null", [app, null], `"apps"[1] must be an object`],
    ["an app that is a list", [[app]], `"apps"[0] must be an object`],
    [
      "an unknown field",
      [{ ...app, secret: "x" }],
      `"apps"[0] has an unknown field "secret"; known: clientKey, clientSecret, redirectDomains, redirectUris, name, canRenew`,
    ],
    [
      "a key with a space",
      [{ ...app, clientKey: "aw key" }],
      `"apps"[0].clientKey must be a non-empty string without spaces`,
    ],
    [
      "a key that is a number (its digits alone would pass)",
      [{ ...app, clientKey: 123 }],
      `"apps"[0].clientKey must be a non-empty string without spaces`,
    ],
    [
      "a redirect domain that is a number (its digits alone would pass)",
      [{ ...app, redirectDomains: [127] }],
      `"apps"[0].redirectDomains must list host names (e.g. "127.0.0.1")`,
    ],
    [
      "an empty secret",
      [{ ...app, clientSecret: "" }],
      `"apps"[0].clientSecret is missing or empty`,
    ],
    [
      "a redirect domain that is a URL",
      [{ ...app, redirectDomains: ["https://app.example"] }],
      `"apps"[0].redirectDomains must list host names (e.g. "127.0.0.1")`,
    ],
    [
      "one good redirect domain among bad ones",
      [{ ...app, redirectDomains: ["127.0.0.1", "app.example/cb", 7] }],
      `"apps"[0].redirectDomains must list host names (e.g. "127.0.0.1")`,
    ],
    [
      "no redirect domain",
      [{ ...app, redirectDomains: [] }],
      `"apps"[0].redirectDomains must list host names (e.g. "127.0.0.1")`,
    ],
    [
      "an unknown field whose name is no name: not repeated",
      [{ ...app, "s3cret value": 1 }],
      `"apps"[0] has an unknown field; known: clientKey, clientSecret, redirectDomains, redirectUris, name, canRenew`,
    ],
    [
      "a redirect URI with a query",
      [{ ...app, redirectUris: ["https://app.example/cb?x=1"] }],
      `"apps"[0].redirectUris must list http:// or https:// URLs without query or fragment (e.g. "https://app.example/callback")`,
    ],
    [
      "a redirect URI with a fragment",
      [{ ...app, redirectUris: ["https://app.example/cb#top"] }],
      `"apps"[0].redirectUris must list http:// or https:// URLs without query or fragment (e.g. "https://app.example/callback")`,
    ],
    [
      "a redirect URI of another scheme, or with a user",
      [{ ...app, redirectUris: ["https://app.example/cb", "ftp://app.example/cb"] }],
      `"apps"[0].redirectUris must list http:// or https:// URLs without query or fragment (e.g. "https://app.example/callback")`,
    ],
    [
      "a redirect URI with a user",
      [{ ...app, redirectUris: ["https://me@app.example/cb"] }],
      `"apps"[0].redirectUris must list http:// or https:// URLs without query or fragment (e.g. "https://app.example/callback")`,
    ],
    [
      "a redirect URI that is a host name",
      [{ ...app, redirectUris: ["app.example"] }],
      `"apps"[0].redirectUris must list http:// or https:// URLs without query or fragment (e.g. "https://app.example/callback")`,
    ],
    [
      "no redirect URI and no domain",
      [{ clientKey: "k", clientSecret: "s", redirectUris: [] }],
      `"apps"[0].redirectUris must list http:// or https:// URLs without query or fragment (e.g. "https://app.example/callback")`,
    ],
    ["the same key twice", [app, { ...app }], `"apps"[1].clientKey is registered twice`],
    ["a name that is no string", [{ ...app, name: 7 }], `"apps"[0].name must be a string`],
    [
      "canRenew not a boolean",
      [{ ...app, canRenew: "no" }],
      `"apps"[0].canRenew must be true or false`,
    ],
  ];
  for (const [name, apps, message] of refused) {
    it(`${name} → TypeError "${message}"`, () => {
      expect(() => checkApps(apps)).toThrow(new TypeError(message));
    });
  }

  it("no message carries the secret", () => {
    for (const [, apps] of refused) {
      try {
        checkApps(apps);
      } catch (error) {
        expect((error as Error).message).not.toContain("s3cret");
      }
    }
  });

  it("a valid list comes back as given, domains lower-cased", () => {
    expect(
      checkApps([
        { ...app, redirectDomains: ["App.Example", "[::1]"], name: "Mine", canRenew: false },
      ]),
    ).toEqual([
      {
        ...app,
        redirectDomains: ["app.example", "[::1]"],
        redirectUris: [],
        name: "Mine",
        canRenew: false,
      },
    ]);
  });

  it("leaves name and canRenew out when not given (so the ledger's canRenew default applies)", () => {
    const [checked] = checkApps([app]);
    expect(checked).toStrictEqual({ ...app, redirectDomains: ["127.0.0.1"], redirectUris: [] });
    expect(Object.keys(checked!)).toEqual([
      "clientKey",
      "clientSecret",
      "redirectDomains",
      "redirectUris",
    ]);
  });

  it("redirect URIs come back as origin and path; domains default only when neither is given", () => {
    const [exact, bare] = checkApps([
      {
        clientKey: "a",
        clientSecret: "s",
        redirectUris: ["HTTPS://App.Example:443/auth/cb", "http://127.0.0.1:3000"],
      },
      { clientKey: "b", clientSecret: "s" },
    ]);
    expect(exact).toStrictEqual({
      clientKey: "a",
      clientSecret: "s",
      redirectDomains: [],
      redirectUris: ["https://app.example/auth/cb", "http://127.0.0.1:3000/"],
    });
    expect(bare).toStrictEqual({
      clientKey: "b",
      clientSecret: "s",
      redirectDomains: ["127.0.0.1", "localhost"],
      redirectUris: [],
    });
  });

  it("startEmulator refuses bad apps before listening", async () => {
    await expect(startEmulator({ apps: [{ ...app, clientSecret: "" }] })).rejects.toThrow(
      new TypeError(`"apps"[0].clientSecret is missing or empty`),
    );
  });
});
