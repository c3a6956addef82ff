// HTTP routing for the emulator: token endpoints answer JSON (HTTP 200, success or not, as the
// platform does); authorization pages answer HTML or redirect; / and /docs help a person; the
// control API and the activity page live under /_emulator (control-api.ts). Every request to a
// platform path (or an unknown one) is recorded, redacted, for the activity page.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { OPERATION_PATHS } from "../spec.js";
import { formOf, redactParams, type RequestEntry } from "./activity.js";
import { AVATAR_FILE, AVATAR_PATH, avatarSvg } from "./avatar.js";
import { CONTROL_PREFIX, handleControl, type ControlAccess } from "./control-api.js";
import type { Control } from "./control.js";
import { docsPage, type DocsName } from "./docs.js";
import { readBody, send } from "./http.js";
import type { Faults } from "./faults.js";
import { consentPage, indexPage } from "./pages.js";
import type { OAuthLedger, Query } from "./ledger.js";
import { checkPage, type PageOperation } from "./page-check.js";

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
  for (const [name, value] of params) if (!Object.hasOwn(query, name)) query[name] = value;
  return query;
}

const json = (res: ServerResponse, body: unknown) =>
  send(res, 200, "application/json; charset=utf-8", JSON.stringify(body));

function redirect(res: ServerResponse, target: URL) {
  res.writeHead(302, { location: target.href, "cache-control": "no-store" });
  res.end();
}

/** What the activity records of an answer. */
type Outcome = Pick<RequestEntry, "status" | "outcome"> & { errorCode?: number };

/** The 405 answer, naming the methods the path takes. */
function notAllowed(res: ServerResponse, allowed: readonly string[]): Outcome {
  send(res, 405, "text/plain; charset=utf-8", "method not allowed", { allow: allowed.join(", ") });
  return { status: 405, outcome: "method not allowed" };
}

