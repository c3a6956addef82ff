// Scope types (issue 24): a known scope autocompletes and a misspelled one is a type error; a
// scope the spec does not list is taken explicitly, through customScope().
import { describe, expectTypeOf, it } from "vitest";
import {
  customScope,
  type CustomScope,
  type DouyinOAuth,
  type KnownScope,
  type Scope,
} from "../src/index.js";

declare const douyin: DouyinOAuth;
const redirectUri = "https://app.example/cb";

describe("scope", () => {
  it("the spec's known scopes are literals", () => {
    expectTypeOf<"user_info">().toMatchTypeOf<KnownScope>();
    expectTypeOf<"video.list">().toMatchTypeOf<KnownScope>();
    expectTypeOf<"user_inf">().not.toMatchTypeOf<Scope>();
  });

  it("a known scope, alone or in a list, compiles", () => {
    douyin.connectUrl({ scope: "user_info", redirectUri });
    douyin.connectUrl({ scope: ["user_info", "video.list"], redirectUri });
    douyin.authorizeUrl({ scope: ["mobile_alert"], redirectUri });
  });

  it("a misspelled scope is a type error, alone or in a list", () => {
    // @ts-expect-error user_inf is no scope of the spec
    douyin.connectUrl({ scope: "user_inf", redirectUri });
    // @ts-expect-error video.lists is no scope of the spec
    douyin.connectUrl({ scope: ["user_info", "video.lists"], redirectUri });
  });

  it("a plain string is not taken silently: customScope() takes it, and names it so", () => {
    const fromConfig: string = "video.create";
    // @ts-expect-error a string of unknown content needs customScope()
    douyin.connectUrl({ scope: [fromConfig], redirectUri });
    douyin.connectUrl({ scope: ["user_info", customScope(fromConfig)], redirectUri });
    expectTypeOf(customScope("video.create")).toEqualTypeOf<CustomScope>();
    expectTypeOf<CustomScope>().toMatchTypeOf<Scope>();
  });
});

describe("optionalScope", () => {
  it("known scopes as keys compile; a misspelled one is a type error", () => {
    douyin.connectUrl({ scope: "user_info", redirectUri, optionalScope: { mobile: true } });
    douyin.connectUrl({
      scope: "user_info",
      redirectUri,
      optionalScope: { "video.list": false, mobile_alert: true },
    });
    // @ts-expect-error mobil is no scope of the spec
    douyin.connectUrl({ scope: "user_info", redirectUri, optionalScope: { mobil: true } });
  });

  it("another scope is a computed customScope() key; the wire string and a map built at run time still go", () => {
    douyin.connectUrl({
      scope: "user_info",
      redirectUri,
      optionalScope: { mobile: true, [customScope("video.create")]: false },
    });
    douyin.connectUrl({ scope: "user_info", redirectUri, optionalScope: "video.create,1" });
    const fromConfig: Record<string, boolean> = { "video.create": true };
    douyin.connectUrl({ scope: "user_info", redirectUri, optionalScope: fromConfig });
  });
});
