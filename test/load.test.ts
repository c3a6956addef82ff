// Load, bounded in count and time, loopback only: thousands of token calls through the client
// at concurrency 64 against the emulator. Correctness is asserted; throughput is reported.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDouyinOAuth, type DouyinOAuth } from "../src/index.js";
import { DEMO_APP, LIFETIMES, startEmulator, type Emulator } from "../src/emulator/index.js";

const FLOWS = 1_500; // each: accessToken + refreshToken + clientToken-or-stable = 3 calls
const CONCURRENCY = 64;
const TIME_LIMIT_MS = 60_000;

let emu: Emulator;
let douyin: DouyinOAuth;
beforeAll(async () => {
  emu = await startEmulator({ apps: [{ ...DEMO_APP }] });
  douyin = createDouyinOAuth({ ...DEMO_APP, baseUrl: emu.url, retry: false });
});
afterAll(() => emu.close());

async function round(label: string) {
  const deadline = AbortSignal.timeout(TIME_LIMIT_MS);
  let next = 0;
  let calls = 0;
  const errors: unknown[] = [];
  const started = performance.now();
  const worker = async () => {
    while (next < FLOWS && !deadline.aborted) {
      const i = next++;
      try {
        const code = emu.issueCode({ scope: "user_info", openId: `${label}-${i}` });
        const signed = await douyin.accessToken({ code }, { signal: deadline });
        const refreshed = await douyin.refreshToken(
          { refreshToken: signed.refresh_token },
          { signal: deadline },
        );
        if (refreshed.open_id !== `${label}-${i}`) throw new Error(`flow ${i}: wrong open_id`);
        // The client-token rate limit (500 per 5 minutes) would answer 10020 past that:
        // alternate with the stable token, whose repeated calls are free.
        if (i % 8 === 0) await douyin.clientToken({ signal: deadline });
        else await douyin.stableClientToken({ signal: deadline });
        calls += 3;
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { calls, errors, seconds, perSecond: Math.round(calls / seconds) };
}

// A full collection before each reading, so the numbers compare live memory, not garbage.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe("load", () => {
  it(
    `${FLOWS * 3} token calls at concurrency ${CONCURRENCY}: zero errors, memory flat after purges`,
    async () => {
      const first = await round("a");
      expect(first.errors).toEqual([]);
      expect(first.calls).toBe(FLOWS * 3);
      expect(emu.stored).toMatchObject({ codes: 0, accessTokens: FLOWS, refreshTokens: FLOWS });

      emu.advanceTime(LIFETIMES.refreshToken + 1_000);
      await fetch(`${emu.url}/`);
      expect(emu.stored).toEqual({ codes: 0, accessTokens: 0, refreshTokens: 0, clientTokens: 0 });
      const heapAfterFirst = heapAfterGc();

      const second = await round("b");
      expect(second.errors).toEqual([]);
      emu.advanceTime(LIFETIMES.refreshToken + 1_000);
      await fetch(`${emu.url}/`);
      expect(emu.stored).toEqual({ codes: 0, accessTokens: 0, refreshTokens: 0, clientTokens: 0 });
      const heapAfterSecond = heapAfterGc();

      console.log(
        `load: ${first.calls} calls in ${first.seconds.toFixed(2)} s (${first.perSecond}/s), ` +
          `then ${second.calls} in ${second.seconds.toFixed(2)} s (${second.perSecond}/s) at concurrency ${CONCURRENCY}; ` +
          `heap after purge ${(heapAfterFirst / 2 ** 20).toFixed(1)} MiB → ${(heapAfterSecond / 2 ** 20).toFixed(1)} MiB`,
      );
    },
    TIME_LIMIT_MS * 2 + 10_000,
  );
});
