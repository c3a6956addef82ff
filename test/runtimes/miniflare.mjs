// Runs the bundled Worker (worker.mjs) in workerd through Miniflare, once, and prints its JSON
// answer. Run by Node 22+ (Miniflare's floor), with the folder Miniflare is installed in:
//   node miniflare.mjs <install dir> <worker bundle> <emulator url> <user> [nodejs_compat]
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const [dir, script, emulatorUrl, user, compat] = process.argv.slice(2);
const { Miniflare } = createRequire(join(dir, "package.json"))("miniflare");

const mf = new Miniflare({
  modules: true,
  scriptPath: script,
  modulesRoot: dirname(script),
  compatibilityDate: "2026-07-30",
  compatibilityFlags: compat === "nodejs_compat" ? ["nodejs_compat"] : [],
  bindings: { DOUYIN_EMULATOR_URL: emulatorUrl, CONFORMANCE_USER: user },
});
// Bounded below the runner's own limit, so a hung Worker still reaches dispose(), which stops
// workerd (the runner can stop only this process by its PID).
let timer;
try {
  const answer = mf.dispatchFetch("http://worker.local/").then((response) => response.text());
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error("the Worker did not answer in 60 s")), 60_000);
  });
  console.log(await Promise.race([answer, limit]));
} finally {
  clearTimeout(timer);
  await mf.dispose();
}
