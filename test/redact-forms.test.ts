// redact.ts, pinned piece by piece: each spelling of a secret, the empty secret, URLs inside
// text, and safeCause on every kind of thrown value. test/redact.test.ts checks the same rules
// end to end through the client's error paths.
import { describe, expect, it } from "vitest";
import { redactText, redactUrl, safeCause, SECRET_PARAMS } from "../src/redact.js";

// Every character that spells differently raw, percent-encoded, form-encoded and JSON-escaped.
const SECRET = 'a b+c/d&é"q\\z';
const FORMS: Array<[string, string]> = [
  ["raw", SECRET],
  ["percent-encoded", "a%20b%2Bc%2Fd%26%C3%A9%22q%5Cz"],
  ["form-encoded", "a+b%2Bc%2Fd%26%C3%A9%22q%5Cz"],
  ["JSON-escaped", 'a b+c/d&é\\"q\\\\z'],
];

describe("redactText › each spelling of a secret, alone in the text", () => {
  it("the four spellings are four different strings", () => {
    expect(new Set(FORMS.map(([, form]) => form)).size).toBe(4);
    expect(encodeURIComponent(SECRET)).toBe(FORMS[1]![1]);
    expect(new URLSearchParams({ s: SECRET }).toString()).toBe(`s=${FORMS[2]![1]}`);
    expect(JSON.stringify(SECRET)).toBe(`"${FORMS[3]![1]}"`);
  });
  for (const [name, form] of FORMS) {
    it(name, () => {
      expect(redactText(`echo [${form}] echo`, [SECRET])).toBe("echo [***] echo");
    });
  }
  it("every occurrence, not only the first", () => {
    expect(redactText(`${FORMS[2]![1]} then ${SECRET} then ${SECRET}`, [SECRET])).toBe(
      "*** then *** then ***",
    );
  });
});

describe("redactText › secrets", () => {
  it("an empty secret is skipped: it would otherwise mask between every character", () => {
    expect(redactText("abc", [""])).toBe("abc");
    expect(redactText("x tok y", ["", "tok"])).toBe("x *** y");
  });
  it("no secrets given: only URLs and secret pairs are touched", () => {
    expect(redactText("plain text, code 42")).toBe("plain text, code 42");
    expect(redactText("refresh_token=rft.1-2")).toBe("refresh_token=***");
  });
  it("the longest spelling goes first, whichever order the secrets come in", () => {
    // the form-encoded long secret contains the short one raw: the short one must not split it
    const long = "k y.k";
    for (const secrets of [
      ["k", long],
      [long, "k"],
    ]) {
      expect(redactText("<k+y.k> <k>", secrets)).toBe("<***> <***>");
    }
    expect(redactText("<k+y.k>", ["k"])).toBe("<***+y.***>");
  });
});

describe("redactText › secret_param=value pairs", () => {
  it("all four names, every pair in the text", () => {
    const text = SECRET_PARAMS.map((name) => `${name}=v.1-2`).join(" ; ");
    expect(redactText(text)).toBe(SECRET_PARAMS.map((name) => `${name}=***`).join(" ; "));
    expect(SECRET_PARAMS).toEqual(["client_secret", "code", "access_token", "refresh_token"]);
  });
  const stops: Array<[string, string]> = [
    ["&", "code=x.y&state"],
    [" ", "code=x.y state"],
    ['"', 'code=x.y"state'],
    ["'", "code=x.y'state"],
    ["<", "code=x.y<state"],
    [">", "code=x.y>state"],
  ];
  for (const [stop, given] of stops) {
    it(`the value ends at ${JSON.stringify(stop)}`, () => {
      expect(redactText(given)).toBe(`code=***${stop}state`);
    });
  }
  it("a name inside a longer word is not a secret pair", () => {
    expect(redactText("zipcode=123 barcode=9")).toBe("zipcode=123 barcode=9");
  });
  it("a value that is already empty stays empty", () => {
    expect(redactText("code=&x=1")).toBe("code=***&x=1");
  });
});

describe("redactText › URLs in text", () => {
  it("each URL is redacted by parsing: the URL is normalised, its fragment kept", () => {
    expect(
      redactText("GET https://h?access_token=a.b&x=1#frag then http://g/p?code=c.d&x=1 done"),
    ).toBe("GET https://h/?access_token=***&x=1#frag then http://g/p?code=***&x=1 done");
  });
  it("a URL ends at a space or a quote", () => {
    expect(redactText(`"https://h/?code=a"'http://g/?code=b' <http://k/?code=c>`)).toBe(
      `"https://h/?code=***"'http://g/?code=***' <http://k/?code=***>`,
    );
  });
  it("a URL that does not parse is left to the pair rule", () => {
    expect(redactText("see http://[oops/?code=a.b&y=2#f")).toBe("see http://[oops/?code=***&y=2#f");
  });
  it("only http and https start a URL", () => {
    expect(redactText("ftp://h?code=a#frag")).toBe("ftp://h?code=***");
    expect(redactText("xhttps://h?code=a#frag")).toBe("xhttps://h?code=***");
  });
});

