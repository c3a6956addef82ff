// Retries: only where they cannot do harm, with backoff, honouring abort and the total time.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createDouyinOAuth,
  DouyinOAuthError,
  DouyinTransportError,
  type DouyinOAuthOptions,
} from "../src/index.js";
import { DEMO_APP, startEmulator, type Emulator } from "../src/emulator/index.js";
import { failure, loggedClient } from "./support/logged-client.js";

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(() => emu.close());

const client = (extra: Partial<DouyinOAuthOptions> = {}) => loggedClient(emu.url, extra);

describe("retried operations", () => {
  it("clientToken › two 503s, then success: three calls, logged retry, retry, ok", async () => {
    emu.injectFault({ operation: "clientToken", kind: "status", status: 503, times: 2 });
    const { douyin, events } = client();
    await expect(douyin.clientToken()).resolves.toMatchObject({ expires_in: 7200 });
    expect(emu.stats.clientToken).toBe(3);
    expect(events.map((e) => [e.attempt, e.outcome, e.status])).toEqual([
      [1, "retry", 503],
      [2, "retry", 503],
      [3, "ok", undefined],
    ]);
    // backoff: 20 ms then 40 ms ceilings, each with jitter in [ceiling/2, ceiling]
    expect(events[0]!.delayMs).toBeGreaterThanOrEqual(10);
    expect(events[0]!.delayMs).toBeLessThanOrEqual(20);
    expect(events[1]!.delayMs).toBeGreaterThanOrEqual(20);
    expect(events[1]!.delayMs).toBeLessThanOrEqual(40);
  });

  it("refreshToken › a reset connection, then success", async () => {
    const { douyin } = client();
    const { refresh_token } = await douyin.accessToken({
      code: emu.issueCode({ scope: "user_info" }),
    });
    emu.injectFault({ operation: "refreshToken", kind: "reset", times: 1 });
    await expect(douyin.refreshToken({ refreshToken: refresh_token })).resolves.toMatchObject({
      refresh_token,
    });
    expect(emu.stats.refreshToken).toBe(2);
  });

  it("stableClientToken › a truncated answer, then success", async () => {
    emu.injectFault({ operation: "stableClientToken", kind: "truncated", times: 1 });
    const { douyin } = client();
    await expect(douyin.stableClientToken()).resolves.toMatchObject({ error_code: 0 });
    expect(emu.stats.stableClientToken).toBe(2);
  });

  it("retries run out › the last DouyinTransportError, attempts 3", async () => {
    emu.injectFault({ operation: "clientToken", kind: "status", status: 502 });
    const { douyin, events } = client();
    const error = await failure(douyin.clientToken());
    expect(error).toBeInstanceOf(DouyinTransportError);
    expect(error).toMatchObject({ kind: "http-status", status: 502, attempts: 3 });
    expect(events.map((e) => e.outcome)).toEqual(["retry", "retry", "error"]);
  });

  it("a platform error (error_code) is an answer, not a fault: never retried", async () => {
    const { douyin } = client({ clientSecret: "wrong" });
    const error = await failure(douyin.clientToken());
    expect(error).toBeInstanceOf(DouyinOAuthError);
    expect(emu.stats.clientToken).toBe(1);
  });

  it("an HTTP 4xx is not retried", async () => {
    emu.injectFault({ operation: "clientToken", kind: "status", status: 429 });
    const error = await failure(client().douyin.clientToken());
    expect(error).toMatchObject({ status: 429, attempts: 1 });
  });

  it("retry: false › one attempt", async () => {
    emu.injectFault({ operation: "clientToken", kind: "status", status: 503 });
    const error = await failure(client({ retry: false }).douyin.clientToken());
    expect(error).toMatchObject({ attempts: 1 });
    expect(emu.stats.clientToken).toBe(1);
  });
});

