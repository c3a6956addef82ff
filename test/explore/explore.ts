// A schedule explorer (a stateless model checker, in the spirit of CHESS and dscheck) for the
// grant protocol. Each run builds a fresh world (store, platform, servers: world.ts) and replays
// a list of choices: at each step, which pending call is answered and how (ok, stale, fail,
// lost, late), a late write landing, a lock expiring, a server crashing, or time moving to the
// next timer. Depth first over the choice lists, within a fault bound and a preemption bound; a
// run that reaches a state seen before (store, platform, pending calls, each server's history
// of answers, the monitors) stops there.
//
// Invariants, checked after every step (the monitors are in Run):
//   1 no refresh token presented for renewal again after a renewal of it was answered
//     (presented again after a lost answer, or a crash that took the renewal: counted apart);
//   2 no DouyinReauthorizeError while the platform holds a grant the app was handed before the
//     call started (after a lost renewal answer: counted apart; after a sign-out: no_tokens);
//   3 no token served by a getAccessToken that started after delete() resolved (unless a sign-in
//     started after that delete and did not fail);
//   4 every access token served is valid at the platform when served;
//   5 at the end, with no sign-out, lost renewal answer or crash: if the platform holds a grant
//     the app was handed, the store holds a refresh token the platform accepts and the record
//     does not take for dead;
//   6 nothing hangs (an actor waiting while nothing is pending and no timer is set);
//   7 at the end, under the same conditions as 5: a kept grant inside its renewal window (5 days,
//     renewals left) has a renewal under way (its hold key stored): a renewal that a fault
//     stopped is not left for a visit that may come after the refresh token's end;
//   C every client token served is valid at the platform when served.
import type { TokenData } from "../../src/index.js";
import { DouyinReauthorizeError } from "../../src/tokens/index.js";
import { DEMO_APP } from "../../src/emulator/demo-app.js";
import type { PlatformState } from "../../src/emulator/ledger.js";
import { createHash } from "node:crypto";
import {
  ALL_FAULTS,
  DAY,
  START,
  World,
  installClock,
  type FaultKind,
  type InstalledClock,
  type Server,
} from "./world.js";

export const OPEN_ID = "user-1";

/** What a scenario's actors can do; each call is recorded and checked. */
export interface Actions {
  /** `getAccessToken` on a server. */
  get(server: number): Promise<void>;
  /** The daily sweep, `renewDue()`, on a server. */
  sweep(server: number): Promise<void>;
  /** Sign-out: `delete` on a server. */
  signOut(server: number): Promise<void>;
  /** A new sign-in: a fresh `accessToken` answer from the platform, then `save` on a server. */
  signIn(server: number): Promise<void>;
  /** `get()` on a server's client-token provider. */
  clientToken(server: number): Promise<void>;
  /** Virtual time passing for this actor (it fires when nothing else is pending). */
  sleep(ms: number): Promise<void>;
}

export interface Scenario {
  name: string;
  /** What it is for, one line. */
  about: string;
  servers: number;
  /** Faults allowed in one schedule. */
  faults: number;
  /** Preemptions allowed in one schedule (CHESS's context bound); default none. */
  preemptions?: number;
  faultKinds?: readonly FaultKind[];
  maxSteps?: number;
  /** Runs with every call answered at once, before the exploration. */
  setup: (s: SetupKit) => Promise<void>;
  actors: Array<(a: Actions) => Promise<void>>;
}

export interface SetupKit {
  world: World;
  run: Run;
  /** A fresh grant from the platform (code exchanged), as `douyin.accessToken()` answers it. */
  grant(): TokenData<"accessToken">;
  /** Moves the clock (timers fire on the way). */
  advance(ms: number): void;
}

export interface Violation {
  invariant: string;
  message: string;
  /** The choices up to the step where it was seen: replay with them. */
  schedule: number[];
  labels: string[];
}

const DRAIN_MS = 2 * 60_000;

