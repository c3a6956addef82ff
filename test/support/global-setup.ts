// Builds dist/ and the docs once before any test: the example app, the emulator's bin and the
// packed tarball run the built package, and the emulator serves the built docs.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { root } from "./project.js";

export default function setup() {
  const built = spawnSync(process.execPath, [join(root, "scripts/build.mjs")], {
    cwd: root,
    encoding: "utf8",
    // Minutes on a loaded 2-core machine (declarations for two formats, the docs): a bound
    // for a hang, not a measure of speed.
    timeout: 600_000,
  });
  if (built.status !== 0) {
    const why = built.signal ? `stopped by ${built.signal} (over 10 minutes?)` : "failed";
    throw new Error(`npm run build ${why} before the tests:\n${built.stdout}\n${built.stderr}`);
  }
}
