// Retries: only where they cannot do harm, with backoff, honouring abort and the total time.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createDouyinOAuth,
  DouyinOAuthError,
  DouyinTransportError,
  type DouyinOAuthOptions,
} from "../src/index.js";
import { DEMO_APP, startEmulator, type Emulator } from "../src/emulator/index.js";
import { failure, loggedClient } from "./support/logged-client.js";
import { getEventListeners } from "node:events";

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

// The retry loop's edges against the emulator: which status is worth a retry, the backoff's
// ceiling, what each log event carries, a delay that would cross the total time, an abort
// (never retried, never waited out, no listener left behind), and the jitter.
describe("the retry loop, case by case", () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator();
  });
  afterEach(() => emu.close());

  const client = (extra: Partial<DouyinOAuthOptions> = {}) => loggedClient(emu.url, extra);

  describe("worth a retry", () => {
    it("HTTP 500 is retried", async () => {
      emu.injectFault({ operation: "clientToken", kind: "status", status: 500, times: 1 });
      const { douyin } = client();
      await expect(douyin.clientToken()).resolves.toMatchObject({ expires_in: 7200 });
      expect(emu.stats.clientToken).toBe(2);
    });

    it("HTTP 499 is not retried", async () => {
      emu.injectFault({ operation: "clientToken", kind: "status", status: 499, times: 1 });
      const error = await failure(client().douyin.clientToken());
      expect(error).toMatchObject({ kind: "http-status", status: 499, attempts: 1 });
      expect(emu.stats.clientToken).toBe(1);
    });

    it("an empty body is retried", async () => {
      emu.injectFault({ operation: "userInfo", kind: "empty", times: 1 });
      const { douyin } = client();
      const { access_token, open_id } = await douyin.accessToken({
        code: emu.issueCode({ scope: "user_info" }),
      });
      await expect(
        douyin.userInfo({ accessToken: access_token, openId: open_id }),
      ).resolves.toMatchObject({ open_id });
      expect(emu.stats.userInfo).toBe(2);
    });
  });

  describe("backoff", () => {
    it("each delay is capped by maxDelayMs", async () => {
      emu.injectFault({ operation: "clientToken", kind: "status", status: 503, times: 3 });
      const { douyin, events } = client({ retry: { retries: 3, minDelayMs: 20, maxDelayMs: 30 } });
      await expect(douyin.clientToken()).resolves.toMatchObject({ expires_in: 7200 });
      const delays = events.filter((e) => e.outcome === "retry").map((e) => e.delayMs!);
      expect(delays).toHaveLength(3);
      // ceilings 20, min(30, 40), min(30, 80); jitter keeps each in [ceiling / 2, ceiling]
      expect(delays[0]).toBeGreaterThanOrEqual(10);
      expect(delays[0]).toBeLessThanOrEqual(20);
      for (const delay of delays.slice(1)) {
        expect(delay).toBeGreaterThanOrEqual(15);
        expect(delay).toBeLessThanOrEqual(30);
      }
    });

    it("a delay that would cross totalTimeoutMs ends the call after the first attempt", async () => {
      emu.injectFault({ operation: "clientToken", kind: "status", status: 503 });
      const { douyin, events } = client({
        retry: { retries: 5, minDelayMs: 2_000, maxDelayMs: 2_000, totalTimeoutMs: 500 },
      });
      const error = await failure(douyin.clientToken());
      expect(error).toMatchObject({ kind: "http-status", status: 503, attempts: 1 });
      expect(events.map((e) => e.outcome)).toEqual(["error"]);
      expect(emu.stats.clientToken).toBe(1);
    });
  });

  describe("log events", () => {
    it("a transport failure is logged with its kind and status; a success with neither", async () => {
      emu.injectFault({ operation: "clientToken", kind: "status", status: 502, times: 1 });
      const { douyin, events } = client();
      await douyin.clientToken();
      expect(events).toHaveLength(2);
      expect(events[0]).toEqual({
        operation: "clientToken",
        attempt: 1,
        outcome: "retry",
        durationMs: expect.any(Number),
        kind: "http-status",
        status: 502,
        delayMs: expect.any(Number),
      });
      expect(events[1]).toEqual({
        operation: "clientToken",
        attempt: 2,
        outcome: "ok",
        durationMs: expect.any(Number),
      });
    });

    it("a platform error is logged once, with its error code and no kind", async () => {
      const { douyin, events } = client({ clientSecret: "wrong-secret" });
      const error = await failure(douyin.clientToken());
      expect(error).toBeInstanceOf(DouyinOAuthError);
      const { errorCode, status } = error as DouyinOAuthError;
      expect(events).toEqual([
        {
          operation: "clientToken",
          attempt: 1,
          outcome: "error",
          durationMs: expect.any(Number),
          status,
          errorCode,
        },
      ]);
    });

    it("a reset connection is logged with its kind and no status", async () => {
      emu.injectFault({ operation: "clientToken", kind: "reset" });
      const { douyin, events } = client({ retry: { retries: 1, minDelayMs: 5, maxDelayMs: 5 } });
      const error = await failure(douyin.clientToken());
      expect(error).toBeInstanceOf(DouyinTransportError);
      expect(error).toMatchObject({ attempts: 2 });
      expect(events.map((e) => [e.attempt, e.outcome, e.kind, "status" in e])).toEqual([
        [1, "retry", (error as DouyinTransportError).kind, false],
        [2, "error", (error as DouyinTransportError).kind, false],
      ]);
    });
  });

  describe("abort and the total time", () => {
    it("a caller's abort is not retried: one attempt, one error event, and the signal left clean", async () => {
      emu.injectFault({ operation: "clientToken", kind: "stall" });
      const { douyin, events } = client({ retry: { retries: 3, minDelayMs: 5, maxDelayMs: 5 } });
      const controller = new AbortController();
      const pending = failure(douyin.clientToken({ signal: controller.signal }));
      await vi.waitFor(() => expect(emu.stats.clientToken).toBe(1), { timeout: 5_000 });
      controller.abort();
      const error = await pending;
      expect(error).toMatchObject({ kind: "aborted", attempts: 1 });
      expect(events.map((e) => [e.attempt, e.outcome, e.kind])).toEqual([[1, "error", "aborted"]]);
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    });

    it("an abort during the wait before a retry ends the call at once, and no listener is left", async () => {
      emu.injectFault({ operation: "clientToken", kind: "status", status: 503 });
      const controller = new AbortController();
      // The delay is a minute: only the abort can end this call within the test's bound.
      const { douyin, events } = client({
        retry: { retries: 3, minDelayMs: 60_000, maxDelayMs: 60_000 },
        logger: (event) => {
          events.push(event);
          if (event.outcome === "retry") setTimeout(() => controller.abort(), 20);
        },
      });
      const error = await failure(douyin.clientToken({ signal: controller.signal }));
      expect(error).toMatchObject({ kind: "aborted" });
      expect(emu.stats.clientToken).toBe(1);
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    });

    it("a signal aborted while the retry is being logged ends the call before any wait", async () => {
      emu.injectFault({ operation: "clientToken", kind: "status", status: 503 });
      const controller = new AbortController();
      const { douyin, events } = client({
        retry: { retries: 3, minDelayMs: 60_000, maxDelayMs: 60_000 },
        logger: (event) => {
          events.push(event);
          if (event.outcome === "retry") controller.abort();
        },
      });
      const error = await failure(douyin.clientToken({ signal: controller.signal }));
      expect(error).toMatchObject({ kind: "aborted" });
      expect(emu.stats.clientToken).toBe(1);
    });

    it("a retry that waited leaves no listener on the caller's signal", async () => {
      emu.injectFault({ operation: "clientToken", kind: "status", status: 503, times: 2 });
      const { douyin } = client({ retry: { retries: 3, minDelayMs: 5, maxDelayMs: 5 } });
      const controller = new AbortController();
      await expect(douyin.clientToken({ signal: controller.signal })).resolves.toMatchObject({
        expires_in: 7200,
      });
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    });

    it("each attempt is cut to what remains of totalTimeoutMs", async () => {
      emu.injectFault({ operation: "clientToken", kind: "stall" });
      // A minute per attempt: only the total can end this call within the test's bound.
      const { douyin } = client({
        timeoutMs: 60_000,
        retry: { retries: 2, minDelayMs: 5, maxDelayMs: 5, totalTimeoutMs: 300 },
      });
      const error = await failure(douyin.clientToken());
      expect(error).toMatchObject({ kind: "timeout" });
    });

    it("durationMs is the attempt's own length, not a clock reading", async () => {
      emu.injectFault({ operation: "clientToken", kind: "status", status: 503, times: 1 });
      const { douyin, events } = client();
      await douyin.clientToken();
      expect(events).toHaveLength(2);
      for (const { durationMs } of events) {
        expect(durationMs).toBeGreaterThanOrEqual(0);
        expect(durationMs).toBeLessThan(60_000);
      }
    });
  });

  describe("what an event and an error carry", () => {
    it("an event for a failure without an error code has no errorCode key", async () => {
      emu.injectFault({ operation: "clientToken", kind: "status", status: 503, times: 1 });
      const { douyin, events } = client();
      await douyin.clientToken();
      expect(Object.keys(events[0]!)).not.toContain("errorCode");
      expect(Object.keys(events[1]!).sort()).toEqual([
        "attempt",
        "durationMs",
        "operation",
        "outcome",
      ]);
    });

    it("a platform error does not gain an attempts count (only transport errors have one)", async () => {
      const { douyin } = client({ clientSecret: "wrong-secret" });
      const error = await failure(douyin.clientToken());
      expect(error).toBeInstanceOf(DouyinOAuthError);
      expect(Object.keys(error!)).not.toContain("attempts");
    });
  });

  describe("jitter", () => {
    afterEach(() => vi.restoreAllMocks());

    it("spreads each delay over [ceiling / 2, ceiling] with Math.random", async () => {
      emu.injectFault({ operation: "clientToken", kind: "status", status: 503, times: 2 });
      const draws = [0, 0.999];
      vi.spyOn(Math, "random").mockImplementation(() => draws.shift() ?? 0.5);
      const { douyin, events } = client({ retry: { retries: 2, minDelayMs: 40, maxDelayMs: 40 } });
      await douyin.clientToken();
      expect(events.filter((e) => e.outcome === "retry").map((e) => e.delayMs)).toEqual([20, 40]);
    });
  });
});
