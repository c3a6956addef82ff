// HTTP routing for the emulator: token endpoints answer JSON (HTTP 200, success or not, as the
// platform does); authorization pages answer HTML or redirect; / and /docs help a person.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { OPERATION_PATHS } from "../spec.js";
import { docsPage } from "./docs.js";
import { consentPage, indexPage } from "./pages.js";
import type { Faults } from "./faults.js";
import { checkPage, type PageOperation, type Platform } from "./platform.js";

const MAX_FORM_BYTES = 64 * 1024;
type Query = Record<string, string | undefined>;

const TOKEN_ROUTES = {
  [OPERATION_PATHS.accessToken]: "accessToken",
  [OPERATION_PATHS.clientToken]: "clientToken",
  [OPERATION_PATHS.stableClientToken]: "stableClientToken",
  [OPERATION_PATHS.refreshToken]: "refreshToken",
  [OPERATION_PATHS.renewRefreshToken]: "renewRefreshToken",
} as const;
type TokenOperation = (typeof TOKEN_ROUTES)[keyof typeof TOKEN_ROUTES];
/** Operations the platform documents only as POST. */
const POST_ONLY: ReadonlySet<TokenOperation> = new Set(["stableClientToken"]);

const PAGE_ROUTES: Record<string, PageOperation> = {
  [OPERATION_PATHS.connect]: "connect",
  [OPERATION_PATHS.authorize]: "authorize",
  [OPERATION_PATHS.authorizeV2]: "authorizeV2",
};

/** First value of each parameter, as the platform reads them. */
function firstValues(params: URLSearchParams): Query {
  const query: Query = {};
  for (const [name, value] of params) if (!(name in query)) query[name] = value;
  return query;
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headers = {},
) {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store", ...headers });
  res.end(body);
}

const json = (res: ServerResponse, body: unknown) =>
  send(res, 200, "application/json; charset=utf-8", JSON.stringify(body));

function redirect(res: ServerResponse, target: URL) {
  res.writeHead(302, { location: target.href, "cache-control": "no-store" });
  res.end();
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const body = await readBody(req);
  return body === undefined ? undefined : new URLSearchParams(body);
}

/**
 * A token call's parameters: the query of a GET, or the body of a POST, form-encoded or JSON
 * (the platform's current forms). Anything else reads as no parameters, hence 10005.
 */
