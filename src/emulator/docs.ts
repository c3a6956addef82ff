// The Redoc page of the spec, as the package ships it (gzipped beside the build) or, in a
// checkout, as `npm run docs` built it.
import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";

const CANDIDATES = [
  { url: new URL("../../docs/douyin-oauth.html.gz", import.meta.url), gzipped: true },
  { url: new URL("../../docs/index.html", import.meta.url), gzipped: false },
];

export interface DocsPage {
  gzipped: Buffer;
  plain(): Buffer;
}

let cached: Promise<DocsPage | undefined> | undefined;

async function load(): Promise<DocsPage | undefined> {
  for (const { url, gzipped } of CANDIDATES) {
    const bytes = await readFile(url).catch(() => undefined);
    if (bytes === undefined) continue;
    if (gzipped) return { gzipped: bytes, plain: () => gunzipSync(bytes) };
    const { gzipSync } = await import("node:zlib");
    const packed = gzipSync(bytes);
    return { gzipped: packed, plain: () => bytes };
  }
  return undefined;
}

/** The docs page, read once; undefined when it was never built. */
export function docsPage(): Promise<DocsPage | undefined> {
  cached ??= load();
  return cached;
}
