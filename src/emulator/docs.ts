// The Redoc page of the spec, as the package ships it (brotli-compressed beside the build) or,
// in a checkout, as `npm run docs` built it. Sent in whichever encoding the browser takes.
import { readFile } from "node:fs/promises";
import { brotliDecompressSync, gzipSync } from "node:zlib";

const SHIPPED = new URL("../../docs/douyin-oauth.html.br", import.meta.url);
const CHECKOUT = new URL("../../docs/index.html", import.meta.url);

export interface DocsPage {
  /** The page in the best encoding `accept-encoding` allows. */
  encoded(acceptEncoding: string): { body: Buffer; encoding: "br" | "gzip" | undefined };
}

async function load(): Promise<DocsPage | undefined> {
  const shipped = await readFile(SHIPPED).catch(() => undefined);
  const plain = shipped
    ? brotliDecompressSync(shipped)
    : await readFile(CHECKOUT).catch(() => undefined);
  if (plain === undefined) return undefined;
  let gzipped: Buffer | undefined;
  return {
    encoded(accept) {
      if (shipped && /\bbr\b/.test(accept)) return { body: shipped, encoding: "br" };
      if (/\bgzip\b/.test(accept)) return { body: (gzipped ??= gzipSync(plain)), encoding: "gzip" };
      return { body: plain, encoding: undefined };
    },
  };
}

let cached: Promise<DocsPage | undefined> | undefined;

/** The docs page, read once; undefined when it was never built. */
export function docsPage(): Promise<DocsPage | undefined> {
  cached ??= load();
  return cached;
}
