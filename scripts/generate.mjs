#!/usr/bin/env node
// Turns openapi/douyin-oauth.yaml into src/generated/ (committed) and docs/ (built), and the
// emulator's control API, openapi/emulator-control.yaml, into its types and its own Redoc page.
//
//   npm run generate               lint the specs, write src/generated/, build docs/index.html
//                                  and docs/emulator-control.html
//   npm run generate -- --check    lint, then fail naming every file in src/generated/ that
//                                  differs from what the spec produces (nothing is written)
//   npm run docs                   build both docs pages alone and print where they are
//   --spec FILE                    read another platform spec (tests use it to prove --check fails)
//   --out FILE                     where the platform docs go (default docs/index.html); the
//                                  control API's page goes beside it (emulator-control.html)
import { execFile } from "node:child_process";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import openapiTS, { astToString } from "openapi-typescript";
import * as prettier from "prettier";
import { parse as parseYaml } from "yaml";

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const generatedDir = join(root, "src/generated");
const redocly = join(root, "node_modules/.bin/redocly");

const args = process.argv.slice(2);
const check = args.includes("--check");
const docsOnly = args.includes("--docs-only");
const specArg = args.indexOf("--spec");
const specPath = resolve(
  specArg >= 0 ? args[specArg + 1] : join(root, "openapi/douyin-oauth.yaml"),
);
const outArg = args.indexOf("--out");
const docsFile = resolve(outArg >= 0 ? args[outArg + 1] : join(root, "docs/index.html"));
const controlSpecPath = join(root, "openapi/emulator-control.yaml");
const controlDocsFile = join(dirname(docsFile), "emulator-control.html");
const shownPath = (file) => (relative(root, file).startsWith("..") ? file : relative(root, file));
const specName = shownPath(specPath);

const header = (spec) => `/*
 * Generated from ${spec} by scripts/generate.mjs. Do not edit:
 * change the spec and run \`npm run generate\` (see src/generated/README.md).
 */
`;
const HEADER = header("openapi/douyin-oauth.yaml");

const GENERATED_README = `# src/generated: output only, do not edit

Every file in this folder is written by \`scripts/generate.mjs\` from the hand-maintained spec
\`openapi/douyin-oauth.yaml\`, the single source of truth of this package.

- \`douyin-oauth.ts\`: the \`paths\`, \`components\` and \`operations\` types (openapi-typescript).
- \`constants.ts\`: \`PLATFORM_BASE_URLS\` (the spec's \`servers\`), \`OPERATION_PATHS\` (keyed
  by \`operationId\`), \`ERROR_CODE\` (from \`x-known-error-codes\`) and \`SUCCESS_DATA\` (each token
  operation's required and numeric fields).
- \`emulator-control.ts\`: the types of the emulator's control API, from
  \`openapi/emulator-control.yaml\`.

To change anything here, edit the spec and run \`npm run generate\`. \`npm test\` runs
\`npm run generate -- --check\`, which fails naming every file here that the spec would change.
Hand-written code imports these types only through \`src/spec.ts\` (the control API's through
\`src/emulator/control-spec.ts\`).
`;

/** Runs the Redocly CLI quietly: its output is shown only when it fails. */
async function redoclyCli(argv, name = specName) {
  try {
    // Telemetry off for the CLI and for the Redoc page it builds (which would otherwise report
    // to Redocly's collector from every browser that opens it); redocly.yaml says so too.
    await run(redocly, argv, {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, REDOCLY_TELEMETRY: "off" },
    });
  } catch (error) {
    process.stderr.write(`${error.stdout ?? ""}${error.stderr ?? ""}`);
    throw new Error(`redocly ${argv[0]} failed on ${name}`);
  }
}

async function format(source, filepath) {
  const config = (await prettier.resolveConfig(filepath)) ?? {};
  return prettier.format(source, { ...config, filepath });
}

/** The constants the hand-written layer needs from the spec, keyed as the spec keys them. */
function constantsSource(spec) {
  const servers = {};
  for (const server of spec.servers ?? []) {
    if (!server["x-platform"])
      throw new Error(`${specName}: server ${server.url} has no x-platform`);
    servers[server["x-platform"]] = server.url;
  }
  const operations = {};
  const collect = (pathItems) => {
    for (const [path, item] of Object.entries(pathItems ?? {})) {
      for (const method of ["get", "post"]) {
        const op = item[method];
        // POST forms of a seed operation (x-form-of) share its path and answers.
        if (op?.operationId && !op["x-form-of"] && !path.startsWith("{")) {
          operations[op.operationId] = { method, path };
        }
      }
    }
  };
  collect(spec.paths);
  const sorted = (o) =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  const pathsById = Object.fromEntries(
    Object.entries(sorted(operations)).map(([id, { path }]) => [id, path]),
  );
  return `${HEADER}
/** Base URL of each platform, from the spec's \`servers\` (keyed by their \`x-platform\`). */
export const PLATFORM_BASE_URLS = ${JSON.stringify(sorted(servers))} as const;

/** The path of each operation, keyed by its \`operationId\`. */
export const OPERATION_PATHS = ${JSON.stringify(pathsById)} as const;

/**
 * Error codes seen in the platform's docs (\`ErrorData\`'s \`x-known-error-codes\`). The list is
 * open: an unknown code is still an error.
 */
export const ERROR_CODE = ${JSON.stringify(spec.components.schemas.ErrorData["x-known-error-codes"] ?? {})} as const;

/**
 * For each token operation, the fields its success \`data\` must carry and those the platform may
 * send as numeric strings (schema \`NumberOrNumericString\`), from the operation's answer schema.
 */
export const SUCCESS_DATA = ${JSON.stringify(successData(spec))} as const;
`;
}

