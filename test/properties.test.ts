// Bad input, fuzzed: whatever arrives, the library returns or throws only what it documents.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readAnswer } from "../src/answer.js";
import { SUCCESS_DATA } from "../src/spec.js";
import { redactText } from "../src/redact.js";
import {
  createDouyinOAuth,
  customScope,
  DouyinCallbackError,
  DouyinError,
  parseCallback,
  redactUrl,
  type TokenOperation,
} from "../src/index.js";

const RUNS = { numRuns: 400 };
const douyin = createDouyinOAuth({ clientKey: "aw_fuzz" });
const text = fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 });
// A scope name holds no comma and no whitespace (issue 24: `user_info video.list` is no scope).
const scopeName = text.filter((s) => /^[^\s,]+$/.test(s));

describe("URL builders round-trip arbitrary Unicode", () => {
  it("connectUrl › scope list, state, redirect path and query come back unchanged", () => {
    fc.assert(
      fc.property(
        fc.array(scopeName, { minLength: 1, maxLength: 5 }),
        text,
        text,
        text,
        (scopes, state, path, query) => {
          const redirectUri = `https://app.example/${encodeURIComponent(path)}?q=${encodeURIComponent(query)}`;
          const url = douyin.connectUrl({ scope: scopes.map(customScope), redirectUri, state });
          const back = new URL(url.href).searchParams;
          expect(back.get("scope")).toBe(scopes.join(","));
          expect(back.get("state")).toBe(state);
          expect(back.get("redirect_uri")).toBe(redirectUri);
          expect(url.hash).toBe("");
        },
      ),
      RUNS,
    );
  });

  it("connectUrl › an optionalScope object serialises as scope,flag pairs in order", () => {
    fc.assert(
      fc.property(fc.dictionary(scopeName, fc.boolean(), { maxKeys: 5 }), (optional) => {
        const url = douyin.connectUrl({
          scope: "user_info",
          redirectUri: "https://a.example/",
          optionalScope: optional,
        });
        const want = Object.entries(optional)
          .map(([s, on]) => `${s},${on ? 1 : 0}`)
          .join(",");
        expect(url.searchParams.get("optionalScope")).toBe(want === "" ? null : want);
      }),
      RUNS,
    );
  });

  it("authorizeUrl and authorizeV2Url › state and redirect come back unchanged", () => {
    fc.assert(
      fc.property(text, text, (state, path) => {
        const redirectUri = `http://127.0.0.1:3000/${encodeURIComponent(path)}`;
        for (const url of [
          douyin.authorizeUrl({ scope: "user_info", redirectUri, state }),
          douyin.authorizeV2Url({ redirectUri, state }),
        ]) {
          expect(url.searchParams.get("state")).toBe(state);
          expect(url.searchParams.get("redirect_uri")).toBe(redirectUri);
        }
      }),
      RUNS,
    );
  });
});

