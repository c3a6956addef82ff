#!/usr/bin/env node
// Builds what the two packages ship. The client, douyin-oauth (the repository's root):
//   dist/esm  ES modules: the client, douyin-oauth/tokens, /redis, /node, and the framework
//             integrations (douyin-oauth/better-auth, douyin-oauth/authjs)
//   dist/cjs  CommonJS: the same but the integrations (ES modules only, like the frameworks)
//   index.node.js in each: the client under the `node` export condition (nodeTransport by
//     default), a thin layer over index.js and node/index.js, which it imports, not copies
// The emulator, douyin-oauth-emulator (packages/emulator, from src/emulator/), ES modules only:
//   packages/emulator/dist/index.js, cli.js  startEmulator and the bin, each one bundle (the
//     spec's constants bundled in: no runtime dependency on the client)
//   packages/emulator/dist/types/  declarations: emulator/*.d.ts and the spec types they use
//   packages/emulator/dist/docs/douyin-oauth.html.br  the Redoc page the emulator serves
//   packages/emulator/dist/docs/emulator-control.html.br  the control API's Redoc page, without
//     Redoc's bundle
//   packages/emulator/dist/docs/{douyin-oauth,emulator-control}.{yaml,json}.br  the two specs
//     the emulator serves (/openapi.yaml, /openapi.json, /_emulator/openapi.*), YAML as written
//     and JSON; a checkout's emulator reads them uncompressed from docs/, written here too
// Each entry is one bundled file (esbuild), so importing the package loads one module, not a
// dozen (BENCHMARKS.md, cold start); the other entries import what they share with the core (or
// with tokens) from its bundle (SHARED). Declarations come from tsc, one per source file, then
// only what an entry reaches ships, once for both formats where it can (shakeDeclarations,
// shareDeclarations), tab-indented.
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants } from "node:zlib";
import { build, transform } from "esbuild";
import ts from "typescript";
import { parse as parseYaml } from "yaml";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const emulatorDist = join(root, "packages/emulator/dist");
const run = (file, args) => execFileSync(file, args, { stdio: "inherit", cwd: root });
const declarations = (config, outDir) =>
  run(join(root, "node_modules/.bin/tsc"), [
    "-p",
    join(root, config),
    "--emitDeclarationOnly",
    "--outDir",
    outDir,
  ]);

/** cli.ts imports the emulator; keep that import pointing at the emulator's bundle beside it. */
const emulatorExternal = {
  name: "emulator-external",
  setup(b) {
    b.onResolve({ filter: /^\.\/index\.js$/ }, (args) => ({ path: args.path, external: true }));
  },
};

/**
 * douyin-oauth/tokens uses the core's error classes: they must be the same classes at run time
 * (instanceof), so the bundle imports them from the core bundle beside it (../index.js).
 */
const sharedErrors = {
  name: "shared-errors",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/errors\.js$/ }, () => ({ path: "../index.js", external: true }));
  },
};

/**
 * The framework integrations drive the package's own client: they import the core entry beside
 * them (../index.js) instead of bundling a second copy of it.
 */
const coreEntry = {
  name: "core-entry",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/(tokens\/)?index\.js$/ }, (args) =>
      args.importer.includes("integrations") ? { path: args.path, external: true } : undefined,
    );
  },
};

/** index.node.js imports the core and the Node transport from their own bundles beside it. */
const siblingEntries = {
  name: "sibling-entries",
  setup(b) {
    b.onResolve({ filter: /^\.\/(index|node\/index)\.js$/ }, (args) =>
      args.importer.endsWith("index.node.ts") ? { path: args.path, external: true } : undefined,
    );
  },
};

/**
 * What bundles take at run time from another entry's bundle rather than bundle a copy of: per
 * host entry (its bundle is `../<host>` from every bundle in a folder of dist/esm or dist/cjs),
 * per module of src/ (as a subfolder's module imports it), the names taken, public (exported by
 * the host entry) or internal. A host's bundle exports its internal ones as one object,
 * `__shared`, which no declaration names: it is not part of the API.
 */