/** The 413 answer to a body over the cap. */
function tooLarge(res: ServerResponse, what: "body" | "form"): Outcome {
  send(res, 413, "text/plain; charset=utf-8", `${what} too large`);
  return { status: 413, outcome: "too large" };
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
  const form = formOf(req.method, req.headers["content-type"]);
  if (form === "POST form") return firstValues(new URLSearchParams(body));
  if (form !== "POST JSON") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    // not JSON: no parameters, as for JSON that is no object
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
  return Object.fromEntries(
    Object.entries(parsed).filter(
      (entry): entry is [string, string] => typeof entry[1] === "string",
    ),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The outcome of a JSON answer from the platform: success, or its error_code. */
function answered(body: unknown, status = 200): Outcome {
  const code = Number((body as { data?: { error_code?: unknown } }).data?.error_code);
  return code === 0
    ? { status, outcome: "success" }
    : { status, outcome: "error", errorCode: code };
}

/** Answers a token call through whatever fault is planned for it. */
async function answerToken(
  res: ServerResponse,
  faults: Faults,
  operation: string,
  answer: () => unknown,
): Promise<Outcome> {
  const fault = faults.take(operation);
  switch (fault?.kind) {
    case undefined: {
      const body = answer();
      json(res, body);
      return answered(body);
    }
    case "latency": {
      await sleep(fault.latencyMs ?? 1_000);
      const body = answer();
      json(res, body);
      const { outcome, ...rest } = answered(body);
      return { ...rest, outcome: `${outcome} after fault latency` };
    }
    case "status":
      send(
        res,
        fault.status ?? 503,
        "text/html; charset=utf-8",
        "<html><body><h1>503 Service Unavailable</h1></body></html>",
      );
      return { status: fault.status ?? 503, outcome: "fault status" };
    case "html":
      send(
        res,
        200,
        "text/html; charset=utf-8",
        "<!doctype html><title>系统维护</title><p>Service under maintenance</p>",
      );
      return { status: 200, outcome: "fault html" };
    case "empty":
      send(res, 200, "application/json; charset=utf-8", "");
      return { status: 200, outcome: "fault empty" };
    case "reset":
      res.socket?.destroy();
      return { status: 0, outcome: "fault reset" };
    case "lost": {
      const { errorCode } = answered(answer());
      res.socket?.destroy();
      return {
        status: 0,
        outcome: "fault lost",
        ...(errorCode === undefined ? {} : { errorCode }),
      };
    }
    case "truncated":
    case "stall": {
      const processed = answer();
      const body = JSON.stringify(processed);
      const half = body.slice(0, Math.floor(body.length / 2));
      const { errorCode } = answered(processed);
      const outcome = {
        status: 200,
        outcome: `fault ${fault.kind}`,
        ...(errorCode === undefined ? {} : { errorCode }),
      };
      if (fault.kind === "truncated") {
        send(res, 200, "application/json; charset=utf-8", half, {
          "content-length": String(Buffer.byteLength(half)),
        });
        return outcome;
      }
      res.writeHead(200, {
        "content-type": "application/json; charset=utf-8",
        "content-length": String(Buffer.byteLength(body)),
      });
      res.write(half);
      return outcome; // never ends; the client's timeout (or close()) ends it
    }
  }
}

/** The redirect back to the app: code (when approved), state as sent, granted scopes. */
function callbackUrl(redirectUri: URL, fields: Record<string, string>): URL {
  const target = new URL(redirectUri.href);
  for (const [name, value] of Object.entries(fields)) target.searchParams.set(name, value);
  return target;
}

/** A page request the platform refuses: its error envelope, as JSON. */
function refused(
  res: ServerResponse,
  ledger: OAuthLedger,
  refusal: { errorCode: number; detail?: string },
): Outcome {
  const answer = ledger.answers.error(refusal.errorCode, refusal.detail);
  json(res, answer);
  return answered(answer);
}

async function handlePage(
  ledger: OAuthLedger,
  operation: PageOperation,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  heard: (params: Query) => void,
): Promise<Outcome> {
  if (req.method === "GET") {
    ledger.stats[operation] += 1;
    // the activity's entry shows the query already
    const query = firstValues(url.searchParams);
    const checked = checkPage((key) => ledger.app(key), operation, query);
    if (!checked.ok) return refused(res, ledger, checked);
    const { page } = checked;
    if (operation === "authorizeV2") {
      // Silent authorization: no consent page, straight back with a code for the signed-in user.
      const code = ledger.issueCode(
        page.app.clientKey,
        ledger.openIdFor(page.app.clientKey, "demo_user"),
        "login_id",
        page.redirectUri,
      );
      redirect(res, callbackUrl(page.redirectUri, { code, state: page.state }));
      return { status: 302, outcome: "redirect" };
    }
    send(res, 200, "text/html; charset=utf-8", consentPage(page, url.pathname));
    return { status: 200, outcome: "consent page" };
  }
  if (req.method !== "POST" || operation === "authorizeV2") {
    return notAllowed(res, ["GET"]);
  }
  const form = await readForm(req);
  if (!form) return tooLarge(res, "form");
  const fields = firstValues(form);
  heard(fields);
  const checked = checkPage((key) => ledger.app(key), operation, fields);
  if (!checked.ok) return refused(res, ledger, checked);
  const { page } = checked;
  if (form.get("decision") !== "approve") {
    // The platform's answer to a refusal is not documented: back to the app with no code.
    redirect(res, callbackUrl(page.redirectUri, { state: page.state }));
    return { status: 302, outcome: "denied" };
  }
  const offered = new Set(page.optional.map((o) => o.scope));
  const ticked = form.getAll("optional_scope").filter((scope) => offered.has(scope));
  const granted = [...page.scopes, ...ticked].join(",");
  const user = form.get("user")?.trim() || "demo_user";
  const openId = ledger.openIdFor(page.app.clientKey, user);
  // The account name is who the user is to /oauth/userinfo/ too, unless issueCode said otherwise.
  ledger.nameUser(page.app.clientKey, openId, user.slice(0, 64));
  const code = ledger.issueCode(page.app.clientKey, openId, granted, page.redirectUri);
  redirect(res, callbackUrl(page.redirectUri, { code, state: page.state, scopes: granted }));
  return { status: 302, outcome: "redirect" };
}

/**
 * The platform's path a request means: its documented form has a trailing slash, the seed's
 * generated clients send none (`/oauth/access_token`), so both reach the same operation.
 */
export function platformPath(pathname: string): { path: string; withoutSlash: boolean } {
  const slashed = `${pathname}/`;
  return slashed in TOKEN_ROUTES || slashed in PAGE_ROUTES || slashed === OPERATION_PATHS.userInfo
    ? { path: slashed, withoutSlash: true }
    : { path: pathname, withoutSlash: false };
}

/** A header's value (Node joins a repeated one with ", "); undefined when absent. */
const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return typeof value === "string" ? value : undefined;
};

/** The emulator's own origin as the client reached it, for the avatar URLs it hands out. */
function originOf(req: IncomingMessage): string {
  const host = header(req, "host");
  return host !== undefined && /^[\w.-]+(?::\d{1,5})?$|^\[[\da-f:.]+\](?::\d{1,5})?$/i.test(host)
    ? `http://${host}`
    : "http://127.0.0.1";
}

/** A platform call's parameters, heard; or its refusal, sent: a method not allowed, a body too large. */
async function callParams(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  allowed: readonly string[],
  heard: (params: Query) => void,
): Promise<{ ok: true; params: Query } | { ok: false; refused: Outcome }> {
  if (!allowed.includes(req.method ?? "")) return { ok: false, refused: notAllowed(res, allowed) };
  const params = await tokenParams(req, url);
  if (!params) return { ok: false, refused: tooLarge(res, "body") };
  heard(params);
  return { ok: true, params };
}

/**
 * `/oauth/userinfo/` in the four forms in use (PLATFORM.md, "User information"): the
 * token in an `access-token` header (the platform's page, JSON body) or an `access_token` header
 * (ByteDance's Node SDK, form body), or as `access_token` beside `open_id` in a form body or,
 * for the seed's family, in a GET query.
 */
async function handleUserInfo(
  control: Control,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  heard: (params: Query) => void,
): Promise<Outcome> {
  const { ledger, faults } = control;
  const call = await callParams(req, res, url, ["GET", "POST"], heard);
  if (!call.ok) return call.refused;
  const { params } = call;
  ledger.stats.userInfo += 1;
  const token = header(req, "access-token") ?? header(req, "access_token") ?? params.access_token;
  return answerToken(res, faults, "userInfo", () =>
    ledger.userInfo(token, params.open_id, originOf(req)),
  );
}

/** The platform's endpoints and pages; undefined when the path is not one of them. */
async function handlePlatform(
  control: Control,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: string,
  heard: (params: Query) => void,
): Promise<Outcome | undefined> {
  const { ledger, faults } = control;
  const tokenOperation = TOKEN_ROUTES[path as keyof typeof TOKEN_ROUTES];
  if (tokenOperation !== undefined) {
    const allowed = POST_ONLY.has(tokenOperation) ? ["POST"] : ["GET", "POST"];
    const call = await callParams(req, res, url, allowed, heard);
    if (!call.ok) return call.refused;
    const { params } = call;
    ledger.stats[tokenOperation] += 1;
    return answerToken(res, faults, tokenOperation, () => ledger[tokenOperation](params));
  }
  if (path === OPERATION_PATHS.userInfo) return handleUserInfo(control, req, res, url, heard);
  const pageOperation = PAGE_ROUTES[path];
  if (pageOperation !== undefined) {
    return handlePage(ledger, pageOperation, req, res, url, heard);
  }
  return undefined;
}

const HTML = "text/html; charset=utf-8";
const YAML = "application/yaml; charset=utf-8";
const JSON_TYPE = "application/json; charset=utf-8";
/** The docs pages and the specs: the platform's (what the emulator implements) and the control API's. */
const DOCS: Record<string, { name: DocsName; type: string }> = {
  "/docs": { name: "platform", type: HTML },
  "/docs/": { name: "platform", type: HTML },
  "/docs/control": { name: "control", type: HTML },
  "/docs/control/": { name: "control", type: HTML },
  "/openapi.yaml": { name: "platformYaml", type: YAML },
  "/openapi.json": { name: "platformJson", type: JSON_TYPE },
  [`${CONTROL_PREFIX}/openapi.yaml`]: { name: "controlYaml", type: YAML },
  [`${CONTROL_PREFIX}/openapi.json`]: { name: "controlJson", type: JSON_TYPE },
};

async function handle(
  control: Control,
  access: ControlAccess,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const { ledger } = control;
  ledger.purge();
  const url = new URL(req.url ?? "/", "http://emulator.invalid");
  // The docs and the specs are public, the control API's spec too (as its page at /docs/control).
  const docs = req.method === "GET" ? DOCS[url.pathname] : undefined;
  if (docs !== undefined) {
    const page = await docsPage(docs.name);
    if (!page)
      return send(res, 503, "text/plain; charset=utf-8", "docs not built: run `npm run build`");
    const { body, encoding } = page.encoded(String(req.headers["accept-encoding"] ?? ""));
    const headers =
      encoding === undefined
        ? { vary: "accept-encoding" }
        : { vary: "accept-encoding", "content-encoding": encoding };
    return send(res, 200, docs.type, body, headers);
  }
  if (url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`)) {
    return handleControl(control, access, req, res, url);
  }
  if (req.method === "GET" && url.pathname === "/") {
    return send(res, 200, "text/html; charset=utf-8", indexPage(ledger.listApps()));
  }
  const avatar = url.pathname.startsWith(AVATAR_PATH)
    ? AVATAR_FILE.exec(url.pathname.slice(AVATAR_PATH.length))
    : null;
  if (req.method === "GET" && avatar) {
    return send(res, 200, "image/svg+xml", avatarSvg(avatar[1]!), {
      "cache-control": "max-age=86400",
    });
  }
  if (url.pathname === "/favicon.ico") {
    res.writeHead(204, { "cache-control": "max-age=86400" });
    return res.end();
  }
  const { path, withoutSlash } = platformPath(url.pathname);
  const entry: RequestEntry = {
    at: control.now(),
    method: (req.method ?? "").slice(0, 16),
    path: url.pathname.length > 200 ? `${url.pathname.slice(0, 200)}…` : url.pathname,
    withoutSlash,
    form: formOf(req.method, req.headers["content-type"]),
    operation:
      TOKEN_ROUTES[path as keyof typeof TOKEN_ROUTES] ??
      PAGE_ROUTES[path] ??
      (path === OPERATION_PATHS.userInfo ? "userInfo" : null),
    params: redactParams(firstValues(url.searchParams)),
    status: 0,
    outcome: "",
  };
  try {
    const outcome = await handlePlatform(control, req, res, url, path, (params) => {
      entry.params = redactParams(params);
    });
    if (outcome === undefined) {
      send(res, 404, "text/plain; charset=utf-8", "not found");
      Object.assign(entry, { status: 404, outcome: "not found" });
    } else {
      Object.assign(entry, outcome);
      control.onChange();
    }
  } catch (error) {
    Object.assign(entry, { status: 500, outcome: "emulator error" });
    throw error;
  } finally {
    control.activity.record(entry);
  }
}

export function createEmulatorServer(control: Control, access: ControlAccess): Server {
  return createServer((req, res) => {
    handle(control, access, req, res).catch(() => {
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", "emulator error");
      else res.destroy();
    });
  });
}