/** The monitors of one run: what the app was handed, what was served, what the platform did. */
export class Run {
  readonly violations: Array<Omit<Violation, "schedule" | "labels">> = [];
  /** Refresh tokens the app was handed (a save resolved, a renewal answer delivered). */
  readonly handed = new Set<string>();
  /** Refresh tokens presented for renewal, and whether that answer arrived. */
  readonly renewed = new Map<string, "delivered" | "lost">();
  /** Renewals delivered: by which server, and the refresh token they gave. */
  private readonly renewedBy = new Map<string, { server: string; next: string }>();
  lostRenewals = 0;
  representedAfterLoss = 0;
  reauthorizedAfterLoss = 0;
  /** Calls served from a process's memory while the store failed them, after a sign-out. */
  servedOfflineAfterSignOut = 0;
  crashes = 0;
  signOutsCalled = 0;
  /** Event counter, to order calls. */
  private clock = 0;
  private lastDeleteResolved: { called: number; resolved: number } | undefined;
  private readonly saves: Array<{ started: number; status: "pending" | "ok" | "failed" }> = [];

  /** What the monitors hold, for the state's hash. */
  picture(): string {
    return this.world.canon(
      JSON.stringify([
        this.outcomes,
        [...this.handed].map((token) => this.world.canon(token)).sort(),
        [...this.renewed],
        this.lostRenewals,
        this.crashes,
        this.signOutsCalled,
        this.clock,
        this.lastDeleteResolved,
        this.saves,
      ]),
    );
  }
  /** Outcomes seen by actors, part of the state. */
  readonly outcomes: string[] = [];

  constructor(readonly world: World) {
    world.onPlatform = (event) => {
      const { operation, params, answer, delivered } = event;
      const ok = Number(answer.data.error_code) === 0;
      if (operation === "renewRefreshToken" && params.refresh_token) {
        const token = params.refresh_token;
        const before = this.renewed.get(token);
        if (before === "delivered") {
          this.violate("1 renewed twice", `${world.canon(token)} presented for renewal again`);
        } else if (before === "lost") this.representedAfterLoss += 1;
        if (ok) {
          this.renewed.set(token, delivered ? "delivered" : "lost");
          if (delivered) {
            this.handed.add(answer.data.refresh_token as string);
            this.renewedBy.set(token, {
              server: event.server,
              next: answer.data.refresh_token as string,
            });
          } else this.lostRenewals += 1;
        }
      }
    };
    // A process that dies holding a renewal it has not written takes the grant with it (not
    // promised): counted as a lost renewal answer.
    world.onCrash = (server) => {
      const raw = world.read(`douyin-oauth:${DEMO_APP.clientKey}:user:${OPEN_ID}`);
      for (const [token, by] of this.renewedBy) {
        if (by.server !== server || raw?.includes(by.next)) continue;
        this.renewedBy.delete(token);
        this.renewed.set(token, "lost");
        this.handed.delete(by.next);
        this.lostRenewals += 1;
      }
    };
  }

  violate(invariant: string, message: string) {
    this.violations.push({ invariant, message });
  }

  /** A refresh token the app was handed, alive at the platform. */
  liveGrant(among: Iterable<string> = this.handed): boolean {
    for (const token of among) {
      const record = this.world.ledger.refreshRecord(token);
      if (record && record.expiresAt > this.world.clock.now) return true;
    }
    return false;
  }

  private tick() {
    return ++this.clock;
  }

