#!/usr/bin/env node
// Builds dist/esm (ES modules, emulator included), dist/cjs (CommonJS, the client), each with
// type declarations, and dist/docs/douyin-oauth.html.gz (the Redoc page the emulator serves).
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const run = (file, args) => execFileSync(file, args, { stdio: "inherit", cwd: root });
const tsc = (config, outDir) =>
  run(join(root, "node_modules/.bin/tsc"), ["-p", join(root, config), "--outDir", outDir]);

rmSync(dist, { recursive: true, force: true });
tsc("tsconfig.build.json", join(dist, "esm"));
// The emulator is Node-only and ships as ES modules (it finds its docs through import.meta.url);
// tsconfig.build-cjs.json leaves it out, and Node 20.19+ can still require() it.
tsc("tsconfig.build-cjs.json", join(dist, "cjs"));
// package.json says "type": "module"; this marker makes Node and TypeScript read dist/cjs as CommonJS.
writeFileSync(join(dist, "cjs/package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
chmodSync(join(dist, "esm/emulator/cli.js"), 0o755);

run(process.execPath, [join(root, "scripts/generate.mjs"), "--docs-only"]);
mkdirSync(join(dist, "docs"), { recursive: true });
const html = readFileSync(join(root, "docs/index.html"));
writeFileSync(join(dist, "docs/douyin-oauth.html.gz"), gzipSync(html, { level: 9 }));
console.log("built dist/esm, dist/cjs and dist/docs");