async function tokenParams(req: IncomingMessage, url: URL): Promise<Query | undefined> {
  if (req.method === "GET") return firstValues(url.searchParams);
  const body = await readBody(req);
  if (body === undefined) return undefined;
  const type = String(req.headers["content-type"] ?? "")
    .split(";")[0]!
    .trim()
    .toLowerCase();
  if (type === "application/x-www-form-urlencoded") return firstValues(new URLSearchParams(body));
  if (type === "application/json") {
    try {
      const parsed: unknown = JSON.parse(body);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
      return Object.fromEntries(
        Object.entries(parsed).filter(
          (entry): entry is [string, string] => typeof entry[1] === "string",
        ),
      );
    } catch {
      return {};
    }
  }
  return {};
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Answers a token call through whatever fault is planned for it. */
async function answerToken(
  res: ServerResponse,
  faults: Faults,
  operation: string,
  answer: () => unknown,
) {
  const fault = faults.take(operation);
  switch (fault?.kind) {
    case undefined:
      return json(res, answer());
    case "latency":
      await sleep(fault.latencyMs ?? 1_000);
      return json(res, answer());
    case "status":
      return send(
        res,
        fault.status ?? 503,
        "text/html; charset=utf-8",
        "<html><body><h1>503 Service Unavailable</h1></body></html>",
      );
    case "html":
      return send(
        res,
        200,
        "text/html; charset=utf-8",
        "<!doctype html><title>系统维护</title><p>Service under maintenance</p>",
      );
    case "empty":
      return send(res, 200, "application/json; charset=utf-8", "");
    case "reset":
      res.socket?.destroy();
      return;
    case "lost":
      answer();
      res.socket?.destroy();
      return;
    case "truncated":
    case "stall": {
      const body = JSON.stringify(answer());
      const half = body.slice(0, Math.floor(body.length / 2));
      if (fault.kind === "truncated")
        return send(res, 200, "application/json; charset=utf-8", half, {
          "content-length": String(Buffer.byteLength(half)),
        });
      res.writeHead(200, {
        "content-type": "application/json; charset=utf-8",
        "content-length": String(Buffer.byteLength(body)),
      });
      res.write(half);
      return; // never ends; the client's timeout (or close()) ends it
    }
  }
}

/** The redirect back to the app: code (when approved), state as sent, granted scopes. */
function callbackUrl(redirectUri: URL, fields: Record<string, string>): URL {
  const target = new URL(redirectUri.href);
  for (const [name, value] of Object.entries(fields)) target.searchParams.set(name, value);
  return target;
}

async function handlePage(
  platform: Platform,
  operation: PageOperation,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) {
  if (req.method === "GET") {
    platform.stats[operation] += 1;
    const page = checkPage(platform, operation, firstValues(url.searchParams));
    if (!("app" in page)) return json(res, page);
    if (operation === "authorizeV2") {
      // Silent authorization: no consent page, straight back with a code for the signed-in user.
      const code = platform.issueCode(
        page.app.clientKey,
        platform.openIdFor(page.app.clientKey, "demo_user"),
        "login_id",
      );
      return redirect(res, callbackUrl(page.redirectUri, { code, state: page.state }));
    }
    return send(res, 200, "text/html; charset=utf-8", consentPage(page, url.pathname));
  }
  if (req.method !== "POST" || operation === "authorizeV2") {
    return send(res, 405, "text/plain; charset=utf-8", "method not allowed", { allow: "GET" });
  }
  const form = await readForm(req);
  if (!form) return send(res, 413, "text/plain; charset=utf-8", "form too large");
  const page = checkPage(platform, operation, firstValues(form));
  if (!("app" in page)) return json(res, page);
  if (form.get("decision") !== "approve") {
    // The platform's answer to a refusal is not documented: back to the app with no code.
    return redirect(res, callbackUrl(page.redirectUri, { state: page.state }));
  }
  const offered = new Set(page.optional.map((o) => o.scope));
  const ticked = form.getAll("optional_scope").filter((scope) => offered.has(scope));
  const granted = [...page.scopes, ...ticked].join(",");
  const user = form.get("user")?.trim() || "demo_user";
  const code = platform.issueCode(
    page.app.clientKey,
    platform.openIdFor(page.app.clientKey, user),
    granted,
  );
  return redirect(res, callbackUrl(page.redirectUri, { code, state: page.state, scopes: granted }));
}

/**
 * The platform's path a request means: its documented form has a trailing slash, the seed's
 * generated clients send none (`/oauth/access_token`), so both reach the same operation.
 */
export function platformPath(pathname: string): { path: string; withoutSlash: boolean } {
  const slashed = `${pathname}/`;
  return slashed in TOKEN_ROUTES || slashed in PAGE_ROUTES
    ? { path: slashed, withoutSlash: true }
    : { path: pathname, withoutSlash: false };
}

async function handle(
  platform: Platform,
  faults: Faults,
  req: IncomingMessage,
  res: ServerResponse,
) {
  platform.purge();
  const url = new URL(req.url ?? "/", "http://emulator.invalid");
  const { path } = platformPath(url.pathname);
  const tokenOperation = TOKEN_ROUTES[path as keyof typeof TOKEN_ROUTES];
  if (tokenOperation !== undefined) {
    const allowed = POST_ONLY.has(tokenOperation) ? ["POST"] : ["GET", "POST"];
    if (!allowed.includes(req.method ?? "")) {
      return send(res, 405, "text/plain; charset=utf-8", "method not allowed", {
        allow: allowed.join(", "),
      });
    }
    const params = await tokenParams(req, url);
    if (!params) return send(res, 413, "text/plain; charset=utf-8", "body too large");
    platform.stats[tokenOperation] += 1;
    return answerToken(res, faults, tokenOperation, () => platform[tokenOperation](params));
  }
  const pageOperation = PAGE_ROUTES[path];
  if (pageOperation !== undefined) return handlePage(platform, pageOperation, req, res, url);
  if (req.method === "GET" && url.pathname === "/") {
    return send(res, 200, "text/html; charset=utf-8", indexPage(platform.listApps()));
  }
  if (req.method === "GET" && (url.pathname === "/docs" || url.pathname === "/docs/")) {
    const docs = await docsPage();
    if (!docs)
      return send(res, 503, "text/plain; charset=utf-8", "docs not built: run `npm run docs`");
    const { body, encoding } = docs.encoded(String(req.headers["accept-encoding"] ?? ""));
    const headers =
      encoding === undefined
        ? { vary: "accept-encoding" }
        : { vary: "accept-encoding", "content-encoding": encoding };
    return send(res, 200, "text/html; charset=utf-8", body, headers);
  }
  if (url.pathname === "/favicon.ico") {
    res.writeHead(204, { "cache-control": "max-age=86400" });
    return res.end();
  }
  return send(res, 404, "text/plain; charset=utf-8", "not found");
}

export function createEmulatorServer(platform: Platform, faults: Faults): Server {
  return createServer((req, res) => {
    handle(platform, faults, req, res).catch(() => {
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", "emulator error");
      else res.destroy();
    });
  });
}