const SHARED = {
  "index.js": {
    entry: "src/index.ts",
    modules: {
      "../validate.js": { internal: ["requirePositiveMs", "requireText"] },
      "../redact.js": { internal: ["redactText", "safeCause"] },
      "../transport.js": {
        public: ["AnswerTooLargeError", "MAX_ANSWER_BYTES"],
        internal: ["Deadlines", "timeoutReason", "unwatch", "watch"],
      },
    },
  },
  "tokens/index.js": {
    entry: "src/tokens/index.ts",
    modules: { "../tokens/grant.js": { internal: ["encodeGrant", "parseGrant"] } },
  },
};

/** A host entry's bundle (SHARED) also exports `__shared`, the internal names it lends. */
const lends = (host) => ({
  name: "lends",
  setup(b) {
    const { entry, modules } = SHARED[host];
    const file = join(root, entry);
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path !== file) return undefined;
      let contents = readFileSync(file, "utf8");
      const names = [];
      for (const [module, { internal }] of Object.entries(modules)) {
        const path = relative(dirname(file), join(root, "src/tokens", module));
        contents += `\nimport { ${internal.join(", ")} } from "./${path}";`;
        names.push(...internal);
      }
      return {
        contents: `${contents}\nexport const __shared = { ${names.join(", ")} };\n`,
        loader: "ts",
      };
    });
  },
});

/**
 * douyin-oauth/tokens, /node and the integrations import SHARED's modules from the host bundles
 * beside them (../index.js, ../tokens/index.js): the same functions and classes, not a copy each.
 */
const borrows = {
  name: "borrows",
  setup(b) {
    const hostOf = new Map();
    for (const [host, { modules }] of Object.entries(SHARED)) {
      for (const module of Object.keys(modules)) hostOf.set(module, host);
    }
    b.onResolve({ filter: /^\.\.\// }, (args) =>
      hostOf.has(args.path) && args.namespace === "file"
        ? { path: args.path, namespace: "borrowed" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "borrowed" }, (args) => {
      const host = hostOf.get(args.path);
      const { public: named = [], internal } = SHARED[host].modules[args.path];
      return {
        contents: [
          `import { __shared, ${named.join(", ")} } from "../${host}";`,
          `export const { ${internal.join(", ")} } = __shared;`,
          named.length > 0 ? `export { ${named.join(", ")} };` : "",
        ].join("\n"),
        loader: "js",
      };
    });
    b.onResolve({ filter: /^\.\.\//, namespace: "borrowed" }, (args) => ({
      path: args.path,
      external: true,
    }));
  },
};

async function bundle(entry, outfile, format, plugins = [], into = dist) {
  await build({
    entryPoints: [join(root, entry)],
    outfile: join(into, outfile),
    bundle: true,
    format,
    platform: "node",
    target: "node20",
    // The client's bundles ship without indentation and comments (a third of their bytes), and
    // then with short local names (minifyLocals).
    ...(into === dist && { minifyWhitespace: true, minifySyntax: true }),
    // The frameworks are the integrations' optional peers: never bundled.
    external: ["openapi-fetch", "@auth/core", "better-auth"],
    plugins,
    logLevel: "warning",
  });
  if (into === dist) await minifyLocals(join(into, outfile), format);
}

/**
 * Shortens a bundle's local names (parameters, variables and functions inside functions: a fifth
 * of its bytes) and keeps its top-level ones, so every function and class the package declares
 * keeps its source name: `fn.name`, `constructor.name`, and stack frames (`at requireText`,
 * `at InFlight.failed`). esbuild's minifyIdentifiers would rename those too, and its keepNames
 * puts them back with a call per function that a consumer's bundle then carries (+0.5 KB
 * gzipped on the core). A script's top-level names are globals, which esbuild never renames:
 * so the bundle is minified as a script, a CommonJS one whole, an ES module one without its
 * import and export statements, which go back around it (imports first, as they are hoisted).
 */
