// A real redis-server on a free loopback port, started and stopped by the tests.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createClient } from "redis";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { freePort } from "./loopback.js";

export interface RedisServer {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** redis-server's arguments for a throwaway server on `port`: loopback only, nothing on disk. */
export const redisArgs = (port: number): string[] => [
  "--port",
  String(port),
  "--bind",
  "127.0.0.1",
  "--save",
  "",
  "--appendonly",
  "no",
  "--protected-mode",
  "yes",
];

export async function startRedis(): Promise<RedisServer> {
  if (spawnSync("redis-server", ["--version"]).status !== 0) {
    throw new Error(
      "redis-server not found: run `bash scripts/setup.sh` (installs Debian's redis-server)",
    );
  }
  const port = await freePort();
  const child = spawn("redis-server", redisArgs(port), { stdio: "ignore" });
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 500 } });
    probe.on("error", () => undefined);
    try {
      await probe.connect();
      await probe.ping();
      await probe.close();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`redis-server did not answer on ${url}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url,
    port,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

export interface LocalRedis {
  /** The server, started before the file's first test. */
  readonly server: RedisServer;
  /** A client of it, connected before the file's first test. */
  readonly client: ReturnType<typeof createClient>;
}

/** One redis-server and a connected client for the file, flushed before each test, then killed. */
export function useRedis(): LocalRedis {
  let server: RedisServer | undefined;
  let client: ReturnType<typeof createClient> | undefined;
  const started = () => {
    if (server === undefined || client === undefined) {
      throw new Error("redis-server starts in beforeAll");
    }
    return { server, client };
  };
  beforeAll(async () => {
    server = await startRedis();
    client = createClient({ url: server.url });
    client.on("error", () => undefined);
    await client.connect();
  });
  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await server?.stop();
  });
  beforeEach(async () => {
    await started().client.flushAll();
  });
  return {
    get server() {
      return started().server;
    },
    get client() {
      return started().client;
    },
  };
}
