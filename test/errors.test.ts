// The error family's own fields, as a caller meets them: names, messages, and a `cause` only when
// there is one (no `[cause]: undefined` in a logged error).
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDouyinOAuth,
  DouyinError,
  DouyinOAuthError,
  DouyinReauthorizeError,
  DouyinStoreError,
  DouyinTransportError,
} from "../src/index.js";
import { root } from "./support/project.js";
import { createUserTokenManager } from "../src/tokens/index.js";
import { DEMO_APP, startEmulator, type Emulator } from "../src/emulator/index.js";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());

describe("the DouyinError family", () => {
  it("DouyinError › named so, and so is a subclass of yours that does not rename itself", () => {
    class MyStoreFault extends DouyinError {}
    expect(new DouyinError("x").name).toBe("DouyinError");
    expect(String(new MyStoreFault("store down"))).toBe("DouyinError: store down");
  });

  it("DouyinTransportError without a cause (an HTTP status) › no cause property at all", async () => {
    emu.injectFault({ operation: "clientToken", kind: "status", status: 503 });
    const douyin = createDouyinOAuth({ ...DEMO_APP, baseUrl: emu.url, retry: false });
    const error = await douyin.clientToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DouyinTransportError);
    expect(error).toMatchObject({ kind: "http-status", status: 503 });
    expect(Object.hasOwn(error as object, "cause")).toBe(false);
    emu.clearFaults();
  });

  it("DouyinOAuthError › String(err) keeps the platform's description, so a log line keeps the meaning (issue 24)", async () => {
    const douyin = createDouyinOAuth({ ...DEMO_APP, baseUrl: emu.url, retry: false });
    const error = await douyin
      .refreshToken({ refreshToken: "rft.never-issued" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DouyinOAuthError);
    expect(String(error)).toBe(
      "DouyinOAuthError: refreshToken: the platform answered error_code 10010: refresh_token过期 / refresh_token expired, authorize again",
    );
    expect(String(error)).not.toContain("rft.never-issued");
  });

  it("DouyinOAuthError › the description in the message is redacted, on one line, cut at 200 characters; none, no colon", () => {
    const fields = { errorCode: 10008, logId: undefined };
    const leaky = new DouyinOAuthError("userInfo", 200, {
      ...fields,
      description:
        "bad token\r\nsee https://x.example/?access_token=act.SECRET&x=1 access_token=act.SECRET2",
    });
    expect(leaky.message).toBe(
      "userInfo: the platform answered error_code 10008: bad token see https://x.example/?access_token=***&x=1 access_token=***",
    );
    const long = new DouyinOAuthError("userInfo", 200, {
      ...fields,
      description: "长".repeat(300),
    });
    expect(long.message).toBe(
      `userInfo: the platform answered error_code 10008: ${"长".repeat(200)}…`,
    );
    const none = new DouyinOAuthError("userInfo", 200, { ...fields, description: " " });
    expect(none.message).toBe("userInfo: the platform answered error_code 10008");
  });

  it("instanceof agrees with another copy of the classes (the CommonJS build beside this one), by a Symbol.for brand (issue 24)", () => {
    const other = createRequire(import.meta.url)(join(root, "dist/cjs/index.js"));
    expect(other.DouyinOAuthError).not.toBe(DouyinOAuthError);
    const fields = { errorCode: 10010, description: "", logId: undefined };
    const theirs = new other.DouyinOAuthError("refreshToken", 200, fields);
    const ours = new DouyinOAuthError("refreshToken", 200, fields);
    expect(theirs instanceof DouyinOAuthError).toBe(true);
    expect(theirs instanceof DouyinError).toBe(true);
    expect(theirs instanceof DouyinTransportError).toBe(false);
    expect(ours instanceof other.DouyinOAuthError).toBe(true);
    expect(ours instanceof other.DouyinStoreError).toBe(false);
    expect(new other.DouyinStoreError("failed", "get") instanceof DouyinStoreError).toBe(true);
    expect(new other.DouyinReauthorizeError("u", "no_tokens") instanceof DouyinError).toBe(true);
    // Nothing else passes: plain errors, look-alikes without the brand, primitives.
    const lookalike = Object.assign(new Error("x"), { name: "DouyinOAuthError", errorCode: 1 });
    for (const value of [new Error("x"), lookalike, null, undefined, "DouyinOAuthError", {}]) {
      expect(value instanceof DouyinError).toBe(false);
    }
  });

  it("a subclass of yours keeps ordinary instanceof: a DouyinError is not one of yours", () => {
    class MyFault extends DouyinError {}
    const mine = new MyFault("store down");
    expect(mine instanceof MyFault).toBe(true);
    expect(mine instanceof DouyinError).toBe(true);
    expect(new DouyinError("x") instanceof MyFault).toBe(false);
    expect(
      new DouyinOAuthError("clientToken", 200, {
        errorCode: 1,
        description: "",
        logId: undefined,
      }) instanceof MyFault,
    ).toBe(false);
  });

  it("DouyinReauthorizeError no_tokens › its message, and no cause property at all", async () => {
    const douyin = createDouyinOAuth({ ...DEMO_APP, baseUrl: emu.url, retry: false });
    const users = createUserTokenManager(douyin);
    const error = await users.getAccessToken("nobody").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DouyinReauthorizeError);
    expect(error).toMatchObject({
      reason: "no_tokens",
      openId: "nobody",
      message: "getAccessToken: no tokens are stored for this user; authorize again",
    });
    expect(Object.hasOwn(error as object, "cause")).toBe(false);
  });
});