async function minifyLocals(file, format) {
  const code = readFileSync(file, "utf8");
  let imports = "";
  let exports = "";
  let body = code;
  if (format === "esm") {
    const source = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
    const statements = [];
    for (const statement of source.statements) {
      const text = code.slice(statement.getStart(source), statement.end);
      if (ts.isImportDeclaration(statement)) imports += `${text.replace(/;$/, "")};`;
      else if (ts.isExportDeclaration(statement)) exports += `${text.replace(/;$/, "")};`;
      else if (ts.getModifiers?.(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword))
        throw new Error(`${file}: an export esbuild does not write: ${text.slice(0, 80)}`);
      else statements.push(text);
    }
    // A module's code is strict: minify it as strict code too.
    body = `"use strict";${statements.join(";\n")}`;
  }
  const { code: minified } = await transform(body, {
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers: true,
    target: "node20",
    logLevel: "warning",
  });
  if (format === "esm" && !minified.startsWith('"use strict";'))
    throw new Error(`${file}: the minified module lost its "use strict"`);
  const out = format === "esm" ? minified.slice('"use strict";'.length) : minified;
  writeFileSync(file, imports + out.trimEnd() + exports);
}

/**
 * Deletes the declarations in `folder` that nothing of the package reaches: from the exports of
 * each declaration file package.json names (exports, types, typesVersions), every name their
 * declarations and doc comments use, followed through imports and re-exports, is kept, whole
 * statement and doc comment; the rest (the helpers modules export to each other: checkOptions,
 * send, withRetries, the record rules...) goes, with the imports and re-exports only it used.
 * A file left with no import or export stays a module (`export {};`); pruneDeclarations then
 * deletes the files nothing imports any more.
 */
