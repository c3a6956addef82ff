// What a consumer's bundle pays: the one measurement the bench reports and the size test guards.
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * Minified and gzip -9 size of what esbuild keeps of `contents`, bundled from the repo root;
 * with `metafile`, also the files that went in.
 */
export async function bundleSize(contents, { metafile = false } = {}) {
  const out = await build({
    stdin: { contents, resolveDir: root },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    write: false,
    metafile,
  });
  const bytes = out.outputFiles[0].contents;
  const size = { minified: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length };
  return metafile ? { ...size, inputs: Object.keys(out.metafile.inputs) } : size;
}