describe("redactUrl", () => {
  it("a URL object and its text give the same", () => {
    const url = "https://h/cb?refresh_token=r.1&client_secret=s&state=x";
    expect(redactUrl(new URL(url))).toBe(
      "https://h/cb?refresh_token=***&client_secret=***&state=x",
    );
    expect(redactUrl(url)).toBe(redactUrl(new URL(url)));
  });
  it("adds no parameter that was not there, and keeps a literal %2A that is not the mask", () => {
    expect(redactUrl("https://h/cb?x=%2A")).toBe("https://h/cb?x=%2A");
  });
});

describe("safeCause", () => {
  it("a string: redacted text", () => {
    expect(safeCause("request to https://h/?code=abc failed: tok", ["tok"])).toBe(
      "request to https://h/?code=*** failed: ***",
    );
  });
  it("anything else that is not an Error: a placeholder, never the value", () => {
    for (const value of [42, 0, false, true, { code: "tok" }, ["tok"], Symbol("tok")]) {
      expect(safeCause(value, ["tok"])).toBe("[non-error value]");
    }
  });
  it("undefined and null pass through", () => {
    expect(safeCause(undefined, [])).toBeUndefined();
    expect(safeCause(null, [])).toBeNull();
  });

  it("an Error: a new one with the same name and code, message and frames redacted", () => {
    const error = new RangeError("bad tok at https://h/?client_secret=tok");
    Object.assign(error, { code: "ECONNRESET" });
    error.stack = [
      "RangeError: bad tok at https://h/?client_secret=tok",
      "second line of the message, tok",
      "    at send (https://h/?code=tok x.js:1:2)",
      "\tat other (file.js:3:4)",
      "Caused by: something  at the end",
    ].join("\n");
    const safe = safeCause(error, ["tok"]) as Error & { code?: unknown };
    expect(safe).toBeInstanceOf(Error);
    expect(safe).not.toBe(error);
    expect(safe.name).toBe("RangeError");
    expect(safe.message).toBe("bad *** at https://h/?client_secret=***");
    expect(safe.code).toBe("ECONNRESET");
    expect(safe.stack).toBe(
      [
        "RangeError: bad *** at https://h/?client_secret=***",
        "    at send (https://h/?code=*** x.js:1:2)",
        "\tat other (file.js:3:4)",
      ].join("\n"),
    );
    expect(Object.hasOwn(safe, "cause")).toBe(false);
  });

  it("a numeric code is kept; any other code is dropped", () => {
    const numeric = Object.assign(new Error("x"), { code: 7 });
    expect((safeCause(numeric, []) as { code?: unknown }).code).toBe(7);
    for (const code of [{ secret: "tok" }, true, null]) {
      const other = Object.assign(new Error("x"), { code });
      expect(Object.hasOwn(safeCause(other, []) as object, "code")).toBe(false);
    }
  });

  it("an Error without a stack: the stack is its first line only", () => {
    const error = new Error("boom tok");
    Reflect.deleteProperty(error, "stack");
    expect((safeCause(error, ["tok"]) as Error).stack).toBe("Error: boom ***");
  });

  it("the cause chain: redacted, non-enumerable, writable, configurable", () => {
    const error = new Error("outer", { cause: "inner tok" });
    const safe = safeCause(error, ["tok"]) as Error;
    expect(Object.getOwnPropertyDescriptor(safe, "cause")).toEqual({
      value: "inner ***",
      enumerable: false,
      writable: true,
      configurable: true,
    });
    const withNull = safeCause(new Error("outer", { cause: null }), []) as Error;
    expect(Object.hasOwn(withNull, "cause")).toBe(true);
    expect(withNull.cause).toBeNull();
  });

  it("the cause chain stops after five levels", () => {
    let error: unknown = "bottom";
    for (let level = 7; level >= 0; level--) error = new Error(`level ${level}`, { cause: error });
    let at = safeCause(error, []) as Error | undefined;
    const messages: string[] = [];
    while (at instanceof Error) {
      messages.push(at.message);
      at = at.cause as Error | undefined;
    }
    expect(messages).toEqual(["level 0", "level 1", "level 2", "level 3", "level 4"]);
    expect(at).toBeUndefined();
  });
});
