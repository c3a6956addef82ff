// A client of the demo app against a local platform with quick retries and a logger that keeps
// every event, for the retry tests; and `failure`, which resolves to what a call rejected with.
import {
  createDouyinOAuth,
  type DouyinLogEvent,
  type DouyinOAuthOptions,
} from "../../src/index.js";
import { DEMO_APP } from "../../src/emulator/index.js";

export const FAST_RETRY = { retries: 2, minDelayMs: 20, maxDelayMs: 80 };

export function loggedClient(baseUrl: string, extra: Partial<DouyinOAuthOptions> = {}) {
  const events: DouyinLogEvent[] = [];
  const douyin = createDouyinOAuth({
    clientKey: DEMO_APP.clientKey,
    clientSecret: DEMO_APP.clientSecret,
    baseUrl,
    retry: FAST_RETRY,
    logger: (event) => events.push(event),
    ...extra,
  });
  return { douyin, events };
}

export const failure = (pending: Promise<unknown>) =>
  pending.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