/** Follows a local $ref (`#/components/...`) in the spec. */
function deref(spec, node) {
  if (!node?.$ref) return node;
  const target = node.$ref
    .replace(/^#\//, "")
    .split("/")
    .reduce((at, key) => at?.[key.replace(/~1/g, "/").replace(/~0/g, "~")], spec);
  if (!target) throw new Error(`${specName}: unresolved ${node.$ref}`);
  return deref(spec, target);
}

/** Token operations: the success `data` schema's required and number-or-string fields. */
function successData(spec) {
  const numeric = "#/components/schemas/NumberOrNumericString";
  const result = {};
  for (const item of Object.values(spec.paths)) {
    for (const op of Object.values(item)) {
      if (op["x-form-of"]) continue;
      const answer = deref(spec, op.responses?.["200"]?.content?.["application/json"]?.schema);
      const success = (answer?.anyOf ?? [])
        .map((branch) => deref(spec, branch))
        .find((branch) => branch.properties?.data?.$ref !== "#/components/schemas/ErrorData");
      if (!success) continue;
      const data = deref(spec, success.properties.data);
      result[op.operationId] = {
        required: [...(data.required ?? [])],
        numeric: Object.entries(data.properties)
          .filter(([, property]) => property.$ref === numeric)
          .map(([name]) => name),
      };
    }
  }
  return Object.fromEntries(Object.entries(result).sort(([a], [b]) => a.localeCompare(b)));
}

/** openapi-typescript writes the three root types bare; each public export gets its doc text. */
const ROOT_DOCS = {
  paths:
    "Every path of the spec, with its operations' parameters and answers (openapi-fetch's input).",
  components: "The spec's schemas: each request form and each answer, as the platform sends them.",
  operations: "Every operation of the spec by its operationId: parameters, request body, answers.",
};
const documented = (source) =>
  Object.entries(ROOT_DOCS).reduce(
    (text, [name, doc]) =>
      text.replace(`\nexport interface ${name} {`, `\n/** ${doc} */\nexport interface ${name} {`),
    source,
  );

/**
 * openapi-typescript writes a schema's description as a `@description` tag; written as the doc
 * comment's own text instead, it is what an editor shows first on hover, and 13 bytes shorter
 * each time (the package ships these comments). A comment that opens with something else (an
 * operation's summary, `Format: uri`) keeps its tag, so its parts stay apart.
 */
function plainDescriptions(source) {
  const lines = source.split("\n");
  let inDescription = false;
  for (const [i, line] of lines.entries()) {
    const opening = /^(\s*)\/\*\* @description (.*) \*\/$/.exec(line);
    const first = /^(\s*)\* @description (.*)$/.exec(line);
    if (opening) lines[i] = `${opening[1]}/** ${opening[2]} */`;
    else if (first && /^\s*\/\*\*$/.test(lines[i - 1])) {
      lines[i] = `${first[1]}* ${first[2]}`;
      inDescription = true;
    } else if (inDescription) {
      // The tag's further lines sit four spaces in; a blank line stays as it is.
      const more = /^(\s*)\*(?: {5}(.*))?$/.exec(line);
      if (more) lines[i] = more[2] === undefined ? line : `${more[1]}* ${more[2]}`;
      else inDescription = false;
    }
  }
  return lines.join("\n");
}

/**
 * openapi-typescript gives each path of `paths` a `parameters` of four `never`s and a `never` for
 * each method the path lacks (`put?: never`, ...): nothing reads them (openapi-fetch picks a
 * path's methods, then the operation's own parameters, which stay), and the package ships them.
 */
function withoutNeverPathMembers(source) {
  const start = source.indexOf("\nexport interface paths {\n");
  const end = source.indexOf("\n}\n", start);
  if (start < 0 || end < 0)
    throw new Error(`${specName}: no paths interface in the generated types`);
  const body = source
    .slice(start, end)
    .replace(/\n {4}parameters: \{\n(?: {6}[a-z]+\?: never;\n)+ {4}\};/g, "")
    .replace(/\n {4}[a-z]+\?: never;/g, "");
  return source.slice(0, start) + body + source.slice(end);
}

/** Every file of src/generated/, as the spec produces it: name → content. */
async function generatedFiles() {
  const spec = parseYaml(await readFile(specPath, "utf8"));
  const ast = await openapiTS(pathToFileURL(specPath), { alphabetize: false });
  const types = documented(`${HEADER}\n${astToString(ast)}`);
  const files = new Map();
  files.set(
    "douyin-oauth.ts",
    withoutNeverPathMembers(
      plainDescriptions(await format(types, join(generatedDir, "douyin-oauth.ts"))),
    ),
  );
  files.set(
    "constants.ts",
    await format(constantsSource(spec), join(generatedDir, "constants.ts")),
  );
  const control = await openapiTS(pathToFileURL(controlSpecPath), { alphabetize: false });
  files.set(
    "emulator-control.ts",
    await format(
      `${header("openapi/emulator-control.yaml")}\n${astToString(control)}`,
      join(generatedDir, "emulator-control.ts"),
    ),
  );
  files.set("README.md", await format(GENERATED_README, join(generatedDir, "README.md")));
  return files;
}

async function checkFresh(files) {
  const stale = [];
  for (const [name, want] of files) {
    const have = await readFile(join(generatedDir, name), "utf8").catch(() => null);
    if (have !== want) stale.push(`src/generated/${name}${have === null ? " (missing)" : ""}`);
  }
  const present = await readdir(generatedDir).catch(() => []);
  for (const name of present) {
    if (!files.has(name)) stale.push(`src/generated/${name} (not produced by the spec)`);
  }
  return stale;
}

const REDOC_LOGOS = [
  ["https://cdn.redoc.ly/redoc/logo-mini-full.svg", "Redocly"],
  ["https://cdn.redoc.ly/redoc/logo-mini.svg", "R"],
];
const logoDataUrl = (label) =>
  `data:image/svg+xml,${encodeURIComponent(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${label.length * 9 + 8}" height="18"><text x="4" y="13" font-family="sans-serif" font-size="13" fill="#0044D4">${label}</text></svg>`,
  )}`;

async function buildDocs(spec = specPath, out = docsFile, title = "Douyin Open Platform OAuth") {
  await mkdir(dirname(out), { recursive: true });
  // --inlineBundle embeds Redoc's script instead of loading it from a CDN, so the page
  // renders with no network at all; the check below keeps it that way.
  await redoclyCli(["build-docs", spec, "--inlineBundle", "--title", title, "-o", out]);
  // Redoc 3's sidebar shows its attribution logo from cdn.redoc.ly, which fails offline (a
  // console error and a request off the machine). Keep the attribution, inline the picture.
  let html = await readFile(out, "utf8");
  for (const [url, label] of REDOC_LOGOS) html = html.replaceAll(url, logoDataUrl(label));
  const remote =
    html.match(/<(?:script|link|img)[^>]+(?:src|href)="https?:\/\/[^"]+"/) ??
    html.match(/https:\/\/cdn\.redoc\.ly\/[^`"']*/);
  if (remote) throw new Error(`${out} loads a remote resource: ${remote[0]}`);
  if (!/"disableTelemetry":\s*true/.test(html))
    throw new Error(`${out}: Redoc telemetry is not disabled`);
  await writeFile(out, html);
  return out;
}

