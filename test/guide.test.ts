// The code blocks of README.md and guide/*.md that no other test runs: every TypeScript block
// type-checked (with declarations for the names the page says come from your app), the runnable
// ones run against the emulator, the shell blocks run with bash against the built bin, and the
// emulator's config file fed to what reads it. Each block is read by its marker (docBlock).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createDouyinOAuth, decryptMobile } from "../src/index.js";
import { configApps } from "../src/emulator/cli-options.js";
import { startEmulator, type Emulator } from "../src/emulator/index.js";
import { bin, docBlock, emulatorCli, root, runCommand } from "./support/project.js";
import { useRedis } from "./support/redis.js";

const CLI = emulatorCli;

/** What a page says comes from your app, declared for the type checker. */
const CLIENT = `import type { DouyinOAuth } from "douyin-oauth";\ndeclare const douyin: DouyinOAuth;`;
const LOG = `declare const log: { warn(...args: unknown[]): void };`;

/** Each TypeScript block no other test type-checks, with what it leaves to the reader. */
const TYPED: { page: string; name: string; prelude: string }[] = [
  { page: "README.md", name: "emulator-test", prelude: "" },
  {
    page: "guide/client.md",
    name: "client-api",
    prelude: `declare const redirectUri: string, state: string, request: Request;
declare const refreshToken: string, accessToken: string, openId: string;`,
  },
  {
    page: "guide/client.md",
    name: "user-info",
    prelude: `${CLIENT}\ndeclare const accessToken: string, openId: string, clientSecret: string;`,
  },
  {
    page: "guide/client.md",
    name: "node-transport",
    prelude: `declare const clientKey: string, clientSecret: string;`,
  },
  {
    page: "guide/tokens.md",
    name: "tokens",
    prelude: `${CLIENT}\ndeclare const code: string, openId: string;\ndeclare function redirectToLogin(): void;`,
  },
  { page: "guide/tokens.md", name: "redis-fleet", prelude: `${CLIENT}\n${LOG}` },
  { page: "guide/tokens.md", name: "redis-cluster-sentinel", prelude: LOG },
  { page: "guide/emulator.md", name: "emulator-api", prelude: `declare const token: string;` },
  // Run by other tests (they do not type-check them): here type-checked too.
  { page: "guide/client.md", name: "custom-transport", prelude: "" },
  { page: "guide/tokens.md", name: "renew-job", prelude: "" },
  {
    page: "guide/integrations.md",
    name: "better-auth",
    prelude: `${CLIENT}\nimport type { BetterAuthOptions } from "better-auth";\ndeclare const database: BetterAuthOptions["database"];`,
  },
  { page: "guide/integrations.md", name: "authjs", prelude: CLIENT },
];

/** Writes `prelude` + the block to build/guide/<name>.ts, to run or to type-check. */
function writeBlock(dir: string, page: string, name: string, prelude: string, tail = ""): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, `${prelude}\n${docBlock(page, name)}${tail}`);
  return file;
}

describe("README.md and the guides: TypeScript blocks", () => {
  // One tsc run (tens of seconds on a loaded machine) over every block, and over a control
  // file, the quick start with a misspelled scope, which must be the only file in error: the
  // check does see the blocks and their types.
  it("type-check as written, under the project's strict settings", { timeout: 300_000 }, () => {
    const dir = join(root, "build/guide-types");
    rmSync(dir, { recursive: true, force: true });
    for (const { page, name, prelude } of TYPED) writeBlock(dir, page, name, prelude);
    const typo = docBlock("README.md", "quickstart").replace('["user_info"]', '["user_inf"]');
    writeFileSync(join(dir, "control-typo.ts"), typo);
    const src = (path: string) => [`../../src/${path}`];
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        extends: "../../tsconfig.json",
        compilerOptions: {
          paths: {
            "douyin-oauth": src("index.ts"),
            "douyin-oauth/node": src("node/index.ts"),
            "douyin-oauth/tokens": src("tokens/index.ts"),
            "douyin-oauth/redis": src("redis/index.ts"),
            "douyin-oauth-emulator": src("emulator/index.ts"),
            "douyin-oauth/better-auth": src("integrations/better-auth.ts"),
            "douyin-oauth/authjs": src("integrations/authjs.ts"),
          },
        },
        include: ["*.ts"],
      }),
    );
    const ran = runCommand(bin("tsc"), ["--noEmit", "-p", join(dir, "tsconfig.json")], {
      timeoutMs: 290_000,
    });
    const errors = ran.stdout.split("\n").filter((line) => /\.ts\(\d+,\d+\): error/.test(line));
    expect(errors.filter((line) => !line.startsWith("build/guide-types/control-typo.ts"))).toEqual(
      [],
    );
    expect(errors.join("\n")).toContain("user_inf");
    expect(ran.stderr).toBe("");
  });
});