describe("parseCallback on arbitrary query strings", () => {
  it("only returns or throws DouyinCallbackError / TypeError", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 30 }), (query, state) => {
        try {
          const result = parseCallback(`/cb?${query}`, { state });
          expect(typeof result.code).toBe("string");
          expect(result.state).toBe(state);
        } catch (error) {
          expect(error instanceof DouyinCallbackError || error instanceof TypeError).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it("accepts exactly the callbacks whose state matches and whose code is present", () => {
    fc.assert(
      fc.property(text, text, fc.option(text), (state, code, scopes) => {
        const params = new URLSearchParams({ code, state, ...(scopes === null ? {} : { scopes }) });
        const result = parseCallback(`https://app.example/cb?${params}`, { state });
        expect(result.code).toBe(code);
        expect(result.scopes).toEqual(
          scopes === null ? undefined : scopes.split(",").filter((s) => s !== ""),
        );
      }),
      RUNS,
    );
  });
});

describe("the answer reader on arbitrary JSON", () => {
  const operations: TokenOperation[] = [
    "accessToken",
    "clientToken",
    "refreshToken",
    "renewRefreshToken",
    "stableClientToken",
    "userInfo",
  ];
  const dataLike = fc.record(
    {
      error_code: fc.oneof(fc.integer(), fc.constantFrom("0", "10007", "x", ""), fc.constant(0)),
      access_token: fc.string(),
      open_id: fc.string(),
      refresh_token: fc.string(),
      scope: fc.string(),
      expires_in: fc.oneof(fc.integer(), fc.string(), fc.double()),
      refresh_expires_in: fc.oneof(fc.integer(), fc.string()),
      union_id: fc.oneof(fc.string(), fc.constant("<nil>")),
      nickname: fc.oneof(fc.string(), fc.constant("<nil>")),
      avatar: fc.string(),
      gender: fc.oneof(fc.integer(), fc.string(), fc.constant("<nil>")),
    },
    { requiredKeys: [] },
  );
  const body = fc.oneof(
    fc.jsonValue(),
    fc.record(
      { data: fc.oneof(dataLike, fc.jsonValue()), extra: fc.jsonValue() },
      { requiredKeys: [] },
    ),
  );

  it("only returns data with integer numbers, or throws a DouyinError", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...operations),
        body,
        fc.constantFrom(200, 204, 500),
        (operation, value, status) => {
          try {
            const data = readAnswer(operation, {
              status,
              text: JSON.stringify(value) ?? "",
            }) as Record<string, unknown>;
            expect(data.error_code).toBe(0);
            // the operation's number-or-string fields come back as integers; others pass through
            for (const field of SUCCESS_DATA[operation].numeric) {
              if (field in data) expect(Number.isSafeInteger(data[field])).toBe(true);
            }
            for (const field of SUCCESS_DATA[operation].required) {
              expect(data[field] === undefined || data[field] === "", `${operation}.${field}`).toBe(
                false,
              );
            }
            // "<nil>" placeholders are read as absent
            for (const field of Object.keys(data)) {
              expect(data[field], `${operation}.${field}`).not.toBe("<nil>");
            }
          } catch (error) {
            expect(error).toBeInstanceOf(DouyinError);
          }
        },
      ),
      RUNS,
    );
  });

  it("arbitrary text bodies only ever throw a DouyinError", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (raw) => {
        expect(() => readAnswer("clientToken", { status: 200, text: raw })).toThrow(DouyinError);
      }),
      RUNS,
    );
  });
});

describe("redaction holds for arbitrary secrets", () => {
  // Secrets of any characters, including those percent-encoding touches; long enough to be
  // secrets, and without the mask's own character.
  const secret = fc
    .string({ unit: "grapheme", minLength: 8, maxLength: 40 })
    .filter((s) => !s.includes("*"));
  const spellings = (s: string) => [
    s,
    encodeURIComponent(s),
    new URLSearchParams({ s }).toString().slice(2),
  ];

  it("redactUrl › no spelling of a secret query value survives", () => {
    fc.assert(
      fc.property(
        secret,
        fc.constantFrom("client_secret", "code", "access_token", "refresh_token"),
        (value, name) => {
          const url = new URL("https://open.douyin.com/oauth/access_token/?client_key=k");
          url.searchParams.set(name, value);
          const shown = redactUrl(url);
          for (const form of spellings(value)) {
            if (!"https://open.douyin.com/oauth/access_token/?client_key=k&=***".includes(form))
              expect(shown).not.toContain(form);
          }
        },
      ),
      RUNS,
    );
  });

  it("redactText › an error message quoting a secret in any spelling keeps none of them", () => {
    fc.assert(
      fc.property(
        secret,
        fc.string({ maxLength: 30 }),
        fc.string({ maxLength: 30 }),
        (value, before, after) => {
          const message = `${before} failed: ${value} / ${encodeURIComponent(value)} / ${JSON.stringify(value)} ${after}`;
          const shown = redactText(message, [value]);
          for (const form of spellings(value)) {
            if (!`${before}${after} failed: / ***"`.includes(form))
              expect(shown).not.toContain(form);
          }
        },
      ),
      RUNS,
    );
  });
});
