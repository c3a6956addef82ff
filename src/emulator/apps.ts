// The registered apps, checked at the door: startEmulator's `apps` option, the CLI's --app and
// --config, all through one function, whose messages name the place and never a value.
import type { EmulatorApp } from "./ledger.js";

const FIELDS = ["clientKey", "clientSecret", "redirectDomains", "name", "canRenew"];
/** A hostname as a redirect_uri's would read (URL's `hostname`): letters, digits, dots, dashes, IPv6. */
const HOST = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])$/i;

/** The apps as given, checked: each with a key, a secret and redirect domains; keys unique. */
export function checkApps(apps: unknown, where = `"apps"`): EmulatorApp[] {
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
    if (unknown !== undefined) {
      throw new TypeError(`${at} has an unknown field; known: ${FIELDS.join(", ")}`);
    }
    const { clientKey, clientSecret, redirectDomains, name, canRenew } = fields;
    if (typeof clientKey !== "string" || !/^[\x21-\x7e]+$/.test(clientKey)) {
      throw new TypeError(`${at}.clientKey must be a non-empty string without spaces`);
    }
    if (keys.has(clientKey)) throw new TypeError(`${at}.clientKey is registered twice`);
    keys.add(clientKey);
    if (typeof clientSecret !== "string" || clientSecret === "") {
      throw new TypeError(`${at}.clientSecret is missing or empty`);
    }
    if (
      !Array.isArray(redirectDomains) ||
      redirectDomains.length === 0 ||
      !redirectDomains.every((d) => typeof d === "string" && HOST.test(d))
    ) {
      throw new TypeError(`${at}.redirectDomains must list host names (e.g. "127.0.0.1")`);
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
      redirectDomains: (redirectDomains as string[]).map((d) => d.toLowerCase()),
      ...(name === undefined ? {} : { name }),
      ...(canRenew === undefined ? {} : { canRenew }),
    };
  });
}
