// The registered apps, checked at the door: startEmulator's `apps` option, the CLI's --app and
// --config, all through one function, whose messages name the place and never a value. And the
// one rule of where the platform sends the browser back, used by the pages and the exchange.

/** An app registered with the emulator. */
export interface EmulatorApp {
  clientKey: string;
  clientSecret: string;
  /**
   * Hosts a redirect_uri may point at, any path (e.g. `127.0.0.1`, `localhost`, `app.example`).
   * Default `127.0.0.1` and `localhost` when neither this nor `redirectUris` is given.
   */
  redirectDomains?: string[];
  /**
   * Redirect URIs registered exactly, as the platform's console does (e.g.
   * `https://app.example/auth/callback`): a redirect_uri equal to one (the fragment aside) passes.
   */
  redirectUris?: string[];
  /** Shown on the consent page. */
  name?: string;
  /** Whether the app holds the renew_refresh_token permission (10004 otherwise); default true. */
  canRenew?: boolean;
}

/** An app as registered: both redirect lists filled (either may be empty, not both). */
export interface RegisteredApp extends EmulatorApp {
  redirectDomains: string[];
  redirectUris: string[];
}

/** The redirect domains of an app that registers none and no URI either. */
export const DEFAULT_DOMAINS: readonly string[] = ["127.0.0.1", "localhost"];

const FIELDS = ["clientKey", "clientSecret", "redirectDomains", "redirectUris", "name", "canRenew"];
/** A field name safe to repeat in a message: a value typed where a name goes is not repeated. */
const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,40}$/;
/** A hostname as a redirect_uri's would read (URL's `hostname`): letters, digits, dots, dashes, IPv6. */
const HOST = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])$/i;

/** `uri` as the platform compares it: origin and path (no query, no fragment, no user). */
const compared = (uri: URL) => `${uri.origin}${uri.pathname}`;

/** A registered redirect URI, normalised; undefined when it is not one the platform would take. */
function registeredUri(value: unknown): string | undefined {
  if (typeof value !== "string" || !URL.canParse(value) || /[?#]/.test(value)) return undefined;
  const uri = new URL(value);
  const web = uri.protocol === "http:" || uri.protocol === "https:";
  return web && uri.username === "" && uri.password === "" ? compared(uri) : undefined;
}

/** The message for an unknown field: its name when it looks like one. */
export function unknownField(at: string, name: string, known: readonly string[]): string {
  return SAFE_NAME.test(name)
    ? `${at} has an unknown field "${name}"; known: ${known.join(", ")}`
    : `${at} has an unknown field; known: ${known.join(", ")}`;
}

/** An app with its redirect lists filled, as given otherwise (for apps checked already). */
export function registered(app: EmulatorApp): RegisteredApp {
  const { redirectDomains, redirectUris = [] } = app;
  return {
    ...app,
    redirectDomains: redirectDomains ?? (app.redirectUris ? [] : [...DEFAULT_DOMAINS]),
    redirectUris,
  };
}

/**
 * The apps as given, checked: each with a key, a secret and redirect domains or URIs (domains
 * default to {@link DEFAULT_DOMAINS} when neither is given); keys unique.
 */
export function checkApps(apps: unknown, where = `"apps"`): RegisteredApp[] {
  if (!Array.isArray(apps) || apps.length === 0) {
    throw new TypeError(`${where} must list at least one app`);
  }
  const keys = new Set<string>();
  return apps.map((app: unknown, i) => {
    const at = `${where}[${i}]`;
    if (typeof app !== "object" || app === null || Array.isArray(app)) {
      throw new TypeError(`${at} must be an object`);
    }
    const fields = app as Record<string, unknown>;
    const unknown = Object.keys(fields).find((key) => !FIELDS.includes(key));
    if (unknown !== undefined) throw new TypeError(unknownField(at, unknown, FIELDS));
    const { clientKey, clientSecret, redirectDomains, redirectUris, name, canRenew } = fields;
    if (typeof clientKey !== "string" || !/^[\x21-\x7e]+$/.test(clientKey)) {
      throw new TypeError(`${at}.clientKey must be a non-empty string without spaces`);
    }
    if (keys.has(clientKey)) throw new TypeError(`${at}.clientKey is registered twice`);
    keys.add(clientKey);
    if (typeof clientSecret !== "string" || clientSecret === "") {
      throw new TypeError(`${at}.clientSecret is missing or empty`);
    }
    const domains = redirectDomains ?? (redirectUris === undefined ? DEFAULT_DOMAINS : []);
    if (
      !Array.isArray(domains) ||
      (domains.length === 0 && redirectUris === undefined) ||
      !domains.every((d) => typeof d === "string" && HOST.test(d))
    ) {
      throw new TypeError(`${at}.redirectDomains must list host names (e.g. "127.0.0.1")`);
    }
    const uris = Array.isArray(redirectUris) ? redirectUris.map(registeredUri) : [];
    if (
      redirectUris !== undefined &&
      (!Array.isArray(redirectUris) ||
        (uris.length === 0 && domains.length === 0) ||
        uris.includes(undefined))
    ) {
      throw new TypeError(
        `${at}.redirectUris must list http:// or https:// URLs without query or fragment (e.g. "https://app.example/callback")`,
      );
    }
    if (name !== undefined && typeof name !== "string") {
      throw new TypeError(`${at}.name must be a string`);
    }
    if (canRenew !== undefined && typeof canRenew !== "boolean") {
      throw new TypeError(`${at}.canRenew must be true or false`);
    }
    return {
      clientKey,
      clientSecret,
      redirectDomains: (domains as string[]).map((d) => d.toLowerCase()),
      redirectUris: uris as string[],
      ...(name === undefined ? {} : { name }),
      ...(canRenew === undefined ? {} : { canRenew }),
    };
  });
}

/**
 * Whether the platform sends the browser back to `uri` for this app (PLATFORM.md, the
 * redirect_uri rule): http(s), no query of the app's own, and a registered host or exactly a
 * registered URI; the fragment is not compared.
 */
export function redirectAllowed(app: RegisteredApp, uri: URL): boolean {
  if ((uri.protocol !== "http:" && uri.protocol !== "https:") || uri.search !== "") return false;
  if (uri.username !== "" || uri.password !== "") return false;
  return app.redirectDomains.includes(uri.hostname) || app.redirectUris.includes(compared(uri));
}