function shakeDeclarations(packageDir, folder) {
  const pkg = readFileSync(join(packageDir, "package.json"), "utf8");
  const entries = [...new Set(pkg.match(/"\.\/[^"]+\.d\.ts"/g))]
    .map((quoted) => join(packageDir, quoted.slice(1, -1)))
    .filter((file) => existsSync(file));
  const program = ts.createProgram(entries, {
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const ours = (node) => node.getSourceFile().fileName.startsWith(`${folder}/`);
  const statementOf = (node) => {
    while (!ts.isSourceFile(node.parent)) node = node.parent;
    return node;
  };
  const kept = new Set(); // top-level statements
  const used = new Set(); // alias symbols (imports, re-exports) that kept text names
  const queue = [];
  const keep = (statement) => {
    if (kept.has(statement)) return;
    kept.add(statement);
    queue.push(statement);
  };
  const reach = (symbol) => {
    let at = symbol;
    for (let hops = 0; at.flags & ts.SymbolFlags.Alias && hops < 100; hops++) {
      used.add(at);
      for (const d of at.declarations ?? []) if (ours(d)) keep(statementOf(d));
      at = checker.getImmediateAliasedSymbol(at) ?? at;
      if (used.has(at)) break;
    }
    for (const d of at.declarations ?? []) if (!ts.isSourceFile(d) && ours(d)) keep(statementOf(d));
  };
  const visit = (node) => {
    if (ts.isIdentifier(node)) {
      const symbol = checker.getSymbolAtLocation(node);
      if (symbol) reach(symbol);
    }
    // {@link X} in a doc comment: X stays, so the link still leads somewhere.
    for (const doc of node.jsDoc ?? []) ts.forEachChild(doc, visit);
    ts.forEachChild(node, visit);
  };
  for (const entry of entries) program.getSourceFile(entry).statements.forEach(keep);
  while (queue.length > 0) visit(queue.pop());

  const isUsed = (name) => used.has(checker.getSymbolAtLocation(name));
  for (const source of program.getSourceFiles()) {
    if (!source.fileName.startsWith(`${folder}/`) || entries.includes(source.fileName)) continue;
    const text = source.text;
    const slice = (node) => text.slice(node.getStart(source), node.end);
    let out = "";
    let moduleSyntax = false;
    for (const statement of source.statements) {
      const whole = text.slice(statement.getFullStart(), statement.end);
      let piece = kept.has(statement) ? whole : "";
      if (ts.isImportDeclaration(statement) && statement.importClause) {
        const clause = statement.importClause;
        const named = clause.namedBindings;
        const first = clause.name && isUsed(clause.name) ? [slice(clause.name)] : [];
        if (named && ts.isNamespaceImport(named)) {
          piece = first.length > 0 || isUsed(named.name) ? whole : "";
        } else {
          const names = (named?.elements ?? []).filter((e) => isUsed(e.name)).map(slice);
          const all = first.length + names.length;
          const had = (clause.name ? 1 : 0) + (named?.elements.length ?? 0);
          piece =
            all === had
              ? whole
              : all === 0
                ? ""
                : `\nimport ${clause.isTypeOnly ? "type " : ""}${[...first, ...(names.length > 0 ? [`{ ${names.join(", ")} }`] : [])].join(", ")} from ${slice(statement.moduleSpecifier)};`;
        }
      } else if (
        ts.isExportDeclaration(statement) &&
        statement.exportClause &&
        ts.isNamedExports(statement.exportClause)
      ) {
        const all = statement.exportClause.elements;
        const names = all.filter((e) => isUsed(e.name)).map(slice);
        const from = statement.moduleSpecifier ? ` from ${slice(statement.moduleSpecifier)}` : "";
        piece =
          all.length === 0 || names.length === all.length
            ? whole
            : names.length === 0
              ? ""
              : `\nexport ${statement.isTypeOnly ? "type " : ""}{ ${names.join(", ")} }${from};`;
      } else if (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) {
        piece = whole;
      }
      if (piece === "") continue;
      out += piece;
      moduleSyntax ||=
        ts.isImportDeclaration(statement) ||
        ts.isExportDeclaration(statement) ||
        ts.isExportAssignment(statement) ||
        (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    }
    writeFileSync(
      source.fileName,
      `${out.replace(/^\s+/, "")}${moduleSyntax ? "" : "\nexport {};"}\n`,
    );
  }
}

/**
 * Deletes every declaration file under `folder` that no declaration named by the package.json in
 * `packageDir` (exports, types, typesVersions) reaches through its relative imports, and the
 * folders left empty.
 */
function pruneDeclarations(packageDir, folder) {
  const pkg = readFileSync(join(packageDir, "package.json"), "utf8");
  const reached = new Set();
  const queue = [...pkg.matchAll(/"(\.\/[^"]+\.d\.ts)"/g)].map((m) => join(packageDir, m[1]));
  while (queue.length > 0) {
    const file = queue.pop();
    if (reached.has(file) || !existsSync(file)) continue;
    reached.add(file);
    for (const m of readFileSync(file, "utf8").matchAll(
      /(?:from|import\()\s*"(\.\.?\/[^"]+)\.js"/g,
    )) {
      queue.push(join(dirname(file), `${m[1]}.d.ts`));
    }
  }
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(path);
        if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
      } else if (entry.name.endsWith(".d.ts") && !reached.has(path)) rmSync(path);
    }
  };
  walk(folder);
}

/**
 * Indents the declaration files under `folder` with a tab per level where tsc writes four spaces
 * (an eighth of their bytes). Only the indentation at the start of a line changes: doc comments
 * read the same (an editor drops what precedes a comment line's `*`), and so does everything
 * after it.
 */
function indentWithTabs(folder) {
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".d.ts")) continue;
    const file = join(entry.parentPath, entry.name);
    const text = readFileSync(file, "utf8");
    writeFileSync(
      file,
      text.replace(/^(?: {4})+/gm, (spaces) => "\t".repeat(spaces.length / 4)),
    );
  }
}

