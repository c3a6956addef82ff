// `npm run generate -- --check` keeps src/generated/ honest against the spec.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root, runCommand, specPath } from "../support/project.js";

const generate = (...args: string[]) =>
  runCommand(process.execPath, [join(root, "scripts/generate.mjs"), ...args]);

// Each case runs the generator (lint, types, prettier): seconds alone, far more on a busy machine.
describe("generate --check", { timeout: 90_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "douyin-spec-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("passes: the committed src/generated/ is what the spec produces", () => {
    const ran = generate("--check");
    expect(ran.stderr).toBe("");
    expect(ran.status).toBe(0);
    expect(ran.stdout).toContain("src/generated/ is up to date");
  });

  it("fails naming the stale file when a description changed without regenerating", () => {
    const edited = join(dir, "edited.yaml");
    const spec = readFileSync(specPath, "utf8");
    const changed = spec.replace("Always `client_credential`.", "Always `client_credential`!");
    expect(changed).not.toBe(spec);
    writeFileSync(edited, changed);
    const ran = generate("--check", "--spec", edited);
    expect(ran.status).toBe(1);
    expect(ran.stderr).toContain("stale: src/generated/douyin-oauth.ts");
    expect(ran.stderr).not.toContain("constants.ts");
  });

  it("fails naming constants.ts when a server URL changed", () => {
    const edited = join(dir, "server.yaml");
    writeFileSync(
      edited,
      readFileSync(specPath, "utf8").replace("https://open.snssdk.com", "https://open.snssdk.cn"),
    );
    const ran = generate("--check", "--spec", edited);
    expect(ran.status).toBe(1);
    expect(ran.stderr).toContain("stale: src/generated/constants.ts");
  });

  it("fails on a spec that does not lint, before generating anything", () => {
    const broken = join(dir, "broken.yaml");
    writeFileSync(
      broken,
      readFileSync(specPath, "utf8").replace(
        "operationId: clientToken",
        "operationId: accessToken",
      ),
    );
    const ran = generate("--check", "--spec", broken);
    expect(ran.status).toBe(1);
    expect(ran.stderr).toContain("operation-operationId-unique");
    expect(ran.stderr).toContain("redocly lint failed");
  });
});