  actions(): Actions {
    const world = this.world;
    const server = (n: number): Server => {
      const s = world.servers[n];
      if (s === undefined) throw new Error(`explorer: no server ${n}`);
      return s;
    };
    return {
      get: async (n) => {
        const s = server(n);
        const afterDelete = this.lastDeleteResolved;
        const handedBefore = [...this.handed];
        const faultsBefore = s.storeFaults;
        world.log(s, "call get");
        try {
          const token = await s.call(() => s.users.getAccessToken(OPEN_ID));
          this.outcomes.push(`get@${s.name}:${world.canon(token)}`);
          if (!world.ledger.isValid(token)) {
            this.violate("4 invalid token served", `${s.name} served ${world.canon(token)}`);
          }
          if (afterDelete !== undefined) {
            const exempt = this.saves.some(
              (save) =>
                save.started > afterDelete.called &&
                (save.status === "ok" || save.status === "pending"),
            );
            // Served from this process's memory while the store failed it: promised only
            // outside offlineGraceMs (RELIABILITY.md, "Sign-out during a store outage").
            const offline = s.storeFaults > faultsBefore;
            if (offline && !exempt) this.servedOfflineAfterSignOut += 1;
            else if (!exempt) {
              this.violate(
                "3 served after sign-out",
                `${s.name}: getAccessToken started after delete() resolved, served ${world.canon(token)}`,
              );
            }
          }
        } catch (error) {
          this.outcomes.push(`get@${s.name}:${(error as Error).name}`);
          if (!(error instanceof DouyinReauthorizeError)) return;
          if (this.signOutsCalled > 0 && error.reason === "no_tokens") return;
          if (!this.liveGrant(handedBefore)) return;
          if (this.lostRenewals > 0) {
            this.reauthorizedAfterLoss += 1;
            return;
          }
          this.violate(
            "2 reauthorize with a live grant",
            `${s.name}: DouyinReauthorizeError ${error.reason} while the platform holds a grant the app was handed`,
          );
        }
      },
      sweep: async (n) => {
        const s = server(n);
        world.log(s, "call sweep");
        try {
          const summary = await s.call(() => s.users.renewDue());
          this.outcomes.push(`sweep@${s.name}:${JSON.stringify(summary)}`);
        } catch (error) {
          this.outcomes.push(`sweep@${s.name}:${(error as Error).name}`);
        }
      },
      signOut: async (n) => {
        const s = server(n);
        const called = this.tick();
        this.signOutsCalled += 1;
        world.log(s, "call delete");
        try {
          await s.call(() => s.users.delete(OPEN_ID));
          this.lastDeleteResolved = { called, resolved: this.tick() };
          this.handed.clear(); // signed out: those grants are the user's no more
          this.outcomes.push(`delete@${s.name}:ok`);
        } catch (error) {
          this.outcomes.push(`delete@${s.name}:${(error as Error).name}`);
        }
      },
      signIn: async (n) => {
        const s = server(n);
        const data = this.grant();
        const save = { started: this.tick(), status: "pending" as "pending" | "ok" | "failed" };
        this.saves.push(save);
        world.log(s, `call save ${world.canon(data.refresh_token)}`);
        try {
          await s.call(() => s.users.save(data));
          save.status = "ok";
          this.handed.add(data.refresh_token);
          this.outcomes.push(`save@${s.name}:ok`);
        } catch (error) {
          save.status = "failed";
          this.outcomes.push(`save@${s.name}:${(error as Error).name}`);
        }
      },
      clientToken: async (n) => {
        const s = server(n);
        world.log(s, "call clientToken");
        try {
          const token = await s.call(() => s.clients.get());
          this.outcomes.push(`client@${s.name}:${world.canon(token)}`);
          if (!world.ledger.isValid(token)) {
            this.violate(
              "C invalid client token served",
              `${s.name} served ${world.canon(token)}, not valid at the platform`,
            );
          }
        } catch (error) {
          this.outcomes.push(`client@${s.name}:${(error as Error).name}`);
        }
      },
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    };
  }

  /** A code issued and exchanged at the platform: the answer `douyin.accessToken()` gives. */
  grant(): TokenData<"accessToken"> {
    const ledger = this.world.ledger;
    const code = ledger.issueCode(DEMO_APP.clientKey, OPEN_ID, "user_info");
    const answer = ledger.accessToken({
      client_key: DEMO_APP.clientKey,
      client_secret: DEMO_APP.clientSecret,
      code,
      grant_type: "authorization_code",
    }) as unknown as { data: TokenData<"accessToken"> };
    // Named as issued, so every replay names them alike, whenever pictures are taken.
    this.world.canon(JSON.stringify(answer.data));
    return answer.data;
  }

