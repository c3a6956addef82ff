// The emulator's request record (/_emulator/requests): what it keeps, how it names a request's
// form, and how it cuts and redacts what it shows.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ACTIVITY_SIZE, redactParams } from "../../src/emulator/activity.js";
import { startEmulator, type Emulator, type RequestEntry } from "../../src/emulator/index.js";

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(() => emu.close());

const PATH = "/oauth/client_token/";
const requests = async (): Promise<RequestEntry[]> =>
  ((await (await fetch(new URL("/_emulator/requests", emu.url))).json()) as any).requests;

async function getWith(params: Record<string, string>) {
  const url = new URL(PATH, emu.url);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  await (await fetch(url)).arrayBuffer();
}

describe("activity › what it keeps", () => {
  it("a fresh emulator records exactly the requests it received, newest first", async () => {
    expect(await requests()).toEqual([]);
    await getWith({ client_key: "first" });
    await getWith({ client_key: "second" });
    const list = await requests();
    expect(list.map((r) => r.params.client_key)).toEqual(["second", "first"]);
  });

  it(`keeps the last ${ACTIVITY_SIZE} requests, dropping the oldest`, async () => {
    for (let i = 0; i <= ACTIVITY_SIZE; i += 1) await getWith({ client_key: `k${i}` });
    const list = await requests();
    expect(list).toHaveLength(ACTIVITY_SIZE);
    expect(list[0]!.params.client_key).toBe(`k${ACTIVITY_SIZE}`);
    expect(list.at(-1)!.params.client_key).toBe("k1");
  });
});

describe("activity › how it shows parameters", () => {
  it("a code shows at most a quarter of its characters (and at most 8)", async () => {
    await getWith({ code: "abcdefghijkl", token: "t".repeat(100) });
    const [entry] = await requests();
    expect(entry!.params.code).toBe("abc…");
    expect(entry!.params.token).toBe("tttttttt…");
  });

  it("cuts a parameter name past 64 characters and a value past 200", async () => {
    const name = "n".repeat(65);
    await getWith({
      [name]: "v",
      long: "x".repeat(201),
      edge: "y".repeat(200),
      ["m".repeat(64)]: "w",
    });
    const [entry] = await requests();
    expect(entry!.params).toEqual({
      [`${"n".repeat(64)}…`]: "v",
      long: `${"x".repeat(200)}…`,
      edge: "y".repeat(200),
      ["m".repeat(64)]: "w",
    });
  });
});

describe("activity › a request's form", () => {
  it("names the body's media type, in any letter case, and anything else as other", async () => {
    const post = async (type: string | undefined, body: string) => {
      await (
        await fetch(new URL(PATH, emu.url), {
          method: "POST",
          headers: type === undefined ? {} : { "content-type": type },
          body,
        })
      ).arrayBuffer();
    };
    await post("Application/X-WWW-Form-Urlencoded; charset=UTF-8", "a=1");
    await post("APPLICATION/JSON", "{}");
    await post("text/plain", "a=1");
    await post("application/jsonx", "{}");
    await post("application/json ; charset=utf-8", '{"client_key":"spaced"}');
    const list = (await requests()).reverse();
    expect(list.map((r) => r.form)).toEqual([
      "POST form",
      "POST JSON",
      "POST other",
      "POST other",
      "POST JSON",
    ]);
    // read as JSON too: the media type is taken without the spaces before its parameters
    expect(list.at(-1)!.params).toEqual({ client_key: "spaced" });
  });
});

describe("redactParams", () => {
  it("leaves out a parameter without a value, secret or not", () => {
    expect(
      redactParams({ client_secret: undefined, code: "abcdefgh", scope: undefined, a: "b" }),
    ).toEqual({ code: "ab…", a: "b" });
  });
});
