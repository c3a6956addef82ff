// Per-call time of the client against raw fetch, bare openapi-fetch, and Node's floor
// (keep-alive node:http, undici request()), sequential and at concurrency 32.
import { fork } from "node:child_process";
import { Agent, request as httpRequest } from "node:http";
import { fileURLToPath } from "node:url";
import createClient from "openapi-fetch";
import { Pool } from "undici";
import { createDouyinOAuth } from "douyin-oauth";
import { nodeTransport } from "douyin-oauth/node";
import { median, rotate } from "./stats.mjs";

const KEY = "aw_bench";
const SECRET = "bench_secret_value";

export async function startFloorServer() {
  const child = fork(fileURLToPath(new URL("./floor-server.mjs", import.meta.url)), [], {
    stdio: "inherit",
  });
  const { port } = await new Promise((resolve) => child.once("message", resolve));
  return { url: `http://127.0.0.1:${port}`, close: () => child.kill() };
}

function contenders(base, operation) {
  const query =
    operation === "clientToken"
      ? { client_key: KEY, client_secret: SECRET, grant_type: "client_credential" }
      : {
          client_key: KEY,
          client_secret: SECRET,
          code: "bench_code",
          grant_type: "authorization_code",
        };
  const path = operation === "clientToken" ? "/oauth/client_token/" : "/oauth/access_token/";
  const url = `${base}${path}?${new URLSearchParams(query)}`;
  const douyin = createDouyinOAuth({ clientKey: KEY, clientSecret: SECRET, baseUrl: base });
  const transport = nodeTransport();
  const viaNode = createDouyinOAuth({
    clientKey: KEY,
    clientSecret: SECRET,
    baseUrl: base,
    transport,
  });
  const raw = createClient({ baseUrl: base });
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const pool = new Pool(base, { connections: 64 });
  const parsed = new URL(url);
  return {
    "douyin-oauth":
      operation === "clientToken"
        ? () => douyin.clientToken()
        : () => douyin.accessToken({ code: "bench_code" }),
    "douyin-oauth + nodeTransport":
      operation === "clientToken"
        ? () => viaNode.clientToken()
        : () => viaNode.accessToken({ code: "bench_code" }),
    "openapi-fetch": async () => (await raw.GET(path, { params: { query } })).data,
    "fetch()": async () => (await fetch(url)).json(),
    "node:http keep-alive": () =>
      new Promise((resolve, reject) => {
        httpRequest(
          {
            host: parsed.hostname,
            port: parsed.port,
            path: parsed.pathname + parsed.search,
            agent,
          },
          (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (chunk) => (body += chunk));
            res.on("end", () => resolve(JSON.parse(body)));
          },
        )
          .on("error", reject)
          .end();
      }),
    "undici request()": async () =>
      (await pool.request({ path: parsed.pathname + parsed.search, method: "GET" })).body.json(),
    close: async () => {
      transport.close();
      agent.destroy();
      await pool.close();
    },
  };
}

/**
 * Median microseconds per call, each call timed alone. Contenders alternate call by call (in a
 * rotating order), so drift on a shared machine lands on all of them alike.
 */
async function sequential(calls, { rounds, perRound, warmup }) {
  const names = Object.keys(calls);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of names) for (let i = 0; i < warmup; i++) await calls[name]();
  for (let i = 0; i < rounds * perRound; i++) {
    for (const name of rotate(names, i)) {
      const t = performance.now();
      await calls[name]();
      samples[name].push((performance.now() - t) * 1000);
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(samples[n])]));
}

/** Median microseconds per call with `width` calls in flight, alternated by round. */
async function concurrent(calls, { rounds, perRound, width }) {
  const names = Object.keys(calls);
  const perCall = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    for (const name of rotate(names, round)) {
      let left = perRound;
      const t = performance.now();
      await Promise.all(
        Array.from({ length: width }, async () => {
          while (left-- > 0) await calls[name]();
        }),
      );
      perCall[name].push(((performance.now() - t) * 1000) / perRound);
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(perCall[n])]));
}

export async function perCallBench(base, { quick = false } = {}) {
  const results = {};
  for (const operation of ["clientToken", "accessToken"]) {
    const { close, ...calls } = contenders(base, operation);
    results[operation] = {
      sequential: await sequential(
        calls,
        quick
          ? { rounds: 3, perRound: 50, warmup: 100 }
          : { rounds: 12, perRound: 250, warmup: 500 },
      ),
      concurrent32: await concurrent(
        calls,
        quick
          ? { rounds: 3, perRound: 320, width: 32 }
          : { rounds: 10, perRound: 1_600, width: 32 },
      ),
    };
    await close();
  }
  return results;
}