describe("never retried", () => {
  it("accessToken › a 503 surfaces at once: a code works once", async () => {
    emu.injectFault({ operation: "accessToken", kind: "status", status: 503 });
    const error = await failure(
      client().douyin.accessToken({ code: emu.issueCode({ scope: "user_info" }) }),
    );
    expect(error).toMatchObject({ name: "DouyinTransportError", status: 503, attempts: 1 });
    expect(emu.stats.accessToken).toBe(1);
  });

  it("renewRefreshToken › a lost answer surfaces at once: it rotates the refresh token", async () => {
    const { douyin } = client();
    const { refresh_token } = await douyin.accessToken({
      code: emu.issueCode({ scope: "user_info" }),
    });
    emu.injectFault({ operation: "renewRefreshToken", kind: "truncated", times: 1 });
    const error = await failure(douyin.renewRefreshToken({ refreshToken: refresh_token }));
    expect(error).toMatchObject({ kind: "invalid-answer", attempts: 1 });
    expect(emu.stats.renewRefreshToken).toBe(1);
    // the platform did renew: the old refresh token is gone, as a retry would have found out
    expect(emu.isValid(refresh_token)).toBe(false);
  });
});

describe("limits", () => {
  it("the caller's abort during a backoff delay ends the call at once", async () => {
    emu.injectFault({ operation: "clientToken", kind: "status", status: 503 });
    const { douyin } = client({ retry: { retries: 5, minDelayMs: 5_000, maxDelayMs: 5_000 } });
    const controller = new AbortController();
    const pending = douyin.clientToken({ signal: controller.signal });
    setTimeout(() => controller.abort(new Error("shutting down")), 150);
    const error = await failure(pending);
    expect(error).toMatchObject({ name: "DouyinTransportError", kind: "aborted" });
    expect((error!.cause as Error).message).toBe("shutting down");
    // Ended by the abort, in the first 5 s delay: one attempt, not six.
    expect(error).toMatchObject({ attempts: 1 });
  });

  it("totalTimeoutMs bounds attempts and delays together", async () => {
    emu.injectFault({ operation: "clientToken", kind: "stall" });
    const { douyin } = client({
      timeoutMs: 500,
      retry: { retries: 10, minDelayMs: 50, maxDelayMs: 50, totalTimeoutMs: 600 },
    });
    const started = Date.now();
    const error = await failure(douyin.clientToken());
    const elapsed = Date.now() - started;
    expect(error).toMatchObject({ kind: "timeout" });
    expect((error as DouyinTransportError).attempts).toBeLessThanOrEqual(3);
    // At least the first attempt's 500 ms (less the budget's edge); unbounded, 11 attempts of
    // 500 ms plus waits would take about 6 s, and the attempt count above says it stopped early.
    expect(elapsed).toBeGreaterThanOrEqual(400);
  });

  const bad: Array<[unknown, string]> = [
    [{ retries: -1 }, '"retry.retries" must be an integer from 0 to 10'],
    [{ retries: 1.5 }, '"retry.retries" must be an integer from 0 to 10'],
    [
      { minDelayMs: 0 },
      '"retry.minDelayMs" must be a whole number of milliseconds from 1 to 2147483647',
    ],
    [
      { minDelayMs: 500, maxDelayMs: 100 },
      '"retry.maxDelayMs" must not be below "retry.minDelayMs"',
    ],
    [
      { totalTimeoutMs: -1 },
      '"retry.totalTimeoutMs" must be a whole number of milliseconds from 1 to 2147483647',
    ],
    [
      { minDelayMs: 12.5 },
      '"retry.minDelayMs" must be a whole number of milliseconds from 1 to 2147483647',
    ],
    [
      { maxDelayMs: 5e9 },
      '"retry.maxDelayMs" must be a whole number of milliseconds from 1 to 2147483647',
    ],
    [
      { totalTimeoutMs: 2500.5 },
      '"retry.totalTimeoutMs" must be a whole number of milliseconds from 1 to 2147483647',
    ],
    [true, '"retry" must be false or { retries, minDelayMs, maxDelayMs }'],
  ];
  for (const [retry, message] of bad) {
    it(`refuses retry ${JSON.stringify(retry)}`, () => {
      expect(() => createDouyinOAuth({ clientKey: "k", retry: retry as never })).toThrow(
        new TypeError(message),
      );
    });
  }

  it("a logger that throws does not fail the call", async () => {
    const douyin = createDouyinOAuth({
      ...DEMO_APP,
      baseUrl: emu.url,
      logger: () => {
        throw new Error("logger down");
      },
    });
    await expect(douyin.clientToken()).resolves.toMatchObject({ expires_in: 7200 });
  });
});
