// The error family's own fields, as a caller meets them: names, messages, and a `cause` only when
// there is one (no `[cause]: undefined` in a logged error).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDouyinOAuth,
  DouyinError,
  DouyinOAuthError,
  DouyinReauthorizeError,
  DouyinTransportError,
} from "../src/index.js";
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
