// A deterministic simulation of the whole token lifecycle, in the spirit of FoundationDB's
// simulation testing: one seed drives a virtual clock, users, servers and faults, and the
// invariants are checked after every step. The platform is the emulator's own rules
// (src/emulator/ledger.ts) reached through an in-process transport, so a year of virtual time
// runs in seconds; the token managers, the clients and the store are the package's own code.
import FakeTimers from "@sinonjs/fake-timers";
import { createDouyinOAuth, DouyinReauthorizeError, type DouyinOAuth } from "../../src/index.js";
import type { Transport, TransportRequest } from "../../src/transport.js";
import {
  createClientTokenProvider,
  createUserTokenManager,
  type ClientTokenProvider,
  type UserTokenManager,
} from "../../src/tokens/index.js";
import { DEMO_APP } from "../../src/emulator/demo-app.js";
import { OAuthLedger } from "../../src/emulator/ledger.js";
import { OPERATION_PATHS } from "../../src/spec.js";
import { FaultyStore, type StoreFault } from "../support/faulty-store.js";

export interface SimulationOptions {
  seed: number;
  days?: number;
  users?: number;
  servers?: number;
  /** Chance that one platform call meets a fault; default 0.03. */
  faultRate?: number;
  /** Store faults (outages, slow, hanging, throwing calls, lost locks) per virtual day; default 6. */
  storeFaultsPerDay?: number;
}

export interface SimulationReport {
  seed: number;
  days: number;
  users: number;
  servers: number;
  steps: number;
  /** Invariant checks made. */
  checks: number;
  violations: string[];
  calls: {
    getAccessToken: number;
    clientToken: number;
    signIns: number;
    signOuts: number;
    sweeps: number;
  };
  outcomes: {
    served: number;
    reauthorize: Record<string, number>;
    storeErrors: number;
    otherErrors: number;
  };
  platform: Record<string, number>;
  faults: Record<string, number>;
  /** Renewals the platform applied whose answer never arrived: the grant is lost by design. */
  lostRenewals: number;
  /** Requests told to reauthorize after such a lost answer. */
  reauthorizedAfterLostAnswer: number;
  renewals: number;
  /** Longest call, in virtual milliseconds. */
  longestCallMs: number;
}

const DAY = 24 * 60 * 60_000;
/** A call that takes longer than this (virtual time) is a hang. */
const CALL_BOUND_MS = 2 * 60_000;
const START = Date.UTC(2026, 0, 1);

/** Mulberry32: a small, fast, seedable PRNG. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    chance: (p: number) => next() < p,
    pick: <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!,
    /** Exponentially distributed, mean `mean`. */
    exp: (mean: number) => -Math.log(1 - next()) * mean,
  };
}

type TokenOp =
  "accessToken" | "clientToken" | "stableClientToken" | "refreshToken" | "renewRefreshToken";
const ROUTES = new Map<string, TokenOp>([
  [OPERATION_PATHS.accessToken, "accessToken"],
  [OPERATION_PATHS.clientToken, "clientToken"],
  // whenStoreDown's fallback (it had no route: the fetch failed, so its token was never checked)
  [OPERATION_PATHS.stableClientToken, "stableClientToken"],
  [OPERATION_PATHS.refreshToken, "refreshToken"],
  [OPERATION_PATHS.renewRefreshToken, "renewRefreshToken"],
]);
/** The emulator's fault kinds (src/emulator/faults.ts), with the same effects. */
const NETWORK_FAULTS = [
  "reset",
  "lost",
  "latency",
  "stall",
  "status",
  "html",
  "empty",
  "truncated",
] as const;
type NetworkFault = (typeof NETWORK_FAULTS)[number];
const STORE_FAULTS = ["outage", "slow", "hang", "throw", "lock-lost"] as const;

/** The parameters of a token request, from its query or its form or JSON body. */
function paramsOf(request: TransportRequest): Record<string, string | undefined> {
  if (request.method === "GET") return Object.fromEntries(new URL(request.url).searchParams);
  if (request.headers["content-type"] === "application/json") return JSON.parse(request.body!);
  return Object.fromEntries(new URLSearchParams(request.body));
}