/** The relative imports of a declaration file (as .d.ts paths) and whether it names a package. */
function declarationImports(file) {
  // Doc comments' examples import packages too: only code counts.
  const text = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
  const specifiers = [...text.matchAll(/(?:from|import\()\s*"([^"]+)"/g)].map((m) => m[1]);
  return {
    relative: specifiers
      .filter((s) => s.startsWith("."))
      .map((s) => join(dirname(file), s.replace(/\.js$/, ".d.ts"))),
    namesPackage: specifiers.some((s) => !s.startsWith(".") && !s.startsWith("node:")),
  };
}

/**
 * One copy of each declaration where one serves both formats: an ES module declaration file
 * whose CommonJS twin exists becomes `export * from` that twin (an ES module may import a
 * CommonJS one; the reverse is an error under node16), so the text and its doc comments ship
 * once. Not when it reaches another package's types (openapi-fetch's `Client`, through
 * client.d.ts): that package may declare each format apart (openapi-fetch has index.d.mts and
 * index.d.cts), and an ES module consumer's `Client` must be the one it imports itself (sharing
 * it breaks `const raw: Client<paths> = douyin.raw` there, under exactOptionalPropertyTypes).
 */
function shareDeclarations(esm, cjs) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".d.ts")) files.push(path);
    }
  };
  walk(esm);
  const imports = new Map(files.map((file) => [file, declarationImports(file)]));
  const own = new Set(files.filter((file) => imports.get(file).namesPackage));
  for (let grew = true; grew;) {
    grew = false;
    for (const file of files) {
      if (!own.has(file) && imports.get(file).relative.some((dep) => own.has(dep))) {
        own.add(file);
        grew = true;
      }
    }
  }
  for (const file of files) {
    const twin = join(cjs, relative(esm, file));
    if (own.has(file) || !existsSync(twin)) continue;
    const target = relative(dirname(file), twin).replace(/\.d\.ts$/, ".js");
    writeFileSync(file, `export * from "${target}";\n`);
  }
  // A per-format declaration takes the shared ones from dist/cjs itself, not through a stub. One
  // that only re-exports (index.d.ts) re-exports its CommonJS twin whole and names apart only
  // the modules that are per-format: a name a module exports itself hides the same name of an
  // `export *`, so `DouyinOAuth` is the ES module one, and the rest is written once.
  for (const file of own) {
    const twinOf = (specifier) => {
      const dep = join(dirname(file), specifier.replace(/\.js$/, ".d.ts"));
      const twin = join(cjs, relative(esm, dep));
      return specifier.startsWith(".") && !own.has(dep) && existsSync(twin) ? twin : undefined;
    };
    const from = (twin) => relative(dirname(file), twin).replace(/\.d\.ts$/, ".js");
    const text = readFileSync(file, "utf8");
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const twin = join(cjs, relative(esm, file));
    const reexports = source.statements.every(
      (s) => ts.isExportDeclaration(s) && s.moduleSpecifier && !s.exportClause?.name,
    );
    if (existsSync(twin) && reexports && source.statements.length > 0) {
      const own = source.statements
        .filter((s) => !twinOf(s.moduleSpecifier.text))
        .map((s) => text.slice(s.getStart(source), s.end));
      const doc = text.slice(0, source.statements[0].getStart(source));
      writeFileSync(file, `${doc}export * from "${from(twin)}";\n${own.join("\n")}\n`);
      continue;
    }
    writeFileSync(
      file,
      text.replace(/((?:from|import\()\s*")(\.\.?\/[^"]+)"/g, (whole, before, specifier) => {
        const shared = twinOf(specifier);
        return shared ? `${before}${from(shared)}"` : whole;
      }),
    );
  }
}

