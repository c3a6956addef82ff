// One run of the schedule explorer: a controllable store and a controllable platform, both of
// which hand every call to the scheduler and leave it pending until the scheduler picks it and
// an outcome for it. The token managers are the package's own, built through its public API
// (createDouyinOAuth with a `transport`, createUserTokenManager / createClientTokenProvider with
// a `store` and `now`); the platform's rules are the emulator's ledger (src/emulator/ledger.ts).
import { paramsOf, ROUTES, type TokenOp } from "../simulation/simulate.js";
import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import FakeTimers from "@sinonjs/fake-timers";
export type InstalledClock = ReturnType<ReturnType<typeof FakeTimers.withGlobal>["install"]>;
import {
  createDouyinOAuth,
  type DouyinOAuth,
  type Transport,
  type TransportRequest,
} from "../../src/index.js";
import {
  createClientTokenProvider,
  createUserTokenManager,
  type ClientTokenProvider,
  type StoreLock,
  type TokenStore,
  type UserTokenManager,
} from "../../src/tokens/index.js";
import { DEMO_APP } from "../../src/emulator/demo-app.js";
import { OAuthLedger } from "../../src/emulator/ledger.js";

export const START = Date.UTC(2026, 0, 1);
export const DAY = 24 * 60 * 60_000;

/** What the scheduler can make of a pending call. */
export type Outcome =
  /** Applied and answered. */
  | "ok"
  /** A store read answered with the value it had when it was sent (applied early, answered late). */
  | "stale"
  /** Not applied; the caller gets an error. */
  | "fail"
  /** Store: applied, but the answer is an error. Platform: applied, the answer never arrives. */
  | "lost"
  /** Store write: rejected now (timed out), applied later at a step the scheduler chooses. */
  | "late";

export type FaultKind =
  | "store-fail"
  | "store-lost"
  | "store-late"
  | "platform-lost"
  | "platform-fail"
  | "lock-expires"
  | "crash";
export const ALL_FAULTS: readonly FaultKind[] = [
  "store-fail",
  "store-lost",
  "store-late",
  "platform-lost",
  "platform-fail",
  "lock-expires",
  "crash",
];

/** A call waiting for the scheduler. */
interface Pending {
  /** Server name and its own call number: stable across interleavings of the other servers. */
  id: string;
  server: Server;
  process: Process;
  incarnation: number;
  seq: number;
  label: string;
  kind: "store" | "platform";
  mutating: boolean;
  apply: () => unknown;
  /** A read's value when it was sent, if it differs from the value now. */
  staleValue?: () => { differs: boolean; value: unknown };
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** One alternative at a step. */
export interface Choice {
  label: string;
  fault: boolean;
  run: () => void;
}

const TOKEN = /\b(act|rft|clt)\.[0-9a-f]{48}\b/g;

/** Manager options every server in the explorer uses: short lock waits, so waits stay few steps. */
export const COORDINATION = {
  lockTtlMs: 3_000,
  lockWaitMs: 2_000,
  storeTimeoutMs: 1_000,
  onError: () => undefined,
} as const;

/**
 * A fake clock for runs (setTimeout, setInterval and Date; setImmediate stays real), installed
 * once for many runs: each World resets it. Timers set while a server's code runs belong to
 * that process, so a crash makes them inert (its lock watchdog, its background writes).
 */
export function installClock(): InstalledClock {
  const clock = FakeTimers.withGlobal(globalThis).install({
    now: START,
    toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"],
  });
  const g = globalThis as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const [name, kind] of [
    ["setTimeout", "timeout"],
    ["setInterval", "interval"],
  ] as const) {
    const fake = g[name]!;
    g[name] = (fn: unknown, ms: unknown, ...args: unknown[]) => {
      const owner = processOf.getStore();
      const run = () => (fn as (...a: unknown[]) => void)(...args);
      const id = fake(() => {
        if (owner === undefined) return run();
        if (kind === "timeout") owner.timers.delete(id);
        if (owner.dead) return; // set by a crashed process after it crashed: inert
        processOf.run(owner, run);
      }, ms);
      owner?.timers.set(id, kind);
      return id;
    };
  }
  return clock;
}

/** The process whose code runs now (a server's call, and all it sets off). */
const processOf = new AsyncLocalStorage<Process>();

