// The floor for per-call timings: a minimal keep-alive node:http server, in its own process,
// answering every token path with a canned platform answer. No work beyond writing bytes.
// With FLOOR_CERT and FLOOR_KEY (PEM files) it serves HTTPS, on FLOOR_PORT (default: a free port).
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createTlsServer } from "node:https";

const ok = (data) =>
  JSON.stringify({ data: { ...data, description: "", error_code: 0 }, message: "success" });
const ANSWERS = {
  "/oauth/client_token/": ok({
    access_token: "clt.0123456789abcdef0123456789abcdef",
    expires_in: 7200,
  }),
  "/oauth/access_token/": ok({
    access_token: "act.0123456789abcdef0123456789abcdef",
    expires_in: 1296000,
    open_id: "0ff3b1a8-1c9e-4c1e-9b7e-1f2e3d4c5b6a",
    refresh_token: "rft.0123456789abcdef0123456789abcdef",
    refresh_expires_in: 2592000,
    scope: "user_info",
  }),
  "/oauth/refresh_token/": ok({
    access_token: "act.0123456789abcdef0123456789abcdef",
    expires_in: 1296000,
    open_id: "0ff3b1a8-1c9e-4c1e-9b7e-1f2e3d4c5b6a",
    refresh_token: "rft.0123456789abcdef0123456789abcdef",
    refresh_expires_in: 2592000,
    scope: "user_info",
  }),
  "/oauth/renew_refresh_token/": ok({
    refresh_token: "rft.fedcba9876543210fedcba9876543210",
    expires_in: 2592000,
  }),
};

const { FLOOR_CERT, FLOOR_KEY, FLOOR_PORT } = process.env;
const tls = FLOOR_CERT
  ? { cert: readFileSync(FLOOR_CERT), key: readFileSync(FLOOR_KEY) }
  : undefined;
const answer = (req, res) => {
  const path = req.url.slice(0, req.url.indexOf("?") >>> 0);
  const body = ANSWERS[path] ?? ANSWERS["/oauth/client_token/"];
  req.resume();
  req.on("end", () => {
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
    });
    res.end(body);
  });
};
const server = tls ? createTlsServer(tls, answer) : createServer(answer);
server.keepAliveTimeout = 60_000;
server.on("error", (error) => {
  process.send?.({ error: error.message });
  process.exit(1);
});
server.listen(Number(FLOOR_PORT ?? 0), "127.0.0.1", () =>
  process.send?.({ port: server.address().port }),
);
process.on("disconnect", () => process.exit(0));
