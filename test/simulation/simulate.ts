// A deterministic simulation of the whole token lifecycle, in the spirit of FoundationDB's
// simulation testing: one seed drives a virtual clock, users, servers and faults, and the
// invariants are checked after every step. The platform is the emulator's own rules
// (src/emulator/ledger.ts) reached through an in-process transport, so a year of virtual time
// runs in seconds; the token managers, the clients and the store are the package's own code.
//
// Faults, all decided by the seed: the platform's network faults; store outages, slow,
// hanging and throwing calls, calls that time out for their caller and land later, unreadable
// values, a read-only store; at any store or platform call (every await point of the
// managers): a lock that expires under its holder or whose extensions are refused, a sign-out
// of that user on any server, and, during a renewal, the user signing in again; processes
// that exit (gracefully, awaiting close()) or crash, replaced by new ones; and servers whose
// clocks disagree (up to ±2 hours on half the seeds).
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
import { SimStore, type Incarnation, type StoreFault, type StoreMethod } from "./sim-store.js";

export interface SimulationOptions {
  seed: number;
  days?: number;
  users?: number;
  servers?: number;
  /** Chance that one platform call meets a fault; default 0.03. */
  faultRate?: number;
  /** Store faults (outages, slow, hanging, throwing, late, unreadable, read-only, lost locks) per virtual day; default 6. */
  storeFaultsPerDay?: number;
  /** At each store or platform call, the chance that a held lock is lost; default 0.01. */
  lockLossRate?: number;
  /** At each store or platform call for a user, the chance that the user signs out; default 0.002. */
  signOutRate?: number;
  /** At each renewal sent, the chance that its user signs in again while it is on the wire; default 0.08. */
  signInDuringRenewalRate?: number;
  /** Process exits (graceful or crash, one in two) per virtual day; default 1. */
  exitsPerDay?: number;
  /** At each store or platform call, the chance that the calling process exits there (crash or graceful); default 0.0003. */
  exitRate?: number;
  /** At each renewal answer delivered, the chance that the store turns read-only then (and, one time in two, the process exits); default 0.02. */
  unsavedRate?: number;
  /** Lose client-token locks too (off by default: see RELIABILITY.md, a lost lock and a stalled fetch can knock out a served client token). */
  clientLockLoss?: boolean;
  /** The largest clock offset of a server; default ±2 hours on half the seeds, ±2 s on the others. */
  maxSkewMs?: number;
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
  /** Each server's clock offset, in milliseconds. */
  skewMs: number[];
  exits: {
    graceful: number;
    crashes: number;
    /** The sum of `close()`'s `unsaved` over graceful exits. */
    unsavedAtClose: number;
    /** Renewals delivered to a process that exited before the store took them: lost by design. */
    renewalsLostWithProcess: number;
    /** Calls cut off by their process' exit (not judged). */
    callsCutOff: number;
  };
  /** Requests told to reauthorize after a process exit took an unsaved renewal of theirs. */
  reauthorizedAfterExitLoss: number;
  /**
   * Calls started after a sign-out resolved, served a token of the signed-out grant from
   * process memory while the store failed them, within offlineGraceMs of the sign-out.
   */
  servedAfterSignOutOffline: number;
  /** Likewise for a grant a new sign-in replaced before the call began. */
  servedReplacedGrantOffline: number;
  /** What clock skew alone explains: a token served past its expiry by at most twice the skew, a grant ended that much early. */
  underSkew: { servedExpired: number; reauthorizedNearEnd: number };
  /**
   * Client tokens served that the platform no longer accepted, after the store refused a
   * fetched client token's write: an open defect of the client-token provider (reported).
   */
  clientTokenUnstoredKnockouts: number;
  /** Store answers: late (timed out for the caller, applied after), unreadable, writes refused while read-only. */
  store: { late: number; unreadable: number; readOnlyRefusals: number };
}

const DAY = 24 * 60 * 60_000;
const HOUR = 60 * 60_000;
/** A call that takes longer than this (virtual time) is a hang. */
const CALL_BOUND_MS = 2 * 60_000;
/** The managers' default offlineGraceMs. */
const OFFLINE_GRACE_MS = 5 * 60_000;
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

export type TokenOp =
  "accessToken" | "clientToken" | "stableClientToken" | "refreshToken" | "renewRefreshToken";