/** One incarnation of a server's process. */
export interface Process {
  dead: boolean;
  timers: Map<unknown, "timeout" | "interval">;
}

export class Server {
  /** Store calls of this server that failed for it (fail, lost, late), ever. */
  storeFaults = 0;
  incarnation = 0;
  seq = 0;
  lockSeq = 0;
  douyin!: DouyinOAuth;
  users!: UserTokenManager;
  clients!: ClientTokenProvider;
  /** Rejects the calls in flight when this incarnation crashes. */
  crashed!: Promise<never>;
  private crash!: (error: unknown) => void;
  constructor(
    readonly name: string,
    private readonly world: World,
  ) {
    this.boot();
  }

  boot() {
    this.process = { dead: false, timers: new Map() };
    const world = this.world;
    const incarnation = this.incarnation;
    const transport: Transport = (request) => world.platformCall(this, incarnation, request);
    this.douyin = createDouyinOAuth({ ...DEMO_APP, transport });
    const options = {
      ...COORDINATION,
      store: world.storeFor(this, incarnation),
      now: () => world.clock.now,
    };
    this.users = createUserTokenManager(this.douyin, options);
    this.clients = createClientTokenProvider(this.douyin, options);
    this.crashed = new Promise<never>((_, reject) => (this.crash = reject));
    this.crashed.catch(() => undefined);
  }

  /** Drops this process with everything in flight, and starts a new one in its place. */
  restart() {
    this.crash(new Error(`server ${this.name} crashed`));
    // The process is gone, and its timers with it (its lock watchdog, its background writes).
    this.process.dead = true;
    for (const [id, kind] of this.process.timers) {
      if (kind === "interval") this.world.clock.clearInterval(id as never);
      else this.world.clock.clearTimeout(id as never);
    }
    this.incarnation += 1;
    this.boot();
  }

  /** The running process: the timers it set, and whether it crashed. */
  process: Process = { dead: false, timers: new Map() };

  /** A call on this server's current process; rejects if the process crashes first. */
  call<T>(run: () => Promise<T>): Promise<T> {
    return Promise.race([processOf.run(this.process, run), this.crashed]);
  }
}

export interface WorldOptions {
  servers: number;
  faults: number;
  faultKinds: readonly FaultKind[];
  /** Virtual time after the last actor finished during which timers still fire (background writes). */
  drainMs: number;
  /**
   * At most this many preemptions per schedule (CHESS's context bound): answering another
   * server's call while the server answered last still has one pending. Undefined: no bound.
   */
  preemptions?: number;
}

export class World {
  readonly ledger: OAuthLedger;
  readonly entries = new Map<string, { value: string; expiresAt: number }>();
  readonly servers: Server[];
  readonly pending = new Map<string, Pending>();
  /** Late writes not yet applied. */
  readonly landings = new Map<string, { label: string; apply: () => void }>();
  faultsUsed = 0;
  /** The server whose call was answered last, and the preemptions so far. */
  lastServer: string | undefined;
  preemptions = 0;
  /** Per server, what it saw, in order: the state of its process is a function of it. */
  readonly logs = new Map<string, string>();
  /** Observers of crashes (invariants). */
  onCrash?: (server: string) => void;
  /** Observers of the platform (invariants). */
  onPlatform?: (event: PlatformEvent) => void;
  /** True while a scenario's setup runs: every call is answered at once. */
  auto = false;
  actorsDone = false;
  doneAt = 0;
  private readonly names = new Map<string, string>();
  private readonly counters: Record<string, number> = {};

  constructor(
    readonly options: WorldOptions,
    readonly clock: InstalledClock,
  ) {
    clock.reset(); // no timers, the clock at START: a run starts from nothing
    this.ledger = new OAuthLedger([DEMO_APP], () => this.clock.now, false);
    this.servers = Array.from(
      { length: options.servers },
      (_, n) => new Server(String.fromCharCode(65 + n), this),
    );
  }

  /** The names given so far, to start another run with the same (a setup's snapshot). */
  namesGiven(): Array<[string, string]> {
    return [...this.names];
  }

  /** Names the tokens in the order given: the same names they had. */
  giveNames(names: ReadonlyArray<[string, string]>) {
    for (const [token] of names) this.canon(token);
  }

