// startEmulator (src/emulator/index.ts): its options' checks before anything listens, the host
// and port it listens on and the URL it hands out, a listen failure passed on, the handle's
// views (apps, stats, stored) as snapshots, the once-a-minute purge, and close() that ends open
// connections instead of waiting for them.
import { createServer, connect, type AddressInfo, type Server } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDouyinOAuth } from "../../src/index.js";
import { DEMO_APP, LIFETIMES, startEmulator, type Emulator } from "../../src/emulator/index.js";

const started: Emulator[] = [];
async function start(options: Parameters<typeof startEmulator>[0]) {
  const emu = await startEmulator(options);
  started.push(emu);
  return emu;
}
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(started.splice(0).map((emu) => emu.close()));
});

const TOKEN_RULE = new TypeError(`"controlToken" must be a string of at least 8 characters`);

describe("startEmulator's checks", () => {
  it("a control token must be a string of at least 8 characters", async () => {
    for (const controlToken of ["", "1234567", 12345678, ["12345678"], null]) {
      await expect(
        startEmulator({ controlToken: controlToken as string }),
        JSON.stringify(controlToken),
      ).rejects.toThrow(TOKEN_RULE);
    }
    const eight = await start({ controlToken: "12345678" });
    const res = await fetch(`${eight.url}/_emulator/stats`, {
      headers: { authorization: "Bearer 12345678" },
    });
    expect(res.status).toBe(200);
    expect((await fetch(`${eight.url}/_emulator/stats`)).status).toBe(401);
  });

  it("every other option of the wrong kind is a TypeError naming it, before anything listens", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ host: "" }, `"host" must be a non-empty string`],
      [{ host: 127001 }, `"host" must be a non-empty string`],
      [{ port: -1 }, `"port" must be an integer from 0 to 65535`],
      [{ port: 65536 }, `"port" must be an integer from 0 to 65535`],
      [{ port: 80.5 }, `"port" must be an integer from 0 to 65535`],
      [{ port: "8787" }, `"port" must be an integer from 0 to 65535`],
      [{ now: 1_795_737_600_000 }, `"now" must be a function returning milliseconds`],
      [{ stringNumbers: "yes" }, `"stringNumbers" must be true or false`],
      [{ stateFile: "" }, `"stateFile" must be a non-empty path`],
      [{ stateFile: 1 }, `"stateFile" must be a non-empty path`],
    ];
    for (const [options, message] of cases) {
      await expect(startEmulator(options as never), JSON.stringify(options)).rejects.toThrow(
        new TypeError(message),
      );
    }
    // the edges each lets through
    const edges = await start({ port: 0, stringNumbers: false, now: () => Date.now() });
    expect(Number(new URL(edges.url).port)).toBeGreaterThan(0);
    // the highest port passes the check: it listens, or (taken) rejects with the listen error
    const highest = await startEmulator({ port: 65_535 }).catch((e: unknown) => e);
    if (highest instanceof Error) {
      expect((highest as NodeJS.ErrnoException).code).toBe("EADDRINUSE");
    } else {
      await (highest as Emulator).close();
      expect((highest as Emulator).url).toBe("http://127.0.0.1:65535");
    }
  });

  it("a host beyond loopback is allowed with a control token (then listening may fail)", async () => {
    // 192.0.2.1 (TEST-NET-1) is no address of this machine: the check passes, the bind fails
    const refused = await startEmulator({ host: "192.0.2.1", controlToken: "12345678" }).catch(
      (e: unknown) => e,
    );
    expect(refused).not.toBeInstanceOf(TypeError);
    expect((refused as NodeJS.ErrnoException).code).toBe("EADDRNOTAVAIL");
  });
});

describe("where it listens", () => {
  it("127.0.0.1 and a free port by default", async () => {
    const emu = await start({});
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(emu.url).port)).toBeGreaterThan(0);
    expect((await fetch(`${emu.url}/`)).status).toBe(200);
  });

  it("an IPv6 host is bracketed in the URL, given bare or bracketed; localhost is kept as given", async () => {
    const six = await start({ host: "::1" });
    expect(six.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
    expect((await fetch(`${six.url}/`)).status).toBe(200);
    // as a URL writes it (and as --host takes it): listened on without the brackets
    const bracketed = await start({ host: "[::1]" });
    expect(bracketed.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
    expect((await fetch(`${bracketed.url}/`)).status).toBe(200);
    const named = await start({ host: "localhost" });
    expect(named.url).toMatch(/^http:\/\/localhost:\d+$/);
  });

  it("the given port; a port in use rejects with the listen error", async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      const busy = await startEmulator({ port }).catch((e: unknown) => e);
      expect((busy as NodeJS.ErrnoException).code).toBe("EADDRINUSE");
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
    const emu = await start({ port });
    expect(emu.url).toBe(`http://127.0.0.1:${port}`);
  });
});

