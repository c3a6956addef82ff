// Heap growth per call: 1,000,000 clientToken() calls against a memory transport, once with no
// signal and once with one long-lived signal passed to every call. The heap is measured after a
// full GC every 100,000 calls; the slope (least squares) is bytes per call. Flat is ~0.
//
// Needs --expose-gc: `node --expose-gc bench/heap-slope.mjs [--quick]` (npm run bench runs it so).
import { fmt } from "./stats.mjs";

const ANSWER = JSON.stringify({
  data: { access_token: "clt.0123456789abcdef", expires_in: 7200, description: "", error_code: 0 },
  message: "success",
});
const memoryTransport = () => Promise.resolve({ status: 200, text: ANSWER });

function slope(points) {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return num / den;
}

export async function heapSlope(douyinOAuth, { calls = 1_000_000, every = 100_000 } = {}) {
  // Node and Deno: V8's gc (--expose-gc); Bun: its own.
  const gc = globalThis.gc ?? (globalThis.Bun ? () => globalThis.Bun.gc(true) : undefined);
  if (typeof gc !== "function") throw new Error("run with --expose-gc");
  const douyin = douyinOAuth.createDouyinOAuth({
    clientKey: "aw_bench",
    clientSecret: "bench_secret_value",
    baseUrl: "http://127.0.0.1:9",
    transport: memoryTransport,
  });
  const controller = new AbortController();
  const result = {};
  for (const [name, options] of [
    ["no signal", undefined],
    ["one long-lived signal", { signal: controller.signal }],
  ]) {
    const points = [];
    for (let done = 0; done <= calls; done += every) {
      if (done > 0) for (let i = 0; i < every; i++) await douyin.clientToken(options);
      await new Promise((resolve) => setTimeout(resolve, 0));
      gc();
      points.push([done, process.memoryUsage().heapUsed]);
    }
    result[name] = {
      calls,
      bytesPerCall: slope(points.slice(1)), // the first point is before any call warmed up
      heapStartMiB: points[0][1] / 2 ** 20,
      heapEndMiB: points.at(-1)[1] / 2 ** 20,
    };
  }
  return result;
}

export function printHeapSlope(result, label) {
  const calls = Object.values(result)[0]?.calls ?? 0;
  console.log(
    `\nheap growth over ${calls.toLocaleString("en")} clientToken() calls (${label}; a memory transport; heap after a full GC)`,
  );
  for (const [name, r] of Object.entries(result)) {
    console.log(
      `${name.padEnd(22)} ${fmt(r.bytesPerCall, 2).padStart(7)} B a call (heap ${fmt(r.heapStartMiB)} → ${fmt(r.heapEndMiB)} MiB)`,
    );
  }
}

// Run directly: from the repository, the built dist/; in the bench's scratch consumer (each
// runtime), BENCH_ENTRY=douyin-oauth and one JSON line out.
if (import.meta.main ?? import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes("--quick") || process.env.BENCH_QUICK === "1";
  const entry = process.env.BENCH_ENTRY ?? new URL("../dist/esm/index.js", import.meta.url).href;
  const result = await heapSlope(
    await import(entry),
    quick ? { calls: 200_000, every: 20_000 } : undefined,
  );
  if (process.env.BENCH_ENTRY) console.log(JSON.stringify(result));
  else printHeapSlope(result, `Node ${process.versions.node}`);
}
