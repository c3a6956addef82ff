// Per-call time of the client on every runtime present, against the floor server, and on Node
// against ByteDance's official Node SDK over HTTPS. The timing itself is runtime-per-call.mjs,
// run by each runtime in a scratch consumer where the packed tarball is installed.
import { execFileSync, fork, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureInstalled, ensureRuntime, RUNTIMES_DIR } from "../scripts/test-runtimes.mjs";

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const SDK = "@open-dy/open_api_sdk@1.1.0";
const BENCH_CACHE =
  process.env.DOUYIN_OAUTH_BENCH_CACHE ?? join(homedir(), ".cache/douyin-oauth/bench");
const RUN_LIMIT_MS = 300_000;

/** The floor server in its own process; HTTPS with `tls` ({ cert, key } files, `port`). */
export async function startFloorServer(tls) {
  const child = fork(here("./floor-server.mjs"), [], {
    stdio: "inherit",
    env: tls
      ? { ...process.env, FLOOR_CERT: tls.cert, FLOOR_KEY: tls.key, FLOOR_PORT: String(tls.port) }
      : process.env,
  });
  const message = await new Promise((resolve) => {
    child.once("message", resolve);
    child.once("exit", (code) => resolve({ error: `exited with status ${code}` }));
  });
  if (message.error) {
    child.kill();
    throw new Error(`the floor server did not start: ${message.error}`);
  }
  const scheme = tls ? "https" : "http";
  return { url: `${scheme}://127.0.0.1:${message.port}`, close: () => child.kill() };
}

/** The runtimes the per-call table covers: this Node, then the cached ones. */
function runtimes() {
  const list = [{ label: "Node", version: process.versions.node, command: [process.execPath] }];
  for (const [name, label, prefix] of [
    ["node22", "Node", []],
    ["node24", "Node", []],
    ["bun", "Bun", []],
    ["deno", "Deno", ["run", "-A"]],
  ]) {
    try {
      const { executable } = ensureRuntime(name);
      const version = execFileSync(executable, ["--version"], { encoding: "utf8" })
        .trim()
        .split("\n")[0]
        .replace(/^(v|deno )/, "")
        .replace(/ .*/, "");
      list.push({ label, version, command: [executable, ...prefix] });
    } catch (error) {
      list.push({ label: name, skipped: `not available: ${error.message}` });
    }
  }
  return list;
}

function timeOn(runtime, consumer, env, preload = [], script = "runtime-per-call.mjs") {
  const [executable, ...prefix] = runtime.command;
  const ran = spawnSync(executable, [...prefix, ...preload, script], {
    cwd: consumer,
    encoding: "utf8",
    timeout: RUN_LIMIT_MS,
    killSignal: "SIGKILL",
    env: {
      ...process.env,
      DENO_DIR: process.env.DENO_DIR ?? join(RUNTIMES_DIR, "deno-dir"),
      DENO_NO_UPDATE_CHECK: "1",
      ...env,
    },
  });
  const last = ran.stdout?.trim().split("\n").at(-1) ?? "";
  if (ran.status !== 0 || !last.startsWith("{")) {
    const why = (ran.stderr || ran.error?.message || "").trim().split("\n").slice(-3).join(" ");
    return { error: `${runtime.label} ${runtime.version}: ${why || `status ${ran.status}`}` };
  }
  return JSON.parse(last);
}

/**
 * On every runtime present: the client's own work per call (bench/client-js.mjs, a memory
 * transport) and the heap's slope over 1,000,000 calls with and without one long-lived signal
 * (bench/heap-slope.mjs; V8's gc exposed on Node and Deno, Bun.gc on Bun).
 */
export async function clientJsAndHeapBench(consumer, { quick }) {
  for (const file of ["client-js.mjs", "heap-slope.mjs", "stats.mjs"]) {
    copyFileSync(here(`./${file}`), join(consumer, file));
  }
  const results = [];
  for (const runtime of runtimes()) {
    if (runtime.skipped) continue;
    const env = { BENCH_ENTRY: "douyin-oauth", BENCH_QUICK: quick ? "1" : "0" };
    const gcFlag =
      runtime.label === "Bun"
        ? []
        : runtime.label === "Deno"
          ? ["--v8-flags=--expose-gc"]
          : ["--expose-gc"];
    results.push({
      runtime: `${runtime.label} ${runtime.version}`,
      clientJs: timeOn(runtime, consumer, env, [], "client-js.mjs"),
      heap: timeOn(runtime, consumer, env, gcFlag, "heap-slope.mjs"),
    });
  }
  return results;
}

/**
 * A throwaway CA and a certificate it signed for `subject` (P-256, one day), written into `dir`:
 * `ca` is what a client trusts. (rustls, under Deno, refuses a self-signed CA as the server's own.)
 */