/** The token operations the in-process platform answers, by path. */
export const ROUTES = new Map<string, TokenOp>([
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
const STORE_FAULTS = [
  "outage",
  "slow",
  "hang",
  "throw",
  "lock-lost",
  "late",
  "unreadable",
  "read-only",
] as const;

/** The parameters of a token request, from its query or its form or JSON body. */
export function paramsOf(request: TransportRequest): Record<string, string | undefined> {
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
  /** The last sign-out that resolved: when (in order of events), and the tombstone it left. */
  signedOut?: { resolvedSeq: number; tombstoneSeq: number; tombstoneAt: number };
  /** When the last sign-out was asked for (in order of events). */
  signOutAskedSeq: number;
  /** Events at which a get of this user's grant failed (fault, timeout, unreadable). */
  getFailedAt: number[];
}

/** One server: a process (an incarnation, replaced when it exits), its clock offset. */
interface Server {
  index: number;
  skew: number;
  process: Incarnation & { id: number };
  douyin: DouyinOAuth;
  users: UserTokenManager;
  clientTokens: ClientTokenProvider;
  /** Renewals this process was handed: the refresh token presented, and the one it got. */
  renewed: Map<string, string>;
}

export async function simulate(options: SimulationOptions): Promise<SimulationReport> {
  const { seed } = options;
  const days = options.days ?? 90;
  const userCount = options.users ?? 40;
  const serverCount = options.servers ?? 3;
  const faultRate = options.faultRate ?? 0.03;
  const storeFaultsPerDay = options.storeFaultsPerDay ?? 6;
  const lockLossRate = options.lockLossRate ?? 0.01;
  const signOutRate = options.signOutRate ?? 0.002;
  const signInDuringRenewalRate = options.signInDuringRenewalRate ?? 0.08;
  const exitsPerDay = options.exitsPerDay ?? 1;
  const exitRate = options.exitRate ?? 0.0003;
  const clientLockLoss = options.clientLockLoss ?? false;
  const unsavedRate = options.unsavedRate ?? 0.02;
  const rnd = prng(seed);
  const maxSkew = options.maxSkewMs ?? (rnd.chance(0.5) ? 2 * HOUR : 2_000);
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
    skewMs: [],
    exits: {
      graceful: 0,
      crashes: 0,
      unsavedAtClose: 0,
      renewalsLostWithProcess: 0,
      callsCutOff: 0,
    },
    reauthorizedAfterExitLoss: 0,
    servedAfterSignOutOffline: 0,
    servedReplacedGrantOffline: 0,
    clientTokenUnstoredKnockouts: 0,
    underSkew: { servedExpired: 0, reauthorizedNearEnd: 0 },
    store: { late: 0, unreadable: 0, readOnlyRefusals: 0 },
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
  /** The order of events: call starts, sign-outs resolved, values landed in the store. */
  let seq = 0;

  try {
    const platform = new OAuthLedger([DEMO_APP], () => Date.now(), false);
    /** Refresh tokens the platform issued whose answer was lost (renewals, code exchanges). */
    const lostTokens = new Set<string>();
    const lostFor = new Set<string>();
    /** Users whose unsaved renewal went with an exiting process. */
    const exitLossFor = new Set<string>();
    /** Refresh tokens a renewal consumed, and whether that answer arrived. */
    const renewedOnce = new Map<string, "delivered" | "lost">();
    /** Refresh tokens of sign-ins the app was told failed (save() rejected). */
    const abandoned = new Set<string>();
    /** Every user token the platform issued, and the sign-in (grant) it descends from. */
    const grantOf = new Map<string, number>();
    let grants = 0;
    /** Per grant: when it first landed in the store (order of events), and if a later sign-in or a sign-out replaced it there. */
    const grantStoredSeq = new Map<number, number>();
    const supersededGrants = new Set<number>();
    /** When (in order of events, and in time) a grant was replaced in the store, and by what. */
    const supersededBy = new Map<number, { seq: number; at: number; by: "sign-in" | "sign-out" }>();
    const supersede = (grant: number, by: "sign-in" | "sign-out") => {
      supersededGrants.add(grant);
      if (!supersededBy.has(grant)) supersededBy.set(grant, { seq, at: Date.now(), by });
    };
    const grantsOfUser = new Map<string, Set<number>>();
    const ownerOfGrant = new Map<number, string>();
    /** Refresh tokens that were ever in the store. */
    const storedRefreshTokens = new Set<string>();
    /** Per user key, the last tombstone that landed: when, in order and in time. */
    const tombstones = new Map<string, { seq: number; at: number }>();
    /** The platform's expiry of each access token (a refresh may extend it). */
    const accessExpiry = new Map<string, number>();
    let lastClientFetch: { at: number; delivered: boolean } | undefined;
    const clientKey = `douyin-oauth:${DEMO_APP.clientKey}:client_token`;
    let clientWriteFailedAt = -Infinity;
    let storeFaultUntil = 0;

    const users: User[] = Array.from({ length: userCount }, (_, n) => ({
      openId: `user-${n}`,
      signedIn: false,
      signingOut: false,
      gapDays: rnd.chance(0.2) ? Infinity : 0.2 + rnd.exp(6),
      getFailedAt: [],
      signOutAskedSeq: 0,
    }));
    const byOpenId = new Map(users.map((user) => [user.openId, user]));
    const userPrefix = `douyin-oauth:${DEMO_APP.clientKey}:user:`;
    const userLockPrefix = `douyin-oauth:${DEMO_APP.clientKey}:lock:user:`;
    const userOfKey = (key: string) =>
      key.startsWith(userPrefix)
        ? byOpenId.get(key.slice(userPrefix.length))
        : key.startsWith(userLockPrefix)
          ? byOpenId.get(key.slice(userLockPrefix.length))
          : undefined;

    // ---- faults at any await point --------------------------------------------------------
    /** Called at every store and platform call: a lock may be lost, the user may sign out. */
    function atAwait(user: User | undefined, process: Incarnation, onTheWire = false) {
      if (lockLossRate > 0 && rnd.chance(lockLossRate)) {
        const how = rnd.chance(0.5) ? "expire" : "refuse";
        const key = store.loseLock(how, rnd.int, clientLockLoss ? "" : userLockPrefix);
        if (key !== undefined) {
          count(
            report.faults,
            `lock:${how === "expire" ? "expired under its holder" : "extension refused"}`,
          );
          trace(userOfKey(key)?.openId ?? "client", `lock ${how} ${key}`);
          if (!key.includes(":lock:user:"))
            storeFaultUntil = Math.max(storeFaultUntil, Date.now() + 60_000);
        }
      }
      // Ten times as likely while a refresh or a renewal of theirs is on the wire.
      const signOutChance = onTheWire ? 10 * signOutRate : signOutRate;
      if (
        user &&
        user.signedIn &&
        !user.signingOut &&
        signOutRate > 0 &&
        rnd.chance(signOutChance)
      ) {
        count(report.faults, "sign-out during a call");
        signOut(user);
      }
      const server = serverOf.get(process);
      if (server && servers[server.index] === server && exitRate > 0 && rnd.chance(exitRate)) {
        // The process making this call exits right here.
        count(report.faults, "exit:during a call");
        exit(server, rnd.chance(0.5));
      }
    }
    const serverOf = new Map<Incarnation, Server>();

    // ---- the store, shared --------------------------------------------------------------
    const store = new SimStore(
      () => Date.now(),
      rnd.next,
      {
        onCall: (method: StoreMethod, key: string, process: Incarnation) => {
          const user = userOfKey(key);
          if (traced !== undefined && user?.openId === traced) {
            const at = serverOf.get(process);
            trace(
              traced,
              `store ${method} ${key.includes(":lock:") ? "lock" : ""} by ${at?.index}.${at?.process.id}`,
            );
          }
          atAwait(user, process);
        },
        onApply: (key, value) => {
          seq += 1;
          const user = userOfKey(key);
          if (user === undefined || value === undefined) return;
          const parsed = JSON.parse(value) as { signedOutAt?: number; refreshToken?: string };
          const mine = grantsOfUser.get(user.openId) ?? new Set<number>();
          if (parsed.signedOutAt !== undefined) {
            tombstones.set(key, { seq, at: Date.now() });
            for (const grant of mine) supersede(grant, "sign-out");
            trace(user.openId, `store ← tombstone`);
            return;
          }
          const token = parsed.refreshToken!;
          const { version, renewingSince } = parsed as Record<string, unknown>;
          trace(
            user.openId,
            `store ← v${version} ${token.slice(4, 10)} mark=${renewingSince ?? "-"}`,
          );
          storedRefreshTokens.add(token);
          const grant = grantOf.get(token);
          if (grant === undefined || grantStoredSeq.has(grant)) return;
          // A sign-in landed: it replaces every other grant of the user. A sign-out that
          // landed before it (the two raced) replaced the grants stored then, not this one.
          grantStoredSeq.set(grant, seq);
          supersededGrants.delete(grant);
          supersededBy.delete(grant);
          for (const other of mine) if (other !== grant) supersede(other, "sign-in");
          trace(user.openId, `store ← grant ${grant}`);
        },
        onFailed: (method, key, why) => {
          if (key === clientKey && (method === "compareAndSet" || method === "set")) {
            clientWriteFailedAt = Date.now();
          }
          const user = userOfKey(key);
          if (user === undefined) return;
          trace(user.openId, `store ${method} failed: ${why}`);
          if (method !== "get") return;
          user.getFailedAt.push(++seq);
          if (user.getFailedAt.length > 64) user.getFailedAt.splice(0, 32);
        },
      },
      1_000,
    );

    // ---- the platform, through a transport that can lose answers ------------------------
    const platformCall = async (request: TransportRequest, server: Server) => {
      const operation = ROUTES.get(new URL(request.url).pathname)!;
      const params = paramsOf(request);
      count(report.platform, operation);
      const presentedOwner =
        params.refresh_token === undefined
          ? undefined
          : platform.refreshRecord(params.refresh_token)?.openId;
      atAwait(
        presentedOwner === undefined ? undefined : byOpenId.get(presentedOwner),
        server.process,
        true,
      );
      if (server.process.dead) throw new Error("the process is gone");
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
      if (operation === "renewRefreshToken" && presentedOwner !== undefined) {
        const user = byOpenId.get(presentedOwner)!;
        if (user.signedIn && !user.signingOut && rnd.chance(signInDuringRenewalRate)) {
          // The user signs in again (another tab, another device) while this renewal is on the wire.
          count(report.faults, "sign-in during a renewal");
          setTimeout(() => signIn(user), rnd.int(latency));
        }
      }
      await new Promise((r) => setTimeout(r, latency));
      const answer = platform[operation](params) as { data: Record<string, unknown> };
      trace(
        operation === "clientToken"
          ? "client"
          : (presentedOwner ?? (answer.data.open_id as string | undefined)),
        `platform ${operation} ${params.refresh_token?.slice(4, 10) ?? ""} → ${answer.data.error_code} ${String(answer.data.refresh_token ?? "").slice(4, 10)} fault=${fault} server=${server.index}.${server.process.id}`,
      );
      const ok = Number(answer.data.error_code) === 0;
      // A process that exited while the call was on the wire never hears the answer.
      const gone = server.process.dead;
      const delivered = fault !== "lost" && fault !== "stall" && fault !== "truncated" && !gone;
      if (ok) {
        const issued = answer.data as {
          access_token?: string;
          refresh_token?: string;
          expires_in?: number;
        };
        const grant =
          operation === "accessToken" ? ++grants : grantOf.get(params.refresh_token ?? "");
        if (grant !== undefined) {
          if (operation === "accessToken") {
            const open = answer.data.open_id as string;
            const mine = grantsOfUser.get(open) ?? new Set<number>();
            mine.add(grant);
            ownerOfGrant.set(grant, open);
            grantsOfUser.set(open, mine);
          }
          if (issued.access_token) grantOf.set(issued.access_token, grant);
          if (issued.refresh_token) grantOf.set(issued.refresh_token, grant);
        }
        if (issued.access_token && operation !== "clientToken") {
          accessExpiry.set(issued.access_token, Date.now() + Number(issued.expires_in) * 1000);
        }
      }
      if (operation === "renewRefreshToken" && answer.data.error_code !== 10005) {
        const presented = params.refresh_token!;
        const before = renewedOnce.get(presented);
        if (before === "delivered")
          violation(
            `refresh token renewed twice (${presented.slice(0, 8)}, ${presentedOwner ?? ownerOfGrant.get(grantOf.get(presented) ?? -1)})`,
          );
        if (ok) {
          renewedOnce.set(presented, delivered ? "delivered" : "lost");
          report.renewals += 1;
          if (delivered) server.renewed.set(presented, answer.data.refresh_token as string);
          if (delivered && rnd.chance(unsavedRate)) {
            // The store turns read-only as the answer arrives, so the renewed record cannot be
            // written: this process holds the only copy. Half the time the process is then
            // told to exit: close() tries for 10 s and reports it unsaved.
            count(report.faults, "read-only as a renewal answer arrives");
            readOnlyFor(20_000 + rnd.int(40_000));
            if (rnd.chance(0.5) && servers[server.index] === server) exit(server, rnd.chance(0.7));
          }
        }
      }
      if (ok && !delivered) {
        if (typeof answer.data.refresh_token === "string")
          lostTokens.add(answer.data.refresh_token);
        if (operation === "renewRefreshToken") {
          const owner = platform.refreshRecord(answer.data.refresh_token as string)?.openId;
          if (gone) {
            // The process exited with the renewal on the wire: lost with it.
            report.exits.renewalsLostWithProcess += 1;
            if (owner) exitLossFor.add(owner);
          } else {
            report.lostRenewals += 1;
            if (owner) lostFor.add(owner);
          }
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
      if (gone) throw new Error("the process is gone");
      if (fault === "stall") {
        await new Promise((r) => setTimeout(r, 10_000));
        throw new Error("timeout");
      }
      if (fault === "lost") throw new Error("ECONNRESET");
      const text = JSON.stringify(answer);
      return { status: 200, text: fault === "truncated" ? text.slice(0, text.length >> 1) : text };
    };

    // ---- servers sharing one store, each a process that may exit --------------------------
    let processes = 0;
    function boot(
      server: Omit<Server, "process" | "douyin" | "users" | "clientTokens" | "renewed">,
    ): Server {
      const process: Incarnation & { id: number } = { dead: false, id: ++processes };
      const booted = { ...server, process, renewed: new Map() } as Server;
      serverOf.set(process, booted);
      const transport: Transport = async (request) => {
        if (process.dead) throw new Error("the process is gone");
        return platformCall(request, booted);
      };
      booted.douyin = createDouyinOAuth({ ...DEMO_APP, transport, timeoutMs: 10_000 });
      const common = {
        store: store.view(process),
        lockTtlMs: 1_000,
        storeTimeoutMs: 1_000,
        onError: () => undefined,
      };
      // Each server's clock is off by its skew; the client tokens (2 hours long) keep the
      // true time, since a skew of hours would outlast them.
      const now = () => Date.now() + server.skew;
      booted.users = createUserTokenManager(booted.douyin, { ...common, now });
      // client_token, not the default stable token: its latest-two rule is what the fleet's
      // coordination must keep, and what the invariants below check (issue 22).
      booted.clientTokens = createClientTokenProvider(booted.douyin, {
        ...common,
        source: "client_token",
      });
      return booted;
    }
    const servers: Server[] = Array.from({ length: serverCount }, (_, index) =>
      boot({ index, skew: Math.round((rnd.next() * 2 - 1) * maxSkew) }),
    );
    report.skewMs = servers.map((s) => s.skew);

    /** Whether the platform holds a refresh token for this user that the app was handed: "live", "ending" (only by the skew), or undefined. */
    const liveGrant = (openId: string): "live" | "ending" | undefined => {
      let found: "live" | "ending" | undefined;
      for (const [token, record] of platform.refreshRecords()) {
        if (record.openId !== openId || record.expiresAt <= Date.now()) continue;
        if (lostTokens.has(token) || abandoned.has(token)) continue;
        const grant = grantOf.get(token);
        if (grant !== undefined && supersededGrants.has(grant)) continue;
        if (record.expiresAt > Date.now() + 2 * maxSkew) return "live";
        found = "ending";
      }
      return found;
    };

    // ---- calls in flight, each timed ----------------------------------------------------
    /** Calls in flight; registered before they start, so an exit at their first await cuts them. */
    interface InFlight {
      process: Incarnation;
      cut: boolean;
      done: Promise<void>;
    }
    const inflight = new Set<InFlight>();
    function track<T>(
      name: string,
      server: Server | undefined,
      call: () => Promise<T>,
      onDone: (result: PromiseSettledResult<T>, startedSeq: number) => void,
      openId?: string,
    ) {
      const started = Date.now();
      const startedSeq = ++seq;
      trace(openId, `${name} starts${server ? ` on ${server.index}.${server.process.id}` : ""}`);
      let settle = () => undefined as void;
      const entry: InFlight = {
        process: server?.process ?? { dead: false },
        cut: false,
        done: new Promise<void>((resolve) => (settle = resolve)),
      };
      inflight.add(entry);
      let running: Promise<T>;
      try {
        running = call();
      } catch (error) {
        running = Promise.reject(error);
      }
      void running
        .then(
          (value) => {
            trace(
              openId,
              `${name} → ${String(value).slice(0, 10)}${entry.cut ? " (cut off)" : ""}`,
            );
            if (!entry.cut) onDone({ status: "fulfilled", value }, startedSeq);
          },
          (reason: unknown) => {
            trace(
              openId,
              `${name} ✗ ${(reason as Error)?.message}${entry.cut ? " (cut off)" : ""}`,
            );
            if (!entry.cut) onDone({ status: "rejected", reason }, startedSeq);
          },
        )
        .finally(() => {
          inflight.delete(entry);
          settle();
          if (entry.cut) return;
          const took = Date.now() - started;
          report.longestCallMs = Math.max(report.longestCallMs, took);
          if (took > CALL_BOUND_MS) violation(`${name} took ${took} ms`);
        });
    }

    function signIn(user: User) {
      const server = rnd.pick(servers);
      report.calls.signIns += 1;
      const code = platform.issueCode(DEMO_APP.clientKey, user.openId, "user_info");
      let issued: string | undefined;
      track(
        "sign-in",
        server,
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

    function request(user: User, name = "getAccessToken", on?: number) {
      const server = on === undefined ? rnd.pick(servers) : servers[on]!;
      report.calls.getAccessToken += 1;
      track(
        name,
        server,
        () => server.users.getAccessToken(user.openId),
        (result, startedSeq) => {
          report.checks += 1;
          if (result.status === "fulfilled") {
            report.outcomes.served += 1;
            served(user, result.value, startedSeq);
            return;
          }
          const error = result.reason;
          if (error instanceof DouyinReauthorizeError) {
            count(report.outcomes.reauthorize, error.reason);
            user.signedIn = false;
            // Signed out before or while this call ran: "no tokens" is the answer.
            const signedOutMeanwhile = user.signOutAskedSeq > startedSeq;
            if ((user.signingOut || signedOutMeanwhile) && error.reason === "no_tokens") return;
            if (lostFor.has(user.openId)) {
              report.reauthorizedAfterLostAnswer += 1;
              return;
            }
            if (exitLossFor.has(user.openId)) {
              report.reauthorizedAfterExitLoss += 1;
              return;
            }
            const live = liveGrant(user.openId);
            if (live === "live")
              violation(`${user.openId} told to reauthorize (${error.reason}) with a live grant`);
            else if (live === "ending") report.underSkew.reauthorizedNearEnd += 1;
            if (error.reason === "refresh_token_expired" && live !== "ending")
              violation(`${user.openId}'s grant lapsed with renewals left`);
            return;
          }
          if ((error as Error)?.name === "DouyinStoreError") report.outcomes.storeErrors += 1;
          else report.outcomes.otherErrors += 1;
        },
        user.openId,
      );
    }

    /** A token served to a call that started at `startedSeq`: valid, and not of a signed-out grant. */
    function served(user: User, token: string, startedSeq: number) {
      if (!platform.isValid(token)) {
        const expiry = accessExpiry.get(token);
        if (expiry !== undefined && Date.now() - expiry <= 2 * maxSkew && maxSkew > 2_000) {
          report.underSkew.servedExpired += 1;
        } else violation(`served an access token the platform does not accept (${user.openId})`);
      }
      const grant = grantOf.get(token);
      const replaced = grant === undefined ? undefined : supersededBy.get(grant);
      if (replaced?.by === "sign-in" && replaced.seq < startedSeq) {
        // A later sign-in's grant landed in the store before this call began: the call reads
        // the store itself, so it is not served the older grant unless that read failed.
        report.checks += 1;
        const offline = user.getFailedAt.some((at) => at > startedSeq);
        if (offline && Date.now() - replaced.at <= OFFLINE_GRACE_MS + CALL_BOUND_MS) {
          report.servedReplacedGrantOffline += 1;
        } else {
          violation(
            `${user.openId} served a token of grant ${grant}, replaced by a new sign-in before the call began`,
          );
        }
        return;
      }
      const out = user.signedOut;
      if (out === undefined || out.resolvedSeq >= startedSeq) return;
      report.checks += 1;
      const storedSeq = grant === undefined ? undefined : grantStoredSeq.get(grant);
      if (storedSeq !== undefined && storedSeq > out.tombstoneSeq) return; // signed in again since
      // The store failed this call's read, and the record was confirmed within the grace.
      const offline = user.getFailedAt.some((at) => at > startedSeq);
      if (offline && Date.now() - out.tombstoneAt <= OFFLINE_GRACE_MS + CALL_BOUND_MS) {
        report.servedAfterSignOutOffline += 1;
        return;
      }
      violation(
        `${user.openId} served a token of grant ${grant} by a call started after the sign-out resolved${offline ? " (store failing, past the grace)" : ""}`,
      );
    }

    /** Sign-out; then a stale tab asks for the user's token: it must find none. */
    function signOut(user: User) {
      const server = rnd.pick(servers);
      report.calls.signOuts += 1;
      user.signingOut = true;
      user.signOutAskedSeq = ++seq;
      track(
        "delete",
        server,
        () => server.users.delete(user.openId),
        (result) => {
          // A failed or timed-out delete may still have happened: the sign-out request stands.
          if (result.status !== "fulfilled") return;
          user.signedIn = false;
          const tombstone = tombstones.get(userPrefix + user.openId);
          if (tombstone !== undefined) {
            user.signedOut = {
              resolvedSeq: ++seq,
              tombstoneSeq: tombstone.seq,
              tombstoneAt: tombstone.at,
            };
          }
          for (const [token, record] of platform.refreshRecords()) {
            if (record.openId === user.openId) abandoned.add(token);
          }
          // Stale tabs ask for the user's token on every server, at once and a little later.
          for (const server of servers) {
            setTimeout(
              () => request(user, "getAccessToken after sign-out", server.index),
              rnd.int(300),
            );
          }
          setTimeout(() => request(user, "getAccessToken after sign-out"), rnd.int(2_000));
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
        `clientToken.get on server ${server.index}`,
        server,
        () => server.clientTokens.get(),
        (result) => {
          report.checks += 1;
          if (result.status !== "fulfilled") return;
          // Among the latest two client tokens, or the stable token (fetched while the store is down).
          if (!platform.isValid(result.value)) {
            // An open defect (reported; src/tokens/client-token.ts): a fetched token the store
            // would not take is served by its process alone, so with the store's writes failing
            // each server fetches in turn, and the third fetch knocks out the first token.
            if (Date.now() - clientWriteFailedAt < 2 * HOUR)
              report.clientTokenUnstoredKnockouts += 1;
            else violation("served a client token that the platform does not accept");
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
          const current = servers[server.index]!; // the process running by then
          track(
            "renewDue",
            current,
            () => current.users.renewDue({ concurrency: 8 }),
            () => undefined,
          );
        }, rnd.int(3_000));
      }
    }

    function storeFault() {
      const kind = rnd.pick(STORE_FAULTS);
      trace("client", `store fault ${kind}`);
      count(report.faults, `store:${kind}`);
      // Outages, read-only spells, late and unreadable answers last up to 10 minutes; the others a minute.
      const long = ["outage", "read-only", "late", "unreadable"].includes(kind);
      const lasting = 1_000 + rnd.int(long ? 10 * 60_000 : 60_000);
      storeFaultUntil = Math.max(storeFaultUntil, Date.now() + lasting);
      let fault: [StoreMethod | "*", StoreFault] | undefined;
      switch (kind) {
        case "outage":
          fault = ["*", { kind: "reject", message: "ECONNREFUSED" }];
          break;
        case "slow":
          fault = ["*", { kind: "slow", ms: 200 + rnd.int(1_500) }];
          break;
        case "hang":
          fault = [
            rnd.pick(["get", "compareAndSet", "lock", "release"] as const),
            { kind: "hang" },
          ];
          break;
        case "throw":
          fault = [rnd.pick(["get", "compareAndSet", "lock", "set"] as const), { kind: "throw" }];
          break;
        case "lock-lost":
          fault = ["extend", { kind: "reject" }];
          break;
        case "late": {
          const chance = 0.2 + rnd.next() * 0.6;
          store.lateChance = chance;
          setTimeout(() => store.lateChance === chance && (store.lateChance = 0), lasting);
          return;
        }
        case "unreadable": {
          const chance = 0.05 + rnd.next() * 0.3;
          store.unreadableChance = chance;
          setTimeout(
            () => store.unreadableChance === chance && (store.unreadableChance = 0),
            lasting,
          );
          return;
        }
        case "read-only":
          readOnlyFor(lasting);
          return;
      }
      const [method, what] = fault;
      trace("client", `store fault ${kind} on ${method} for ${lasting} ms`);
      store.faults.set(method, what);
      setTimeout(() => store.faults.get(method) === what && store.faults.delete(method), lasting);
    }
    let readOnlyUntil = 0;
    function readOnlyFor(ms: number) {
      store.readOnly = true;
      readOnlyUntil = Math.max(readOnlyUntil, Date.now() + ms);
      storeFaultUntil = Math.max(storeFaultUntil, Date.now() + ms);
      setTimeout(() => Date.now() >= readOnlyUntil && (store.readOnly = false), ms);
    }

    /**
     * A process exits: gracefully (no new calls, `close()` awaited, then it ends) or by a
     * crash (at once). A new process takes its place at once. Renewals it was handed that
     * the store never took go with it: counted apart, as the documented loss.
     */
    function exit(server: Server, graceful: boolean) {
      const next = boot({ index: server.index, skew: server.skew });
      servers[server.index] = next;
      const end = () => {
        server.process.dead = true;
        for (const entry of inflight) {
          if (entry.process === server.process && !entry.cut) {
            entry.cut = true;
            report.exits.callsCutOff += 1;
          }
        }
        for (const [presented, renewed] of server.renewed) {
          trace(
            platform.refreshRecord(renewed)?.openId,
            `exit of ${server.index}.${server.process.id}: renewal ${renewed.slice(4, 10)} stored=${storedRefreshTokens.has(renewed)} superseded=${supersededGrants.has(grantOf.get(renewed) ?? -1)}`,
          );
          if (storedRefreshTokens.has(renewed)) continue;
          const grant = grantOf.get(renewed);
          if (grant !== undefined && supersededGrants.has(grant)) continue;
          // The platform renewed it and only this process held the answer: lost with it.
          const owner = platform.refreshRecord(renewed)?.openId;
          renewedOnce.set(presented, "lost");
          lostTokens.add(renewed);
          report.exits.renewalsLostWithProcess += 1;
          if (owner) exitLossFor.add(owner);
          trace(
            owner,
            `exit of ${server.index}.${server.process.id} took renewal ${renewed.slice(4, 10)}`,
          );
        }
        server.renewed.clear();
        serverOf.delete(server.process);
        storeFaultUntil = Math.max(storeFaultUntil, Date.now() + 60_000);
      };
      if (graceful) {
        report.exits.graceful += 1;
        count(report.faults, "exit:graceful");
        // No new calls reach it; the calls it is serving finish; then close(), then it ends.
        const serving = [...inflight]
          .filter((entry) => entry.process === server.process)
          .map((entry) => entry.done);
        track(
          "close",
          undefined,
          async () => {
            await Promise.all(serving);
            return server.users.close();
          },
          (result) => {
            if (result.status === "fulfilled") report.exits.unsavedAtClose += result.value.unsaved;
            else violation(`close() rejected: ${String(result.reason)}`);
            end();
          },
        );
      } else {
        report.exits.crashes += 1;
        count(report.faults, "exit:crash");
        end();
        // Its timers stop with it (a closed manager writes no more; its store is gone).
        void server.users.close().catch(() => undefined);
      }
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
          run: clientTokens,
          name: "client token",
        });
      }
      const storeFaults =
        Math.floor(storeFaultsPerDay) + (rnd.chance(storeFaultsPerDay % 1) ? 1 : 0);
      for (let n = 0; n < storeFaults; n++) {
        events.push({ at: START + (day + rnd.next()) * DAY, run: storeFault, name: "store fault" });
      }
      const exits = Math.floor(exitsPerDay) + (rnd.chance(exitsPerDay % 1) ? 1 : 0);
      for (let n = 0; n < exits; n++) {
        const index = rnd.int(serverCount);
        const graceful = rnd.chance(0.5);
        events.push({
          at: START + (day + rnd.next()) * DAY,
          run: () => exit(servers[index]!, graceful),
          name: `${graceful ? "graceful exit" : "crash"} of server ${index}`,
        });
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
    const stuck = [...inflight].filter((entry) => !entry.cut).length;
    if (stuck > 0) violation(`${stuck} calls still in flight at the end`);
    store.faults.clear();
    report.store = { ...store.counts };
    report.checks += 1;
  } finally {
    Math.random = realRandom;
    clock.uninstall();
  }
  return report;
}
