// The conformance checks inside a Worker (workerd under Miniflare): bundled by esbuild with the
// conditions a Workers bundler uses, so the package resolves as in a deployed Worker. Any request
// runs the checks against env.DOUYIN_EMULATOR_URL and answers one JSON object.
import * as lib from "douyin-oauth";
import * as tokens from "douyin-oauth/tokens";
import { conform } from "./checks.mjs";

export default {
  async fetch(request, env) {
    try {
      const passed = await conform(lib, tokens, {
        emulatorUrl: env.DOUYIN_EMULATOR_URL,
        user: env.CONFORMANCE_USER,
      });
      return Response.json({ passed });
    } catch (error) {
      return Response.json({ error: error instanceof Error ? error.message : String(error) });
    }
  },
};