describe("README.md and the guides: blocks run against the emulator", () => {
  const RUN = join(root, "build/readme");
  afterEach(() => vi.restoreAllMocks());

  it("README › testing without Douyin: signs Alice in, then her token expires", async () => {
    const printed: unknown[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void printed.push(line));
    await import(pathToFileURL(writeBlock(RUN, "README.md", "emulator-test", "")).href);
    expect(printed).toEqual(["Alice", false]);
  });

  it("emulator.md › startEmulator: every call of the block runs, and it closes", async () => {
    const file = writeBlock(
      RUN,
      "guide/emulator.md",
      "emulator-api",
      `const token = "act.never-issued";`,
      "export { emu, douyin };\n",
    );
    const { emu, douyin } = await import(pathToFileURL(file).href);
    expect(douyin.clientKey).toBe(emu.apps[0].clientKey);
    await expect(fetch(emu.url)).rejects.toThrow(); // closed
  });

  describe("with an emulator", () => {
    let emu: Emulator;
    beforeAll(async () => {
      emu = await startEmulator();
    });
    afterAll(() => emu.close());

    it("tokens.md › the client token and a user's grant: served, no sign-in asked", async () => {
      const douyin = createDouyinOAuth({ ...emu.apps[0]!, baseUrl: emu.url });
      const openId = "guide-user";
      const redirectToLogin = vi.fn();
      (globalThis as any).__guideTokens = {
        douyin,
        code: emu.issueCode({ scope: "user_info", openId }),
        openId,
        redirectToLogin,
      };
      const file = writeBlock(
        RUN,
        "guide/tokens.md",
        "tokens",
        "const { douyin, code, openId, redirectToLogin } = (globalThis as any).__guideTokens;",
        "export { token, users };\n",
      );
      const { token, users } = await import(pathToFileURL(file).href);
      expect(emu.isValid(token)).toBe(true);
      expect(redirectToLogin).not.toHaveBeenCalled();
      expect(emu.isValid((await users.get(openId)).accessToken)).toBe(true);
    });

    it("client.md › who signed in: the profile, and the mobile number decrypted", async () => {
      const app = {
        clientKey: "aw_guide_mobile",
        clientSecret: "0123456789abcdef0123456789abcdef",
      };
      const own = await startEmulator({ apps: [app] });
      try {
        const douyin = createDouyinOAuth({ ...app, baseUrl: own.url });
        const profile = { nickname: "Mo", mobile: "13800138000" };
        const code = own.issueCode({ scope: ["user_info", "mobile_alert"], user: "mo", profile });
        const tokens = await douyin.accessToken({ code });
        (globalThis as any).__guideUser = {
          douyin,
          accessToken: tokens.access_token,
          openId: tokens.open_id,
          clientSecret: app.clientSecret,
        };
        const file = writeBlock(
          RUN,
          "guide/client.md",
          "user-info",
          "const { douyin, accessToken, openId, clientSecret } = (globalThis as any).__guideUser;",
          "export { user };\n",
        );
        const { user } = await import(pathToFileURL(file).href);
        expect(user).toMatchObject({ open_id: tokens.open_id, nickname: "Mo" });
        expect(user.e_account_role).toBeUndefined(); // the platform's "<nil>", left out
        expect(await decryptMobile(user.encrypt_mobile, app.clientSecret)).toBe("13800138000");
      } finally {
        await own.close();
      }
    });

    it("emulator.md › the config file: read by --config, and its apps are startEmulator's", async () => {
      const dir = mkdtempSync(join(tmpdir(), "docs2-guide-config-"));
      try {
        const file = join(dir, "apps.json");
        writeFileSync(file, docBlock("guide/emulator.md", "emulator-config"));
        const apps = await configApps(file);
        expect(apps.map((app) => app.clientKey)).toEqual(["aw_your_key", "aw_no_renewals"]);
        expect(apps[0]!.redirectUris).toEqual(["https://app.example/auth/callback"]);
        expect(apps[1]!.redirectDomains).toEqual(["127.0.0.1", "localhost"]);
        const own = await startEmulator({ apps: JSON.parse(readFileSync(file, "utf8")).apps });
        try {
          const refused = createDouyinOAuth({ ...apps[1]!, baseUrl: own.url });
          const code = own.issueCode({
            clientKey: "aw_no_renewals",
            scope: "user_info",
            openId: "x",
          });
          const { refresh_token } = await refused.accessToken({ code });
          await expect(
            refused.renewRefreshToken({ refreshToken: refresh_token }),
          ).rejects.toMatchObject({ errorCode: 10004 });
        } finally {
          await own.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe("tokens.md › several servers, against a real Redis", () => {
  const redis = useRedis();
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.close());

  it("the block's client token and user grants go through the shared store", async () => {
    process.env.REDIS_URL = redis.server.url;
    const warned: unknown[] = [];
    (globalThis as any).__guideFleet = {
      douyin: createDouyinOAuth({ ...emu.apps[0]!, baseUrl: emu.url }),
      log: { warn: (...args: unknown[]) => warned.push(args) },
    };
    const file = writeBlock(
      join(root, "build/readme"),
      "guide/tokens.md",
      "redis-fleet",
      "const { douyin, log } = (globalThis as any).__guideFleet;",
      "export { redis, tokens, users };\n",
    );
    const mod = await import(pathToFileURL(file).href);
    try {
      const token = await mod.tokens.get();
      expect(emu.isValid(token)).toBe(true);
      const code = emu.issueCode({ scope: "user_info", openId: "fleet-user" });
      await mod.users.save(await (globalThis as any).__guideFleet.douyin.accessToken({ code }));
      const keys = await redis.client.keys("douyin-oauth:*");
      expect(keys.some((key) => key.endsWith(":user:fleet-user"))).toBe(true);
      expect(warned).toEqual([]);
    } finally {
      await mod.tokens.close();
      await mod.users.close();
      mod.redis.destroy();
    }
  });
});

/** Starts a command line of the bin (bash, its own PID); resolves once it listens. */
async function startLine(line: string, cwd: string) {
  const child = spawn("bash", ["-c", line], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH },
  });
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk));
  child.stderr!.on("data", (chunk: Buffer) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const deadline = Date.now() + 15_000;
  while (!/listening on (http:\/\/\S+)/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      if (child.exitCode === null) process.kill(child.pid!, "SIGKILL");
      throw new Error(`${line}: did not start\n${out}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
  return {
    url,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, "SIGTERM");
      return exited;
    },
  };
}

/** A block's `npx douyin-oauth-emulator` as the built bin, on a free port instead of 8787. */
const asBin = (line: string) =>
  line
    .replace(" --port 8787", "")
    .replace(/^((?:\w+=\S+ )*)npx douyin-oauth-emulator/, `$1exec node ${CLI} --port 0`);

describe("the emulator guide's shell blocks, with bash against the built bin", () => {
  it("the command line: each line as written (a free port for 8787)", async () => {
    const lines = docBlock("guide/emulator.md", "emulator-cli").trim().split("\n");
    expect(lines).toHaveLength(4);
    const dir = mkdtempSync(join(tmpdir(), "docs2-guide-cli-"));
    try {
      writeFileSync(join(dir, "apps.json"), docBlock("guide/emulator.md", "emulator-config"));
      const help = runCommand("bash", ["-c", asBin(lines[0]!).replace(" --port 0", "")], {
        cwd: dir,
      });
      expect(help.status).toBe(0);
      expect(help.stdout).toContain("--config <file.json>");
      const appsOf = async (line: string) => {
        const running = await startLine(asBin(line), dir);
        try {
          const answer = await (await fetch(`${running.url}/_emulator/apps`)).json();
          return (answer.apps as { clientKey: string }[]).map((app) => app.clientKey);
        } finally {
          expect(await running.stop()).toBe(0);
          expect(running.output()).not.toContain("your_secret");
        }
      };
      expect(await appsOf(lines[1]!)).toEqual(["aw_your_key"]);
      expect(await appsOf(lines[2]!)).toEqual(["aw_your_key"]);
      expect(await appsOf(lines[3]!)).toEqual(["aw_your_key", "aw_no_renewals"]);
      expect(existsSync(join(dir, ".emulator-state.json"))).toBe(true); // written at shutdown
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("each call on the wire: every answer as written is a success", async () => {
    const running = await startLine(
      `exec node ${CLI} --port 0 --app aw_your_key:your_secret`,
      root,
    );
    try {
      const block = docBlock("guide/emulator.md", "wire-calls");
      const script = `set -euo pipefail
curl() { command curl --fail-with-body --max-time 10 "$@"; echo; }
${block.replace("EMU=http://127.0.0.1:8787", `EMU=${running.url}`)}`;
      const ran = runCommand("bash", ["-c", script], { timeoutMs: 60_000 });
      expect(ran.stderr).toBe("");
      expect(ran.status).toBe(0);
      const answers = ran.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(answers).toHaveLength(6);
      for (const answer of answers) expect(answer.data.error_code).toBe(0);
      const [tokens, user, refreshed, renewed, client, stable] = answers.map((a) => a.data);
      expect(user.open_id).toBe(tokens.open_id);
      expect(refreshed.access_token).toEqual(expect.any(String));
      expect(renewed.refresh_token).not.toBe(tokens.refresh_token);
      expect(client.access_token).toEqual(expect.any(String));
      expect(stable.access_token).toEqual(expect.any(String));
    } finally {
      await running.stop();
    }
  });
});

describe("README › install", () => {
  it("installs the package the README documents", () => {
    const { name } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    expect(docBlock("README.md", "install")).toBe(`npm install ${name}\n`);
  });
});
