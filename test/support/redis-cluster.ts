// Replicated Redis for the failover tests, from Debian's redis-server and redis-sentinel: a
// 3-master, 3-replica Redis Cluster, or 1 master + 1 replica watched by 3 sentinels. Every
// server runs on free loopback ports in a temporary folder; `stop()` kills each by its PID.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import { freePorts } from "./loopback.js";
import { redisArgs } from "./redis.js";

const HOST = "127.0.0.1";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function requireBinary(name: string): void {
  if (spawnSync(name, ["--version"]).status !== 0) {
    throw new Error(
      `${name} not found: run \`bash scripts/setup.sh\` (installs Debian's redis-server and redis-sentinel)`,
    );
  }
}

/** One command on one server, over a short-lived connection; bounded. */
export async function command(port: number, args: string[], timeoutMs = 2_000): Promise<unknown> {
  const client = createClient({
    url: `redis://${HOST}:${port}`,
    socket: { reconnectStrategy: false, connectTimeout: timeoutMs },
  });
  client.on("error", () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    // The whole exchange is bounded: a paused server accepts the connection and never answers.
    return await Promise.race([
      client.connect().then(() => client.sendCommand(args)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${args[0]} on port ${port} took over ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
    client.destroy();
  }
}

/** Thrown by a check that can never turn true: the process it waits for is gone. */
class ExitedEarly extends Error {}

/**
 * Polls `check` every 100 ms until it returns true; throws `what` after `timeoutMs`, or at once
 * when the check throws ExitedEarly.
 */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = await check().catch((error: unknown) => {
      if (error instanceof ExitedEarly) throw error;
      return false;
    });
    if (done) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

/** Waits until `probe` finds something, and returns it. */
async function found<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  let seen: T | undefined;
  await until(what, async () => (seen = await probe()) !== undefined);
  return seen as T;
}

/** A redis-server (or sentinel) process that can be killed and started again on its port. */
export class RedisNode {
  process: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly port: number,
    private readonly args: () => string[],
    private readonly binary = "redis-server",
  ) {}

  get url(): string {
    return `redis://${HOST}:${this.port}`;
  }

  get running(): boolean {
    // Not `killed`: that turns true after any signal sent, SIGSTOP included.
    return (
      this.process !== undefined &&
      this.process.exitCode === null &&
      this.process.signalCode === null
    );
  }

  async start(): Promise<void> {
    const child = spawn(this.binary, this.args(), { stdio: ["ignore", "pipe", "pipe"] });
    this.process = child;
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    // Its last lines of log, for the error when it does not come up.
    let log = "";
    const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-2_000));
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    const what = `${this.binary} answers on port ${this.port}`;
    try {
      await until(
        what,
        async () => {
          if (child.exitCode !== null || child.signalCode !== null) throw new ExitedEarly();
          return (await command(this.port, ["PING"], 500)) === "PONG";
        },
        60_000,
      );
    } catch (error) {
      const exited = child.exitCode !== null ? `it exited ${child.exitCode}` : "it still runs";
      throw new Error(
        `${error instanceof ExitedEarly ? `${this.binary} exited before it answered on port ${this.port}` : (error as Error).message} (${exited}); its log ends: ${log.trim().split("\n").slice(-5).join(" | ")}`,
      );
    }
  }

  /** SIGSTOP: the process holds its connections but does nothing (a replica that lags). */
  pause(): void {
    if (this.running) this.process!.kill("SIGSTOP");
  }

  resume(): void {
    if (this.running) this.process!.kill("SIGCONT");
  }

  /** SIGKILL, as a crash: nothing is flushed or handed over. */
  async kill(): Promise<void> {
    if (this.running) this.process!.kill("SIGKILL");
    await this.exited;
  }
}

const serverArgs = (dir: string, port: number, extra: string[] = []) => [
  ...redisArgs(port),
  "--dir",
  dir,
  ...extra,
];

