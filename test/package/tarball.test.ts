// What ships: the two packed tarballs, douyin-oauth and douyin-oauth-emulator, pass publint and
// attw, install into an empty project, and both `import` and `require` of douyin-oauth work
// there, with types; the emulator starts from its own. The other runtimes (Deno, Bun, workerd,
// Chromium) are `npm run test:runtimes` (scripts/test-runtimes.mjs).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import {
  bin,
  emulatorDir,
  pack,
  docBlock,
  root,
  runCommand,
  type Packed,
} from "../support/project.js";

// attw and tsc load the whole package: 5-20 s each on an idle two-core machine, more beside other
// tests (the default 20 s ran out under load).
// tsc and attw over the packed package: about a minute alone, minutes on a loaded machine.
const WHOLE_PACKAGE = { timeout: 240_000 };

describe("packed tarball", () => {
  const dir = mkdtempSync(join(tmpdir(), "douyin-pack-"));
  const consumer = join(dir, "consumer");
  let tarball = "";
  let files: string[] = [];
  let emulator: Packed;

  beforeAll(() => {
    ({ tarball, files } = pack(root, dir));
    emulator = pack(emulatorDir, dir);

    mkdirSync(consumer);
    writeFileSync(
      join(consumer, "package.json"),
      JSON.stringify({ name: "consumer", private: true }),
    );
    const installed = runCommand(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball, emulator.tarball],
      { cwd: consumer, timeoutMs: 180_000 },
    );
    expect(installed.status, installed.stderr).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("holds only dist/, package.json, README and LICENSE", () => {
    expect(files).toContain("dist/esm/index.js");
    expect(files).toContain("dist/esm/index.d.ts");
    expect(files).toContain("dist/cjs/index.js");
    expect(files).toContain("dist/cjs/index.d.ts");
    expect(files).toContain("dist/cjs/package.json");
    // The emulator and the docs it serves are douyin-oauth-emulator's (issue 24).
    expect(files.filter((f) => /emulator|docs/.test(f))).toEqual([]);
    expect(files).toContain("dist/esm/node/index.js");
    expect(files).toContain("dist/cjs/node/index.js");
    expect(files).toContain("dist/esm/index.node.js");
    expect(files).toContain("dist/cjs/index.node.js");
    // Every condition of "." declares its types with index.d.ts: no separate node declarations.
    expect(files.filter((f) => f.includes("index.node.d.ts"))).toEqual([]);
    for (const entry of ["tokens", "redis"]) {
      expect(files).toContain(`dist/esm/${entry}/index.js`);
      expect(files).toContain(`dist/cjs/${entry}/index.js`);
    }
    for (const entry of ["better-auth", "authjs"]) {
      expect(files).toContain(`dist/esm/integrations/${entry}.js`);
      expect(files).toContain(`dist/esm/integrations/${entry}.d.ts`);
    }
    expect(files.filter((f) => f.startsWith("dist/cjs/integrations"))).toEqual([]);
    const outside = files.filter((f) => !f.startsWith("dist/"));
    expect(outside.sort()).toEqual(["LICENSE", "README.md", "package.json"]);
  });

  it("douyin-oauth-emulator holds only dist/ (bundles, declarations, docs), package.json, README and LICENSE", () => {
    const { files } = emulator;
    for (const file of ["dist/index.js", "dist/cli.js", "dist/types/emulator/index.d.ts"]) {
      expect(files).toContain(file);
    }
    for (const name of ["douyin-oauth", "emulator-control"]) {
      for (const ext of ["html", "yaml", "json"])
        expect(files).toContain(`dist/docs/${name}.${ext}.br`);
    }
    const outside = files.filter((f) => !f.startsWith("dist/"));
    expect(outside).toEqual(["LICENSE", "README.md", "package.json"]);
    // Bundled: no dependency on douyin-oauth or anything else at run time.
    const pkg = JSON.parse(readFileSync(join(emulatorDir, "package.json"), "utf8"));
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.peerDependencies).toBeUndefined();
  });

  it.each([
    ["douyin-oauth", () => tarball],
    ["douyin-oauth-emulator", () => emulator.tarball],
  ])("%s passes publint --strict", (_, packed) => {
    const ran = runCommand(bin("publint"), ["run", packed(), "--strict"]);
    expect(ran.stdout + ran.stderr).toContain("All good!");
    expect(ran.status).toBe(0);
  });

  it(
    "douyin-oauth-emulator passes @arethetypeswrong/cli's default profile, node10 included; its one finding is that it is an ES module",
    WHOLE_PACKAGE,
    () => {
      const ran = runCommand(bin("attw"), [
        emulator.tarball,
        "--format",
        "ascii",
        "--no-color",
        "--ignore-rules",
        "cjs-resolves-to-esm",
      ]);
      expect(ran.stdout).toContain("No problems found");
      expect(ran.stdout).toContain('"douyin-oauth-emulator"\n\nnode10: 🟢');
      expect(ran.status).toBe(0);
      const esmOnly = runCommand(bin("attw"), [
        emulator.tarball,
        "--format",
        "ascii",
        "--no-color",
        "--profile",
        "esm-only",
      ]);
      expect(esmOnly.stdout).toContain("node16 (from ESM): 🟢 (ESM)");
      expect(esmOnly.stdout).toMatch(/bundler: 🟢/);
      expect(esmOnly.status).toBe(0);
    },
  );

  it("passes @arethetypeswrong/cli: the client in every resolution mode", WHOLE_PACKAGE, () => {
    const ran = runCommand(bin("attw"), [
      tarball,
      "--format",
      "ascii",
      "--no-color",
      "--entrypoints",
      ".",
    ]);
    expect(ran.stdout).toContain("No problems found");
    expect(ran.status).toBe(0);
  });

  it(
    "passes @arethetypeswrong/cli's default profile on every entrypoint, node10 included (issue 24)",
    WHOLE_PACKAGE,
    () => {
      // The ES-module-only entries are checked below: their one finding is that they are ESM.
      const ran = runCommand(bin("attw"), [
        tarball,
        "--format",
        "ascii",
        "--no-color",
        "--exclude-entrypoints",
        "./better-auth",
        "./authjs",
      ]);
      expect(ran.stdout).toContain("No problems found");
      for (const entry of ["tokens", "redis", "node"]) {
        expect(ran.stdout, entry).toContain(`"douyin-oauth/${entry}"\n\nnode10: 🟢`);
      }
      expect(ran.status).toBe(0);
    },
  );

  it(
    "the ES-module-only entries: attw's one finding is cjs-resolves-to-esm, and require() of them works on this Node (20.19+)",
    WHOLE_PACKAGE,
    () => {
      const ran = runCommand(bin("attw"), [
        tarball,
        "--format",
        "ascii",
        "--no-color",
        "--entrypoints",
        "./better-auth",
        "./authjs",
        "--ignore-rules",
        "cjs-resolves-to-esm",
      ]);
      expect(ran.stdout).toContain("No problems found");
      expect(ran.stdout.match(/node10: 🟢/g)).toHaveLength(2);
      expect(ran.status).toBe(0);
      const required = runCommand(
        process.execPath,
        ["-e", 'console.log(typeof require("douyin-oauth-emulator").startEmulator)'],
        { cwd: consumer },
      );
      expect(required.stdout.trim()).toBe("function");
    },
  );

  it(
    "type-checks the README quick start and every subpath under node10 (CommonJS), node16 and bundler, with exactOptionalPropertyTypes; a misspelled scope is an error (issue 24)",
    WHOLE_PACKAGE,
    () => {
      // The optional peers and Node's types, as a consumer using them would have them installed.
      const modules = join(consumer, "node_modules");
      for (const peer of ["@auth/core", "@types/node", "better-auth", "redis"]) {
        mkdirSync(join(modules, peer, ".."), { recursive: true });
        if (!existsSync(join(modules, peer))) {
          symlinkSync(join(root, "node_modules", peer), join(modules, peer));
        }
      }
      const quickStart = docBlock("README.md", "quickstart");
      const scopes = `
// @ts-expect-error a misspelled scope is a type error
douyin.connectUrl({ scope: ["user_inf"], redirectUri: "https://a.example/cb" });
douyin.connectUrl({ scope: ["user_info", customScope("video.create")], redirectUri: "https://a.example/cb" });
export { loginUrl, onCallback };
`;
      const commonSubpaths = `import { customScope } from "douyin-oauth";
import { createClientTokenProvider } from "douyin-oauth/tokens";
import { RedisTokenStore } from "douyin-oauth/redis";
import { nodeTransport } from "douyin-oauth/node";
export const used = [createClientTokenProvider, RedisTokenStore, nodeTransport];
`;
      const esmOnly = `import { startEmulator } from "douyin-oauth-emulator";
import { douyinGenericOAuth } from "douyin-oauth/better-auth";
import { DouyinProvider } from "douyin-oauth/authjs";
export const esmOnly = [startEmulator, douyinGenericOAuth, DouyinProvider];
`;
      const project = (name: string) => {
        const folder = join(consumer, name);
        mkdirSync(folder, { recursive: true });
        return folder;
      };
      const compile = (folder: string, args: string[]) => {
        const ran = runCommand(
          bin("tsc"),
          [
            "--noEmit",
            "--strict",
            "--exactOptionalPropertyTypes",
            "--skipLibCheck",
            "--target",
            "es2022",
            "--types",
            "node",
            ...args,
          ],
          { cwd: folder },
        );
        expect(ran.stdout + ran.stderr, `${folder} ${args.join(" ")}`).toBe("");
        expect(ran.status).toBe(0);
      };
      // node10: module commonjs, no exports map; typesVersions points every subpath at its types.
      const node10 = project("types-node10");
      writeFileSync(join(node10, "index.ts"), commonSubpaths + esmOnly + quickStart + scopes);
      compile(node10, ["--module", "commonjs", "--moduleResolution", "node10", "index.ts"]);
      // node16: an ES module takes every subpath, a CommonJS one the four that ship CommonJS.
      const node16 = project("types-node16");
      writeFileSync(join(node16, "esm.mts"), commonSubpaths + esmOnly + quickStart + scopes);
      writeFileSync(join(node16, "cjs.cts"), commonSubpaths + quickStart + scopes);
      compile(node16, ["--module", "node16", "--moduleResolution", "node16", "esm.mts", "cjs.cts"]);
      // bundler
      const bundler = project("types-bundler");
      writeFileSync(join(bundler, "index.ts"), commonSubpaths + esmOnly + quickStart + scopes);
      compile(bundler, ["--module", "esnext", "--moduleResolution", "bundler", "index.ts"]);
    },
  );

  it(
    "passes @arethetypeswrong/cli: douyin-oauth/node for Node's resolution (ESM and CJS)",
    WHOLE_PACKAGE,
    () => {
      // node10 resolution ignores the exports map, so no subpath resolves there; Node itself is node16+.
      const ran = runCommand(bin("attw"), [
        tarball,
        "--format",
        "ascii",
        "--no-color",
        "--entrypoints",
        "./node",
        "--profile",
        "node16",
      ]);
      expect(ran.stdout).toContain("node16 (from CJS): 🟢 (CJS)");
      expect(ran.stdout).toContain("node16 (from ESM): 🟢 (ESM)");
      expect(ran.status).toBe(0);
    },
  );

  it(
    "passes @arethetypeswrong/cli: douyin-oauth/tokens and /redis for Node's resolution",
    WHOLE_PACKAGE,
    () => {
      for (const entry of ["./tokens", "./redis"]) {
        const ran = runCommand(bin("attw"), [
          tarball,
          "--format",
          "ascii",
          "--no-color",
          "--entrypoints",
          entry,
          "--profile",
          "node16",
        ]);
        expect(ran.stdout, entry).toContain("node16 (from CJS): 🟢 (CJS)");
        expect(ran.stdout, entry).toContain("node16 (from ESM): 🟢 (ESM)");
        expect(ran.status).toBe(0);
      }
    },
  );

  it.each(["better-auth", "authjs"])(
    "passes @arethetypeswrong/cli: douyin-oauth/%s as the ES module it ships as",
    (entry) => {
      const ran = runCommand(bin("attw"), [
        tarball,
        "--format",
        "ascii",
        "--no-color",
        "--entrypoints",
        `./${entry}`,
        "--profile",
        "esm-only",
      ]);
      expect(ran.stdout).toContain("node16 (from ESM): 🟢 (ESM)");
      expect(ran.stdout).toMatch(/bundler: 🟢/);
      expect(ran.status).toBe(0);
    },
  );

  it("the integrations drive the package's own client: no copy bundled, the same classes", () => {
    // The frameworks are optional peers the consumer brings: here, this project's own copies.
    const modules = join(consumer, "node_modules");
    mkdirSync(join(modules, "@auth"), { recursive: true });
    for (const peer of ["@auth/core", "better-auth"]) {
      if (!existsSync(join(modules, peer))) {
        symlinkSync(join(root, "node_modules", peer), join(modules, peer));
      }
    }
    for (const entry of ["better-auth", "authjs"]) {
      const code = readFileSync(
        join(modules, `douyin-oauth/dist/esm/integrations/${entry}.js`),
        "utf8",
      );
      // The bundles ship minified: `from"../index.js"`, `DouyinError=class extends`.
      expect(code, entry).toMatch(/from ?"\.\.\/index\.js"/);
      expect(code, entry).not.toMatch(
        /function createDouyinOAuth|class DouyinError|DouyinError=class/,
      );
    }
    const script = `import { createDouyinOAuth } from "douyin-oauth";
import { douyinGenericOAuth } from "douyin-oauth/better-auth";
import { DouyinProvider } from "douyin-oauth/authjs";
const douyin = createDouyinOAuth({ clientKey: "k", clientSecret: "s" });
const config = douyinGenericOAuth(douyin);
const provider = DouyinProvider(douyin);
console.log(config.providerId, new URL(config.authorizationUrl).searchParams.get("client_key"), provider.id, provider.token);`;
    const ran = runCommand(process.execPath, ["--input-type=module", "-e", script], {
      cwd: consumer,
    });
    expect(ran.stderr).toBe("");
    expect(ran.stdout.trim()).toBe("douyin k douyin https://open.douyin.com/oauth/access_token/");
  });

  it("douyin-oauth/tokens shares the core's error classes, in ESM and in CJS", () => {
    const esm = runCommand(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        'import * as core from "douyin-oauth"; import * as tokens from "douyin-oauth/tokens"; console.log(core.DouyinReauthorizeError === tokens.DouyinReauthorizeError, typeof tokens.createClientTokenProvider);',
      ],
      { cwd: consumer },
    );
    expect(esm.stderr).toBe("");
    expect(esm.stdout.trim()).toBe("true function");
    const cjs = runCommand(
      process.execPath,
      [
        "-e",
        'const core = require("douyin-oauth"); const tokens = require("douyin-oauth/tokens"); const { RedisTokenStore } = require("douyin-oauth/redis"); console.log(core.DouyinReauthorizeError === tokens.DouyinReauthorizeError, typeof RedisTokenStore);',
      ],
      { cwd: consumer },
    );
    expect(cjs.stderr).toBe("");
    expect(cjs.stdout.trim()).toBe("true function");
  });

  it("require() and import() in one process: two copies of each error class, but instanceof agrees across them, and a CommonJS client in the ES-module token manager still ends a dead grant with DouyinReauthorizeError (issue 24)", () => {
    const script = `import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const cjs = require("douyin-oauth");
const esm = await import("douyin-oauth");
const { createUserTokenManager } = await import("douyin-oauth/tokens");
const { startEmulator } = await import("douyin-oauth-emulator");
const fields = { errorCode: 10010, description: "", logId: undefined };
const fromCjs = new cjs.DouyinOAuthError("refreshToken", 200, fields);
const fromEsm = new esm.DouyinOAuthError("refreshToken", 200, fields);
console.log("same class", cjs.DouyinOAuthError === esm.DouyinOAuthError);
console.log("cjs in esm", fromCjs instanceof esm.DouyinOAuthError, fromCjs instanceof esm.DouyinError, fromCjs instanceof esm.DouyinTransportError, fromCjs instanceof Error);
console.log("esm in cjs", fromEsm instanceof cjs.DouyinOAuthError, fromEsm instanceof cjs.DouyinError, fromEsm instanceof cjs.DouyinStoreError);
const emu = await startEmulator();
const douyin = cjs.createDouyinOAuth({ ...emu.apps[0], baseUrl: emu.url, retry: false });
const users = createUserTokenManager(douyin);
const tokens = await douyin.accessToken({ code: emu.issueCode({ scope: "user_info" }) });
await users.save({ ...tokens, expires_in: 1 });
emu.reset(); // the platform forgets the grant: its refresh token now answers 10010
await new Promise((resolve) => setTimeout(resolve, 1100));
const error = await users.getAccessToken(tokens.open_id).catch((e) => e);
console.log("manager", error.name, error.reason, error instanceof esm.DouyinReauthorizeError, error instanceof cjs.DouyinReauthorizeError);
await users.close();
await emu.close();`;
    const ran = runCommand(process.execPath, ["--input-type=module", "-e", script], {
      cwd: consumer,
    });
    expect(ran.stderr).toBe("");
    expect(ran.stdout.trim().split("\n")).toEqual([
      "same class false",
      "cjs in esm true true false true",
      "esm in cjs true true false",
      "manager DouyinReauthorizeError refresh_token_expired true true",
    ]);
  });

  it("douyin-oauth-emulator's README example runs as written beside douyin-oauth", () => {
    const readme = readFileSync(join(emulatorDir, "README.md"), "utf8");
    const example = /```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    const script = `${example}console.log(tokens.open_id.length > 0, typeof tokens.access_token);`;
    const ran = runCommand(process.execPath, ["--input-type=module", "-e", script], {
      cwd: consumer,
    });
    expect(ran.stderr).toBe("");
    expect(ran.stdout.trim()).toBe("true string");
  });

  it("douyin-oauth-emulator starts from its tarball and serves the shipped docs", () => {
    const script = `import { startEmulator } from "douyin-oauth-emulator";
const emu = await startEmulator();
const docs = await fetch(emu.url + "/docs");
const html = await docs.text();
console.log(docs.status, html.includes("Douyin Open Platform OAuth"), emu.apps.length);
await emu.close();`;
    const ran = runCommand(process.execPath, ["--input-type=module", "-e", script], {
      cwd: consumer,
    });
    expect(ran.stderr).toBe("");
    expect(ran.stdout.trim()).toBe("200 true 1");
  });

  it("the exports map: `node` gets the nodeTransport entry, Bun, Deno, Workers, browsers and `default` the fetch one, every subpath a `default`, and the types are one file per format", () => {
    const pkg = JSON.parse(
      readFileSync(join(consumer, "node_modules/douyin-oauth/package.json"), "utf8"),
    );
    type Target = string | { [condition: string]: Target };
    /** What a resolver with these conditions (in the map's order) finds, as Node's algorithm. */
    const resolve = (target: Target, conditions: string[]): string | undefined => {
      if (typeof target === "string") return target;
      for (const [condition, next] of Object.entries(target)) {
        if (condition === "default" || conditions.includes(condition)) {
          const found = resolve(next, conditions);
          if (found !== undefined) return found;
        }
      }
      return undefined;
    };
    const dot = pkg.exports["."];
    expect(resolve(dot, ["node", "import"])).toBe("./dist/esm/index.node.js");
    expect(resolve(dot, ["node", "require"])).toBe("./dist/cjs/index.node.js");
    for (const runtime of ["bun", "deno", "workerd", "worker", "browser"]) {
      expect(resolve(dot, [runtime, "node", "import"]), runtime).toBe("./dist/esm/index.js");
      expect(resolve(dot, [runtime, "node", "require"]), runtime).toBe("./dist/cjs/index.js");
    }
    // A resolver that matches neither import nor require still finds the ES module.
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (subpath === "./package.json") continue;
      expect(resolve(target as Target, []), subpath).toMatch(/^\.\/dist\/esm\/.*\.js$/);
    }
    // Types: the same declaration file under every condition that imports (or requires).
    const types = (conditions: string[]) => resolve(dot, ["types", ...conditions]);
    for (const runtime of ["node", "bun", "deno", "workerd", "browser"]) {
      expect(types([runtime, "import"]), runtime).toBe("./dist/esm/index.d.ts");
      expect(types([runtime, "require"]), runtime).toBe("./dist/cjs/index.d.ts");
    }
  });

  it("on Node the default client sends through keep-alive node:http; `fetch` or `transport` still override it (ESM and CJS)", () => {
    // Node's fetch always sends a user-agent header; node:http sends none unless told to.
    const probe = (load: string) => `${load}
const { createServer } = require("node:http");
const answer = JSON.stringify({ data: { access_token: "clt.probe", expires_in: 7200, description: "", error_code: 0 }, message: "success" });
const seen = [];
const server = createServer((req, res) => {
  seen.push(req.headers["user-agent"] === undefined ? "node:http" : "fetch");
  res.writeHead(200, { "content-type": "application/json" }).end(answer);
});
server.listen(0, "127.0.0.1", async () => {
  const baseUrl = "http://127.0.0.1:" + server.address().port;
  const app = { clientKey: "aw_probe", clientSecret: "probe_secret", baseUrl };
  await lib.createDouyinOAuth(app).clientToken();
  await lib.createDouyinOAuth({ ...app, fetch: globalThis.fetch }).clientToken();
  await lib.createDouyinOAuth({ ...app, transport: lib.fetchTransport() }).clientToken();
  console.log(seen.join(" "));
  server.close();
  process.exit(0);
});`;
    const esm = runCommand(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        probe(
          'import * as lib from "douyin-oauth"; import { createRequire } from "node:module"; const require = createRequire(import.meta.url);',
        ),
      ],
      { cwd: consumer },
    );
    expect(esm.stderr).toBe("");
    expect(esm.stdout.trim()).toBe("node:http fetch fetch");
    const cjs = runCommand(
      process.execPath,
      ["-e", probe('const lib = require("douyin-oauth");')],
      {
        cwd: consumer,
      },
    );
    expect(cjs.stderr).toBe("");
    expect(cjs.stdout.trim()).toBe("node:http fetch fetch");
  });

  it("the minified bundles keep their names: every exported class and function is called as exported, and a stack names the function (ESM and CJS)", () => {
    const check = `const misnamed = [];
for (const [entry, lib] of Object.entries(libs)) {
  for (const [name, value] of Object.entries(lib)) {
    if (typeof value === "function" && value.name !== name) misnamed.push(entry + " " + name + " " + value.name);
  }
}
let stack = "";
try { libs["douyin-oauth"].createDouyinOAuth({ clientKey: "" }); } catch (e) { stack = e.stack; }
console.log(JSON.stringify(misnamed), / at createDouyinOAuth /.test(stack));`;
    const subpaths = [
      "douyin-oauth",
      "douyin-oauth/tokens",
      "douyin-oauth/redis",
      "douyin-oauth/node",
    ];
    const esm = runCommand(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const libs = {};\nfor (const s of ${JSON.stringify(subpaths)}) libs[s] = await import(s);\n${check}`,
      ],
      { cwd: consumer },
    );
    expect(esm.stderr).toBe("");
    expect(esm.stdout.trim()).toBe("[] true");
    const cjs = runCommand(
      process.execPath,
      [
        "-e",
        `const libs = {};\nfor (const s of ${JSON.stringify(subpaths)}) libs[s] = require(s);\n${check}`,
      ],
      { cwd: consumer },
    );
    expect(cjs.stderr).toBe("");
    expect(cjs.stdout.trim()).toBe("[] true");
  });

  it("imports as an ES module", () => {
    const ran = runCommand(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        'import { createDouyinOAuth, DouyinError, DouyinOAuthError } from "douyin-oauth"; const d = createDouyinOAuth({ clientKey: "k" }); console.log(d.connectUrl({ scope: "user_info", redirectUri: "https://a.example/cb" }).pathname, new DouyinOAuthError("clientToken", 200, { errorCode: 1, description: "", logId: undefined }) instanceof DouyinError);',
      ],
      { cwd: consumer },
    );
    expect(ran.stderr).toBe("");
    expect(ran.stdout.trim()).toBe("/platform/oauth/connect/ true");
  });

  it("requires as CommonJS", () => {
    const ran = runCommand(
      process.execPath,
      [
        "-e",
        'const { createDouyinOAuth, generateState } = require("douyin-oauth"); const { nodeTransport } = require("douyin-oauth/node"); const d = createDouyinOAuth({ clientKey: "k", platform: "xigua", transport: nodeTransport() }); console.log(d.baseUrl, generateState().length, typeof d.raw.GET);',
      ],
      { cwd: consumer },
    );
    expect(ran.stderr).toBe("");
    expect(ran.stdout.trim()).toBe("https://open-api.ixigua.com 43 function");
  });

  it(
    "the shipped declarations keep the doc text an editor shows: every export of every entry, and the client's members, from an ES module and from CommonJS (issue 24: shaken, shared, tab-indented)",
    WHOLE_PACKAGE,
    () => {
      const folder = join(consumer, "hover");
      mkdirSync(folder, { recursive: true });
      const entries = [
        "douyin-oauth",
        "douyin-oauth/tokens",
        "douyin-oauth/redis",
        "douyin-oauth/node",
      ];
      const esmOnly = ["douyin-oauth/better-auth", "douyin-oauth/authjs"];
      const files = {
        "esm.mts": [...entries, ...esmOnly],
        "cjs.cts": entries,
      };
      for (const [file, specifiers] of Object.entries(files)) {
        const imports = specifiers.map((s, i) => `import * as m${i} from "${s}";`).join("\n");
        writeFileSync(join(folder, file), `${imports}\nexport {};\n`);
      }
      const program = ts.createProgram(
        Object.keys(files).map((file) => join(folder, file)),
        {
          module: ts.ModuleKind.Node16,
          moduleResolution: ts.ModuleResolutionKind.Node16,
          strict: true,
          skipLibCheck: true,
          noEmit: true,
        },
      );
      const checker = program.getTypeChecker();
      const doc = (symbol: ts.Symbol) =>
        ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() ||
        symbol.getJsDocTags(checker).length > 0;
      const undocumented: string[] = [];
      const members: Record<string, string> = {};
      let exports = 0;
      for (const file of Object.keys(files)) {
        const source = program.getSourceFile(join(folder, file))!;
        for (const statement of source.statements) {
          if (!ts.isImportDeclaration(statement)) continue;
          const specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
          const module = checker.getSymbolAtLocation(statement.moduleSpecifier);
          expect(module, `${file}: ${specifier}`).toBeDefined();
          for (const symbol of checker.getExportsOfModule(module!)) {
            exports++;
            const target =
              symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
            if (!doc(target)) undocumented.push(`${file}: ${specifier} ${symbol.name}`);
            if (specifier === "douyin-oauth" && symbol.name === "DouyinOAuth") {
              const client = checker.getDeclaredTypeOfSymbol(target);
              for (const name of ["raw", "refreshToken", "userInfo", "connectUrl"]) {
                const member = client.getProperty(name);
                members[`${file} ${name}`] = member
                  ? ts.displayPartsToString(member.getDocumentationComment(checker))
                  : "(missing)";
              }
            }
          }
        }
      }
      expect(exports).toBeGreaterThan(150);
      expect(undocumented).toEqual([]);
      for (const file of Object.keys(files)) {
        expect(members[`${file} raw`]).toMatch(/^An openapi-fetch client for the spec's paths/);
        expect(members[`${file} refreshToken`]).toMatch(/^A fresh access token \(15 days\)/);
        expect(members[`${file} userInfo`]).toMatch(/^Who signed in/);
        expect(members[`${file} connectUrl`]).toMatch(/^The Douyin consent page/);
      }
    },
  );

  it("type-checks a consumer in ESM and CJS, and refuses a wrong use", WHOLE_PACKAGE, () => {
    const use = (importLine: string) => `${importLine}
type Query = paths["/oauth/access_token/"]["get"]["parameters"]["query"];
const query: Query = { client_key: "k", client_secret: "s", code: "c", grant_type: "authorization_code" };
const host: string = PLATFORM_BASE_URLS.toutiao;
const platform: Platform = "douyin";
const douyin = createDouyinOAuth({ clientKey: "k", platform });
const expiry: Promise<number> = douyin.accessToken({ code: "c" }).then((data) => data.expires_in);
void expiry;
// @ts-expect-error not a platform of the spec
const wrong: Platform = "weibo";
// @ts-expect-error the wire name is client_key
const misspelled: Query = { clientKey: "k", client_secret: "s", code: "c", grant_type: "authorization_code" };
export { query, host, platform, wrong, misspelled };
`;
    writeFileSync(
      join(consumer, "esm.mts"),
      use(
        'import { createDouyinOAuth, PLATFORM_BASE_URLS, type paths, type Platform } from "douyin-oauth";',
      ),
    );
    writeFileSync(
      join(consumer, "cjs.cts"),
      use(
        'import { createDouyinOAuth, PLATFORM_BASE_URLS } from "douyin-oauth";\nimport type { paths, Platform } from "douyin-oauth";',
      ),
    );
    const ran = runCommand(
      bin("tsc"),
      [
        "--noEmit",
        "--strict",
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
        "esm.mts",
        "cjs.cts",
      ],
      { cwd: consumer },
    );
    expect(ran.stdout + ran.stderr).toBe("");
    expect(ran.status).toBe(0);
  });

  it(
    "douyin.raw is the openapi-fetch Client of the consumer's own module system: an ES module's and a CommonJS module's `Client<paths>` both take it (issue 24: the declarations that name openapi-fetch stay one per format)",
    WHOLE_PACKAGE,
    () => {
      const folder = join(consumer, "raw-types");
      mkdirSync(folder, { recursive: true });
      const use = `import type { Client } from "openapi-fetch";
import { createDouyinOAuth, type paths } from "douyin-oauth";
import { createUserTokenManager } from "douyin-oauth/tokens";
const douyin = createDouyinOAuth({ clientKey: "k" });
export const raw: Client<paths> = douyin.raw;
export const users = createUserTokenManager(douyin);
`;
      for (const file of ["esm.mts", "cjs.cts", "bundler.ts"])
        writeFileSync(join(folder, file), use);
      const compile = (args: string[]) => {
        const ran = runCommand(
          bin("tsc"),
          ["--noEmit", "--strict", "--exactOptionalPropertyTypes", "--target", "es2022", ...args],
          { cwd: folder },
        );
        expect(ran.stdout + ran.stderr, args.join(" ")).toBe("");
        expect(ran.status).toBe(0);
      };
      compile(["--module", "node16", "--moduleResolution", "node16", "esm.mts", "cjs.cts"]);
      compile(["--module", "esnext", "--moduleResolution", "bundler", "bundler.ts"]);
    },
  );
});