interface User {
  openId: string;
  signedIn: boolean;
  /** A sign-out was asked for since the last sign-in: "no tokens" is then the expected answer. */
  signingOut: boolean;
  /** Mean days between visits; Infinity for a user who never comes back. */
  gapDays: number;
}

export async function simulate(options: SimulationOptions): Promise<SimulationReport> {
  const { seed } = options;
  const days = options.days ?? 90;
  const userCount = options.users ?? 40;
  const serverCount = options.servers ?? 3;
  const faultRate = options.faultRate ?? 0.03;
  const storeFaultsPerDay = options.storeFaultsPerDay ?? 6;
  const rnd = prng(seed);
  const report: SimulationReport = {
    seed,
    days,
    users: userCount,
    servers: serverCount,
    steps: 0,
    checks: 0,
    violations: [],
    calls: { getAccessToken: 0, clientToken: 0, signIns: 0, signOuts: 0, sweeps: 0 },
    outcomes: { served: 0, reauthorize: {}, storeErrors: 0, otherErrors: 0 },
    platform: {},
    faults: {},
    lostRenewals: 0,
    reauthorizedAfterLostAnswer: 0,
    renewals: 0,
    longestCallMs: 0,
  };
  /** TRACE=<open_id> prints what happens to one user, for replaying a failing seed. */
  const traced = process.env.TRACE;
  const trace = (openId: string | undefined, what: string) => {
    if (traced !== undefined && openId === traced) {
      console.log(`${((Date.now() - START) / DAY).toFixed(6)} ${what}`);
    }
  };
  const count = (bag: Record<string, number>, name: string) => (bag[name] = (bag[name] ?? 0) + 1);

  const clock = FakeTimers.withGlobal(globalThis).install({
    now: START,
    toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"],
  });
  const realRandom = Math.random;
  Math.random = rnd.next; // the retry jitter, replayed by the seed
  let step = "start";
  const violation = (what: string) =>
    report.violations.push(
      `seed ${seed}, day ${((Date.now() - START) / DAY).toFixed(3)}, ${step}: ${what}`,
    );

  try {
    const platform = new OAuthLedger([DEMO_APP], () => Date.now(), false);
    /** Refresh tokens the platform issued whose answer was lost (renewals, code exchanges). */
    const lostTokens = new Set<string>();
    const lostFor = new Set<string>();
    /** Refresh tokens a renewal consumed, and whether that answer arrived. */
    const renewedOnce = new Map<string, "delivered" | "lost">();
    /** Refresh tokens of sign-ins the app was told failed (save() rejected). */
    const abandoned = new Set<string>();
    let lastClientFetch: { at: number; delivered: boolean } | undefined;
    let storeFaultUntil = 0;

    // ---- the platform, through a transport that can lose answers ------------------------
    const transport: Transport = async (request) => {
      const operation = ROUTES.get(new URL(request.url).pathname)!;
      const params = paramsOf(request);
      count(report.platform, operation);
      const fault: NetworkFault | undefined = rnd.chance(faultRate)
        ? rnd.pick(NETWORK_FAULTS)
        : undefined;
      if (fault) count(report.faults, `network:${fault}`);
      if (fault === "reset") throw new Error("socket hang up");
      if (fault === "status") return { status: 503, text: "<html>503</html>" };
      if (fault === "html") return { status: 200, text: "<!doctype html><p>maintenance</p>" };
      if (fault === "empty") return { status: 200, text: "" };
      // Every call crosses a network: 20 to 300 ms; a latency fault adds up to 8 s.
      const latency = 20 + rnd.int(280) + (fault === "latency" ? rnd.int(8_000) : 0);
      await new Promise((r) => setTimeout(r, latency));
      const owner =
        params.refresh_token === undefined
          ? undefined
          : platform.refreshRecord(params.refresh_token)?.openId;
      const answer = platform[operation](params) as { data: Record<string, unknown> };
      trace(
        operation === "clientToken"
          ? "client"
          : (owner ?? (answer.data.open_id as string | undefined)),
        `platform ${operation} ${params.refresh_token?.slice(4, 10) ?? ""} → ${answer.data.error_code} ${String(answer.data.refresh_token ?? "").slice(4, 10)} fault=${fault}`,
      );
      const ok = Number(answer.data.error_code) === 0;
      const delivered = fault !== "lost" && fault !== "stall" && fault !== "truncated";
      if (operation === "renewRefreshToken" && answer.data.error_code !== 10005) {
        const presented = params.refresh_token!;
        const before = renewedOnce.get(presented);
        if (before === "delivered")
          violation(`refresh token renewed twice (${presented.slice(0, 8)})`);
        if (ok) {
          renewedOnce.set(presented, delivered ? "delivered" : "lost");
          report.renewals += 1;
        }
      }
      if (ok && !delivered) {
        if (typeof answer.data.refresh_token === "string")
          lostTokens.add(answer.data.refresh_token);
        if (operation === "renewRefreshToken") {
          report.lostRenewals += 1;
          const owner = platform.refreshRecord(answer.data.refresh_token as string)?.openId;
          if (owner) lostFor.add(owner);
        }
      }
      if (operation === "clientToken" && ok) {
        // Checked when no store fault touched the time since the last fetch (and a minute before).
        if (lastClientFetch?.delivered && storeFaultUntil < lastClientFetch.at - 60_000) {
          // A token lives 2 hours and is refreshed 5 minutes ahead: fetches ~115 minutes apart.
          if (Date.now() - lastClientFetch.at < 110 * 60_000) {
            violation(
              `two client-token fetches ${Date.now() - lastClientFetch.at} ms apart while the store was up`,
            );
          }
        }
        lastClientFetch = { at: Date.now(), delivered };
      }
      if (fault === "stall") {
        await new Promise((r) => setTimeout(r, 10_000));
        throw new Error("timeout");
      }
      if (fault === "lost") throw new Error("ECONNRESET");
      const text = JSON.stringify(answer);
      return { status: 200, text: fault === "truncated" ? text.slice(0, text.length >> 1) : text };
    };

    // ---- servers sharing one store ------------------------------------------------------
    const store = new FaultyStore(() => Date.now());
    const servers = Array.from({ length: serverCount }, () => {
      const douyin: DouyinOAuth = createDouyinOAuth({ ...DEMO_APP, transport, timeoutMs: 10_000 });
      const common = { store, lockTtlMs: 1_000, storeTimeoutMs: 1_000, onError: () => undefined };
      return {
        douyin,
        users: createUserTokenManager(douyin, common) as UserTokenManager,
        // client_token, not the default stable token: its latest-two rule is what the fleet's
        // coordination must keep, and what the invariants below check (issue 22).
        clientTokens: createClientTokenProvider(douyin, {
          ...common,
          source: "client_token",
        }) as ClientTokenProvider,
      };
    });

    const users: User[] = Array.from({ length: userCount }, (_, n) => ({
      openId: `user-${n}`,
      signedIn: false,
      signingOut: false,
      gapDays: rnd.chance(0.2) ? Infinity : 0.2 + rnd.exp(6),
    }));

    /** Whether the platform holds a refresh token for this user that the app was handed. */
    const liveGrant = (openId: string) => {
      for (const [token, record] of platform.refreshRecords()) {
        if (record.openId !== openId || record.expiresAt <= Date.now()) continue;
        if (!lostTokens.has(token) && !abandoned.has(token)) return true;
      }
      return false;
    };

    // ---- calls in flight, each timed ----------------------------------------------------
    const inflight = new Set<Promise<unknown>>();
    function track<T>(
      name: string,
      call: () => Promise<T>,
      onDone: (result: PromiseSettledResult<T>) => void,
      openId?: string,
    ) {
      const started = Date.now();
      trace(openId, `${name} starts`);
      const promise = call()
        .then(
          (value) => {
            trace(openId, `${name} → ${String(value).slice(0, 10)}`);
            onDone({ status: "fulfilled", value });
          },
          (reason: unknown) => {
            trace(openId, `${name} ✗ ${(reason as Error)?.message}`);
            onDone({ status: "rejected", reason });
          },
        )
        .finally(() => {
          const took = Date.now() - started;
          report.longestCallMs = Math.max(report.longestCallMs, took);
          if (took > CALL_BOUND_MS) violation(`${name} took ${took} ms`);
          inflight.delete(promise);
        });
      inflight.add(promise);
    }

    function signIn(user: User) {
      const server = rnd.pick(servers);
      report.calls.signIns += 1;
      const code = platform.issueCode(DEMO_APP.clientKey, user.openId, "user_info");
      let issued: string | undefined;
      track(
        "sign-in",
        async () => {
          const data = await server.douyin.accessToken({ code });
          issued = data.refresh_token;
          return server.users.save(data);
        },
        (result) => {
          if (result.status === "fulfilled") {
            user.signedIn = true;
            user.signingOut = false;
          } else if (issued) abandoned.add(issued); // the app was told: sign in again
        },
        user.openId,
      );
    }

    /** A page load: one to four requests for the user, on random servers, within a second. */
    function visit(user: User) {
      const burst = 1 + rnd.int(4);
      for (let n = 0; n < burst; n++) setTimeout(() => request(user), n === 0 ? 0 : rnd.int(1_000));
      // Now and then the user signs out while the page's requests are still running.
      if (rnd.chance(0.03)) setTimeout(() => signOut(user), rnd.int(1_000));
    }

    function request(user: User) {
      const server = rnd.pick(servers);
      report.calls.getAccessToken += 1;
      track(
        "getAccessToken",
        () => server.users.getAccessToken(user.openId),
        (result) => {
          report.checks += 1;
          if (result.status === "fulfilled") {
            report.outcomes.served += 1;
            const token = result.value;
            const valid = platform.isValid(token);
            if (!valid)
              violation(`served an access token the platform does not accept (${user.openId})`);
            return;
          }
          const error = result.reason;
          if (error instanceof DouyinReauthorizeError) {
            count(report.outcomes.reauthorize, error.reason);
            user.signedIn = false;
            if (user.signingOut && error.reason === "no_tokens") return;
            if (lostFor.has(user.openId)) {
              report.reauthorizedAfterLostAnswer += 1;
              return;
            }
            if (liveGrant(user.openId))
              violation(`${user.openId} told to reauthorize (${error.reason}) with a live grant`);
            if (error.reason === "refresh_token_expired")
              violation(`${user.openId}'s grant lapsed with renewals left`);
            return;
          }
          if ((error as Error)?.name === "DouyinStoreError") report.outcomes.storeErrors += 1;
          else report.outcomes.otherErrors += 1;
        },
        user.openId,
      );
    }

    /** Sign-out; then a stale tab asks for the user's token: it must find none. */
    function signOut(user: User) {
      const server = rnd.pick(servers);
      report.calls.signOuts += 1;
      user.signingOut = true;
      track(
        "delete",
        () => server.users.delete(user.openId),
        (result) => {
          // A failed or timed-out delete may still have happened: the sign-out request stands.
          if (result.status !== "fulfilled") return;
          user.signedIn = false;
          for (const [token, record] of platform.refreshRecords()) {
            if (record.openId === user.openId) abandoned.add(token);
          }
          setTimeout(() => {
            const other = rnd.pick(servers);
            track(
              "getAccessToken after sign-out",
              () => other.users.getAccessToken(user.openId),
              (after) => {
                report.checks += 1;
                // While the store is failing, a server may serve the record it still holds.
                if (after.status === "fulfilled" && Date.now() > storeFaultUntil) {
                  violation(`${user.openId} served a token after signing out`);
                }
              },
              user.openId,
            );
          }, rnd.int(2_000));
        },
        user.openId,
      );
    }

    function clientTokens() {
      const burst = 1 + rnd.int(6);
      for (let n = 0; n < burst; n++) setTimeout(clientToken, n === 0 ? 0 : rnd.int(3_000));
    }

    function clientToken() {
      const server = rnd.pick(servers);
      report.calls.clientToken += 1;
      track(
        `clientToken.get on server ${servers.indexOf(server)}`,
        () => server.clientTokens.get(),
        (result) => {
          report.checks += 1;
          if (result.status !== "fulfilled") return;
          // Among the latest two client tokens, or the stable token (fetched while the store is down).
          if (!platform.isValid(result.value)) {
            violation("served a client token that the platform does not accept");
          }
        },
        "client",
      );
    }

    /** The daily cron: on one random server, or on every server within the same few seconds. */
    function sweep() {
      const sweepers = rnd.chance(0.5) ? servers : [rnd.pick(servers)];
      for (const server of sweepers) {
        setTimeout(() => {
          report.calls.sweeps += 1;
          track(
            "renewDue",
            () => server.users.renewDue({ concurrency: 8 }),
            () => undefined,
          );
        }, rnd.int(3_000));
      }
    }

    function storeFault() {
      const kind = rnd.pick(STORE_FAULTS);
      trace("client", `store fault ${kind}`);
      count(report.faults, `store:${kind}`);
      const lasting = 1_000 + rnd.int(kind === "outage" ? 10 * 60_000 : 60_000);
      let fault: [string, StoreFault];
      switch (kind) {
        case "outage":
          fault = ["*", { kind: "reject", message: "ECONNREFUSED" }];
          break;
        case "slow":
          fault = ["*", { kind: "slow", ms: 200 + rnd.int(1_500) }];
          break;
        case "hang":
          fault = [rnd.pick(["get", "compareAndSet", "lock", "release"]), { kind: "hang" }];
          break;
        case "throw":
          fault = [rnd.pick(["get", "compareAndSet", "lock", "set"]), { kind: "throw" }];
          break;
        case "lock-lost":
          fault = ["extend", { kind: "reject" }];
          break;
      }
      store.faults.set(fault[0] as never, fault[1]);
      storeFaultUntil = Math.max(storeFaultUntil, Date.now() + lasting);
      setTimeout(() => store.faults.delete(fault[0] as never), lasting);
    }

    // ---- the schedule -------------------------------------------------------------------
    interface Event {
      at: number;
      run: () => void;
      name: string;
    }
    const events: Event[] = [];
    const horizon = START + days * DAY;
    for (const user of users) {
      let at = START + rnd.next() * days * DAY * 0.6;
      events.push({ at, run: () => signIn(user), name: `sign-in ${user.openId}` });
      while (Number.isFinite(user.gapDays)) {
        at += (0.01 + rnd.exp(user.gapDays)) * DAY;
        if (at >= horizon) break;
        events.push({
          at,
          run: () => (user.signedIn ? visit(user) : signIn(user)),
          name: `visit ${user.openId}`,
        });
      }
    }
    for (let day = 0; day < days; day++) {
      events.push({ at: START + (day + rnd.next()) * DAY, run: sweep, name: `sweep day ${day}` });
      for (let n = 0; n < 12; n++) {
        events.push({
          at: START + (day + rnd.next()) * DAY,
          run: clientToken,
          name: "client token",
        });
      }
      const storeFaults =
        Math.floor(storeFaultsPerDay) + (rnd.chance(storeFaultsPerDay % 1) ? 1 : 0);
      for (let n = 0; n < storeFaults; n++) {
        events.push({ at: START + (day + rnd.next()) * DAY, run: storeFault, name: "store fault" });
      }
    }
    events.sort((a, b) => a.at - b.at);

    // STOP_DAY=<day> replays the run only up to that day (the same events, cut short).
    const stop =
      process.env.STOP_DAY === undefined ? Infinity : START + Number(process.env.STOP_DAY) * DAY;
    for (const event of events) {
      if (event.at > stop) break;
      await clock.tickAsync(Math.max(0, event.at - Date.now()));
      step = `step ${report.steps} (${event.name})`;
      report.steps += 1;
      event.run();
    }
    // Let everything in flight finish: every call is bounded, so this ends.
    step = "drain";
    for (let n = 0; n < 100 && inflight.size > 0; n++) await clock.tickAsync(10_000);
    if (inflight.size > 0) violation(`${inflight.size} calls still in flight at the end`);
    store.faults.clear();
    report.checks += 1;
  } finally {
    Math.random = realRandom;
    clock.uninstall();
  }
  return report;
}
