// The douyin-oauth-emulator bin as a real process (the build's packages/emulator/dist/cli.js): usage,
// strict parsing with one-line reasons, apps by flag, config and environment, the state file
// across a restart, the control token, graceful SIGINT/SIGTERM. Every process is stopped by PID.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { createDouyinOAuth, DouyinOAuthError } from "../../src/index.js";
import { USAGE } from "../../src/emulator/cli-options.js";
import { DEMO_APP } from "../../src/emulator/index.js";
import { emulatorCli, emulatorDir, root, runCommand } from "../support/project.js";

const CLI = emulatorCli;
const dir = mkdtempSync(join(tmpdir(), "douyin-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the bin to completion (for the cases that must exit at once). */
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runCommand(process.execPath, [CLI, ...args], {
    timeoutMs: 15_000,
    env: { PATH: process.env.PATH, ...env },
  });

interface Running {
  child: ChildProcess;
  url: string;
  stdout(): string;
  stderr(): string;
  /** Sends the signal to the PID and waits (bounded) for the exit status. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}
const running = new Set<Running>();
afterEach(async () => {
  for (const r of running) await r.stop("SIGKILL");
});

/** Starts the bin on a free loopback port and waits (bounded) for its "listening on" line. */
async function start(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Running> {
  const child = spawn(process.execPath, [CLI, "--port", "0", ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk));
  child.stderr!.on("data", (chunk: Buffer) => (err += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  const handle: Running = {
    child,
    url: "",
    stdout: () => out,
    stderr: () => err,
    async stop(signal = "SIGTERM") {
      running.delete(handle);
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, signal);
      return Promise.race([
        exited,
        new Promise<null>((_, reject) =>
          setTimeout(() => reject(new Error("the emulator did not stop within 10 s")), 10_000),
        ),
      ]);
    },
  };
  running.add(handle);
  const deadline = Date.now() + 10_000;
  while (!/listening on (http:\/\/\S+)/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await handle.stop("SIGKILL");
      throw new Error(`the emulator did not start: ${err}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  handle.url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
  return handle;
}

const errorCode = (pending: Promise<unknown>) =>
  pending.then(
    () => undefined,
    (e: unknown) => (e instanceof DouyinOAuthError ? e.errorCode : e),
  );

describe("douyin-oauth-emulator › usage", () => {
  it("--version prints the emulator package's version and exits 0 without starting (issue 24)", () => {
    const { version } = JSON.parse(readFileSync(join(emulatorDir, "package.json"), "utf8"));
    for (const flag of ["--version", "-v"]) {
      expect(run([flag, "--port", "1"])).toEqual({
        status: 0,
        stdout: `douyin-oauth-emulator ${version}\n`,
        stderr: "",
      });
    }
  });

  for (const flag of ["--help", "-h"]) {
    it(`${flag} prints the usage and exits 0 without starting`, () => {
      const ran = run([flag, "--port", "1"]);
      expect(ran).toEqual({ status: 0, stdout: USAGE, stderr: "" });
    });
  }
});

describe("douyin-oauth-emulator › strict parsing: exit 2 with a one-line reason", () => {
  // Every reason is pinned in-process by cli-options.test.ts; these check how the bin reports
  // one from each stage: the command line, the environment, a --config file, the apps together.
  const missing = join(dir, "missing.json");
  const cases: Array<[string, string[], NodeJS.ProcessEnv, string]> = [
    ["an unknown flag", ["--bogus"], {}, "unknown option --bogus"],
    [
      "--app without a secret",
      ["--app", "TOPSECRET"],
      {},
      "--app #1 needs <client_key>:<client_secret>[:<domain or URI>,...]",
    ],
    [
      "DOUYIN_CLIENT_KEY without DOUYIN_CLIENT_SECRET",
      [],
      { DOUYIN_CLIENT_KEY: "k" },
      "DOUYIN_CLIENT_KEY and DOUYIN_CLIENT_SECRET go together: set both or neither",
    ],
    [
      "a --config file that is missing",
      ["--config", missing],
      {},
      `--config ${missing} cannot be read`,
    ],
    [
      "a --config file with a misspelled field (issue 24)",
      ["--config", join(dir, "misspelled.json")],
      {},
      `--config ${join(dir, "misspelled.json")}: "apps"[0] has an unknown field "redirectDomain"; known: clientKey, clientSecret, redirectDomains, redirectUris, name, canRenew`,
    ],
    [
      "a --config file with a key beside apps (issue 24)",
      ["--config", join(dir, "extra-key.json")],
      {},
      `--config ${join(dir, "extra-key.json")} has an unknown field "app"; known: apps`,
    ],
    [
      "the same client_key by flag and environment",
      ["--app", "mine:TOPSECRET"],
      { DOUYIN_CLIENT_KEY: "mine", DOUYIN_CLIENT_SECRET: "TOPSECRET2" },
      "client_key mine is registered twice (--app #1 and the environment)",
    ],
  ];
  writeFileSync(
    join(dir, "misspelled.json"),
    JSON.stringify({
      apps: [{ clientKey: "k", clientSecret: "TOPSECRET", redirectDomain: ["127.0.0.1"] }],
    }),
  );
  writeFileSync(join(dir, "extra-key.json"), JSON.stringify({ apps: [], app: {} }));
  for (const [name, args, env, reason] of cases) {
    it(`${name}: "${reason}"`, () => {
      const ran = run(args, env);
      expect(ran).toEqual({
        status: 2,
        stdout: "",
        stderr: `douyin-oauth-emulator: ${reason} (see douyin-oauth-emulator --help)\n`,
      });
      expect(ran.stderr).not.toContain("TOPSECRET");
    });
  }
});

describe("douyin-oauth-emulator › running", () => {
  it("a port in use: exit 1, one line", async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = busy.address() as { port: number };
      const ran = runCommand(process.execPath, [CLI, "--port", String(port)], {
        timeoutMs: 15_000,
      });
      expect(ran).toEqual({
        status: 1,
        stdout: "",
        stderr: `douyin-oauth-emulator: port ${port} on 127.0.0.1 is already in use (--port 0 takes a free one)\n`,
      });
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
  });
});

describe("douyin-oauth-emulator › the specs, for clients in other languages (issue 24)", () => {
  it("/openapi.yaml is the platform spec as written, /openapi.json the same spec; the control API's beside it", async () => {
    const emu = await start([]);
    const platform = readFileSync(join(root, "openapi/douyin-oauth.yaml"), "utf8");
    const yaml = await fetch(`${emu.url}/openapi.yaml`);
    expect(yaml.headers.get("content-type")).toBe("application/yaml; charset=utf-8");
    expect(await yaml.text()).toBe(platform);
    const json = await fetch(`${emu.url}/openapi.json`);
    expect(json.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await json.json()).toEqual(parseYaml(platform));
    const control = readFileSync(join(root, "openapi/emulator-control.yaml"), "utf8");
    expect(await (await fetch(`${emu.url}/_emulator/openapi.yaml`)).text()).toBe(control);
    expect(await (await fetch(`${emu.url}/_emulator/openapi.json`)).json()).toEqual(
      parseYaml(control),
    );
    expect(emu.stdout()).toContain(
      `  spec:          ${emu.url}/openapi.yaml (or .json); the control API's: ${emu.url}/_emulator/openapi.yaml\n`,
    );
    expect(await emu.stop()).toBe(0);
  });
});

describe("douyin-oauth-emulator › registering apps", () => {
  it("--app registers the user's app instead of the demo one; its secret is never printed", async () => {
    const emu = await start([
      "--app",
      "aw_mine:my-real-secret:127.0.0.1,app.example",
      "--app",
      "aw_two:second-secret",
    ]);
    expect(emu.stdout()).toContain(
      "  client_key:    aw_mine\n  client_secret: (not shown)\n  redirect to:   127.0.0.1, app.example\n",
    );
    expect(emu.stdout()).toContain(
      "  client_key:    aw_two\n  client_secret: (not shown)\n  redirect to:   127.0.0.1, localhost\n",
    );
    expect(emu.stdout()).not.toContain("secret-");
    expect(emu.stdout()).not.toContain("my-real-secret");
    const mine = createDouyinOAuth({
      clientKey: "aw_mine",
      clientSecret: "my-real-secret",
      baseUrl: emu.url,
    });
    expect((await mine.clientToken()).access_token).toMatch(/^clt\./);
    const demo = createDouyinOAuth({ ...DEMO_APP, baseUrl: emu.url });
    expect(await errorCode(demo.clientToken())).toBe(10003);
    const index = await (await fetch(`${emu.url}/`)).text();
    expect(index).not.toContain("my-real-secret");
    expect(await emu.stop()).toBe(0);
  });

  it("--config registers the file's apps, with their names and permissions", async () => {
    const file = join(dir, "apps.json");
    writeFileSync(
      file,
      JSON.stringify({
        apps: [
          {
            clientKey: "aw_cfg",
            clientSecret: "cfg-secret",
            redirectDomains: ["127.0.0.1"],
            redirectUris: ["https://app.example/auth/callback"],
            name: "Config app",
            canRenew: false,
          },
        ],
      }),
    );
    const emu = await start(["--config", file]);
    const apps = await (await fetch(`${emu.url}/_emulator/apps`)).json();
    expect(apps).toEqual({
      apps: [
        {
          clientKey: "aw_cfg",
          name: "Config app",
          redirectDomains: ["127.0.0.1"],
          redirectUris: ["https://app.example/auth/callback"],
          canRenew: false,
        },
      ],
    });
    const douyin = createDouyinOAuth({
      clientKey: "aw_cfg",
      clientSecret: "cfg-secret",
      baseUrl: emu.url,
    });
    const { code } = await (
      await fetch(`${emu.url}/_emulator/codes`, {
        method: "POST",
        body: JSON.stringify({ clientKey: "aw_cfg", scope: "user_info" }),
      })
    ).json();
    const tokens = await douyin.accessToken({ code });
    expect(await errorCode(douyin.renewRefreshToken({ refreshToken: tokens.refresh_token }))).toBe(
      10004,
    );
    await emu.stop();
  });

  it("DOUYIN_CLIENT_KEY and DOUYIN_CLIENT_SECRET register the app the user's code reads", async () => {
    const emu = await start([], {
      DOUYIN_CLIENT_KEY: "aw_env",
      DOUYIN_CLIENT_SECRET: "env-secret",
    });
    expect(emu.stdout()).toContain("  client_key:    aw_env\n  client_secret: (not shown)\n");
    expect(emu.stdout()).not.toContain("env-secret");
    const douyin = createDouyinOAuth({
      clientKey: "aw_env",
      clientSecret: "env-secret",
      baseUrl: emu.url,
    });
    expect((await douyin.stableClientToken()).access_token).toMatch(/^clt\./);
    await emu.stop();
  });

  it("no app given: the demo app, its public test values printed", async () => {
    const emu = await start([]);
    expect(emu.stdout()).toContain(
      `  client_key:    ${DEMO_APP.clientKey}\n  client_secret: ${DEMO_APP.clientSecret}   (a public demo value)\n`,
    );
    await emu.stop();
  });
});

describe("douyin-oauth-emulator › options", () => {
  it("--string-numbers answers numbers as numeric strings", async () => {
    const emu = await start(["--string-numbers"]);
    const res = await fetch(
      `${emu.url}/oauth/client_token?client_key=${DEMO_APP.clientKey}&client_secret=${DEMO_APP.clientSecret}&grant_type=client_credential`,
    );
    const { data } = await res.json();
    expect(data).toMatchObject({ error_code: "0", expires_in: "7200" });
    await emu.stop();
  });

  it("--control-token (or DOUYIN_EMULATOR_CONTROL_TOKEN) guards the control API, not the platform", async () => {
    for (const [args, env] of [
      [["--control-token", "token-from-flag"], {}],
      [[], { DOUYIN_EMULATOR_CONTROL_TOKEN: "token-from-flag" }],
    ] as const) {
      const emu = await start([...args], env);
      expect(emu.stdout()).toContain(", token required");
      expect(emu.stdout()).not.toContain("token-from-flag");
      expect((await fetch(`${emu.url}/_emulator/stats`)).status).toBe(401);
      const ok = await fetch(`${emu.url}/_emulator/stats`, {
        headers: { authorization: "Bearer token-from-flag" },
      });
      expect(ok.status).toBe(200);
      // The control API's spec is public, as its docs page is.
      expect((await fetch(`${emu.url}/_emulator/openapi.json`)).status).toBe(200);
      const douyin = createDouyinOAuth({ ...DEMO_APP, baseUrl: emu.url });
      expect((await douyin.clientToken()).access_token).toMatch(/^clt\./);
      await emu.stop();
    }
  });
});

describe("douyin-oauth-emulator › --state and shutdown", () => {
  it("SIGTERM stops it gracefully (exit 0); the tokens and the clock's advance are back after a restart", async () => {
    const file = join(dir, "state.json");
    const first = await start(["--state", file]);
    expect(first.stdout()).toContain(`state:         ${file} (0 codes, 0 tokens restored)`);
    const douyin = createDouyinOAuth({ ...DEMO_APP, baseUrl: first.url });
    const { code } = await (
      await fetch(`${first.url}/_emulator/codes`, { method: "POST", body: '{"scope":"user_info"}' })
    ).json();
    const signedIn = await douyin.accessToken({ code });
    await fetch(`${first.url}/_emulator/clock`, { method: "POST", body: '{"ms":3600000}' });
    expect(await first.stop("SIGTERM")).toBe(0);
    expect(first.stdout()).toContain("douyin-oauth-emulator: stopped (SIGTERM)");

    const second = await start(["--state", file]);
    expect(second.stdout()).toContain(`state:         ${file} (0 codes, 2 tokens restored)`);
    const check = await fetch(`${second.url}/_emulator/tokens/check`, {
      method: "POST",
      body: JSON.stringify({ token: signedIn.refresh_token }),
    });
    expect(await check.json()).toEqual({ valid: true });
    expect((await (await fetch(`${second.url}/_emulator/clock`)).json()).offsetMs).toBe(3_600_000);
    const again = createDouyinOAuth({ ...DEMO_APP, baseUrl: second.url });
    expect((await again.refreshToken({ refreshToken: signedIn.refresh_token })).open_id).toBe(
      signedIn.open_id,
    );
    expect(await second.stop("SIGINT")).toBe(0);
    expect(second.stdout()).toContain("douyin-oauth-emulator: stopped (SIGINT)");
  });

  it("a --state file whose folder is missing: exit 1 at start, naming the path (issue 24)", () => {
    const file = join(dir, "no-such-folder", "state.json");
    expect(run(["--state", file])).toEqual({
      status: 1,
      stdout: "",
      stderr: `douyin-oauth-emulator: the state file ${file} cannot be written: its folder does not exist\n`,
    });
    const underFile = join(dir, "damaged.json.folder");
    writeFileSync(underFile, "a file, not a folder");
    const nested = join(underFile, "state.json");
    expect(run(["--state", nested]).stderr).toBe(
      `douyin-oauth-emulator: the state file ${nested} cannot be written: its folder is not a folder\n`,
    );
  });

  it("a --state file is written at start, so a folder that takes no file fails there", async () => {
    const file = join(dir, "written-at-start.json");
    const emu = await start(["--state", file]);
    expect(existsSync(file)).toBe(true);
    expect(await emu.stop()).toBe(0);
  });

  it("a damaged state file: exit 1 naming it, and the file is kept", () => {
    const file = join(dir, "damaged.json");
    writeFileSync(
      file,
      '{"format":"douyin-oauth-emulator-state","version":1,"clockOffsetMs":0,"platform":{',
    );
    const ran = run(["--state", file]);
    expect(ran).toEqual({
      status: 1,
      stdout: "",
      stderr: `douyin-oauth-emulator: the state file ${file} is not JSON: damaged, or not a state file\n`,
    });
  });
});
