// Every fault the emulator can inject, through the client (retries off to see each one alone):
// the right error class and fields, the timeout firing, no secret anywhere, nothing left hanging.
import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDouyinOAuth, DouyinTransportError, type DouyinOAuth } from "../../src/index.js";
import { startEmulator, type Emulator, type Fault } from "../../src/emulator/index.js";

const SECRET = "sec.ret-9+z%2Bq";
let emu: Emulator;
/** For faults that end in a timeout: 300 ms. */
let hasty: DouyinOAuth;
/** For every other fault: a timeout no busy machine reaches, so the fault alone decides. */
let douyin: DouyinOAuth;
let refreshToken: string;
beforeAll(async () => {
  emu = await startEmulator({
    apps: [{ clientKey: "k", clientSecret: SECRET, redirectDomains: ["127.0.0.1"] }],
  });
  const options = { clientKey: "k", clientSecret: SECRET, baseUrl: emu.url, retry: false as const };
  hasty = createDouyinOAuth({ ...options, timeoutMs: 300 });
  douyin = createDouyinOAuth({ ...options, timeoutMs: 10_000 });
  refreshToken = (await douyin.accessToken({ code: emu.issueCode({ scope: "user_info" }) }))
    .refresh_token;
});
afterAll(() => emu.close());
beforeEach(() => emu.clearFaults());

const cases: Array<[Fault["kind"], Partial<Fault>, Record<string, unknown>]> = [
  ["status", { status: 503 }, { kind: "http-status", status: 503 }],
  [
    "html",
    {},
    {
      kind: "invalid-answer",
      status: 200,
      message: "refreshToken: the answer is not the expected JSON (HTTP 200): the body is not JSON",
    },
  ],
  [
    "empty",
    {},
    {
      kind: "invalid-answer",
      status: 200,
      message: "refreshToken: the answer is not the expected JSON (HTTP 200): the body is empty",
    },
  ],
  ["truncated", {}, { kind: "invalid-answer", status: 200 }],
  ["reset", {}, { kind: "network", status: undefined }],
  ["lost", {}, { kind: "network", status: undefined }],
  [
    "stall",
    {},
    { kind: "timeout", message: "refreshToken: no answer arrived in time: 300 ms passed" },
  ],
  ["latency", { latencyMs: 1_000 }, { kind: "timeout" }],
];

describe("injected faults", () => {
  for (const [kind, extra, want] of cases) {
    it(`${kind} › DouyinTransportError ${String(want.kind)}, no secret in any surface`, async () => {
      emu.injectFault({ operation: "refreshToken", kind, ...extra });
      const client = want.kind === "timeout" ? hasty : douyin;
      const error = await client.refreshToken({ refreshToken }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DouyinTransportError);
      expect(error).toMatchObject({ operation: "refreshToken", attempts: 1, ...want });
      const surfaces = [
        String(error),
        JSON.stringify(error),
        inspect(error, { depth: Infinity, showHidden: true }),
      ].join("\n");
      for (const secret of [
        SECRET,
        refreshToken,
        encodeURIComponent(SECRET),
        refreshToken.slice(4),
      ]) {
        expect(surfaces).not.toContain(secret);
      }
    });
  }

  it("latency shorter than the timeout only slows the answer down", async () => {
    emu.injectFault({ operation: "clientToken", kind: "latency", latencyMs: 100 });
    const started = Date.now();
    await expect(douyin.clientToken()).resolves.toMatchObject({ expires_in: 7200 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it("a global fault hits every operation; `times` clears it", async () => {
    emu.injectFault({ kind: "status", times: 2 });
    await expect(douyin.clientToken()).rejects.toMatchObject({ status: 503 });
    await expect(douyin.stableClientToken()).rejects.toMatchObject({ status: 503 });
    await expect(douyin.clientToken()).resolves.toMatchObject({ expires_in: 7200 });
  });

  it("a fault for one operation leaves every other operation alone", async () => {
    emu.injectFault({ operation: "clientToken", kind: "status" });
    await expect(douyin.stableClientToken()).resolves.toMatchObject({ expires_in: 7200 });
    await expect(douyin.clientToken()).rejects.toMatchObject({ status: 503 });
  });

  it("a fault that runs out leaves the other faults in place", async () => {
    emu.injectFault({ operation: "clientToken", kind: "status", times: 1 });
    emu.injectFault({ operation: "stableClientToken", kind: "status", status: 502 });
    await expect(douyin.clientToken()).rejects.toMatchObject({ status: 503 });
    expect(emu.listFaults()).toEqual([
      { operation: "stableClientToken", kind: "status", status: 502, left: null },
    ]);
    await expect(douyin.stableClientToken()).rejects.toMatchObject({ status: 502 });
    await expect(douyin.clientToken()).resolves.toMatchObject({ expires_in: 7200 });
  });

  it("lost › renewRefreshToken: the platform renews, the answer never comes: old token dead, kind network", async () => {
    const signed = await douyin.accessToken({
      code: emu.issueCode({ scope: "user_info", openId: "lost-renewal" }),
    });
    const before = emu.stats.renewRefreshToken;
    emu.injectFault({ operation: "renewRefreshToken", kind: "lost", times: 1 });
    const error = await douyin
      .renewRefreshToken({ refreshToken: signed.refresh_token })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DouyinTransportError);
    expect(error).toMatchObject({
      operation: "renewRefreshToken",
      kind: "network",
      status: undefined,
      attempts: 1,
      message: "renewRefreshToken: the request failed before an answer arrived",
    });
    expect(emu.stats.renewRefreshToken).toBe(before + 1);
    expect(emu.isValid(signed.refresh_token)).toBe(false);
    await expect(
      douyin.renewRefreshToken({ refreshToken: signed.refresh_token }),
    ).rejects.toMatchObject({
      name: "DouyinOAuthError",
      errorCode: 10010,
    });
  });

  it("lost › accessToken: the code is spent though no answer came; reset, by contrast, spends nothing", async () => {
    const lostCode = emu.issueCode({ scope: "user_info", openId: "lost-code" });
    emu.injectFault({ operation: "accessToken", kind: "lost", times: 1 });
    await expect(douyin.accessToken({ code: lostCode })).rejects.toMatchObject({ kind: "network" });
    await expect(douyin.accessToken({ code: lostCode })).rejects.toMatchObject({
      errorCode: 10007,
    });

    const resetCode = emu.issueCode({ scope: "user_info", openId: "reset-code" });
    emu.injectFault({ operation: "accessToken", kind: "reset", times: 1 });
    await expect(douyin.accessToken({ code: resetCode })).rejects.toMatchObject({
      kind: "network",
    });
    await expect(douyin.accessToken({ code: resetCode })).resolves.toMatchObject({
      open_id: "reset-code",
    });
  });

  it("refuses an unknown fault kind", () => {
    expect(() => emu.injectFault({ kind: "meteor" as never })).toThrow(TypeError);
  });
});
