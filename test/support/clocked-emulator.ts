// The token tests' platform: the emulator on a clock that stands still until a test moves it
// (advanceTime), a client of it, and the user-token steps built on the two.
import FakeTimers from "@sinonjs/fake-timers";
import { createDouyinOAuth, type DouyinOAuth } from "../../src/index.js";
import { DEMO_APP, startEmulator, type Emulator } from "../../src/emulator/index.js";
import {
  createUserTokenManager,
  type TokenStore,
  type UserTokenManager,
  type UserTokenManagerOptions,
  type UserTokenRecord,
} from "../../src/tokens/index.js";

export const DAY = 24 * 60 * 60_000;

export interface ClockedEmulator {
  emu: Emulator;
  /** A client of `emu` that never retries. */
  douyin: DouyinOAuth;
}

/** The emulator at 2026-11-25 08:00 UTC until advanceTime moves it, and a client; close `emu`. */
export async function startClockedEmulator(): Promise<ClockedEmulator> {
  const emu = await startEmulator({ now: () => Date.UTC(2026, 10, 25, 8) });
  return { emu, douyin: createDouyinOAuth({ ...DEMO_APP, baseUrl: emu.url, retry: false }) };
}

/** `openId` approves on the emulator; the code is exchanged and the grant saved by `users`. */
export async function signInWith(
  { emu, douyin }: ClockedEmulator,
  users: UserTokenManager,
  openId = "u-1",
): Promise<UserTokenRecord> {
  const code = emu.issueCode({ scope: "user_info", openId });
  return users.save(await douyin.accessToken({ code }));
}

/** A user-token manager on `store` and the emulator's clock, 200 ms store bound, onError kept. */
export function managerWith(
  { emu, douyin }: ClockedEmulator,
  store: TokenStore,
  more: UserTokenManagerOptions = {},
): { users: UserTokenManager; errors: unknown[] } {
  const errors: unknown[] = [];
  const users = createUserTokenManager(douyin, {
    now: emu.now,
    store,
    storeTimeoutMs: 200,
    onError: (e) => errors.push(e),
    ...more,
  });
  return { users, errors };
}

export interface SharedClock {
  emu: Emulator;
  /** Days pass for the platform and for the app in this process alike. */
  advance(days: number): void;
  /** Closes the emulator and gives this process its real Date back. */
  close(): Promise<void>;
}

/**
 * The emulator on the real clock (moved by its own control), and this process's Date faked and
 * moved with it: for a framework's app run in-process over months, in a real browser.
 */
export async function startSharedClock(): Promise<SharedClock> {
  const realNow = Date.now;
  const emu = await startEmulator({ now: () => realNow() });
  const clock = FakeTimers.install({ now: realNow(), toFake: ["Date"], shouldAdvanceTime: true });
  return {
    emu,
    advance(days) {
      emu.advanceTime(days * DAY);
      clock.setSystemTime(Date.now() + days * DAY);
    },
    async close() {
      await emu.close();
      clock.uninstall();
    },
  };
}
