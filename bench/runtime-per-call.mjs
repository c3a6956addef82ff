// Per-call time of one token call on the runtime running this file (Node, Bun or Deno), copied
// into a scratch consumer where the packed tarball is installed, so `douyin-oauth` resolves with
// this runtime's own export conditions, as a user's code would. Prints one JSON line: median µs
// per call, sequential and at concurrency 32, per contender.
//
// Environment: BENCH_BASE (the floor server's origin, or "https://open.douyin.com" for the
// HTTPS table), BENCH_QUICK=1 (a smoke run), BENCH_SDK (the folder @open-dy/open_api_sdk is
// installed in: adds ByteDance's Node SDK as a contender; Node only), BENCH_CA (a CA file for the
// node:https agents), BENCH_POST=1 (adds the
// default path with tokenRequestMethod "POST", the default and the SDK's request shape).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as http from "node:http";
import * as https from "node:https";
import { createDouyinOAuth, fetchTransport } from "douyin-oauth";
import { nodeTransport } from "douyin-oauth/node";
import createClient from "openapi-fetch";

const env = globalThis.Deno ? globalThis.Deno.env.toObject() : globalThis.process.env;
const base = env.BENCH_BASE;
const quick = env.BENCH_QUICK === "1";
const KEY = "aw_bench";
const SECRET = "bench_secret_value";
const PATH = "/oauth/client_token/";
const query = { client_key: KEY, client_secret: SECRET, grant_type: "client_credential" };
const url = `${base}${PATH}?${new URLSearchParams(query)}`;
const parsed = new URL(url);
const secure = parsed.protocol === "https:";

// GET: the same request as the other contenders send; the default, POST, is BENCH_POST's row.
const common = { clientKey: KEY, clientSecret: SECRET, baseUrl: base, tokenRequestMethod: "GET" };
const byDefault = createDouyinOAuth(common);
const viaFetch = createDouyinOAuth({ ...common, transport: fetchTransport() });
// BENCH_CA: the loopback HTTPS floor's CA, handed to the node:https agents here (Deno's
// node:https reads neither NODE_EXTRA_CA_CERTS nor DENO_CERT); fetch trusts it through those.
const ca = env.BENCH_CA ? readFileSync(env.BENCH_CA) : undefined;
const httpsAgent = () =>
  new https.Agent({ keepAlive: true, maxSockets: 64, ...(ca ? { ca } : {}) });
const transport = secure && ca ? nodeTransport({ httpsAgent: httpsAgent() }) : nodeTransport();
const viaNode = createDouyinOAuth({ ...common, transport });
const raw = createClient({ baseUrl: base });
const agent = secure ? httpsAgent() : new http.Agent({ keepAlive: true, maxSockets: 64 });

const calls = {
  "douyin-oauth (default)": () => byDefault.clientToken(),
  "… fetch path": () => viaFetch.clientToken(),
  "… nodeTransport": () => viaNode.clientToken(),
  "… openapi-fetch": async () => (await raw.GET(PATH, { params: { query } })).data,
  "… fetch()": async () => (await fetch(url)).json(),
  [`… ${secure ? "node:https" : "node:http"} keep-alive`]: () =>
    new Promise((resolve, reject) => {
      (secure ? https : http)
        .request(
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
};
if (env.BENCH_POST === "1") {
  const post = createDouyinOAuth({ ...common, tokenRequestMethod: "POST" });
  calls["douyin-oauth (default), POST"] = () => post.clientToken();
}
if (env.BENCH_SDK) {
  // ByteDance's official Node SDK (CommonJS), from the bench's cache folder, never a dependency.
  // It only calls https://open.douyin.com; the bench resolves that name to 127.0.0.1.
  const sdk = createRequire(`${env.BENCH_SDK}/package.json`)("@open-dy/open_api_sdk");
  const client = new sdk.default({ clientKey: KEY, clientSecret: SECRET });
  const request = new sdk.OauthClientTokenRequest({
    clientKey: KEY,
    clientSecret: SECRET,
    grantType: "client_credential",
  });
  calls["@open-dy/open_api_sdk 1.1.0"] = () => client.oauthClientToken(request);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
// A fresh order every round (a seeded shuffle, the same every run). A fixed rotation would give
// each contender the same predecessor every time, and the work a fetch() leaves behind after
// its promise settles (stream and socket bookkeeping) would be charged to whoever follows it:
// with a rotation the contender after bare node:http measured 15 % faster than its twin.
let seed = 0x9e3779b9;
const random = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const shuffled = (items) => {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
};
const names = Object.keys(calls);

// Every contender must answer the platform's token before it is timed.
for (const name of names) {
  const answer = await calls[name]();
  // The client answers data; raw calls the whole body; the SDK camel-cases the names.
  const token = answer?.access_token ?? answer?.data?.access_token ?? answer?.data?.accessToken;
  if (typeof token !== "string") throw new Error(`${name}: no access_token in its answer`);
}

/** Each call timed alone; contenders alternate call by call, in a shuffled order. */
async function sequential({ calls: total, warmup }) {
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of names) for (let i = 0; i < warmup; i++) await calls[name]();
  for (let i = 0; i < total; i++) {
    for (const name of shuffled(names)) {
      const t = performance.now();
      await calls[name]();
      samples[name].push((performance.now() - t) * 1000);
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(samples[n])]));
}

const cpu = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/**
 * `width` calls in flight; the time per call of each round, wall clock and this process's CPU
 * time (which leaves out waiting for a core on a shared machine); contenders alternate by round.
 */
async function concurrent({ rounds, perRound, width }) {
  const perCall = Object.fromEntries(names.map((n) => [n, []]));
  const cpuPerCall = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    for (const name of shuffled(names)) {
      let left = perRound;
      const t = performance.now();
      const c = cpu();
      await Promise.all(
        Array.from({ length: width }, async () => {
          while (left-- > 0) await calls[name]();
        }),
      );
      cpuPerCall[name].push((cpu() - c) / perRound);
      perCall[name].push(((performance.now() - t) * 1000) / perRound);
    }
  }
  return {
    wall: Object.fromEntries(names.map((n) => [n, median(perCall[n])])),
    cpu: Object.fromEntries(names.map((n) => [n, median(cpuPerCall[n])])),
  };
}

const at32 = await concurrent(
  quick ? { rounds: 2, perRound: 320, width: 32 } : { rounds: 6, perRound: 1600, width: 32 },
);
const result = {
  sequential: await sequential(quick ? { calls: 150, warmup: 50 } : { calls: 2000, warmup: 300 }),
  concurrent32: at32.wall,
  cpu32: at32.cpu,
};
transport.close();
agent.destroy();
console.log(JSON.stringify(result));
// Sockets kept alive by the SDK's and fetch's own pools must not hold the process open.
if (globalThis.Deno) globalThis.Deno.exit(0);
else globalThis.process.exit(0);
