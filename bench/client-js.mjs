// The client's own work per call, on this runtime: every token method against a transport that
// answers from memory (no socket), minus what a bare request also pays for the same answer
// (`JSON.parse` of the body inside an async function). Prints µs of CPU time per operation.
//
// Run from the repository (it imports dist/, built by `npm run bench`), or alone:
//   node bench/client-js.mjs [--quick]
import { fmt, median } from "./stats.mjs";

const quick = process.argv.includes("--quick") || process.env.BENCH_QUICK === "1";

const ANSWERS = {
  "/oauth/client_token/": {
    access_token: "clt.0123456789abcdef0123456789abcdef",
    expires_in: 7200,
  },
  "/oauth/stable_client_token/": {
    access_token: "clt.0123456789abcdef0123456789abcdef",
    expires_in: 7200,
  },
  "/oauth/access_token/": {
    access_token: "act.0123456789abcdef0123456789abcdef",
    expires_in: 1296000,
    open_id: "0ff3b1a8-1c9e-4c1e-9b7e-1f2e3d4c5b6a",
    refresh_token: "rft.0123456789abcdef0123456789abcdef",
    refresh_expires_in: 2592000,
    scope: "user_info",
  },
  "/oauth/refresh_token/": {
    access_token: "act.0123456789abcdef0123456789abcdef",
    expires_in: 1296000,
    open_id: "0ff3b1a8-1c9e-4c1e-9b7e-1f2e3d4c5b6a",
    refresh_token: "rft.0123456789abcdef0123456789abcdef",
    refresh_expires_in: 2592000,
    scope: "user_info",
  },
  "/oauth/renew_refresh_token/": {
    refresh_token: "rft.fedcba9876543210fedcba9876543210",
    expires_in: 2592000,
  },
  "/oauth/userinfo/": {
    open_id: "0ff3b1a8-1c9e-4c1e-9b7e-1f2e3d4c5b6a",
    union_id: "1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
    nickname: "bench",
    avatar: "https://example.invalid/a.png",
    e_account_role: "<nil>",
  },
};
const TEXT = Object.fromEntries(
  Object.entries(ANSWERS).map(([path, data]) => [
    path,
    JSON.stringify({ data: { ...data, description: "", error_code: 0 }, message: "success" }),
  ]),
);

/** The memory transport: the canned answer of the request's path, at once. */
function memoryTransport(request) {
  const url = request.url;
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const end = url.indexOf("?", start);
  const text = TEXT[end < 0 ? url.slice(start) : url.slice(start, end)];
  return Promise.resolve({ status: 200, text });
}

/** The process's CPU time in µs: unlike the wall clock, it leaves out time spent waiting for a core. */
const cpu = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/**
 * µs per call of `call` and of `floor`, batch by batch in turns (so both see the same machine),
 * in CPU time; medians of `rounds` batches of `batch` sequential calls each.
 */
async function time(call, floor, { rounds, batch }) {
  for (let i = 0; i < batch; i++) await call(); // warm-up
  for (let i = 0; i < batch; i++) await floor();
  const whole = [];
  const bare = [];
  for (let r = 0; r < rounds; r++) {
    for (const [fn, samples] of r % 2
      ? [
          [call, whole],
          [floor, bare],
        ]
      : [
          [floor, bare],
          [call, whole],
        ]) {
      const t = cpu();
      for (let i = 0; i < batch; i++) await fn();
      samples.push((cpu() - t) / batch);
    }
  }
  return { whole: median(whole), floor: median(bare) };
}

/** The floor: the transport's own promise and the JSON a bare request parses too. */
const bare = (path) => async () =>
  JSON.parse((await memoryTransport({ url: `x://h${path}` })).text);

export async function clientJsBench(douyinOAuth, { quick: q = quick } = {}) {
  const { createDouyinOAuth } = douyinOAuth;
  const douyin = createDouyinOAuth({
    clientKey: "aw_bench",
    clientSecret: "bench_secret_value",
    baseUrl: "http://127.0.0.1:9",
    transport: memoryTransport,
  });
  const get = createDouyinOAuth({
    clientKey: "aw_bench",
    clientSecret: "bench_secret_value",
    baseUrl: "http://127.0.0.1:9",
    transport: memoryTransport,
    tokenRequestMethod: "GET",
  });
  const signal = new AbortController().signal;
  const user = { accessToken: "act.0123456789abcdef", openId: "0ff3b1a8" };
  const ops = {
    clientToken: [() => douyin.clientToken(), "/oauth/client_token/"],
    "clientToken, GET": [() => get.clientToken(), "/oauth/client_token/"],
    "clientToken, a signal": [() => douyin.clientToken({ signal }), "/oauth/client_token/"],
    stableClientToken: [() => douyin.stableClientToken(), "/oauth/stable_client_token/"],
    accessToken: [() => douyin.accessToken({ code: "code_0123" }), "/oauth/access_token/"],
    refreshToken: [
      () => douyin.refreshToken({ refreshToken: "rft.0123" }),
      "/oauth/refresh_token/",
    ],
    renewRefreshToken: [
      () => douyin.renewRefreshToken({ refreshToken: "rft.0123" }),
      "/oauth/renew_refresh_token/",
    ],
    userInfo: [() => douyin.userInfo(user), "/oauth/userinfo/"],
  };
  const sizes = q ? { rounds: 5, batch: 5_000 } : { rounds: 11, batch: 20_000 };
  const result = {};
  for (const [name, [call, path]] of Object.entries(ops)) {
    const { whole, floor } = await time(call, bare(path), sizes);
    result[name] = { whole, floor, own: whole - floor };
  }
  return result;
}

export function printClientJs(result, label) {
  console.log(
    `\nthe client's own work per call (${label}; a memory transport, minus a bare JSON.parse): median µs of CPU`,
  );
  const width = Math.max(...Object.keys(result).map((n) => n.length));
  for (const [name, { whole, floor, own }] of Object.entries(result)) {
    console.log(
      `${name.padEnd(width)}  ${fmt(own, 2).padStart(6)} µs own  (${fmt(whole, 2)} µs a call, ${fmt(floor, 2)} µs bare)`,
    );
  }
}

// Run directly: from the repository, the built dist/; in the bench's scratch consumer (where each
// runtime runs it), BENCH_ENTRY=douyin-oauth and one JSON line out.
if (import.meta.main ?? import.meta.url === `file://${process.argv[1]}`) {
  const entry = process.env.BENCH_ENTRY ?? new URL("../dist/esm/index.js", import.meta.url).href;
  const result = await clientJsBench(await import(entry));
  if (process.env.BENCH_ENTRY) console.log(JSON.stringify(result));
  else printClientJs(result, `Node ${process.versions.node}`);
}
