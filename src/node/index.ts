/**
 * The fast path on Node: token requests over keep-alive `node:http` / `node:https`, with no
 * Request or Response objects in between. Pass it as the client's `transport`.
 * @example
 * import { createDouyinOAuth } from "douyin-oauth";
 * import { nodeTransport } from "douyin-oauth/node";
 * const douyin = createDouyinOAuth({ clientKey, clientSecret, transport: nodeTransport() });
 */
import type { Agent as HttpAgent, ClientRequest, IncomingMessage } from "node:http";
import type { Agent as HttpsAgent } from "node:https";
import type { Socket } from "node:net";
import {
  AnswerTooLargeError,
  Deadlines,
  MAX_ANSWER_BYTES,
  timeoutReason,
  unwatch,
  watch,
  type Abortable,
  type Deadlined,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from "../transport.js";
import { proxyFor, readProxyEnv, type Proxy } from "./proxy.js";

export type { Transport, TransportRequest, TransportResponse } from "../transport.js";

/** What {@link nodeTransport} takes: the sockets per origin, or agents of your own (proxies come from the environment). */
export interface NodeTransportOptions {
  /** Sockets kept per host; default 64. */
  maxSockets?: number;
  /**
   * Agents of your own (proxies, TLS settings); keep-alive ones by default. Given either, the
   * proxy environment variables are not read: your agents decide.
   */
  httpAgent?: HttpAgent;
  httpsAgent?: HttpsAgent;
}

/** A transport over node:http and node:https with keep-alive agents; `close()` ends its sockets. */
export interface NodeTransport extends Transport {
  /** Closes the kept-alive sockets. */
  close(): void;
}

/**
 * A keep-alive node:http(s) transport. Like the fetch one, it never follows a redirect: a 3xx is
 * reported as kind `http-status`. Unless given agents, it honours `HTTPS_PROXY`, `HTTP_PROXY`
 * and `NO_PROXY` (or their lower-case forms) as they are when it is made: an https URL through
 * an HTTP CONNECT tunnel, an http one through the proxy as a forward proxy.
 */
export function nodeTransport(options: NodeTransportOptions = {}): NodeTransport {
  const maxSockets = options.maxSockets ?? 64;
  const given = options.httpAgent !== undefined || options.httpsAgent !== undefined;
  const env = given ? undefined : readProxyEnv(process.env);
  // node:http and node:https load on first use, not at import: the package's `node` entry
  // imports this module, and importing it must stay cheap (BENCHMARKS.md, cold start).
  let http = options.httpAgent;
  let https = options.httpsAgent;
  const plain = () => (http ??= new (builtin("node:http").Agent)({ keepAlive: true, maxSockets }));
  const secured = () =>
    (https ??= new (builtin("node:https").Agent)({ keepAlive: true, maxSockets }));
  /** Agents to each proxy, made on first use. */
  const proxied = new Map<string, HttpAgent>();
  const viaProxy = (proxy: Proxy, secure: boolean) => {
    const key = `${secure ? "s" : "p"} ${proxy.url}`;
    let agent = proxied.get(key);
    if (agent === undefined) {
      agent = proxyAgent(proxy, secure, maxSockets);
      proxied.set(key, agent);
    }
    return agent;
  };
  // One unref'd timer for every request's deadline (the socket keeps the process alive).
  const deadlines = new Deadlines(false);

  const send = (request: TransportRequest) =>
    new Promise<TransportResponse>((resolve, reject) => {
      const { signal } = request;
      if (signal?.aborted) return reject(signal.reason);
      const target = parse(request.url);
      const { body } = request;
      let headers =
        body === undefined
          ? request.headers
          : { ...request.headers, "content-length": String(Buffer.byteLength(body)) };
      const proxy = env === undefined ? undefined : proxyFor(env, target);
      let agent: HttpAgent;
      let path = target.path;
      if (proxy === undefined) agent = target.secure ? secured() : plain();
      else {
        agent = viaProxy(proxy, target.secure);
        if (!target.secure) {
          // A forward proxy: the absolute URL on the request line, its credentials alongside.
          path = `http://${target.authority}${target.path}`;
          if (proxy.authorization !== undefined)
            headers = { ...headers, "proxy-authorization": proxy.authorization };
        }
      }
      const req = builtin(target.secure ? "node:https" : "node:http").request({
        host: target.host,
        port: target.port,
        path,
        method: request.method,
        headers,
        agent,
      });
      const exchange = new Exchange(req, request.deadline, signal, deadlines, resolve, reject);
      req.on("response", (res: IncomingMessage) => exchange.response(res));
      req.on("error", (error) => exchange.fail(error));
      deadlines.add(exchange);
      if (signal !== undefined) watch(signal, exchange);
      req.end(body);
    });

  return Object.assign(send, {
    close() {
      if (!options.httpAgent) http?.destroy();
      if (!options.httpsAgent) https?.destroy();
      for (const agent of proxied.values()) agent.destroy();
      proxied.clear();
    },
  });
}

/**
 * One request and its answer: ended by the answer, a failure, the deadline or the caller's
 * signal, whichever comes first.
 */
class Exchange implements Deadlined, Abortable {
  #done = false;
  #status = 0;
  #chunks: Buffer[] = [];
  #size = 0;
  constructor(
    readonly req: ClientRequest,
    readonly deadline: number,
    readonly signal: AbortSignal | undefined,
    readonly deadlines: Deadlines,
    readonly resolve: (response: TransportResponse) => void,
    readonly reject: (error: unknown) => void,
  ) {}

  #end(): boolean {
    if (this.#done) return false;
    this.#done = true;
    this.deadlines.delete(this);
    if (this.signal !== undefined) unwatch(this.signal, this);
    return true;
  }

  response(res: IncomingMessage): void {
    this.#status = res.statusCode ?? 0;
    // A connection closed before the whole answer: node:http reports it as a bare "aborted".
    res.on("error", (error) =>
      this.fail(res.complete ? error : new Error("the connection closed mid-answer")),
    );
    // Past 1 MiB (declared or counted), stop: drop the connection rather than read on.
    if (declaredLength(res.rawHeaders) > MAX_ANSWER_BYTES) return this.#tooLarge();
    res.on("data", (chunk: Buffer) => {
      this.#size += chunk.length;
      if (this.#size > MAX_ANSWER_BYTES) return this.#tooLarge();
      this.#chunks.push(chunk);
    });
    res.on("end", () => {
      if (!this.#end()) return;
      const chunks = this.#chunks;
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.#size);
      this.resolve({ status: this.#status, text: body.toString("utf8") });
    });
  }

  #tooLarge(): void {
    this.#stop(new AnswerTooLargeError(this.#status));
  }

  /** Ends the request and drops its connection, rejecting with `reason`. */
  #stop(reason: unknown): void {
    if (!this.#end()) return;
    this.req.destroy();
    this.reject(reason);
  }

  fail(error: unknown): void {
    if (this.#end()) this.reject(error);
  }

  expire(): void {
    this.#stop(timeoutReason());
  }

  aborted(): void {
    this.#stop(this.signal!.reason);
  }
}

/**
 * The content-length an answer declares, from its raw headers: `res.headers` would build an
 * object of every header on each answer, for this one.
 */
function declaredLength(raw: string[]): number {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 14 && name.toLowerCase() === "content-length") return Number(raw[i + 1]);
  }
  return NaN;
}

/**
 * A keep-alive agent whose connections go through `proxy`: for https, each socket is a CONNECT
 * tunnel with TLS inside it (to the target, checked as usual); for http, each socket is a
 * connection to the proxy, which forwards the requests.
 */
function proxyAgent(proxy: Proxy, secure: boolean, maxSockets: number): HttpAgent {
  const agent = secure
    ? new (builtin("node:https").Agent)({ keepAlive: true, maxSockets })
    : new (builtin("node:http").Agent)({ keepAlive: true, maxSockets });
  type Created = (error: Error | null, socket?: Socket) => void;
  const toProxy = () =>
    proxy.secure
      ? builtin("node:tls").connect({ host: proxy.host, port: proxy.port, servername: proxy.host })
      : builtin("node:net").connect({ host: proxy.host, port: proxy.port });
  const connect = (options: Record<string, unknown>, created: Created) => {
    const socket = toProxy();
    if (!secure) {
      socket.once("error", (error) => created(error));
      socket.once(proxy.secure ? "secureConnect" : "connect", () => {
        socket.removeAllListeners("error");
        created(null, socket);
      });
      return undefined;
    }
    const host = String(options.host);
    const authority = `${host.includes(":") ? `[${host}]` : host}:${String(options.port)}`;
    tunnel(socket, authority, proxy.authorization, (error) => {
      if (error) {
        socket.destroy();
        return created(error);
      }
      const tls = builtin("node:tls").connect({ ...options, socket });
      created(null, tls);
    });
    return undefined;
  };
  (agent as unknown as { createConnection: typeof connect }).createConnection = connect;
  return agent;
}

/** Asks the proxy on `socket` for a tunnel to `authority`; `done` once it answers. */
function tunnel(
  socket: Socket,
  authority: string,
  authorization: string | undefined,
  done: (error?: Error) => void,
): void {
  let head = Buffer.alloc(0);
  const finish = (error?: Error) => {
    socket.off("data", onData);
    socket.off("error", finish);
    socket.off("close", onClose);
    done(error);
  };
  const onClose = () => finish(new Error("the proxy closed the connection before the tunnel"));
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf("\r\n\r\n");
    if (end < 0) {
      if (head.length > 16_384) finish(new Error("the proxy's answer to CONNECT is too long"));
      return;
    }
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(head.subarray(0, end).toString("latin1"));
    if (status?.[1] !== "200") {
      return finish(new Error(`the proxy refused the tunnel (${status?.[1] ?? "no status"})`));
    }
    // Bytes after the proxy's answer belong to TLS: hand them back to the socket.
    if (end + 4 < head.length) socket.unshift(head.subarray(end + 4));
    finish();
  };
  socket.on("data", onData);
  socket.once("error", finish);
  socket.once("close", onClose);
  socket.write(
    `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n` +
      (authorization === undefined ? "" : `Proxy-Authorization: ${authorization}\r\n`) +
      "\r\n",
  );
}

interface Builtins {
  "node:http": typeof import("node:http");
  "node:https": typeof import("node:https");
  "node:net": typeof import("node:net");
  "node:tls": typeof import("node:tls");
}
const builtin = <Id extends keyof Builtins>(id: Id): Builtins[Id] =>
  process.getBuiltinModule(id) as Builtins[Id];

/** A request URL taken apart once per origin: what the transport and the proxy rules read. */
export interface Target {
  secure: boolean;
  host: string;
  port: string;
  /** host:port as in the URL (an IPv6 host in brackets). */
  authority: string;
  path: string;
}
const origins = new Map<string, Omit<Target, "path">>();

/**
 * An absolute http(s) URL as node:http's options, the origin's part parsed once per origin (a
 * client sends to one base URL): cheaper than node:http parsing the whole URL on every call.
 */
function parse(url: string): Target {
  // The origin ends at the first "/", "?" or "#" after the scheme's "//".
  const start = url.indexOf("//") + 2;
  let end = url.indexOf("/", start);
  if (end < 0) end = url.length;
  for (const mark of ["?", "#"]) {
    const at = url.indexOf(mark, start);
    if (at >= 0 && at < end) end = at;
  }
  const origin = url.slice(0, end);
  let known = origins.get(origin);
  if (known === undefined) {
    const { protocol, hostname, port } = new URL(origin);
    const secure = protocol === "https:";
    // URL keeps an IPv6 host's brackets; node:http wants the bare address.
    const host = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
    const given = port || (secure ? "443" : "80");
    known = { secure, host, port: given, authority: `${hostname}:${given}` };
    if (origins.size < 64) origins.set(origin, known);
  }
  // node:http sends the path as given: never the fragment, and "/" before a bare query.
  const hash = url.indexOf("#", end);
  const rest = hash < 0 ? url.slice(end) : url.slice(end, hash);
  return {
    secure: known.secure,
    host: known.host,
    port: known.port,
    authority: known.authority,
    path: rest[0] === "/" ? rest : "/" + rest,
  };
}