// ---- Redis Cluster ---------------------------------------------------------------------------

export interface ClusterNodeInfo {
  id: string;
  port: number;
  master: boolean;
  failed: boolean;
  masterId: string;
  slots: Array<[number, number]>;
}

/** CLUSTER NODES, parsed, as one node sees it. */
async function clusterNodes(port: number): Promise<ClusterNodeInfo[]> {
  const text = String(await command(port, ["CLUSTER", "NODES"]));
  return text
    .trim()
    .split("\n")
    .map((line) => {
      const [id = "", address = "", flags = "", masterId = "", , , , , ...slots] = line.split(" ");
      return {
        id,
        port: Number(address.split("@")[0]!.split(":")[1]),
        master: flags.split(",").includes("master"),
        failed: /fail/.test(flags),
        masterId,
        slots: slots
          .filter((s) => !s.startsWith("["))
          .map((s) => s.split("-").map(Number) as [number, number?])
          .map(([a, b]) => [a, b ?? a] as [number, number]),
      };
    });
}

export interface RedisCluster {
  nodes: RedisNode[];
  /** For createCluster({ rootNodes }). */
  rootNodes: Array<{ url: string }>;
  /** The node now serving `key`'s slot as master. */
  masterOf(key: string): Promise<RedisNode>;
  /**
   * SIGKILLs the master of `key`'s slot and resolves once its replica is promoted and the cluster
   * is whole again; then starts the killed node again, which rejoins as the new master's replica.
   */
  failover(key: string, steps?: FailoverSteps): Promise<Failover>;
  stop(): Promise<void>;
}

/** Work done around the kill, given the replica that is to be promoted and the master. */
export interface FailoverSteps {
  beforeKill?(replica: RedisNode, master: RedisNode): Promise<void>;
  afterKill?(replica: RedisNode): Promise<void>;
}

/** What a failover did, with Date.now() at each step. */
export interface Failover {
  killed: number;
  promoted: number;
  killedAt: number;
  promotedAt: number;
  rejoinedAt: number;
}

/**
 * A 3-master, 3-replica Redis Cluster (`--cluster-enabled yes`, `redis-cli --cluster create`),
 * with a short `cluster-node-timeout` so a failover takes a second or two.
 */
export async function startRedisCluster(nodeTimeoutMs = 1_000): Promise<RedisCluster> {
  // A port checked free can be taken by another listener before a node binds it (another test
  // process picking at random): the node says "in use", and the cluster starts again on others.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startClusterOnce(nodeTimeoutMs);
    } catch (error) {
      if (attempt === 3 || !/in use/i.test(String((error as Error).message))) throw error;
    }
  }
}

