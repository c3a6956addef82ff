// `npm run docs` builds one self-contained HTML page listing all seven operations.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSpec, root, runCommand } from "../support/project.js";

describe("npm run docs", () => {
  it("builds docs/index.html with every operation and nothing loaded from the network", () => {
    const ran = runCommand("npm", ["run", "--silent", "docs"]);
    expect(ran.status).toBe(0);
    expect(ran.stdout).toContain("docs: docs/index.html");
    const html = readFileSync(join(root, "docs/index.html"), "utf8");
    const spec = readSpec();
    for (const item of Object.values<any>(spec.paths)) {
      expect(html).toContain(item.get.summary.split(" / ")[1]);
      expect(html).toContain(item.get.operationId);
    }
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
    expect(html).not.toMatch(/<link[^>]+href="https?:/);
    expect(html).not.toMatch(/@import\s+url\(["']?https?:/);
  });
});