export function makeCert(dir, subject, altName) {
  const file = (name) => join(dir, name);
  const openssl = (...args) => execFileSync("openssl", args, { stdio: "ignore" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(
    "req",
    "-x509",
    ...ec,
    "-keyout",
    file("ca-key.pem"),
    "-out",
    file("ca.pem"),
    "-days",
    "1",
    "-subj",
    "/CN=douyin-oauth bench CA",
  );
  openssl(
    "req",
    ...ec,
    "-keyout",
    file("key.pem"),
    "-out",
    file("cert.csr"),
    "-subj",
    `/CN=${subject}`,
  );
  writeFileSync(
    file("ext.cnf"),
    `subjectAltName=${altName}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
  );
  openssl(
    "x509",
    "-req",
    "-in",
    file("cert.csr"),
    "-CA",
    file("ca.pem"),
    "-CAkey",
    file("ca-key.pem"),
    "-CAcreateserial",
    "-out",
    file("cert.pem"),
    "-days",
    "1",
    "-extfile",
    file("ext.cnf"),
  );
  return { ca: file("ca.pem"), cert: file("cert.pem"), key: file("key.pem") };
}

/**
 * One table per runtime present and per protocol: the floor server over HTTP, and over HTTPS
 * with a self-signed certificate for 127.0.0.1 on a free port, trusted by each runtime through
 * its own variable (NODE_EXTRA_CA_CERTS for Node and Bun, DENO_CERT for Deno).
 */
export async function perRuntimeBench(consumer, { quick }) {
  copyFileSync(here("./runtime-per-call.mjs"), join(consumer, "runtime-per-call.mjs"));
  const dir = mkdtempSync(join(tmpdir(), "douyin-bench-loopback-tls-"));
  const tls = makeCert(dir, "127.0.0.1", "IP:127.0.0.1");
  const floors = [
    ["HTTP", await startFloorServer()],
    ["HTTPS", await startFloorServer({ ...tls, port: 0 })],
  ];
  const tables = [];
  try {
    for (const runtime of runtimes()) {
      if (runtime.skipped) {
        tables.push({ runtime: runtime.label, skipped: runtime.skipped });
        continue;
      }
      for (const [protocol, floor] of floors) {
        const env = {
          BENCH_BASE: floor.url,
          BENCH_QUICK: quick ? "1" : "0",
          NODE_EXTRA_CA_CERTS: tls.ca,
          DENO_CERT: tls.ca,
          BENCH_CA: tls.ca,
        };
        tables.push({
          runtime: `${runtime.label} ${runtime.version}`,
          protocol,
          ...timeOn(runtime, consumer, env),
        });
      }
    }
  } finally {
    for (const [, floor] of floors) floor.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return tables;
}

/**
 * On each Node: the default path against ByteDance's official SDK, over HTTPS to 127.0.0.1:443
 * with a self-signed certificate for open.douyin.com (openssl, made here, trusted through
 * NODE_EXTRA_CA_CERTS), the name resolved to 127.0.0.1 only inside the timed process (a
 * `--import` preload). Nothing leaves the machine. Needs port 443: root.
 */
export async function sdkBench(consumer, { quick }) {
  let sdkDir;
  try {
    sdkDir = ensureInstalled(SDK, BENCH_CACHE, "node_modules/@open-dy/open_api_sdk/package.json");
  } catch (error) {
    return { skipped: `${SDK} not installed: ${error.message}` };
  }
  copyFileSync(here("./runtime-per-call.mjs"), join(consumer, "runtime-per-call.mjs"));
  copyFileSync(here("./resolve-open-douyin.mjs"), join(consumer, "resolve-open-douyin.mjs"));
  const dir = mkdtempSync(join(tmpdir(), "douyin-bench-tls-"));
  let floor;
  try {
    const { ca, cert, key } = makeCert(dir, "open.douyin.com", "DNS:open.douyin.com");
    floor = await startFloorServer({ cert, key, port: 443 });
    const tables = [];
    for (const runtime of runtimes().filter((r) => r.label === "Node")) {
      const env = {
        BENCH_BASE: "https://open.douyin.com",
        BENCH_QUICK: quick ? "1" : "0",
        BENCH_SDK: sdkDir,
        BENCH_POST: "1",
        NODE_EXTRA_CA_CERTS: ca,
      };
      tables.push({
        runtime: `${runtime.label} ${runtime.version}`,
        ...timeOn(runtime, consumer, env, ["--import", "./resolve-open-douyin.mjs"]),
      });
    }
    return { tables };
  } catch (error) {
    return { skipped: error.message };
  } finally {
    floor?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
