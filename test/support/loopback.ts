// Ports and throwaway node:http servers on 127.0.0.1, for tests that need a socket of their own.
import type { Server } from "node:http";
import { createServer, type AddressInfo, type Server as NetServer } from "node:net";
import { afterAll, beforeAll } from "vitest";

/** A loopback port that was free when checked (nothing listens on it once this resolves). */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}

/**
 * Listening ports, picked at random below Linux's ephemeral range (32768 and up), where the
 * outgoing connections of a busy test never take one between its check and its use; each
 * checked free by binding it, all held at once so none is handed out twice.
 */
export async function freePorts(count: number): Promise<number[]> {
  const held: NetServer[] = [];
  try {
    for (let tries = 0; held.length < count; tries++) {
      if (tries > 200) throw new Error(`no ${count} free loopback ports found`);
      const port = 10_000 + Math.floor(Math.random() * 22_000);
      if (held.some((s) => (s.address() as AddressInfo).port === port)) continue;
      const server = createServer();
      const bound = await new Promise<boolean>((resolve) => {
        server.once("error", () => resolve(false));
        server.listen(port, "127.0.0.1", () => resolve(true));
      });
      if (bound) held.push(server);
    }
    return held.map((s) => (s.address() as AddressInfo).port);
  } finally {
    await Promise.all(held.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

/** `server` on a free loopback port for the enclosing file or describe's tests, closed after. */
export function serveOnLoopback(server: Server): { readonly url: string } {
  let url: string | undefined;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    get url() {
      if (url === undefined) throw new Error("the server listens in beforeAll");
      return url;
    },
  };
}
