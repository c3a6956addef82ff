// Ports and throwaway node:http servers on 127.0.0.1, for tests that need a socket of their own.
import type { Server } from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";

/** A loopback port the OS says is free (nothing listens on it once this resolves). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
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
