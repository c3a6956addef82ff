// `npm run docs` builds one self-contained HTML page listing all seven operations; every code
// block of the README and the guides is run by a test; links between the pages hold.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { docBlocks, docPages, readSpec, root, runCommand } from "../support/project.js";

// The docs build takes seconds alone, far more on a busy machine.
describe("npm run docs", { timeout: 90_000 }, () => {
  it("builds docs/index.html with every operation and nothing loaded from the network", () => {
    // Into a temporary file: docs/index.html is what the emulator tests are serving.
    const dir = mkdtempSync(join(tmpdir(), "douyin-docs-"));
    const out = join(dir, "index.html");
    const ran = runCommand("npm", ["run", "--silent", "docs", "--", "--out", out]);
    expect(ran.status).toBe(0);
    expect(ran.stdout).toContain(`docs: ${out}`);
    const html = readFileSync(out, "utf8");
    rmSync(dir, { recursive: true, force: true });
    const spec = readSpec();
    for (const item of Object.values<any>(spec.paths)) {
      for (const op of Object.values<any>(item)) {
        expect(html).toContain(op.summary.split(" / ")[1]);
        expect(html).toContain(op.operationId);
      }
    }
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
    expect(html).not.toMatch(/<link[^>]+href="https?:/);
    expect(html).not.toMatch(/@import\s+url\(["']?https?:/);
  });
});

// Every code block of the README and the guides is run by a test, which the marker above it
// names: `<!-- name: test/file.test.ts ... -->`, the file reading it with docBlock(page, name).
describe("the code blocks of README.md and guide/*.md", () => {
  const blocks = docPages().flatMap((page) => docBlocks(page));

  it("are found on every page", () => {
    expect(docPages()).toContain("guide/client.md");
    expect(blocks.length).toBeGreaterThan(10);
  });

  it("each has a marker, with a name used once", () => {
    const unmarked = blocks.filter((b) => b.name === undefined).map((b) => `${b.page}:${b.line}`);
    expect(unmarked).toEqual([]);
    const names = blocks.map((b) => b.name);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });

  it("each marker names test files that exist and read that block of that page", () => {
    const wrong: string[] = [];
    for (const block of blocks) {
      const files = block.marker?.match(/\btest\/[\w./-]+\.ts\b/g) ?? [];
      if (files.length === 0) wrong.push(`${block.page} ${block.name}: names no test file`);
      for (const file of files) {
        const path = join(root, file);
        const source = existsSync(path) ? readFileSync(path, "utf8") : undefined;
        if (source === undefined) wrong.push(`${block.page} ${block.name}: ${file} does not exist`);
        else if (!source.includes(`"${block.page}"`) || !source.includes(`"${block.name}"`)) {
          wrong.push(`${block.page} ${block.name}: ${file} does not read it`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");

describe("links between the project's Markdown pages", () => {
  it("reach a file that exists, and a heading that exists there", () => {
    const pages = [
      ...readdirSync(root).filter((name) => name.endsWith(".md")),
      ...docPages().filter((page) => page.startsWith("guide/")),
      "test/README.md",
    ];
    const broken: string[] = [];
    for (const page of pages) {
      const text = readFileSync(join(root, page), "utf8").replace(/^ *```[\s\S]*?^ *```/gm, "");
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [file, anchor] = target!.split("#");
        const path = file === "" ? join(root, page) : resolve(dirname(join(root, page)), file!);
        if (!existsSync(path)) {
          broken.push(`${page}: ${target}`);
          continue;
        }
        if (anchor === undefined || !path.endsWith(".md")) continue;
        const headings = readFileSync(path, "utf8")
          .split("\n")
          .filter((line) => /^#{1,6} /.test(line))
          .map((line) => anchorOf(line.replace(/^#+ /, "")));
        if (!headings.includes(anchor)) broken.push(`${page}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