rmSync(dist, { recursive: true, force: true });
rmSync(emulatorDist, { recursive: true, force: true });
// tsconfig.build.json and tsconfig.build-cjs.json leave the emulator out: it is its own package.
declarations("tsconfig.build.json", join(dist, "esm"));
declarations("tsconfig.build-cjs.json", join(dist, "cjs"));
// The emulator's declarations and those of the spec types they name (src/spec.ts and the
// generated files under it), in the layout of src/: dist/types/emulator/index.d.ts imports
// ../spec.js as in the source.
declarations("tsconfig.build-emulator.json", join(emulatorDist, "types"));
shareDeclarations(join(dist, "esm"), join(dist, "cjs"));
// package.json says "type": "module"; this marker makes Node and TypeScript read dist/cjs as CommonJS.
writeFileSync(join(dist, "cjs/package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
shakeDeclarations(root, dist);
// Then only the declarations an entry of package.json reaches ship (the node entry's, for one:
// every condition of "." declares its types with index.d.ts, the same API).
pruneDeclarations(root, dist);
indentWithTabs(dist);
pruneDeclarations(join(root, "packages/emulator"), emulatorDist);
await Promise.all([
  bundle("src/index.ts", "esm/index.js", "esm", [lends("index.js")]),
  bundle("src/index.ts", "cjs/index.js", "cjs", [lends("index.js")]),
  bundle("src/index.node.ts", "esm/index.node.js", "esm", [siblingEntries]),
  bundle("src/index.node.ts", "cjs/index.node.js", "cjs", [siblingEntries]),
  bundle("src/node/index.ts", "esm/node/index.js", "esm", [borrows]),
  bundle("src/node/index.ts", "cjs/node/index.js", "cjs", [borrows]),
  bundle("src/tokens/index.ts", "esm/tokens/index.js", "esm", [
    sharedErrors,
    borrows,
    lends("tokens/index.js"),
  ]),
  bundle("src/tokens/index.ts", "cjs/tokens/index.js", "cjs", [
    sharedErrors,
    borrows,
    lends("tokens/index.js"),
  ]),
  bundle("src/redis/index.ts", "esm/redis/index.js", "esm"),
  bundle("src/redis/index.ts", "cjs/redis/index.js", "cjs"),
  // Node-only, ES modules only (it finds its docs through import.meta.url); Node 20.19+ can
  // still require() it.
  bundle("src/emulator/index.ts", "index.js", "esm", [], emulatorDist),
  bundle("src/emulator/cli.ts", "cli.js", "esm", [emulatorExternal], emulatorDist),
  // ES modules only, like the frameworks themselves (Node 20.19+ can still require() them).
  bundle("src/integrations/better-auth.ts", "esm/integrations/better-auth.js", "esm", [
    coreEntry,
    sharedErrors,
    borrows,
  ]),
  bundle("src/integrations/authjs.ts", "esm/integrations/authjs.js", "esm", [coreEntry, borrows]),
]);
chmodSync(join(emulatorDist, "cli.js"), 0o755);

run(process.execPath, [join(root, "scripts/generate.mjs"), "--docs-only"]);
const docs = join(emulatorDist, "docs");
mkdirSync(docs, { recursive: true });
const html = readFileSync(join(root, "docs/index.html"));
const brotli = brotliCompressSync(html, {
  params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24 },
});
writeFileSync(join(docs, "douyin-oauth.html.br"), brotli);

// The control API's Redoc page carries the same 2 MB Redoc bundle: ship it without, and let the
// emulator put the platform page's copy back (src/emulator/docs.ts), so the tarball grows by
// the control spec's few KB, not by a second bundle.
const REDOC_BUNDLE = "/*@douyin-oauth:redoc-bundle@*/";
const redocBundle = (page, name) => {
  const start = page.indexOf('<script type="module">');
  const end = page.indexOf("const __redoc_definition", start);
  if (start < 0 || end < 0) throw new Error(`${name}: Redoc's inline bundle not found`);
  return { start: start + '<script type="module">'.length, end };
};
const platformPage = html.toString("utf8");
const controlPage = readFileSync(join(root, "docs/emulator-control.html"), "utf8");
const shared = redocBundle(platformPage, "docs/index.html");
const own = redocBundle(controlPage, "docs/emulator-control.html");
const bundleText = platformPage.slice(shared.start, shared.end);
if (controlPage.slice(own.start, own.end) !== bundleText) {
  throw new Error("docs/emulator-control.html: its Redoc bundle differs from docs/index.html's");
}
const slim = controlPage.slice(0, own.start) + REDOC_BUNDLE + controlPage.slice(own.end);
if (slim.replace(REDOC_BUNDLE, () => bundleText) !== controlPage) {
  throw new Error("docs/emulator-control.html: the slim page does not restore");
}
writeFileSync(
  join(docs, "emulator-control.html.br"),
  brotliCompressSync(Buffer.from(slim), {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
  }),
);
// The specs, for clients in other languages to generate from: YAML as written, and JSON.
for (const name of ["douyin-oauth", "emulator-control"]) {
  const yaml = readFileSync(join(root, `openapi/${name}.yaml`), "utf8");
  const json = `${JSON.stringify(parseYaml(yaml), null, 2)}\n`;
  for (const [ext, text] of [
    ["yaml", yaml],
    ["json", json],
  ]) {
    writeFileSync(join(root, `docs/${name}.${ext}`), text);
    writeFileSync(
      join(docs, `${name}.${ext}.br`),
      brotliCompressSync(Buffer.from(text), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    );
  }
}
console.log("built dist/esm, dist/cjs and packages/emulator/dist");
