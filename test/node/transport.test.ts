// douyin-oauth/node: the keep-alive node:http transport behaves as the fetch one does.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDouyinOAuth, DouyinTransportError } from "../../src/index.js";
import { nodeTransport, type NodeTransport } from "../../src/node/index.js";
import { DEMO_APP, startEmulator, type Emulator } from "../../src/emulator/index.js";
import { startFakePlatform } from "../support/fake-platform.js";

let emu: Emulator;
let transport: NodeTransport;
beforeAll(async () => {
  emu = await startEmulator();
  transport = nodeTransport();
});
afterAll(async () => {
  transport.close();
  await emu.close();
});
beforeEach(() => emu.clearFaults());

const client = (extra = {}) =>
  createDouyinOAuth({
    ...DEMO_APP,
    baseUrl: emu.url,
    transport,
    timeoutMs: 300,
    retry: false,
    ...extra,
  });

describe("nodeTransport", () => {
  for (const tokenRequestMethod of ["GET", "POST"] as const) {
    it(`${tokenRequestMethod} › the whole lifecycle against the emulator`, async () => {
      const douyin = client({ tokenRequestMethod });
      const signed = await douyin.accessToken({
        code: emu.issueCode({ scope: "user_info", openId: "n-1" }),
      });
      expect(signed).toMatchObject({ open_id: "n-1", expires_in: 1296000 });
      await expect(
        douyin.refreshToken({ refreshToken: signed.refresh_token }),
      ).resolves.toMatchObject({ open_id: "n-1" });
      const renewed = await douyin.renewRefreshToken({ refreshToken: signed.refresh_token });
      expect(emu.isValid(renewed.refresh_token)).toBe(true);
      await expect(douyin.clientToken()).resolves.toMatchObject({ expires_in: 7200 });
      await expect(douyin.stableClientToken()).resolves.toMatchObject({ expires_in: 7200 });
      await expect(douyin.accessToken({ code: "used" })).rejects.toMatchObject({
        name: "DouyinOAuthError",
        errorCode: 10007,
      });
    });
  }

  const faults: Array<[string, Parameters<Emulator["injectFault"]>[0], Record<string, unknown>]> = [
    ["a 503", { kind: "status", status: 503 }, { kind: "http-status", status: 503 }],
    ["a reset connection", { kind: "reset" }, { kind: "network" }],
    ["an answer lost after the platform acted", { kind: "lost" }, { kind: "network" }],
    ["a stalled body", { kind: "stall" }, { kind: "timeout" }],
    ["a truncated body", { kind: "truncated" }, { kind: "invalid-answer" }],
  ];
  for (const [name, fault, want] of faults) {
    it(`${name} › DouyinTransportError ${String(want.kind)}`, async () => {
      emu.injectFault({ operation: "clientToken", ...fault });
      const error = await client()
        .clientToken()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DouyinTransportError);
      expect(error).toMatchObject(want);
    });
  }

  for (const tokenRequestMethod of ["GET", "POST"] as const) {
    it(`${tokenRequestMethod} › a 307 to another host is not followed: http-status 307, nothing sent there`, async () => {
      const elsewhere = await startFakePlatform();
      const redirecting = await startFakePlatform((request) => ({
        status: 307,
        headers: { location: `${elsewhere.url}${request.path}?${request.rawQuery}` },
      }));
      try {
        const error = await client({ baseUrl: redirecting.url, tokenRequestMethod })
          .accessToken({ code: "c0de" })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DouyinTransportError);
        expect(error).toMatchObject({
          kind: "http-status",
          status: 307,
          operation: "accessToken",
          message: "accessToken: the platform answered with an HTTP error status (HTTP 307)",
        });
        expect(redirecting.requests.map((r) => r.method)).toEqual([tokenRequestMethod]);
        expect(elsewhere.requests).toEqual([]);
      } finally {
        await redirecting.close();
        await elsewhere.close();
      }
    });
  }

  it("the caller's abort rejects at once with the abort reason as cause", async () => {
    emu.injectFault({ operation: "clientToken", kind: "stall" });
    const controller = new AbortController();
    const pending = client({ timeoutMs: 5_000 }).clientToken({ signal: controller.signal });
    setTimeout(() => controller.abort("bye"), 50);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "aborted" });
    expect((error as Error).cause).toBe("bye");
  });

  it("keeps connections alive across calls", async () => {
    const own = nodeTransport({ maxSockets: 1 });
    const douyin = client({ transport: own });
    for (let i = 0; i < 5; i++) await douyin.stableClientToken();
    own.close();
    await expect(douyin.stableClientToken()).resolves.toMatchObject({ error_code: 0 });
  });
});
