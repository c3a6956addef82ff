// The Redoc pages (src/emulator/docs.ts) in both forms: a checkout's docs/ as `npm run docs`
// builds it, and the package's, as scripts/build.mjs ships it (the platform page brotli-compressed,
// the control page compressed too and without Redoc's bundle, which the emulator puts back from
// the platform page). Each page read once; sent in the best encoding the browser takes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { brotliCompressSync, gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { docsPage, docsReader } from "../../src/emulator/docs.js";

const root = mkdtempSync(join(tmpdir(), "douyin-docs-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
/** A fresh folder holding `files` (name → content), as a URL for docsReader. */
let folders = 0;
function folder(files: Record<string, string | Buffer>): URL {
  const path = join(root, `docs-${++folders}`);
  mkdirSync(path);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(path, name), content);
  return pathToFileURL(`${path}/`);
}

// Pages shaped as Redoc's: its bundle inline in a module script, the spec's definition after it.
// The bundle holds what String.replace would read as patterns, and the page names the definition
// before the script too: the bundle ends at the first definition after the script starts.
const BUNDLE = "var redoc = 1; /* $& $' $` $$ */ function render() {}\n";
const page = (title: string, bundle: string) =>
  `<!doctype html><title>${title}</title><!-- const __redoc_definition lives below -->` +
  `<script type="module">${bundle}const __redoc_definition = {"title":"${title}"};</script>`;
const PLATFORM = page("Douyin Open Platform OAuth", BUNDLE);
const CONTROL = page("Douyin OAuth emulator: control API", BUNDLE);
const SLIM_CONTROL = page("Douyin OAuth emulator: control API", "/*@douyin-oauth:redoc-bundle@*/");
const br = (text: string) => brotliCompressSync(Buffer.from(text));

describe("a checkout's pages (docs/index.html, docs/emulator-control.html)", () => {
  const read = docsReader(folder({ "index.html": PLATFORM, "emulator-control.html": CONTROL }));

  it("sent plain, or gzipped when the browser takes gzip; never brotli", async () => {
    for (const [name, html] of [
      ["platform", PLATFORM],
      ["control", CONTROL],
    ] as const) {
      const docs = (await read(name))!;
      expect(docs.encoded("")).toEqual({ body: Buffer.from(html), encoding: undefined });
      expect(docs.encoded("br")).toEqual({ body: Buffer.from(html), encoding: undefined });
      const gzip = docs.encoded("gzip, deflate, br");
      expect(gzip.encoding).toBe("gzip");
      expect(gunzipSync(gzip.body).toString()).toBe(html);
    }
    expect((await read())!.encoded("").body.toString()).toBe(PLATFORM); // the default page
  });
});

describe("the package's pages (douyin-oauth.html.br, emulator-control.html.br)", () => {
  const SHIPPED = br(PLATFORM);
  const files = {
    "douyin-oauth.html.br": SHIPPED,
    "emulator-control.html.br": br(SLIM_CONTROL),
    // a checkout's pages beside them are not read
    "index.html": "stale",
    "emulator-control.html": "stale",
  };

  it("the platform page is sent as shipped to a browser that takes brotli", async () => {
    const docs = (await docsReader(folder(files))("platform"))!;
    expect(docs.encoded("gzip, deflate, br")).toEqual({ body: SHIPPED, encoding: "br" });
    expect(docs.encoded("br;q=1.0")).toEqual({ body: SHIPPED, encoding: "br" });
    const gzip = docs.encoded("gzip");
    expect(gzip.encoding).toBe("gzip");
    expect(gunzipSync(gzip.body).toString()).toBe(PLATFORM);
    expect(docs.encoded("identity")).toEqual({ body: Buffer.from(PLATFORM), encoding: undefined });
  });

  it("the control page gets the platform page's bundle back, and is sent plain or gzipped", async () => {
    const read = docsReader(folder(files));
    for (const name of ["control", "platform"] as const) {
      // either page first: the control page reads the platform page it needs
      const docs = (await read(name))!;
      expect(docs.encoded("identity").body.toString()).toBe(
        name === "control" ? CONTROL : PLATFORM,
      );
    }
    const control = (await docsReader(folder(files))("control"))!;
    expect(control.encoded("br")).toEqual({ body: Buffer.from(CONTROL), encoding: undefined });
    const gzip = control.encoded("gzip, br");
    expect(gzip.encoding).toBe("gzip");
    expect(gunzipSync(gzip.body).toString()).toBe(CONTROL);
  });

  it("a control page that cannot be completed is not served", async () => {
    const withoutMarker = docsReader(folder({ ...files, "emulator-control.html.br": br(CONTROL) }));
    expect(await withoutMarker("control")).toBeUndefined();
    expect(await withoutMarker("platform")).toBeDefined();
    const withoutPlatform = docsReader(
      folder({ "emulator-control.html.br": files["emulator-control.html.br"] }),
    );
    expect(await withoutPlatform("control")).toBeUndefined();
    expect(await withoutPlatform("platform")).toBeUndefined();
  });
});

describe("docsReader", () => {
  it("answers undefined for a page never built", async () => {
    const read = docsReader(folder({}));
    expect(await read("platform")).toBeUndefined();
    expect(await read("control")).toBeUndefined();
  });

  it("reads each page once, and compresses it once", async () => {
    const url = folder({ "index.html": PLATFORM });
    const read = docsReader(url);
    const first = (await read("platform"))!;
    rmSync(new URL("index.html", url));
    const again = (await read("platform"))!;
    expect(again.encoded("").body.toString()).toBe(PLATFORM);
    expect(again.encoded("gzip").body).toBe(first.encoded("gzip").body);
  });

  it("reads the encoding names whole: brotli, xgzip or gzipped are none of them", async () => {
    const docs = (await docsReader(folder({ "douyin-oauth.html.br": br(PLATFORM) }))("platform"))!;
    for (const accept of ["brotli", "xbr", "gzipped", "xgzip", "x-gzip2", "deflate"]) {
      expect(docs.encoded(accept).encoding, accept).toBeUndefined();
    }
    expect(docs.encoded("deflate,br").encoding).toBe("br");
    expect(docs.encoded("deflate, gzip;q=0.5").encoding).toBe("gzip");
  });

  it("honours a q-value of 0 (not acceptable) and reads the names in any letter case", async () => {
    const docs = (await docsReader(folder({ "douyin-oauth.html.br": br(PLATFORM) }))("platform"))!;
    expect(docs.encoded("br;q=0, gzip").encoding).toBe("gzip");
    expect(docs.encoded("br; q=0.000, gzip;q=0").encoding).toBeUndefined();
    expect(docs.encoded("gzip;q=0.001").encoding).toBe("gzip");
    expect(docs.encoded("BR").encoding).toBe("br");
    expect(docs.encoded("Gzip;Q=0.5").encoding).toBe("gzip");
  });

  it("docsPage reads this package's own pages: a checkout's, built by npm run docs", async () => {
    const platform = await docsPage("platform");
    const control = await docsPage("control");
    // present once built; the page tests over HTTP (pages.test.ts, control.test.ts) need them too
    expect(platform?.encoded("").body.toString()).toContain("Douyin Open Platform OAuth");
    expect(control?.encoded("").body.toString()).toContain(
      "<title>Douyin OAuth emulator: control API</title>",
    );
    expect(await docsPage()).toBeDefined();
  });
});
