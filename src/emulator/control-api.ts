// The control API over HTTP (openapi/emulator-control.yaml): each route parses JSON and calls
// the same Control method the JavaScript API calls. Who may call it: loopback peers when no
// control token is set; with a token, only requests that carry it.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isIP } from "node:net";
import type { ControlPaths } from "./control-spec.js";
import { requireFields, type Control } from "./control.js";
import { activityPage } from "./pages.js";
import { readBody, send } from "./http.js";

/** Where the control API and the activity page live: off every platform path. */
export const CONTROL_PREFIX = "/_emulator";

export interface ControlAccess {
  /** When set, every control request must carry it (Bearer, or Basic's password). */
  token?: string;
}

/** An address without the brackets a URL puts around IPv6: `[::1]` → `::1`. */
export const bareAddress = (address: string) => address.replace(/^\[(.*)\]$/, "$1");

/** Whether an address (a peer's, or a host to listen on) is loopback: 127/8, ::1, localhost. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const bare = bareAddress(address).toLowerCase();
  if (bare === "localhost" || bare === "::1") return true;
  const v4 = bare.startsWith("::ffff:") ? bare.slice(7) : bare;
  return isIP(v4) === 4 && v4.startsWith("127.");
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/** The token the request carries: `Authorization: Bearer <token>` or Basic with it as password. */
function presented(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? "";
  const [scheme = "", value = ""] = header.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === "bearer") return value;
  if (scheme.toLowerCase() === "basic") {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return colon >= 0 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}

/** The hostname of a Host header (`127.0.0.1:8787`, `[::1]:8787`, `localhost`). */
function hostnameOf(host: string | undefined): string | undefined {
  if (host === undefined || !URL.canParse(`http://${host}`)) return undefined;
  return new URL(`http://${host}`).hostname;
}

/**
 * A page of another site cannot drive the control API from the developer's browser: browsers
 * send `Origin` with such requests (curl, urllib and test clients do not), and a DNS-rebound
 * name reaches the emulator with a Host that is not loopback.
 */
function crossSite(req: IncomingMessage, access: ControlAccess): string | undefined {
  const { origin, host } = req.headers;
  if (origin !== undefined && (!URL.canParse(origin) || new URL(origin).host !== host)) {
    return "the control API refuses requests from another site's pages";
  }
  if (access.token === undefined && !isLoopback(hostnameOf(host))) {
    return "the control API answers requests addressed to a loopback host only";
  }
  return undefined;
}

/** False when allowed; true when refused, the refusal already sent. */
function refused(req: IncomingMessage, res: ServerResponse, access: ControlAccess): boolean {
  const foreign = crossSite(req, access);
  if (foreign !== undefined) {
    sendJson(res, 403, { error: foreign });
    return true;
  }
  if (access.token !== undefined) {
    const given = presented(req);
    if (given !== undefined && timingSafeEqual(digest(given), digest(access.token))) return false;
    sendJson(
      res,
      401,
      { error: "the control API needs the emulator's control token" },
      {
        "www-authenticate": 'Basic realm="douyin-oauth-emulator control", charset="UTF-8"',
      },
    );
    return true;
  }
  if (isLoopback(req.socket.remoteAddress)) return false;
  sendJson(res, 403, {
    error: "the control API answers loopback only; start the emulator with --control-token",
  });
  return true;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers = {}) {
  send(res, status, "application/json; charset=utf-8", JSON.stringify(body), headers);
}

/** The body as JSON: `{}` when empty. A TypeError (HTTP 400) when it is not JSON. */
async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  if (text === undefined) throw new TypeError("the body is larger than 64 KiB");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new TypeError("the body is not JSON");
  }
}

type Method = "GET" | "POST" | "DELETE";
interface Route {
  path: keyof ControlPaths;
  method: Method;
  /** The status and body; undefined body for 204. */
  run(control: Control, req: IncomingMessage, url: URL): Promise<[number, unknown?]>;
}

const ROUTES: Route[] = [
  {
    path: "/_emulator",
    method: "GET",
    async run(control, _req, url) {
      const refresh = Number(url.searchParams.get("refresh"));
      // Whole seconds; activityPage adds no refresh for 0 or less.
      return [200, activityPage(control, Number.isInteger(refresh) ? refresh : 0)];
    },
  },
  {
    path: "/_emulator/codes",
    method: "POST",
    run: async (control, req) => [201, control.issueCode(await jsonBody(req))],
  },
  { path: "/_emulator/clock", method: "GET", run: async (control) => [200, control.readClock()] },
  {
    path: "/_emulator/clock",
    method: "POST",
    async run(control, req) {
      const body = await jsonBody(req);
      const { ms } = requireFields(body, "the body", ["ms"]);
      return [200, control.advanceTime(ms)];
    },
  },
  { path: "/_emulator/faults", method: "GET", run: async (control) => [200, control.listFaults()] },
  {
    path: "/_emulator/faults",
    method: "POST",
    run: async (control, req) => [201, control.injectFault(await jsonBody(req))],
  },
  {
    path: "/_emulator/faults",
    method: "DELETE",
    async run(control) {
      control.clearFaults();
      return [204];
    },
  },
  { path: "/_emulator/stats", method: "GET", run: async (control) => [200, control.stats()] },
  { path: "/_emulator/tokens", method: "GET", run: async (control) => [200, control.tokens()] },
  {
    path: "/_emulator/tokens/check",
    method: "POST",
    async run(control, req) {
      const body = await jsonBody(req);
      const { token } = requireFields(body, "the body", ["token"]);
      return [200, { valid: control.isValid(token) }];
    },
  },
  {
    path: "/_emulator/requests",
    method: "GET",
    run: async (control) => [200, { requests: control.activity.list() }],
  },
  { path: "/_emulator/apps", method: "GET", run: async (control) => [200, control.apps()] },
  {
    path: "/_emulator/reset",
    method: "POST",
    async run(control) {
      control.reset();
      return [204];
    },
  },
];

/** Answers a request under /_emulator: the activity page or a control operation. */
export async function handleControl(
  control: Control,
  access: ControlAccess,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  if (refused(req, res, access)) return;
  // The path is /_emulator or under it (server.ts routes nothing else here): one slash at the
  // end comes off.
  const path = url.pathname.replace(/\/$/, "");
  const routes = ROUTES.filter((route) => route.path === path);
  if (routes.length === 0) return sendJson(res, 404, { error: "no such control operation" });
  const route = routes.find((r) => r.method === req.method);
  if (!route) {
    return sendJson(
      res,
      405,
      { error: "method not allowed" },
      { allow: routes.map((r) => r.method).join(", ") },
    );
  }
  let status: number;
  let body: unknown;
  try {
    [status, body] = await route.run(control, req, url);
  } catch (error) {
    if (error instanceof TypeError) return sendJson(res, 400, { error: error.message });
    throw error;
  }
  if (typeof body === "string") return send(res, status, "text/html; charset=utf-8", body);
  if (body === undefined) {
    res.writeHead(status, { "cache-control": "no-store" });
    return void res.end();
  }
  return sendJson(res, status, body);
}