async function startClusterOnce(nodeTimeoutMs: number): Promise<RedisCluster> {
  requireBinary("redis-server");
  requireBinary("redis-cli");
  const dir = mkdtempSync(join(tmpdir(), "douyin-oauth-cluster-"));
  const ports = await freePorts(12);
  const nodes = Array.from({ length: 6 }, (_, n) => {
    const port = ports[n]!;
    return new RedisNode(port, () =>
      serverArgs(dir, port, [
        "--cluster-enabled",
        "yes",
        "--cluster-port",
        String(ports[n + 6]),
        "--cluster-config-file",
        `nodes-${port}.conf`,
        "--cluster-node-timeout",
        String(nodeTimeoutMs),
        // The token records are tiny: a rejoining node syncs at once.
        "--repl-diskless-sync",
        "yes",
        "--repl-diskless-sync-delay",
        "0",
      ]),
    );
  });
  const cluster: RedisCluster = {
    nodes,
    rootNodes: nodes.map((node) => ({ url: node.url })),
    async masterOf(key) {
      const slot = Number(await command(live().port, ["CLUSTER", "KEYSLOT", key]));
      const owner = (await clusterNodes(live().port)).find(
        (n) => n.master && !n.failed && n.slots.some(([a, b]) => a <= slot && slot <= b),
      );
      const node = nodes.find((n) => n.port === owner?.port);
      if (node === undefined) throw new Error(`no master serves slot ${slot}`);
      return node;
    },
    async failover(key, steps = {}) {
      const victim = await cluster.masterOf(key);
      const id = (await command(victim.port, ["CLUSTER", "MYID"])) as string;
      // An earlier failover's rejoined node may not yet be gossiped as this master's replica
      // (seconds on a loaded machine): wait for the victim to list it, do not give up at once.
      const replica = await found(`the master on ${victim.port} lists a replica`, async () =>
        (await clusterNodes(victim.port)).find((n) => n.masterId === id && !n.failed),
      );
      const promoted = nodes.find((n) => n.port === replica.port)!;
      await steps.beforeKill?.(promoted, victim);
      await victim.kill();
      await steps.afterKill?.(promoted);
      const killedAt = Date.now();
      await until("the replica is promoted and the cluster is whole", async () => {
        const seen = await clusterNodes(replica.port);
        const info = String(await command(replica.port, ["CLUSTER", "INFO"]));
        return seen.find((n) => n.port === replica.port)!.master && /cluster_state:ok/.test(info);
      });
      const promotedAt = Date.now();
      await victim.start();
      await until("the killed master rejoins as a synced replica", async () => {
        const info = String(await command(victim.port, ["INFO", "replication"]));
        return /role:slave/.test(info) && /master_link_status:up/.test(info);
      });
      // Leave the layout whole for the next failover: the promoted master lists its new replica.
      const promotedId = (await command(replica.port, ["CLUSTER", "MYID"])) as string;
      await until("the promoted master lists the rejoined node as its replica", async () =>
        (await clusterNodes(replica.port)).some(
          (n) => n.port === victim.port && n.masterId === promotedId && !n.failed,
        ),
      );
      const rejoinedAt = Date.now();
      return { killed: victim.port, promoted: replica.port, killedAt, promotedAt, rejoinedAt };
    },
    async stop() {
      await Promise.all(nodes.map((node) => node.kill()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const live = () => nodes.find((node) => node.running) ?? nodes[0]!;
  try {
    await Promise.all(nodes.map((node) => node.start()));
    const created = spawnSync(
      "redis-cli",
      [
        "--cluster",
        "create",
        ...nodes.map((n) => `${HOST}:${n.port}`),
        "--cluster-replicas",
        "1",
        "--cluster-yes",
      ],
      { encoding: "utf8", timeout: 60_000 },
    );
    if (created.status !== 0)
      throw new Error(`redis-cli --cluster create failed: ${created.stdout}`);
    await until(
      "every node sees the cluster whole, each master with a synced replica",
      async () => {
        for (const node of nodes) {
          if (!/cluster_state:ok/.test(String(await command(node.port, ["CLUSTER", "INFO"])))) {
            return false;
          }
          const info = String(await command(node.port, ["INFO", "replication"]));
          if (/role:slave/.test(info) && !/master_link_status:up/.test(info)) return false;
        }
        const seen = await clusterNodes(nodes[0]!.port);
        return (
          seen.filter((n) => n.master).length === 3 && seen.filter((n) => !n.master).length === 3
        );
      },
    );
    return cluster;
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

// ---- Sentinel --------------------------------------------------------------------------------

export const SENTINEL_MASTER = "douyin";

export interface RedisSentinel {
  /** The data nodes: the first starts as master, the second as its replica. */
  nodes: RedisNode[];
  sentinels: RedisNode[];
  /** For createSentinel({ name, sentinelRootNodes }). */
  name: string;
  sentinelRootNodes: Array<{ host: string; port: number }>;
  master(): Promise<RedisNode>;
  /**
   * SIGKILLs the master and resolves once the sentinels promoted the replica; then starts the
   * killed node again as the new master's replica.
   */
  failover(): Promise<Failover>;
  stop(): Promise<void>;
}

/** 1 master, 1 replica, 3 sentinels (quorum 2, down after `downAfterMs`). */
export async function startRedisSentinel(downAfterMs = 1_000): Promise<RedisSentinel> {
  requireBinary("redis-server");
  requireBinary("redis-sentinel");
  const dir = mkdtempSync(join(tmpdir(), "douyin-oauth-sentinel-"));
  const ports = await freePorts(5);
  let masterPort = ports[0]!;
  const nodes = [0, 1].map((n) => {
    const port = ports[n]!;
    return new RedisNode(port, () =>
      serverArgs(dir, port, port === masterPort ? [] : ["--replicaof", HOST, String(masterPort)]),
    );
  });
  const sentinels = [2, 3, 4].map((n) => {
    const port = ports[n]!;
    const file = join(dir, `sentinel-${port}.conf`);
    writeFileSync(
      file,
      [
        `port ${port}`,
        `bind ${HOST}`,
        `dir ${dir}`,
        `sentinel monitor ${SENTINEL_MASTER} ${HOST} ${ports[0]} 2`,
        `sentinel down-after-milliseconds ${SENTINEL_MASTER} ${downAfterMs}`,
        `sentinel failover-timeout ${SENTINEL_MASTER} ${downAfterMs * 4}`,
        `sentinel parallel-syncs ${SENTINEL_MASTER} 1`,
        "",
      ].join("\n"),
    );
    return new RedisNode(port, () => [file], "redis-sentinel");
  });
  const masterPortSeen = async (sentinel: RedisNode) => {
    const [, port] = (await command(sentinel.port, [
      "SENTINEL",
      "GET-MASTER-ADDR-BY-NAME",
      SENTINEL_MASTER,
    ])) as [string, string];
    return Number(port);
  };
  const setup: RedisSentinel = {
    nodes,
    sentinels,
    name: SENTINEL_MASTER,
    sentinelRootNodes: sentinels.map((s) => ({ host: HOST, port: s.port })),
    async master() {
      return nodes.find((n) => n.port === masterPort)!;
    },
    async failover() {
      const victim = await setup.master();
      const replica = nodes.find((n) => n !== victim)!;
      await victim.kill();
      const killedAt = Date.now();
      await until("the sentinels promote the replica", async () => {
        for (const s of sentinels) if ((await masterPortSeen(s)) !== replica.port) return false;
        const info = String(await command(replica.port, ["INFO", "replication"]));
        return /role:master/.test(info);
      });
      masterPort = replica.port;
      const promotedAt = Date.now();
      await victim.start();
      await until("the killed master rejoins as a synced replica", async () => {
        const info = String(await command(victim.port, ["INFO", "replication"]));
        return /role:slave/.test(info) && /master_link_status:up/.test(info);
      });
      const rejoinedAt = Date.now();
      return { killed: victim.port, promoted: replica.port, killedAt, promotedAt, rejoinedAt };
    },
    async stop() {
      await Promise.all([...sentinels, ...nodes].map((node) => node.kill()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await nodes[0]!.start();
    await nodes[1]!.start();
    await until("the replica is synced", async () =>
      /master_link_status:up/.test(String(await command(nodes[1]!.port, ["INFO", "replication"]))),
    );
    await Promise.all(sentinels.map((s) => s.start()));
    await until("every sentinel sees the replica and the two other sentinels", async () => {
      for (const s of sentinels) {
        const fields = (await command(s.port, ["SENTINEL", "MASTER", SENTINEL_MASTER])) as string[];
        const field = (name: string) => Number(fields[fields.indexOf(name) + 1]);
        if (field("num-slaves") !== 1 || field("num-other-sentinels") !== 2) return false;
      }
      return true;
    });
    return setup;
  } catch (error) {
    await setup.stop();
    throw error;
  }
}
