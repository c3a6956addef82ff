// The published state, simulated (issue 24): both packages packed, installed globally into a
// temporary prefix (never the real one), then `npx douyin-oauth-emulator` run from an empty
// folder, as an adopter would after `npm install -g douyin-oauth-emulator`.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { USAGE } from "../../src/emulator/cli-options.js";
import { emulatorDir, pack, root, runCommand } from "../support/project.js";

describe("npx douyin-oauth-emulator, installed globally from the packed tarballs", () => {
  const dir = mkdtempSync(join(tmpdir(), "douyin-global-"));
  const prefix = join(dir, "prefix");
  const empty = join(dir, "empty");
  /**
   * This process's environment without npm's own variables (`npm test` sets npm_config_* for the
   * repository, which would point npx at it), npm's prefix and PATH set to the temporary prefix,
   * and nothing fetched from a registry.
   */
  const env = (): NodeJS.ProcessEnv => ({
    ...Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith("npm_")),
    ),
    PATH: [join(prefix, "bin"), dirname(process.execPath), process.env.PATH].join(delimiter),
    npm_config_prefix: prefix,
    npm_config_yes: "false",
    npm_config_offline: "true",
  });

  beforeAll(() => {
    const client = pack(root, dir);
    const emulator = pack(emulatorDir, dir);
    const installed = runCommand(
      "npm",
      [
        "install",
        "--global",
        "--prefix",
        prefix,
        "--no-audit",
        "--no-fund",
        "--prefer-offline",
        client.tarball,
        emulator.tarball,
      ],
      { cwd: dir, timeoutMs: 180_000, env: { ...env(), npm_config_offline: "false" } },
    );
    expect(installed.status, installed.stderr).toBe(0);
    mkdirSync(empty);
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const npx = (args: string[]) =>
    runCommand("npx", ["douyin-oauth-emulator", ...args], {
      cwd: empty,
      env: env(),
      timeoutMs: 60_000,
    });

  it("both packages land in the temporary prefix, the emulator with no dependency of its own", () => {
    const modules = join(prefix, "lib/node_modules");
    expect(existsSync(join(modules, "douyin-oauth/package.json"))).toBe(true);
    expect(existsSync(join(modules, "douyin-oauth-emulator/dist/cli.js"))).toBe(true);
    expect(existsSync(join(modules, "douyin-oauth-emulator/node_modules"))).toBe(false);
  });

  it("--help prints the usage and exits 0", () => {
    expect(npx(["--help"])).toEqual({ status: 0, stdout: USAGE, stderr: "" });
  });

  it("--version prints the emulator package's version and exits 0", () => {
    const { version } = JSON.parse(readFileSync(join(emulatorDir, "package.json"), "utf8"));
    expect(npx(["--version"])).toEqual({
      status: 0,
      stdout: `douyin-oauth-emulator ${version}\n`,
      stderr: "",
    });
  });
});