  /** Invariant 5, at the end of a schedule. */
  finish() {
    if (this.signOutsCalled > 0 || this.lostRenewals > 0 || this.crashes > 0) return;
    if (!this.liveGrant()) return;
    const world = this.world;
    const raw = world.read(`douyin-oauth:${DEMO_APP.clientKey}:user:${OPEN_ID}`);
    const record = raw === undefined ? undefined : (JSON.parse(raw) as Record<string, unknown>);
    const token = record?.refreshToken as string | undefined;
    const kept =
      token !== undefined &&
      world.ledger.isValid(token) &&
      (record!.refreshExpiresAt as number) > world.clock.now;
    const holdKey = `douyin-oauth:${DEMO_APP.clientKey}:renewing:${OPEN_ID}`;
    if (
      kept &&
      (record!.refreshExpiresAt as number) - world.clock.now < 5 * DAY &&
      (record!.renewals as number) < 5 &&
      world.read(holdKey) === undefined
    ) {
      this.violate(
        "7 renewal left undone",
        `the store holds ${world.canon(String(token))} inside its renewal window, no renewal under way, ${
          world.clock.now - world.doneAt
        } ms after the last call`,
      );
    }
    if (!kept) {
      this.violate(
        "5 grant lost",
        `the platform holds a live grant the app was handed, the store holds ${
          record === undefined
            ? "nothing"
            : `${world.canon(String(token))} (${world.ledger.isValid(token!) ? "valid" : "dead"} at the platform, ${
                (record.refreshExpiresAt as number) > world.clock.now
                  ? "refreshable"
                  : "marked dead"
              })`
        }`,
      );
    }
  }
}

/** What a scenario's setup left, by setup: runs after the first start from it. */
interface SetupSnapshot {
  entries: Array<[string, { value: string; expiresAt: number }]>;
  ledger: PlatformState;
  now: number;
  handed: string[];
  renewed: Array<[string, "delivered" | "lost"]>;
  names: Array<[string, string]>;
}
const setups = new WeakMap<Scenario["setup"], SetupSnapshot>();

/** The real setImmediate, kept before anything is faked: lets every microtask run. */
const realSetImmediate = globalThis.setImmediate;
const settle = async () => {
  await new Promise((resolve) => realSetImmediate(resolve));
};

export interface RunResult {
  /** Per step: the choice made and how many there were. */
  trace: Array<{ index: number; count: number; label: string }>;
  violations: Violation[];
  /** Stopped at a state seen before. */
  pruned: boolean;
  truncated: boolean;
  lostRenewals: number;
  reauthorizedAfterLoss: number;
  representedAfterLoss: number;
  servedOfflineAfterSignOut: number;
  timersFired: number;
}

export interface RunOptions {
  /** States seen in earlier runs (hashes); a run stops when it reaches one. */
  seen?: Set<string>;
  /** Print each step (replays). */
  verbose?: boolean;
  /** A clock installed for many runs (installClock); default one for this run. */
  clock?: InstalledClock;
}

