// The Redoc pages: the platform's spec at /docs and the control API's at /docs/control, as the
// package ships them (brotli-compressed beside the build) or, in a checkout, as `npm run docs`
// built them; and the two specs themselves, YAML as written and JSON, as scripts/build.mjs
// writes them beside the pages. Sent in whichever encoding the client takes.
import { readFile } from "node:fs/promises";
import { brotliDecompressSync, gzipSync } from "node:zlib";

/**
 * The package's pages: docs/*.br beside the bundle (packages/emulator/dist/index.js and
 * dist/docs/), or, run from a checkout's src/emulator/, the checkout's docs/.
 */
const DOCS = new URL(
  import.meta.url.endsWith("/src/emulator/docs.ts") ? "../../docs/" : "./docs/",
  import.meta.url,
);
const FILES = {
  platform: { shipped: "douyin-oauth.html.br", checkout: "index.html" },
  control: { shipped: "emulator-control.html.br", checkout: "emulator-control.html" },
  platformYaml: { shipped: "douyin-oauth.yaml.br", checkout: "douyin-oauth.yaml" },
  platformJson: { shipped: "douyin-oauth.json.br", checkout: "douyin-oauth.json" },
  controlYaml: { shipped: "emulator-control.yaml.br", checkout: "emulator-control.yaml" },
  controlJson: { shipped: "emulator-control.json.br", checkout: "emulator-control.json" },
} as const;
export type DocsName = keyof typeof FILES;

// scripts/build.mjs ships the control page without Redoc's bundle, this marker in its place: the
// platform page carries the same bundle.
const REDOC_BUNDLE = "/*@douyin-oauth:redoc-bundle@*/";
const BUNDLE_START = '<script type="module">';

export interface DocsPage {
  /** The page in the best encoding `accept-encoding` allows. */
  encoded(acceptEncoding: string): { body: Buffer; encoding: "br" | "gzip" | undefined };
}

interface Loaded {
  shipped: Buffer | undefined;
  plain: Buffer;
  gzipped?: Buffer;
}

/** Whether `accept-encoding` names this coding (in any letter case) with a q-value above 0. */
function takes(accept: string, coding: string): boolean {
  return accept.split(",").some((item) => {
    const [name = "", ...params] = item.split(";").map((part) => part.trim().toLowerCase());
    const q = params.find((param) => param.startsWith("q="));
    return name === coding && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/**
 * The docs pages in `folder` (default: the package's), each read once: `docsPage(name)` answers
 * the page, or undefined when it was never built.
 */
export function docsReader(folder: URL = DOCS): (name?: DocsName) => Promise<DocsPage | undefined> {
  async function read(name: DocsName): Promise<Loaded | undefined> {
    const shipped = await readFile(new URL(FILES[name].shipped, folder)).catch(() => undefined);
    if (!shipped) {
      const plain = await readFile(new URL(FILES[name].checkout, folder)).catch(() => undefined);
      return plain && { shipped: undefined, plain };
    }
    let plain = brotliDecompressSync(shipped);
    if (name === "control") {
      const platform = await loaded("platform");
      const text = plain.toString("utf8");
      if (!platform || !text.includes(REDOC_BUNDLE)) return undefined;
      const page = platform.plain.toString("utf8");
      const start = page.indexOf(BUNDLE_START) + BUNDLE_START.length;
      const bundle = page.slice(start, page.indexOf("const __redoc_definition", start));
      plain = Buffer.from(text.replace(REDOC_BUNDLE, () => bundle));
      // Only the platform page is sent as shipped: this one was rebuilt.
      return { shipped: undefined, plain };
    }
    return { shipped, plain };
  }

  const cache = new Map<DocsName, Promise<Loaded | undefined>>();
  function loaded(name: DocsName): Promise<Loaded | undefined> {
    let page = cache.get(name);
    if (!page) cache.set(name, (page = read(name)));
    return page;
  }

  return async (name = "platform") => {
    const page = await loaded(name);
    if (!page) return undefined;
    return {
      encoded(accept) {
        if (page.shipped && takes(accept, "br")) return { body: page.shipped, encoding: "br" };
        if (takes(accept, "gzip")) {
          return { body: (page.gzipped ??= gzipSync(page.plain)), encoding: "gzip" };
        }
        return { body: page.plain, encoding: undefined };
      },
    };
  };
}

/** A docs page of the package, read once; undefined when it was never built. */
export const docsPage = docsReader();