describe("the handle", () => {
  it("apps, stats and stored are snapshots: changing one changes nothing", async () => {
    const emu = await start({});
    const apps = emu.apps;
    const original = structuredClone(apps);
    expect(apps).toMatchObject([DEMO_APP]);
    apps[0]!.clientSecret = "changed";
    apps[0]!.redirectDomains.push("evil.example");
    expect(emu.apps).toEqual(original);
    const before = emu.stats;
    const stored = emu.stored;
    await createDouyinOAuth({ ...DEMO_APP, baseUrl: emu.url }).clientToken();
    expect(before.clientToken).toBe(0);
    expect(emu.stats.clientToken).toBe(1);
    expect(stored.clientTokens).toBe(0);
    expect(emu.stored.clientTokens).toBe(1);
    (emu.stats as { clientToken: number }).clientToken = 99;
    expect(emu.stats.clientToken).toBe(1);
  });

  it("injectFault, listFaults, clearFaults and reset act on the running emulator", async () => {
    const emu = await start({});
    const douyin = createDouyinOAuth({ ...DEMO_APP, baseUrl: emu.url, retry: false });
    emu.injectFault({ operation: "clientToken", kind: "status", status: 503, times: 2 });
    expect(emu.listFaults()).toEqual([
      { operation: "clientToken", kind: "status", status: 503, left: 2 },
    ]);
    await expect(douyin.clientToken()).rejects.toMatchObject({ status: 503 });
    expect(emu.listFaults()).toMatchObject([{ left: 1 }]);
    emu.clearFaults();
    expect(emu.listFaults()).toEqual([]);
    const { access_token } = await douyin.clientToken();
    emu.injectFault({ kind: "reset" });
    emu.advanceTime(60_000);
    emu.issueCode({ scope: "user_info" });
    expect(emu.isValid(access_token)).toBe(true);
    emu.reset(); // forgets tokens, faults, counts and the clock's advance
    expect(emu.isValid(access_token)).toBe(false);
    expect(emu.listFaults()).toEqual([]);
    expect(emu.stored).toEqual({ codes: 0, accessTokens: 0, refreshTokens: 0, clientTokens: 0 });
    expect(emu.stats.clientToken).toBe(0);
    expect(emu.now() - Date.now()).toBeLessThan(30_000);
  });

  it("purges expired codes once a minute, even when no request comes", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    let clock = Date.UTC(2026, 10, 27, 9, 0, 0);
    const emu = await start({ now: () => clock });
    emu.issueCode({ scope: "user_info" });
    clock += LIFETIMES.code - 200;
    expect((await fetch(`${emu.url}/nope`)).status).toBe(404); // a request purges (not yet due)
    clock += 400; // the code has expired, less than a second after that purge
    expect(emu.stored.codes).toBe(1);
    vi.advanceTimersByTime(59_999);
    expect(emu.stored.codes).toBe(1);
    vi.advanceTimersByTime(1);
    expect(emu.stored.codes).toBe(0);
  });
});

describe("close()", () => {
  it("ends a connection left open mid-request instead of waiting for it", async () => {
    const emu = await startEmulator({});
    const { hostname, port } = new URL(emu.url);
    const socket = connect(Number(port), hostname);
    socket.on("error", () => undefined); // the reset is the point
    const ended = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"); // the headers never finish
    try {
      await emu.close(); // would wait for the request's headers timeout (a minute)
      await ended;
      expect(socket.destroyed).toBe(true);
    } finally {
      socket.destroy();
    }
  });

  it("stops listening: a new connection is refused", async () => {
    const emu = await startEmulator({});
    await emu.close();
    await expect(fetch(`${emu.url}/`)).rejects.toThrow();
  });
});