  /** Random tokens renamed by first appearance (rft#1, act#2 ...): replays name them alike. */
  canon(text: string): string {
    return text.replace(TOKEN, (token, prefix: string) => {
      let name = this.names.get(token);
      if (name === undefined) {
        this.counters[prefix] = (this.counters[prefix] ?? 0) + 1;
        name = `${prefix}#${this.counters[prefix]}`;
        this.names.set(token, name);
      }
      return name;
    });
  }

  log(server: Server | "all", entry: string) {
    const targets = server === "all" ? this.servers : [server];
    for (const s of targets) {
      // A digest chained over the entries: as telling as the list, and a step costs the same.
      const before = this.logs.get(s.name) ?? "";
      this.logs.set(s.name, createHash("sha1").update(before).update(entry).digest("base64"));
    }
  }

  // ---- the store -------------------------------------------------------------------------

  read(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.clock.now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  write(key: string, value: string | undefined, ttlMs: number) {
    if (value === undefined || ttlMs <= 0) this.entries.delete(key);
    else this.entries.set(key, { value, expiresAt: this.clock.now + ttlMs });
  }

  /** Lock keys held now. */
  heldLocks(): string[] {
    return [...this.entries.keys()].filter((key) => key.includes(":lock:") && this.read(key));
  }

  private short(key: string) {
    return key.replace(/^douyin-oauth:[^:]+:/, "");
  }

  private register<T>(
    server: Server,
    incarnation: number,
    kind: "store" | "platform",
    what: string,
    mutating: boolean,
    apply: () => T,
    staleValue?: () => { differs: boolean; value: unknown },
  ): Promise<T> {
    // A crashed process reaches nothing: its calls fail at once, so what was left of it winds
    // down (its lock watchdog stops) without touching the store or the platform.
    if (incarnation !== server.incarnation) return Promise.reject(new Error("process crashed"));
    const seq = ++server.seq;
    const id = `${server.name}${incarnation ? `'${incarnation}` : ""}.${seq}`;
    return new Promise<T>((resolve, reject) => {
      const op: Pending = {
        id,
        server,
        process: server.process,
        incarnation,
        seq,
        label: `${id} ${what}`,
        kind,
        mutating,
        apply,
        resolve: resolve as (value: unknown) => void,
        reject,
        ...(staleValue ? { staleValue } : {}),
      };
      if (this.auto) {
        this.deliver(op, "ok");
        return;
      }
      this.pending.set(id, op);
    });
  }

  storeFor(server: Server, incarnation: number): TokenStore {
    const op = <T>(
      what: string,
      key: string,
      mutating: boolean,
      apply: () => T,
      stale?: boolean,
    ) => {
      let stale0: (() => { differs: boolean; value: unknown }) | undefined;
      if (stale) {
        const before = apply();
        stale0 = () => ({ differs: apply() !== before, value: before });
      }
      return this.register(
        server,
        incarnation,
        "store",
        `${what} ${this.short(key)}`,
        mutating,
        apply,
        stale0,
      );
    };
    const lockOf = (key: string, holder: string): StoreLock => ({
      release: () =>
        op("release", key, true, () => {
          if (this.read(key) === holder) this.entries.delete(key);
        }),
      extend: (ms) =>
        op("extend", key, true, () => {
          if (this.read(key) !== holder) return false;
          this.write(key, holder, ms);
          return true;
        }),
    });
    return {
      get: (key) => op("get", key, false, () => this.read(key), true),
      set: (key, value, ttlMs) => op("set", key, true, () => this.write(key, value, ttlMs)),
      delete: (key) => op("delete", key, true, () => void this.entries.delete(key)),
      compareAndSet: (key, expected, next, ttlMs) =>
        op("cas", key, true, () => {
          if (this.read(key) !== expected) return false;
          this.write(key, next, ttlMs);
          return true;
        }),
      lock: (key, ttlMs) =>
        op("lock", key, true, () => {
          if (this.read(key) !== undefined) return undefined;
          const holder = `${server.name}${incarnation}.${++server.lockSeq}`;
          this.write(key, holder, ttlMs);
          return lockOf(key, holder);
        }),
      list: (prefix) =>
        op("list", prefix, false, () =>
          [...this.entries.keys()].filter((key) => key.startsWith(prefix) && this.read(key)),
        ),
    };
  }

  // ---- the platform ----------------------------------------------------------------------

  platformCall(server: Server, incarnation: number, request: TransportRequest) {
    const operation = ROUTES.get(new URL(request.url).pathname);
    if (operation === undefined) throw new Error(`explorer: no route for ${request.url}`);
    const params = paramsOf(request);
    const token = params.refresh_token ? ` ${this.canon(params.refresh_token)}` : "";
    return this.register(server, incarnation, "platform", `${operation}${token}`, true, () => {
      const answer = this.ledger[operation](params) as { data: Record<string, unknown> };
      return { operation, params, answer };
    }) as unknown as ReturnType<Transport>;
  }

  // ---- the scheduler's side --------------------------------------------------------------

  /** Answers a pending call with an outcome. */
  deliver(op: Pending, outcome: Outcome) {
    this.pending.delete(op.id);
    this.lastResult = "";
    const record = (what: string, ...value: unknown[]) => {
      this.log(op.server, `${op.id}:${outcome}:${this.canon(what)}`);
      if (value.length > 0) this.lastResult = this.brief(value[0]);
    };
    if (op.kind === "platform") {
      if (outcome === "fail") {
        record("");
        op.reject(new Error("ECONNREFUSED"));
        return;
      }
      const { operation, params, answer } = op.apply() as {
        operation: TokenOp;
        params: Record<string, string | undefined>;
        answer: { data: Record<string, unknown> };
      };
      const delivered = outcome === "ok";
      this.onPlatform?.({ server: op.server.name, operation, params, answer, delivered });
      const { description: _, ...data } = answer.data;
      record(JSON.stringify(data));
      this.lastResult =
        Number(data.error_code) !== 0
          ? `error ${String(data.error_code)}`
          : this.canon(String(data.refresh_token ?? data.access_token));
      if (delivered) op.resolve({ status: 200, text: JSON.stringify(answer) });
      else op.reject(new Error("ECONNRESET"));
      return;
    }
    if (outcome === "fail" || outcome === "lost" || outcome === "late") op.server.storeFaults += 1;
    switch (outcome) {
      case "ok": {
        const value = op.apply();
        record(describe(value), value);
        op.resolve(value);
        return;
      }
      case "stale": {
        const { value } = op.staleValue!();
        record(describe(value), value);
        op.resolve(value);
        return;
      }
      case "fail":
        record("");
        op.reject(new Error("store refused"));
        return;
      case "lost":
        const value = op.apply();
        record(describe(value), value);
        op.reject(new Error("store connection lost"));
        return;
      case "late":
        record("");
        this.landings.set(op.id, { label: op.label, apply: () => void op.apply() });
        op.reject(new Error("store timed out"));
        return;
    }
  }

  /** What the last call answered, in a few words, for printed schedules. */
  lastResult = "";

  private brief(value: unknown): string {
    if (value === undefined || value === null) return "none";
    if (typeof value === "boolean") return String(value);
    if (Array.isArray(value)) return `${value.length} keys`;
    if (typeof value === "object") return "locked";
    if (typeof value !== "string") return String(value);
    try {
      const r = JSON.parse(value) as Record<string, unknown>;
      if (typeof r.refreshToken === "string") {
        const marks = [
          r.renewingSince !== undefined ? "marked" : "",
          (r.refreshExpiresAt as number) <= this.clock.now ? "marked dead" : "",
        ].filter(Boolean);
        return `${this.canon(r.refreshToken)}${marks.length ? ` (${marks.join(", ")})` : ""}`;
      }
      if (typeof r.token === "string") return this.canon(r.token);
    } catch {
      // a lock holder
    }
    return value;
  }

  private faultAllowed(kind: FaultKind) {
    return this.faultsUsed < this.options.faults && this.options.faultKinds.includes(kind);
  }

  private fault(run: () => void) {
    return () => {
      this.faultsUsed += 1;
      run();
    };
  }

  /** Everything the scheduler may do now, in a fixed order (the no-fault path first). */
  choices(): Choice[] {
    const list: Choice[] = [];
    const last = this.lastServer;
    const lastWaits = [...this.pending.values()].some((op) => op.server.name === last);
    // The server answered last goes first: the path without preemptions is explored first.
    const rank = (op: Pending) => (op.server.name === last ? "" : op.server.name);
    const ops = [...this.pending.values()].sort((a, b) =>
      a.server === b.server
        ? a.incarnation - b.incarnation || a.seq - b.seq
        : rank(a) < rank(b)
          ? -1
          : 1,
    );
    const bound = this.options.preemptions;
    const answer = (op: Pending, outcome: Outcome) => {
      const preempts = lastWaits && op.server.name !== last;
      if (preempts && bound !== undefined && this.preemptions >= bound) return undefined;
      return () => {
        if (preempts) this.preemptions += 1;
        this.lastServer = op.server.name;
        this.deliver(op, outcome);
      };
    };
    for (const op of ops) {
      const ok = answer(op, "ok");
      if (ok) list.push({ label: `${op.label} → ok`, fault: false, run: ok });
      const stale = op.staleValue?.().differs ? answer(op, "stale") : undefined;
      if (stale) list.push({ label: `${op.label} → stale`, fault: false, run: stale });
    }
    for (const [id, landing] of this.landings) {
      list.push({
        label: `${landing.label} lands`,
        fault: false,
        run: () => {
          this.landings.delete(id);
          landing.apply();
          this.log("all", `land ${id}`);
        },
      });
    }
    for (const op of ops) {
      const faults: Array<[Outcome, FaultKind]> =
        op.kind === "platform"
          ? [
              ["lost", "platform-lost"],
              ["fail", "platform-fail"],
            ]
          : op.mutating
            ? [
                ["fail", "store-fail"],
                ["lost", "store-lost"],
                ["late", "store-late"],
              ]
            : [["fail", "store-fail"]];
      for (const [outcome, kind] of faults) {
        if (!this.faultAllowed(kind)) continue;
        const run = answer(op, outcome);
        if (run === undefined) continue;
        const name = op.kind === "platform" && outcome === "lost" ? "lost-answer" : outcome;
        list.push({ label: `${op.label} → ${name}`, fault: true, run: this.fault(run) });
      }
    }
    const alive = !this.actorsDone || this.pending.size > 0;
    if (alive && this.faultAllowed("lock-expires")) {
      for (const key of this.heldLocks()) {
        list.push({
          label: `lock-expires ${this.short(key)}`,
          fault: true,
          run: this.fault(() => {
            this.entries.delete(key);
            this.log("all", `expire ${this.short(key)}`);
          }),
        });
      }
    }
    if (alive && this.faultAllowed("crash")) {
      for (const server of this.servers) {
        list.push({
          label: `crash ${server.name}`,
          fault: true,
          run: this.fault(() => {
            server.restart();
            this.onCrash?.(server.name);
            for (const [id, op] of this.pending) {
              if (op.server !== server) continue;
              this.pending.delete(id);
              op.reject(new Error("process crashed"));
            }
            this.log(server, "crash");
          }),
        });
      }
    }
    return list;
  }

  /** A hashable picture of the state: store, platform, pending calls, each server's history. */
  picture(): string {
    const store = [...this.entries]
      .filter(([, e]) => e.expiresAt > this.clock.now)
      .map(([k, e]) => `${this.short(k)}=${e.value}@${e.expiresAt}`)
      .sort();
    const platform = this.ledger.exportState();
    platform.codes = [];
    platform.profiles = [];
    const logs = [...this.logs].sort(([a], [b]) => (a < b ? -1 : 1));
    return this.canon(
      JSON.stringify([
        this.clock.now,
        this.faultsUsed,
        store,
        platform,
        [...this.pending.keys()].sort(),
        [...this.landings.keys()].sort(),
        logs,
        this.servers.map((s) => s.incarnation),
        // Only a bound makes them matter: they decide which choices are left.
        this.options.preemptions === undefined ? 0 : [this.lastServer, this.preemptions],
      ]),
    );
  }
}

export interface PlatformEvent {
  server: string;
  operation: TokenOp;
  params: Record<string, string | undefined>;
  answer: { data: Record<string, unknown> };
  /** False when the answer was lost on the way back. */
  delivered: boolean;
}

function describe(value: unknown): string {
  if (value === undefined) return "-";
  if (typeof value === "object" && value !== null && "release" in value) return "locked";
  return JSON.stringify(value);
}