/** One run: a fresh world, the prefix replayed, then the first choice at every further step. */
export async function runOnce(
  scenario: Scenario,
  prefix: readonly number[],
  options: RunOptions = {},
): Promise<RunResult> {
  const realRandom = Math.random;
  Math.random = () => 0.5; // the retry jitter: fixed, so a replay is exact
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = options.verbose ? stackTraceLimit : 0; // errors by the thousand
  const clock = options.clock ?? installClock();
  const world = new World(
    {
      servers: scenario.servers,
      faults: scenario.faults,
      faultKinds: scenario.faultKinds ?? ALL_FAULTS,
      drainMs: DRAIN_MS,
      ...(scenario.preemptions !== undefined ? { preemptions: scenario.preemptions } : {}),
    },
    clock,
  );
  const run = new Run(world);
  const result: RunResult = {
    trace: [],
    violations: [],
    pruned: false,
    truncated: false,
    lostRenewals: 0,
    reauthorizedAfterLoss: 0,
    representedAfterLoss: 0,
    servedOfflineAfterSignOut: 0,
    timersFired: 0,
  };
  const maxSteps = scenario.maxSteps ?? 200;
  try {
    // Tokens named in the order the platform issued them (rft#1 is the first sign-in's), then
    // those it no longer holds; the same names in every run.
    const namesAfterSetup = () => {
      world.canon(JSON.stringify(world.ledger.exportState()));
      world.canon(JSON.stringify([...run.renewed]));
      return world.namesGiven();
    };
    const snapshot = setups.get(scenario.setup);
    if (snapshot === undefined) {
      world.auto = true;
      await scenario.setup({
        world,
        run,
        grant: () => run.grant(),
        advance: (ms) => world.clock.tick(ms),
      });
      await settle();
      world.auto = false;
      // What a setup leaves is the store, the platform, the clock and what the app was handed:
      // kept, so the next run starts from it without running the setup again.
      if (world.clock.countTimers() === 0) {
        setups.set(scenario.setup, {
          entries: [...world.entries].map(([key, entry]) => [key, { ...entry }]),
          ledger: world.ledger.exportState(),
          now: world.clock.now,
          handed: [...run.handed],
          renewed: [...run.renewed],
          names: namesAfterSetup(),
        });
      }
    } else {
      world.clock.setSystemTime(snapshot.now);
      for (const [key, entry] of snapshot.entries) world.entries.set(key, { ...entry });
      world.ledger.importState(snapshot.ledger);
      for (const token of snapshot.handed) run.handed.add(token);
      for (const [token, how] of snapshot.renewed) run.renewed.set(token, how);
      world.giveNames(snapshot.names);
    }
    // Fresh processes: what the setup's servers remember is not part of the scenario.
    for (const server of world.servers) {
      server.seq = 0;
      server.lockSeq = 0;
      server.boot();
    }
    world.logs.clear();
    if (snapshot === undefined) namesAfterSetup();
    const actions = run.actions();
    let running = scenario.actors.length;
    for (const actor of scenario.actors) {
      void actor(actions).finally(() => {
        running -= 1;
        if (running === 0) {
          world.actorsDone = true;
          world.doneAt = world.clock.now;
        }
      });
    }
    await settle();
    let reported = 0;
    const collect = () => {
      for (; reported < run.violations.length; reported++) {
        result.violations.push({
          ...run.violations[reported]!,
          schedule: result.trace.map((t) => t.index),
          labels: result.trace.map((t) => t.label),
        });
      }
    };
    collect();
    for (let step = 0; ; step++) {
      const choices = world.choices();
      const timers = world.clock.countTimers();
      if (world.pending.size === 0) {
        const draining =
          world.actorsDone && world.clock.now >= world.doneAt + world.options.drainMs;
        if (timers > 0 && !draining) {
          choices.unshift({
            label: "time passes",
            fault: false,
            run: () => {
              const before = world.clock.now;
              world.clock.next();
              world.lastResult = `+${world.clock.now - before} ms`;
              result.timersFired += 1;
              world.log("all", `T${world.clock.now}`);
            },
          });
        } else if (world.actorsDone) {
          choices.unshift({ label: "end", fault: false, run: () => undefined });
        } else {
          run.violate("6 hang", "an actor waits and nothing is pending");
          collect();
          break;
        }
      }
      if (step >= maxSteps) {
        result.truncated = true;
        break;
      }
      const index = step < prefix.length ? prefix[step]! : 0;
      const choice = choices[index];
      if (choice === undefined) throw new Error(`explorer: no choice ${index} at step ${step}`);
      result.trace.push({ index, count: choices.length, label: choice.label });
      if (choice.label.startsWith("crash")) run.crashes += 1;
      world.lastResult = "";
      choice.run();
      if (world.lastResult !== "") result.trace.at(-1)!.label += ` (${world.lastResult})`;
      if (options.verbose) {
        const label = result.trace.at(-1)!.label;
        console.log(`  ${String(step).padStart(3)} [${index}/${choices.length}] ${label}`);
      }
      if (choice.label === "end") break;
      await settle();
      collect();
      if (result.violations.length > 0) break;
      if (options.seen !== undefined && step >= prefix.length - 1) {
        const hash = createHash("sha1")
          .update(world.picture())
          .update(run.picture())
          .update(String(step))
          .digest("base64");
        if (options.seen.has(hash)) {
          result.pruned = true;
          break;
        }
        options.seen.add(hash);
      }
    }
    if (!result.truncated && !result.pruned && result.violations.length === 0) {
      run.finish();
      collect();
    }
    result.lostRenewals = run.lostRenewals;
    result.reauthorizedAfterLoss = run.reauthorizedAfterLoss;
    result.representedAfterLoss = run.representedAfterLoss;
    result.servedOfflineAfterSignOut = run.servedOfflineAfterSignOut;
    return result;
  } finally {
    if (options.clock === undefined) clock.uninstall();
    Math.random = realRandom;
    Error.stackTraceLimit = stackTraceLimit;
  }
}

