// The main job as a user runs it: `npm start -- --headless` (the example app on the emulator,
// driven once with no browser) and the `douyin-oauth-emulator` bin, as real processes.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { docBlock, emulatorCli, root, runCommand } from "./support/project.js";

describe("the README's two commands", () => {
  it("the main job is the set-up script, then npm start (run headless below)", () => {
    expect(docBlock("README.md", "main-job").trim()).toBe("bash scripts/setup.sh && npm start");
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    expect(manifest.scripts.start).toMatch(/node examples\/web-app\/main\.mjs$/);
  });

  it("CI (.ci/run) runs the README's test command, after the same set-up", () => {
    const command = docBlock("README.md", "test-command").trim();
    expect(command).toBe("npm test && npm run test:runtimes");
    const ci = readFileSync(join(root, ".ci/run"), "utf8").split("\n");
    expect(ci).toContain(command);
    expect(ci).toContain("bash scripts/setup.sh");
  });
});

describe("npm start -- --headless", () => {
  it("runs login, consent, callback, user info, refresh, the renewal sweep, client token and a refused state; exits 0", () => {
    const ran = runCommand(
      process.execPath,
      [join(root, "examples/web-app/main.mjs"), "--headless"],
      { timeoutMs: 60_000 },
    );
    expect(ran.stderr).toBe("");
    expect(ran.status).toBe(0);
    const lines = ran.stdout.trim().split("\n");
    expect(lines[0]).toMatch(
      /^Douyin OAuth emulator: http:\/\/127\.0\.0\.1:\d+ {2}\(docs: http:\/\/127\.0\.0\.1:\d+\/docs\)$/,
    );
    expect(lines[1]).toMatch(
      /^Example app: +http:\/\/127\.0\.0\.1:\d+ {2}\(callback: http:\/\/127\.0\.0\.1:\d+\/callback\)$/,
    );
    for (const step of [
      "1. GET /login",
      "2. consent page asks for user_info",
      "3. Approve → 302 to",
      "4. callback: state verified",
      "5. signed in: open_id",
      "6. POST /refresh → Access token refreshed",
      "7. POST /sweep → Renewal sweep: 1 user(s), 0 renewed, 1 not due, 0 failed.",
      "8. POST /client-token → Client token fetched",
      "9. tampered state → 400 DouyinCallbackError (state_mismatch)",
    ]) {
      expect(ran.stdout).toContain(step);
    }
    expect(lines.at(-1)).toBe("headless demo passed");
    // the printed callback URL carries the code redacted, and no token is ever printed
    expect(ran.stdout).toMatch(/callback\?code=\*\*\*&state=/);
    expect(ran.stdout).not.toMatch(/\b(?:act|rft|clt)\.[0-9a-f]/);
  });

  it("against the real platform, refuses to start without DOUYIN_REDIRECT_URI", () => {
    const { DOUYIN_REDIRECT_URI: _unset, ...env } = process.env;
    const ran = runCommand(
      process.execPath,
      [join(root, "examples/web-app/main.mjs"), "--headless"],
      { env: { ...env, DOUYIN_CLIENT_KEY: "aw_real" } },
    );
    expect(ran.status).toBe(2);
    expect(ran.stderr).toContain("DOUYIN_REDIRECT_URI is required with DOUYIN_CLIENT_KEY");
  });
});

describe("douyin-oauth-emulator bin", () => {
  it("prints its URL and the demo credentials, serves, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, [emulatorCli, "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    try {
      await expect.poll(() => out, { timeout: 10_000 }).toMatch(/client_secret: /);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
      expect(out).toContain("client_key:    aw_demo_client_key");
      expect((await fetch(`${url}/`)).status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });
});
