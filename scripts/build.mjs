#!/usr/bin/env node
// Builds dist/esm (ES modules) and dist/cjs (CommonJS), each with its type declarations.
import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = join(root, "node_modules/.bin/tsc");
const dist = join(root, "dist");
const build = (...args) =>
  execFileSync(tsc, ["-p", join(root, "tsconfig.build.json"), ...args], { stdio: "inherit" });

rmSync(dist, { recursive: true, force: true });
build("--outDir", join(dist, "esm"));
build(
  "--outDir",
  join(dist, "cjs"),
  "--module",
  "CommonJS",
  "--moduleResolution",
  "Node10",
  "--verbatimModuleSyntax",
  "false",
);
// package.json says "type": "module"; this marker makes Node and TypeScript read dist/cjs as CommonJS.
writeFileSync(join(dist, "cjs/package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
console.log("built dist/esm and dist/cjs");