export interface ExploreReport {
  scenario: string;
  /** The bounds explored: a replay needs the same. */
  faults: number;
  preemptions: number | undefined;
  schedules: number;
  /** Runs that ended (complete schedules), not cut short at a state seen before. */
  complete: number;
  pruned: number;
  truncated: number;
  /** The first schedule cut at the step bound, to replay. */
  firstTruncated?: number[];
  states: number;
  steps: number;
  /** Every choice list was explored (not stopped by the budget). */
  exhaustive: boolean;
  violations: Violation[];
  /** Per invariant: how many schedules broke it, and the shortest. */
  byInvariant: Record<string, { count: number; shortest: Violation }>;
  lostRenewals: number;
  reauthorizedAfterLoss: number;
  /** Schedules where a call was served from memory within the offline grace after a sign-out. */
  servedOffline: number;
  ms: number;
}

export interface ExploreOptions {
  /** Stop after this many runs. */
  maxSchedules?: number;
  /** Stop after this long (real time). */
  timeMs?: number;
  /** Violations kept in full (every one is counted). */
  keep?: number;
  /** Off: every choice list explored, no state caching (slow; for checking the pruning). */
  prune?: boolean;
}

/** Depth first over every choice list of a scenario, within the bounds. */
export async function explore(
  scenario: Scenario,
  options: ExploreOptions = {},
): Promise<ExploreReport> {
  const started = performance.now();
  const seen = options.prune === false ? undefined : new Set<string>();
  const report: ExploreReport = {
    scenario: scenario.name,
    faults: scenario.faults,
    preemptions: scenario.preemptions,
    schedules: 0,
    complete: 0,
    pruned: 0,
    truncated: 0,
    states: 0,
    steps: 0,
    exhaustive: false,
    violations: [],
    byInvariant: {},
    lostRenewals: 0,
    reauthorizedAfterLoss: 0,
    servedOffline: 0,
    ms: 0,
  };
  const keep = options.keep ?? 5;
  let prefix: number[] = [];
  const clock = installClock();
  try {
    for (;;) {
      const result = await runOnce(scenario, prefix, seen ? { seen, clock } : { clock });
      report.schedules += 1;
      report.steps += result.trace.length;
      if (result.pruned) report.pruned += 1;
      else report.complete += 1;
      if (result.truncated) {
        report.truncated += 1;
        report.firstTruncated ??= result.trace.map((t) => t.index);
      }
      if (result.lostRenewals > 0) report.lostRenewals += 1;
      report.reauthorizedAfterLoss += result.reauthorizedAfterLoss;
      if (result.servedOfflineAfterSignOut > 0) report.servedOffline += 1;
      for (const violation of result.violations) {
        if (report.violations.length < keep) report.violations.push(violation);
        const entry = report.byInvariant[violation.invariant];
        if (entry === undefined)
          report.byInvariant[violation.invariant] = { count: 1, shortest: violation };
        else {
          entry.count += 1;
          if (violation.schedule.length < entry.shortest.schedule.length)
            entry.shortest = violation;
        }
      }
      // Backtrack: the deepest step with an alternative left.
      let depth = result.trace.length - 1;
      while (depth >= 0 && result.trace[depth]!.index + 1 >= result.trace[depth]!.count) depth--;
      if (depth < 0) {
        report.exhaustive = true;
        break;
      }
      prefix = [
        ...result.trace.slice(0, depth).map((t) => t.index),
        result.trace[depth]!.index + 1,
      ];
      if (options.maxSchedules !== undefined && report.schedules >= options.maxSchedules) break;
      if (options.timeMs !== undefined && performance.now() - started >= options.timeMs) break;
    }
  } finally {
    clock.uninstall();
  }
  report.states = seen?.size ?? report.steps;
  report.ms = Math.round(performance.now() - started);
  return report;
}

export { DAY, START };
