// storeRetryMs on one real Redis that goes away and comes back on the same port (as a promoted
// replica's address answers again): processes with no valid token wait for it and fetch once
// between them, instead of each fetching alone.
import { createClient } from "redis";
import { afterEach, expect, it } from "vitest";
import { createDouyinOAuth } from "../../src/index.js";
import { DEMO_APP, startEmulator, type Emulator } from "../../src/emulator/index.js";
import { RedisTokenStore } from "../../src/redis/index.js";
import { createClientTokenProvider } from "../../src/tokens/index.js";
import { RedisNode } from "../support/redis-cluster.js";
import { freePort } from "../support/loopback.js";
import { redisArgs } from "../support/redis.js";

let emu: Emulator | undefined;
let node: RedisNode | undefined;
const clients: Array<ReturnType<typeof createClient>> = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await node?.kill();
  await emu?.close();
});

it("get() with no valid token while Redis is away: retries the store, then one fetch for all; storeRetryMs 0 fetches alone at once", async () => {
  // A free port, then our own redis-server on it, which can be killed and started again.
  const port = await freePort();
  node = new RedisNode(port, () => redisArgs(port));
  await node.start();
  emu = await startEmulator();
  const douyin = createDouyinOAuth({ ...DEMO_APP, baseUrl: emu.url, retry: false });
  const provider = async (storeRetryMs: number) => {
    const client = createClient({ url: node!.url, socket: { reconnectStrategy: () => 100 } });
    client.on("error", () => undefined);
    clients.push(client);
    await client.connect();
    return createClientTokenProvider(douyin, {
      source: "client_token",
      store: new RedisTokenStore(client),
      storeTimeoutMs: 300,
      storeRetryMs,
      onError: () => undefined,
    });
  };
  const waiting = await Promise.all([1, 2, 3].map(() => provider(20_000)));
  const alone = await Promise.all([1, 2, 3].map(() => provider(0)));
  await node.kill();
  const gets = waiting.map((p) => p.get());
  const fallback = await Promise.all(alone.map((p) => p.get()));
  expect(emu.stats).toMatchObject({ clientToken: 0, stableClientToken: 3 });
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await node.start(); // back (empty), as a promoted replica's address would answer again
  const tokens = await Promise.all(gets);
  expect(new Set(tokens).size).toBe(1);
  expect(emu.stats).toMatchObject({ clientToken: 1, stableClientToken: 3 });
  expect(emu.isValid(tokens[0]!)).toBe(true);
  expect(new Set(fallback).size).toBe(1); // the stable token: the same for all
}, 60_000);
