import { it } from "vitest";
import { spawn } from "node:child_process";
import { startRedisCluster } from "../support/redis-cluster.js";
import { startFastPlatform, SCALE } from "../support/fleet.js";
import { DEMO_APP } from "../../src/emulator/index.js";
it("worker through failover", async () => {
  const c = await startRedisCluster();
  const p = await startFastPlatform();
  const t = Date.now();
  const child = spawn(process.execPath, ["test/tokens/fleet-worker.mjs"], {
    env: {
      ...process.env,
      ...p.env,
      REDIS_KIND: "cluster",
      REDIS_NODES: c.rootNodes.map((n) => n.url).join(","),
      MODE: "repeat",
      DURATION_MS: "10000",
      REFRESH_BEFORE_MS: String(1000 * SCALE),
      DEBUG: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "",
    err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  await new Promise((r) => setTimeout(r, 3000));
  const f = await c.failover(`douyin-oauth:${DEMO_APP.clientKey}:client_token`);
  console.log("failover", f.killedAt - t, f.promotedAt - t, f.rejoinedAt - t);
  await new Promise((r) => child.on("exit", r));
  console.log(out.slice(0, 300));
  console.log(err.replace(/\d{13}/g, (m) => String(Number(m) - t)));
  console.log(p.log.issued.map((i) => [i.stable, i.sentAt - t]));
  await p.close();
  await c.stop();
}, 120_000);
