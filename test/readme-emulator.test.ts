// The emulator guide's control API curl block, run as written (bash and curl) against the
// douyin-oauth-emulator bin, a real process on a free loopback port stopped by its PID.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docBlock, emulatorCli, root, runCommand } from "./support/project.js";

const CLI = emulatorCli;
const TOKEN = "readme-control-token";

/** The emulator guide's control API block. */
function curlBlock(): string {
  return docBlock("guide/emulator.md", "control-api-curl");
}

async function startBin(args: string[]) {
  const child = spawn(process.execPath, [CLI, "--port", "0", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH },
  });
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  const deadline = Date.now() + 10_000;
  while (!/listening on (http:\/\/\S+)/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error("the emulator did not start");
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { child, exited, url: /listening on (http:\/\/\S+)/.exec(out)![1]! };
}

async function stop(running: { child: ChildProcess; exited: Promise<number | null> }) {
  const { child } = running;
  if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, "SIGTERM");
  return running.exited;
}

/** Runs the block with bash: every curl must succeed (HTTP 2xx); each answer on its own line. */
function runBlock(block: string, url: string, curlOptions = "") {
  const script = `set -euo pipefail
curl() { command curl --fail-with-body --max-time 10 ${curlOptions} "$@"; echo; }
${block.replace("EMU=http://127.0.0.1:8787", `EMU=${url}`)}`;
  return runCommand("bash", ["-c", script], { timeoutMs: 60_000 });
}

describe("guide/emulator.md › the control API, from any language", () => {
  let open: Awaited<ReturnType<typeof startBin>>;
  let guarded: Awaited<ReturnType<typeof startBin>>;
  beforeAll(async () => {
    open = await startBin([]);
    guarded = await startBin(["--control-token", TOKEN]);
  });
  afterAll(async () => {
    if (open) await stop(open);
    if (guarded) await stop(guarded);
  });

  it("every curl of the control API works as written, in order", () => {
    const block = curlBlock();
    const operations = block.match(/^curl /gm) ?? [];
    expect(operations).toHaveLength(12);
    const ran = runBlock(block, open.url);
    expect(ran.stderr).toBe("");
    expect(ran.status).toBe(0);
    const answers = ran.stdout.replace(/\n$/, "").split("\n");
    expect(answers).toHaveLength(12);
    expect(JSON.parse(answers[0]!)).toMatchObject({ scope: "user_info", code: expect.any(String) });
    expect(JSON.parse(answers[2]!)).toMatchObject({ offsetMs: 1_382_400_000 });
    expect(JSON.parse(answers[3]!).faults[0]).toMatchObject({ kind: "status", left: 1 });
    expect(answers[5]).toBe(""); // DELETE: 204
    expect(JSON.parse(answers[7]!).codes).toEqual([]); // the code expired with the clock's move
    expect(JSON.parse(answers[8]!)).toEqual({ valid: false });
    expect(answers[11]).toBe(""); // reset: 204
  });

  it("with --control-token, the same block works with `curl -u :<token>`, and fails without", () => {
    const block = curlBlock();
    const ran = runBlock(block, guarded.url, `-u :${TOKEN}`);
    expect(ran.stderr).toBe("");
    expect(ran.status).toBe(0);
    const refused = runBlock(block, guarded.url);
    expect(refused.status).not.toBe(0);
    expect(refused.stdout).toContain("the control API needs the emulator's control token");
  });

  it("the activity page takes ?refresh=2", async () => {
    const html = await (await fetch(`${open.url}/_emulator?refresh=2`)).text();
    expect(html).toContain('<meta http-equiv="refresh" content="2">');
  });
});
