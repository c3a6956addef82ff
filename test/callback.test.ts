// parseCallback: state checked in constant time, code required, scopes split, extras tolerated.
import { describe, expect, it } from "vitest";
import { DouyinCallbackError, generateState, parseCallback } from "../src/index.js";
import { constantTimeEqual } from "../src/callback.js";

const state = "Zk3-_q9";

describe("parseCallback", () => {
  it("returns code, state and granted scopes from an absolute URL", () => {
    expect(
      parseCallback(
        `https://app.example/cb?code=abc.1&state=${state}&scopes=user_info,video.list`,
        { state },
      ),
    ).toEqual({ code: "abc.1", state, scopes: ["user_info", "video.list"] });
  });

  it("accepts a request path (Node's request.url) and a URL object", () => {
    expect(parseCallback(`/cb?state=${state}&code=c`, { state })).toEqual({
      code: "c",
      state,
      scopes: undefined,
    });
    expect(
      parseCallback(new URL(`http://127.0.0.1/cb?state=${state}&code=c&scopes=`), { state }),
    ).toEqual({
      code: "c",
      state,
      scopes: [],
    });
  });

  it("tolerates unknown extra parameters (recommend=1) and decodes awkward values", () => {
    const weird = "状态 &+#";
    const url = `/cb?recommend=1&code=${encodeURIComponent("c+d")}&state=${encodeURIComponent(weird)}&x=y`;
    expect(parseCallback(url, { state: weird })).toEqual({
      code: "c+d",
      state: weird,
      scopes: undefined,
    });
  });

  const refused: Array<[string, string, string]> = [
    ["no state", "/cb?code=c", "state_missing"],
    [
      "empty state (the platform sends it empty when none was sent)",
      "/cb?code=c&state=",
      "state_missing",
    ],
    ["a different state", "/cb?code=c&state=Zk3-_q8", "state_mismatch"],
    ["a state that is a prefix", "/cb?code=c&state=Zk3", "state_mismatch"],
    ["a state with more after it", `/cb?code=c&state=${state}x`, "state_mismatch"],
    ["no code (the user denied)", `/cb?state=${state}`, "code_missing"],
    ["an empty code", `/cb?state=${state}&code=`, "code_missing"],
  ];
  for (const [name, url, reason] of refused) {
    it(`${name} › DouyinCallbackError ${reason}`, () => {
      let error: unknown;
      try {
        parseCallback(url, { state });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DouyinCallbackError);
      expect(error).toMatchObject({ name: "DouyinCallbackError", reason });
      expect((error as Error).message).toMatch(/^parseCallback: the callback/);
      expect((error as Error).message).not.toContain("Zk3");
    });
  }

  it("checks state before code: a forged callback without state says state_missing", () => {
    expect(() => parseCallback("/cb", { state })).toThrow(
      expect.objectContaining({ reason: "state_missing" }),
    );
  });

  const caught = (url: string): DouyinCallbackError => {
    try {
      parseCallback(url, { state });
    } catch (e) {
      return e as DouyinCallbackError;
    }
    throw new Error("parseCallback did not throw");
  };

  it("the platform's error redirect (error_code, description) › DouyinCallbackError platform_error with both", () => {
    const description = "redirect_uri不合法 / illegal redirect_uri";
    const error = caught(
      `/cb?state=${state}&error_code=10006&description=${encodeURIComponent(description)}`,
    );
    expect(error).toBeInstanceOf(DouyinCallbackError);
    expect(error).toMatchObject({
      name: "DouyinCallbackError",
      reason: "platform_error",
      errorCode: 10006,
      description,
      message: "parseCallback: the callback carries an error from the platform (error_code 10006)",
    });
  });

  it("error_code wins over a code on the same callback", () => {
    expect(caught(`/cb?state=${state}&code=c&error_code=2100005`)).toMatchObject({
      reason: "platform_error",
      errorCode: 2100005,
      description: undefined,
    });
  });

  it("an error_code that is not an integer › platform_error, errorCode undefined", () => {
    expect(caught(`/cb?state=${state}&error_code=oops&description=x`)).toMatchObject({
      reason: "platform_error",
      errorCode: undefined,
      description: "x",
      message: "parseCallback: the callback carries an error from the platform",
    });
  });

  it("error_code 0 or empty is no error: the code is returned", () => {
    for (const given of ["0", "", "00"]) {
      expect(parseCallback(`/cb?state=${state}&code=c&error_code=${given}`, { state })).toEqual({
        code: "c",
        state,
        scopes: undefined,
      });
    }
  });

  it("the description is redacted: secret URL parameters, the callback's code and state", () => {
    const description = `bad https://app.example/cb?code=abc.1&access_token=act.9 code=xyz ${state} abc.1`;
    const error = caught(
      `/cb?state=${state}&code=abc.1&error_code=10002&description=${encodeURIComponent(description)}`,
    );
    expect(error.description).toBe(
      "bad https://app.example/cb?code=***&access_token=*** code=*** *** ***",
    );
  });

  it("state is checked first: a forged error callback cannot choose the error shown", () => {
    expect(caught("/cb?error_code=10006&description=call%20support")).toMatchObject({
      reason: "state_missing",
      errorCode: undefined,
      description: undefined,
    });
    expect(caught("/cb?state=forged&error_code=10006&description=call%20support")).toMatchObject({
      reason: "state_mismatch",
      errorCode: undefined,
      description: undefined,
    });
  });

  it("an error_code with zeros only at one end is an error: 10 and 0100", () => {
    for (const [given, number] of [
      ["10", 10],
      ["0100", 100],
    ] as const) {
      expect(caught(`/cb?state=${state}&code=c&error_code=${given}`)).toMatchObject({
        reason: "platform_error",
        errorCode: number,
      });
    }
  });

  it("an error_code with digits and other text › errorCode undefined, whichever end", () => {
    for (const given of ["x12", "12x", "-"]) {
      expect(caught(`/cb?state=${state}&error_code=${given}`)).toMatchObject({
        reason: "platform_error",
        errorCode: undefined,
      });
    }
  });

  it("the description is redacted when no code came along: the state is removed", () => {
    const error = caught(
      `/cb?state=${state}&error_code=10002&description=${encodeURIComponent(`denied for ${state}`)}`,
    );
    expect(error.description).toBe("denied for ***");
  });

  it("a request path that is no URL even against a base › TypeError naming url", () => {
    for (const url of ["http://[::1/cb?state=x", "//exa mple/cb"]) {
      expect(() => parseCallback(url, { state })).toThrow(
        new TypeError('"url" must be a URL or a request path with its query string'),
      );
    }
  });

  const bad: Array<[string, () => unknown, string]> = [
    [
      "an empty url",
      () => parseCallback("", { state }),
      '"url" must be a URL or a request path with its query string',
    ],
    [
      "a non-string url",
      () => parseCallback(42 as never, { state }),
      '"url" must be a URL or a request path with its query string',
    ],
    [
      "no expected state",
      () => parseCallback("/cb?code=c", {} as never),
      '"state" is missing or empty: a non-empty string is expected',
    ],
    [
      "no options",
      () => parseCallback("/cb?code=c", undefined as never),
      '"expected" must be an object',
    ],
  ];
  for (const [name, call, message] of bad) {
    it(`${name} › TypeError`, () => expect(call).toThrow(new TypeError(message)));
  }
});

describe("constantTimeEqual", () => {
  const table: Array<[string, string, boolean]> = [
    ["abc", "abc", true],
    ["abc", "abd", false],
    ["abc", "ab", false],
    ["ab", "abc", false],
    ["", "", true],
    ["状态", "状态", true],
    ["状态", "状忞", false],
  ];
  for (const [expected, received, want] of table) {
    it(`${JSON.stringify(expected)} vs ${JSON.stringify(received)} → ${want}`, () => {
      expect(constantTimeEqual(expected, received)).toBe(want);
    });
  }
});

describe("generateState", () => {
  it("is 32 random bytes in base64url: 43 URL-safe characters, never repeating", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const value = generateState();
      expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
      seen.add(value);
    }
    expect(seen.size).toBe(200);
  });
});
