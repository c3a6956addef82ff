// Every export of every entry point has doc text (a summary or a tag such as @example): what an
// editor shows on hover is the first documentation most users read. The entries come from
// package.json's "exports", so a new entry is checked without anyone remembering to add it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { root } from "../support/project.js";

/** The source file behind each shipped ES module of package.json's "exports" (any condition). */
function entrySources(): string[] {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const shipped = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === "string") {
      const esm = /^\.\/dist\/esm\/(.+)\.js$/.exec(value);
      if (esm) shipped.add(`src/${esm[1]}.ts`);
    } else if (value !== null && typeof value === "object") {
      for (const inner of Object.values(value)) walk(inner);
    }
  };
  walk(manifest.exports);
  // The emulator's programmatic entry, wherever it ships from.
  shipped.add("src/emulator/index.ts");
  return [...shipped].sort();
}

describe("doc text", () => {
  it("every export of every entry point has doc text", { timeout: 120_000 }, () => {
    const entries = entrySources();
    expect(entries).toEqual(
      expect.arrayContaining(["src/index.ts", "src/tokens/index.ts", "src/redis/index.ts"]),
    );
    const program = ts.createProgram(
      entries.map((entry) => join(root, entry)),
      {
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        strict: true,
        skipLibCheck: true,
        noEmit: true,
      },
    );
    const checker = program.getTypeChecker();
    const undocumented: string[] = [];
    let exports = 0;
    for (const entry of entries) {
      const source = program.getSourceFile(join(root, entry));
      const module = source && checker.getSymbolAtLocation(source);
      expect(module, entry).toBeDefined();
      for (const symbol of checker.getExportsOfModule(module!)) {
        exports++;
        const target =
          symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        const text = ts.displayPartsToString(target.getDocumentationComment(checker)).trim();
        if (text === "" && target.getJsDocTags(checker).length === 0) {
          undocumented.push(`${entry}: ${symbol.name}`);
        }
      }
    }
    expect(exports).toBeGreaterThan(100);
    expect(undocumented).toEqual([]);
  });
});
