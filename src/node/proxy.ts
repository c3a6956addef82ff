// The proxy environment variables, as nodeTransport reads them: HTTPS_PROXY for https URLs,
// HTTP_PROXY for http ones (the lower-case forms first, as curl, undici and Node read them),
// NO_PROXY for the hosts that go direct. Read once, when the transport is made.

/** A proxy, parsed from its URL. */
export interface Proxy {
  url: string;
  /** TLS to the proxy itself (an https:// proxy URL). */
  secure: boolean;
  host: string;
  port: number;
  /** `Basic …`, from the URL's user and password, if it has them. */
  authorization: string | undefined;
}

export interface ProxyEnv {
  https: Proxy | undefined;
  http: Proxy | undefined;
  /** NO_PROXY's entries, lower case: `*`, a host (`.` prefix or not), `host:port`. */
  noProxy: string[];
}

type Env = Record<string, string | undefined>;
const read = (env: Env, name: string) => env[name.toLowerCase()] || env[name] || undefined;

/** The proxies the environment names, or undefined when it names none (the fast path). */
export function readProxyEnv(env: Env): ProxyEnv | undefined {
  const https = parseProxy(read(env, "HTTPS_PROXY"), "HTTPS_PROXY");
  const http = parseProxy(read(env, "HTTP_PROXY"), "HTTP_PROXY");
  if (https === undefined && http === undefined) return undefined;
  const noProxy = (read(env, "NO_PROXY") ?? "")
    .split(/[\s,]+/)
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== "");
  return { https, http, noProxy };
}

function parseProxy(value: string | undefined, name: string): Proxy | undefined {
  if (value === undefined) return undefined;
  // A bare host:port is an http proxy, as curl reads it.
  const text = /^[a-z][a-z\d+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new TypeError(`${name} must be an http:// or https:// proxy URL`);
  }
  const secure = url.protocol === "https:";
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const credentials =
    url.username === ""
      ? undefined
      : `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return {
    url: `${url.protocol}//${url.host}`,
    secure,
    host,
    port: Number(url.port || (secure ? 443 : 80)),
    authorization:
      credentials === undefined
        ? undefined
        : `Basic ${Buffer.from(credentials, "utf8").toString("base64")}`,
  };
}

/** The proxy for a request to `target`, or undefined to go direct. */
export function proxyFor(
  env: ProxyEnv,
  target: { secure: boolean; host: string; port: string },
): Proxy | undefined {
  const proxy = target.secure ? env.https : env.http;
  if (proxy === undefined) return undefined;
  const host = target.host.toLowerCase();
  for (const entry of env.noProxy) {
    if (entry === "*") return undefined;
    // "host:port" or "[v6]:port" applies to that port only.
    const portAt = entry.lastIndexOf(":");
    const hasPort = entry.startsWith("[")
      ? portAt > entry.indexOf("]")
      : portAt > 0 && entry.indexOf(":") === portAt;
    const name = (hasPort ? entry.slice(0, portAt) : entry).replace(/^\[|\]$/g, "");
    if (hasPort && entry.slice(portAt + 1) !== target.port) continue;
    const domain = name.replace(/^\*?\./, "");
    if (host === domain || host.endsWith(`.${domain}`)) return undefined;
  }
  return proxy;
}
