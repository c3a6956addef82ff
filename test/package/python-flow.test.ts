// Proof from outside JavaScript (issue 14): a Python 3 script using only its standard library
// drives a full flow (control API → code → access token → refresh → renew → a fault → the typed
// error body) against the douyin-oauth-emulator bin, installed from its packed tarball and
// started as a separate process, stopped by its PID.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorDir, pack, root, runCommand } from "../support/project.js";

describe("the emulator from Python", () => {
  const dir = mkdtempSync(join(tmpdir(), "douyin-python-"));
  const consumer = join(dir, "consumer");
  let child: ChildProcess | undefined;
  let exited: Promise<number | null> | undefined;
  let url = "";
  let stdout = "";

  beforeAll(async () => {
    const { tarball } = pack(emulatorDir, dir);
    mkdirSync(consumer);
    writeFileSync(
      join(consumer, "package.json"),
      JSON.stringify({ name: "consumer", private: true }),
    );
    const installed = runCommand(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball],
      { cwd: consumer, timeoutMs: 180_000 },
    );
    expect(installed.status, installed.stderr).toBe(0);

    child = spawn(
      join(consumer, "node_modules/.bin/douyin-oauth-emulator"),
      ["--port", "0", "--app", "py_client_key:py-client-secret-0123:127.0.0.1"],
      { cwd: consumer, stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH } },
    );
    exited = new Promise((resolve) => child!.once("exit", (code) => resolve(code)));
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk));
    const deadline = Date.now() + 15_000;
    while (!/listening on (http:\/\/\S+)/.test(stdout)) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error("the bin did not start");
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    url = /listening on (http:\/\/\S+)/.exec(stdout)![1]!;
  }, 300_000);

  afterAll(async () => {
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, "SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs the whole flow with urllib, and the bin stops on SIGTERM with status 0", async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ran = runCommand(
      "python3",
      [join(root, "test/package/emulator_flow.py"), url, "py_client_key", "py-client-secret-0123"],
      { timeoutMs: 60_000, env: { PATH: process.env.PATH, PYTHONDONTWRITEBYTECODE: "1" } },
    );
    expect(ran.stderr).toBe("");
    expect(ran.stdout.trim().split("\n")).toEqual([
      "ok apps",
      "ok issue code",
      "ok access token",
      "ok refresh",
      "ok renew",
      "ok inject fault",
      "ok fault answered",
      "ok fault cleared itself",
      "ok refresh after the fault",
      "ok error body",
      "ok advance clock",
      "ok access token expired",
      "ok refresh token still valid",
      "ok stats",
      "ok live tokens redacted",
      "ok requests redacted",
      "ok slash-less form seen",
      "ok bad fault refused",
      "ok reset",
      "ok control docs",
      "flow complete",
    ]);
    expect(ran.status).toBe(0);
    expect(stdout).not.toContain("py-client-secret-0123");
    process.kill(child!.pid!, "SIGTERM");
    expect(await exited).toBe(0);
  });
});
