// The door checks shared by every public function: given/want tables, exact messages.
import { describe, expect, it } from "vitest";
import { requirePositiveMs, requireText } from "../src/validate.js";

describe("requirePositiveMs › whole milliseconds from 1 to 2^31-1 (what AbortSignal.timeout and setTimeout take)", () => {
  const accepted: unknown[] = [1, 250, 10_000, 2_147_483_647];
  for (const given of accepted) {
    it(`accepts ${String(given)}`, () => {
      expect(() => requirePositiveMs(given, "timeoutMs")).not.toThrow();
    });
  }

  const refused: Array<[string, unknown]> = [
    ["0", 0],
    ["a negative number", -5],
    ["a fraction (2500.5)", 2500.5],
    ["a fraction below 1 (0.5)", 0.5],
    ["5e9, above 2^31-1", 5e9],
    ["2^31", 2 ** 31],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["NaN", Number.NaN],
    ["a numeric string", "250"],
    ["undefined", undefined],
  ];
  for (const [name, given] of refused) {
    it(`refuses ${name} with a TypeError naming the parameter`, () => {
      expect(() => requirePositiveMs(given, "timeoutMs")).toThrow(
        new TypeError('"timeoutMs" must be a whole number of milliseconds from 1 to 2147483647'),
      );
    });
  }
});

describe("requireText › a non-empty, well-formed string (encodeURIComponent throws on lone surrogates)", () => {
  const accepted = ["c", "状态 &+#", "emoji 😀 (a surrogate pair)", "rft.a-b+c%2Bd"];
  for (const given of accepted) {
    it(`accepts ${JSON.stringify(given)}`, () => {
      expect(() => requireText(given, "code")).not.toThrow();
    });
  }

  const refused: Array<[string, unknown, string]> = [
    ["an empty string", "", '"code" is missing or empty: a non-empty string is expected'],
    ["a number", 7, '"code" is missing or empty: a non-empty string is expected'],
    ["a lone high surrogate", "\uD800", '"code" must be well-formed text (no lone surrogates)'],
    [
      "a lone low surrogate inside text",
      "ab\uDC00cd",
      '"code" must be well-formed text (no lone surrogates)',
    ],
    [
      "a high surrogate at the end",
      "abc\uD83D",
      '"code" must be well-formed text (no lone surrogates)',
    ],
  ];
  for (const [name, given, message] of refused) {
    it(`refuses ${name}`, () => {
      expect(() => requireText(given, "code")).toThrow(new TypeError(message));
    });
  }
});
