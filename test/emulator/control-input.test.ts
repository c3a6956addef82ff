// The control hooks' input checks (src/emulator/control.ts), each through both doors: the HTTP
// control API answers 400 with the message, and the JavaScript API throws a TypeError with the
// same message; either way nothing changes. Then the edges each check lets through.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO_APP, LIFETIMES, startEmulator, type Emulator } from "../../src/emulator/index.js";

const START = Date.UTC(2026, 10, 27, 9, 0, 0);
const OTHER_APP = {
  clientKey: "other_app",
  clientSecret: "other-secret",
  redirectDomains: ["127.0.0.1"],
};
let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ now: () => START, apps: [DEMO_APP, OTHER_APP] });
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

/** POSTs `body` as JSON, or `raw` as it is. */
async function post(path: string, body: unknown, raw?: string) {
  const res = await fetch(`${emu.url}/_emulator/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: raw ?? JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === "" ? undefined : JSON.parse(text) };
}

const CODE_FIELDS = "clientKey, scope, openId, user, profile";
const SCOPE = `"scope" must be scope names, as a comma-separated string or a list`;
const AVATAR = `"profile.avatar" must be an http:// or https:// URL`;
const MOBILE = `"profile.mobile" must be digits, with an optional leading + and spaces`;
const longName = (length: number) => "a".repeat(length);

describe("issueCode's checks", () => {
  const refused: Array<[string, unknown, string]> = [
    ["a number", 5, "issueCode's options must be an object"],
    ["null", null, "issueCode's options must be an object"],
    ["a string", "user_info", "issueCode's options must be an object"],
    [
      "an unknown field that is a name",
      { scope: "s", "a-b.c_9": 1 },
      `issueCode's options has an unknown field "a-b.c_9"; known: ${CODE_FIELDS}`,
    ],
    [
      "an unknown field of one letter",
      { scope: "s", v: 1 },
      `issueCode's options has an unknown field "v"; known: ${CODE_FIELDS}`,
    ],
    [
      "an unknown field of 41 characters (still a name)",
      { scope: "s", [longName(41)]: 1 },
      `issueCode's options has an unknown field "${longName(41)}"; known: ${CODE_FIELDS}`,
    ],
    [
      "an unknown field of 42 characters (not shown)",
      { scope: "s", [longName(42)]: 1 },
      `issueCode's options has an unknown field; known: ${CODE_FIELDS}`,
    ],
    [
      "an unknown field starting with a digit (not shown)",
      { scope: "s", "9lives": 1 },
      `issueCode's options has an unknown field; known: ${CODE_FIELDS}`,
    ],
    [
      "an unknown field with markup at its end (not shown)",
      { scope: "s", "name<b>": 1 },
      `issueCode's options has an unknown field; known: ${CODE_FIELDS}`,
    ],
    [
      "an unknown field with markup at its start (not shown)",
      { scope: "s", "<b>name": 1 },
      `issueCode's options has an unknown field; known: ${CODE_FIELDS}`,
    ],
    ["an empty scope list", { scope: [] }, SCOPE],
    ["an empty scope string", { scope: "" }, SCOPE],
    ["a scope that is a number", { scope: 5 }, SCOPE],
    ["a scope list with a number", { scope: ["user_info", 1] }, SCOPE],
    ["a scope with a leading space", { scope: " user_info" }, SCOPE],
    ["a scope with a trailing space", { scope: "user_info " }, SCOPE],
    ["a scope with an empty part", { scope: "user_info,,mobile" }, SCOPE],
    ["a scope with a slash", { scope: "user/info" }, SCOPE],
    ["an empty clientKey", { scope: "s", clientKey: "" }, `"clientKey" must be a non-empty string`],
    [
      "a blank clientKey",
      { scope: "s", clientKey: "  " },
      `"clientKey" must be a non-empty string`,
    ],
    ["a numeric clientKey", { scope: "s", clientKey: 5 }, `"clientKey" must be a non-empty string`],
    ["a blank openId", { scope: "s", openId: " " }, `"openId" must be a non-empty string`],
    ["a numeric user", { scope: "s", user: 7 }, `"user" must be a non-empty string`],
    ["a profile that is a string", { scope: "s", profile: "Alice" }, `"profile" must be an object`],
    [
      "a profile with an unknown field",
      { scope: "s", profile: { age: 3 } },
      `"profile" has an unknown field "age"; known: nickname, avatar, mobile`,
    ],
    [
      "an empty nickname",
      { scope: "s", profile: { nickname: "" } },
      `"profile.nickname" must be a non-empty string`,
    ],
    [
      "an empty avatar",
      { scope: "s", profile: { avatar: "" } },
      `"profile.avatar" must be a non-empty string`,
    ],
    ["an ftp avatar", { scope: "s", profile: { avatar: "ftp://127.0.0.1/a.png" } }, AVATAR],
    ["an avatar with the scheme inside", { scope: "s", profile: { avatar: "xhttp://a" } }, AVATAR],
    ["an avatar with no host", { scope: "s", profile: { avatar: "http://" } }, AVATAR],
    [
      "an empty mobile",
      { scope: "s", profile: { mobile: "" } },
      `"profile.mobile" must be a non-empty string`,
    ],
    ["a mobile with letters", { scope: "s", profile: { mobile: "abc" } }, MOBILE],
    ["a mobile with a letter first", { scope: "s", profile: { mobile: "x138" } }, MOBILE],
    ["a mobile with a letter last", { scope: "s", profile: { mobile: "138x" } }, MOBILE],
    ["a mobile of a + alone", { scope: "s", profile: { mobile: "+" } }, MOBILE],
    ["a mobile of 32 digits", { scope: "s", profile: { mobile: "1".repeat(32) } }, MOBILE],
  ];
  for (const [name, body, message] of refused) {
    it(`${name} → 400 "${message}"; the JavaScript API throws it; nothing issued`, async () => {
      expect(await post("codes", body)).toEqual({ status: 400, body: { error: message } });
      expect(() => emu.issueCode(body as never)).toThrow(new TypeError(message));
      expect(emu.stored.codes).toBe(0);
      expect(emu.tokens().users).toEqual([]);
    });
  }

  it("takes the edges each check allows; a profile holds only the fields given", async () => {
    const { status, body } = await post("codes", {
      scope: "user_info,a.b:c-d_e",
      openId: "o-1",
      profile: { mobile: "1".repeat(31), avatar: "https://127.0.0.1/a.png" },
    });
    expect(status).toBe(201);
    expect(body.scope).toBe("user_info,a.b:c-d_e");
    const listed = emu.issueCode({
      scope: ["user_info"],
      openId: "o-2",
      profile: { mobile: "+86 138 0013 8000", nickname: "Bo" },
    });
    emu.issueCode({ scope: "s", openId: "o-3", profile: { mobile: "7" } });
    expect(listed).toMatch(/^[0-9a-f]{32}$/);
    expect(emu.tokens().users).toStrictEqual([
      {
        clientKey: DEMO_APP.clientKey,
        openId: "o-1",
        profile: { mobile: "1".repeat(31), avatar: "https://127.0.0.1/a.png" },
      },
      {
        clientKey: DEMO_APP.clientKey,
        openId: "o-2",
        profile: { mobile: "+86 138 0013 8000", nickname: "Bo" },
      },
      { clientKey: DEMO_APP.clientKey, openId: "o-3", profile: { mobile: "7" } },
    ]);
  });

  it("without clientKey the first app; without user or openId the demo user; expiry on the advanced clock", async () => {
    const plain = await post("codes", { scope: "user_info" });
    const demo = await post("codes", { scope: "user_info", user: "demo_user" });
    expect(plain.body.clientKey).toBe(DEMO_APP.clientKey);
    expect(plain.body.openId).toBe(demo.body.openId);
    expect(plain.body.openId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    const other = await post("codes", {
      scope: "user_info",
      user: "demo_user",
      clientKey: "other_app",
    });
    expect(other.body.clientKey).toBe("other_app");
    expect(other.body.openId).not.toBe(demo.body.openId); // an open_id is per app
    emu.advanceTime(90_000);
    const later = await post("codes", { scope: "user_info", openId: "given" });
    expect(later.body).toMatchObject({
      openId: "given",
      expiresAt: START + 90_000 + LIFETIMES.code,
    });
  });

  it("a profile with no fields is kept as an empty profile", async () => {
    await post("codes", { scope: "user_info", openId: "bare", profile: {} });
    expect(emu.tokens().users).toEqual([
      { clientKey: DEMO_APP.clientKey, openId: "bare", profile: {} },
    ]);
  });
});

describe("the fault's checks", () => {
  const FAULT_FIELDS = "kind, operation, latencyMs, status, times";
  const refused: Array<[unknown, string]> = [
    ["reset", "the fault must be an object"],
    [null, "the fault must be an object"],
    [{ kind: "reset", when: 1 }, `the fault has an unknown field "when"; known: ${FAULT_FIELDS}`],
    [{}, `"kind" must be one of latency, status, html, empty, reset, lost, truncated, stall`],
    [{ kind: "latency", latencyMs: -1 }, `"latencyMs" must be an integer of at least 0`],
    [{ kind: "latency", latencyMs: 1.5 }, `"latencyMs" must be an integer of at least 0`],
    [{ kind: "latency", latencyMs: "5" }, `"latencyMs" must be an integer of at least 0`],
    [{ kind: "status", status: 399 }, `"status" must be an integer from 400 to 599`],
    [{ kind: "status", status: 600 }, `"status" must be an integer from 400 to 599`],
    [{ kind: "status", status: 502.5 }, `"status" must be an integer from 400 to 599`],
    [{ kind: "reset", times: 1.5 }, `"times" must be an integer of at least 1`],
    [{ kind: "reset", times: "2" }, `"times" must be an integer of at least 1`],
  ];
  for (const [fault, message] of refused) {
    it(`${JSON.stringify(fault)} → 400 "${message}"; the JavaScript API throws it; nothing injected`, async () => {
      expect(await post("faults", fault)).toEqual({ status: 400, body: { error: message } });
      expect(() => emu.injectFault(fault as never)).toThrow(new TypeError(message));
      expect(emu.listFaults()).toEqual([]);
    });
  }

  it("takes the edges: status 400 and 599, latency 0, once", async () => {
    expect(await post("faults", { kind: "status", status: 400, times: 1 })).toEqual({
      status: 201,
      body: { faults: [{ kind: "status", status: 400, left: 1 }] },
    });
    emu.injectFault({ kind: "status", status: 599, operation: "userInfo" });
    emu.injectFault({ kind: "latency", latencyMs: 0 });
    expect(emu.listFaults()).toEqual([
      { kind: "status", status: 400, left: 1 },
      { kind: "status", status: 599, operation: "userInfo", left: null },
      { kind: "latency", latencyMs: 0, left: null },
    ]);
  });
});

describe("advanceTime's checks", () => {
  it("refuses what is not a whole number of milliseconds from 0, from JavaScript too", () => {
    for (const ms of [
      Number.POSITIVE_INFINITY,
      Number.NaN,
      -1,
      -0.5,
      0.5,
      2 ** 53,
      "5",
      undefined,
    ]) {
      expect(() => emu.advanceTime(ms as never)).toThrow(
        new TypeError(`"ms" must be an integer of at least 0`),
      );
    }
    expect(emu.now()).toBe(START);
  });

  it("a fraction of a millisecond → 400: every time the emulator shows stays whole", async () => {
    // Clock.now, expiresAt and the platform's extra.now are integers (both specs)
    expect(await post("clock", { ms: 1.5 })).toEqual({
      status: 400,
      body: { error: `"ms" must be an integer of at least 0` },
    });
    expect(emu.now()).toBe(START);
    const answer = await fetch(
      `${emu.url}/oauth/client_token/?${new URLSearchParams({
        client_key: DEMO_APP.clientKey,
        client_secret: DEMO_APP.clientSecret,
        grant_type: "client_credential",
      })}`,
    );
    expect(((await answer.json()) as { extra: { now: number } }).extra.now).toBe(START);
  });

  it("the body takes ms only, as an object", async () => {
    expect(await post("clock", { ms: 1, by: 2 })).toEqual({
      status: 400,
      body: { error: `the body has an unknown field "by"; known: ms` },
    });
    expect(await post("clock", [1])).toEqual({
      status: 400,
      body: { error: "the body must be an object" },
    });
    expect(emu.now()).toBe(START);
  });

  it("0 is allowed; advances add up", async () => {
    expect(await post("clock", { ms: 0 })).toEqual({
      status: 200,
      body: { now: START, offsetMs: 0 },
    });
    emu.advanceTime(1_000);
    expect(await post("clock", { ms: 2_500 })).toEqual({
      status: 200,
      body: { now: START + 3_500, offsetMs: 3_500 },
    });
  });
});

describe("tokens/check's checks", () => {
  const MISSING = `"token" is missing or empty`;

  it("a token that is not a string, or none → 400; the JavaScript API throws", async () => {
    for (const body of [{ token: 5 }, {}, { token: "" }]) {
      expect(await post("tokens/check", body)).toEqual({ status: 400, body: { error: MISSING } });
    }
    expect(() => emu.isValid(5 as never)).toThrow(new TypeError(MISSING));
    expect(() => emu.isValid("")).toThrow(new TypeError(MISSING));
  });

  it("the body takes token only", async () => {
    expect(await post("tokens/check", { token: "x", kind: "access" })).toEqual({
      status: 400,
      body: { error: `the body has an unknown field "kind"; known: token` },
    });
  });

  it("an unknown token is not valid", async () => {
    expect(await post("tokens/check", { token: "act.nothing" })).toEqual({
      status: 200,
      body: { valid: false },
    });
  });
});

describe("the body", () => {
  it("empty or blank reads as {}: the field's own check answers, not a JSON error", async () => {
    for (const blank of ["", "  \n\t "]) {
      expect(await post("faults", undefined, blank)).toEqual({
        status: 400,
        body: {
          error: `"kind" must be one of latency, status, html, empty, reset, lost, truncated, stall`,
        },
      });
      expect(await post("clock", undefined, blank)).toEqual({
        status: 400,
        body: { error: `"ms" must be an integer of at least 0` },
      });
    }
  });

  it("over 64 KiB → 400 naming the limit, nothing issued", async () => {
    const big = JSON.stringify({ scope: "user_info", user: "x".repeat(65 * 1024) });
    expect(await post("codes", undefined, big)).toEqual({
      status: 400,
      body: { error: "the body is larger than 64 KiB" },
    });
    expect(emu.stored.codes).toBe(0);
  });
});
