// The app around each framework in the end-to-end tests: a node:http server on 127.0.0.1 whose
// auth routes go to the framework's own handler, plus a home page and a /me page that show what
// the framework's session holds. Each test's afterAll closes it.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { createDouyinOAuth } from "../../src/index.js";
import type { Emulator } from "../../src/emulator/index.js";

export interface AppServer {
  url: string;
  close(): Promise<void>;
}

/** Listens on a free loopback port; `handle` is set once the URL is known (frameworks need it). */
type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export async function startAppServer(
  handle: (url: string) => Promise<Handler> | Handler,
): Promise<AppServer> {
  let handler: Handler | undefined;
  const server = createServer((req, res) => {
    // The frameworks' own pages declare no icon: answer the browser's guess, not with a 404.
    if (req.url === "/favicon.ico") return void res.writeHead(204).end();
    Promise.resolve(handler!(req, res)).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`app error: ${error instanceof Error ? error.name : "unknown"}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    handler = await handle(url);
  } catch (error) {
    server.close();
    throw error;
  }
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A node:http request as a web Request, for handlers that take one (Auth.js's `Auth`). */
export async function toWebRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method ?? "GET",
    headers,
    ...(hasBody ? { body: Buffer.concat(chunks) } : {}),
  });
}

/** A web Response written to node:http, every Set-Cookie kept. */
export async function sendWebResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}

/** `text` safe inside the pages' HTML. */
export const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Signs out through Auth.js' own page (the app's `#logout` link, then its button), waits for
 * the sign-out's redirect to land (a goto while it is in flight aborts it, and the page reports
 * that request as failed: one CI run under load did), then shows /me signed out.
 */
export async function signOutOfAuthjs(page: Page, appUrl: string): Promise<void> {
  await page.click("#logout");
  await page.waitForURL(`${appUrl}/auth/signout`);
  await page.click("#submitButton");
  await page.waitForURL((url) => url.pathname !== "/auth/signout");
  await page.goto(`${appUrl}/me`);
  await page.waitForSelector("#signed-out");
}

/** What /me shows: the signed-in user as the framework's session holds them, or nobody. */
export interface SignedIn {
  name: string;
  image: string;
  email: string;
  accountId: string;
}

/** The profile the emulator gives `user`, read through the client as any app would. */
export async function profileOf(emu: Emulator, user: string) {
  const [demo] = emu.apps;
  const douyin = createDouyinOAuth({ ...demo!, baseUrl: emu.url });
  const code = emu.issueCode({ scope: "user_info", user });
  const tokens = await douyin.accessToken({ code });
  return douyin.userInfo({ accessToken: tokens.access_token, openId: tokens.open_id });
}

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${escape(title)}</title><style>body{font:16px/1.5 system-ui,sans-serif;margin:3rem auto;max-width:32rem}img{border-radius:50%;vertical-align:middle}code{background:#f0f0f0;padding:.1rem .3rem}</style></head><body>${body}</body></html>`;
}

export function mePage(framework: string, user: SignedIn | undefined, signOut: string): string {
  if (!user) return page("Signed out", `<h1 id="signed-out">${escape(framework)}: signed out</h1>`);
  return page(
    "Signed in",
    `<h1>${escape(framework)}: signed in with Douyin</h1>
<p><img id="avatar" src="${escape(user.image)}" alt="" width="64" height="64"> <strong id="name">${escape(user.name)}</strong></p>
<p>account id <code id="account-id">${escape(user.accountId)}</code></p>
<p>email <code id="email">${escape(user.email)}</code></p>
${signOut}`,
  );
}

export function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
  res.end(body);
}