/** Both docs pages: the platform's and, beside it, the emulator's control API. */
async function buildAllDocs() {
  const built = [await buildDocs()];
  built.push(
    await buildDocs(controlSpecPath, controlDocsFile, "Douyin OAuth emulator: control API"),
  );
  return built;
}

async function main() {
  if (docsOnly) {
    for (const file of await buildAllDocs()) {
      const shown = relative(process.cwd(), file);
      console.log(`docs: ${shown.startsWith("..") ? file : shown}`);
    }
    return;
  }
  await redoclyCli(["lint", specPath]);
  await redoclyCli(["lint", controlSpecPath], shownPath(controlSpecPath));
  const files = await generatedFiles();
  if (check) {
    const stale = await checkFresh(files);
    if (stale.length > 0) {
      console.error(`Generated code is stale against ${specName}; run \`npm run generate\`:`);
      for (const file of stale) console.error(`  stale: ${file}`);
      process.exitCode = 1;
      return;
    }
    console.log(`src/generated/ is up to date with ${specName}`);
    return;
  }
  await mkdir(generatedDir, { recursive: true });
  for (const [name, content] of files) await writeFile(join(generatedDir, name), content);
  console.log(`wrote src/generated/ (${[...files.keys()].join(", ")})`);
  for (const docs of await buildAllDocs()) console.log(`docs: ${relative(process.cwd(), docs)}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
