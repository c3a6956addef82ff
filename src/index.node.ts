/**
 * douyin-oauth under the `node` export condition: the same API as `index.ts`, whose bundle it
 * re-exports (same classes, so `instanceof` holds across entries), except that a client given
 * neither `transport` nor `fetch` sends through one shared keep-alive `nodeTransport()`: on
 * Node it is the fast path (BENCHMARKS.md). Bun and Deno, which also match `node`, resolve
 * their own conditions first and keep fetch, their fastest path; but Deno's require() matches
 * `node` and not `deno`, so here Deno keeps fetch too. Types come from `index.d.ts`: identical.
 */
import { createDouyinOAuth as createWithFetch, type DouyinOAuth } from "./index.js";
import type { DouyinOAuthOptions } from "./options.js";
import { nodeTransport, type NodeTransport } from "./node/index.js";

export * from "./index.js";

// One pool for the process, as fetch has one: made on first use, its idle sockets unref'd by
// node:http (they never keep the process alive).
let shared: NodeTransport | undefined;

/**
 * Makes a client for one app; on Node it sends through keep-alive `node:http` unless you pass
 * `transport` or `fetch`.
 */
export function createDouyinOAuth(options: DouyinOAuthOptions): DouyinOAuth {
  const chooses =
    !("Deno" in globalThis) &&
    typeof options === "object" &&
    options !== null &&
    options.transport === undefined &&
    options.fetch === undefined;
  if (!chooses) return createWithFetch(options); // which checks and refuses bad options itself
  shared ??= nodeTransport();
  return createWithFetch({ ...options, transport: shared });
}
