// The --state file itself (src/emulator/state-file.ts): loadState's check of every field, each
// refusal naming the file and the place (never the value), and StateWriter's writes: coalesced
// after changes, atomic (no temporary file left, also when a write fails), one after another,
// the failure kept in `lastError` until a write succeeds, and `close()` writing the last state.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { DEMO_APP, StateFileError, startEmulator } from "../../src/emulator/index.js";
import { loadState, StateWriter, type SavedState } from "../../src/emulator/state-file.js";

const dir = mkdtempSync(join(tmpdir(), "douyin-state-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const fresh = (name = "state") => join(dir, `${name}-${++files}.json`);

const LATER = 4_102_444_800_000; // 2100-01-01
const user = { clientKey: DEMO_APP.clientKey, openId: "open_alice", scope: "user_info" };
/** A state with an entry in every collection, as the emulator writes it. */
const BASE: SavedState = {
  clockOffsetMs: 60_000,
  platform: {
    codes: [["code_1", { ...user, expiresAt: LATER }]],
    accessTokens: [["act.1", { ...user, expiresAt: LATER }]],
    refreshTokens: [["rft.1", { ...user, expiresAt: LATER, renewals: 0, accessToken: "act.1" }]],
    clientTokens: [[DEMO_APP.clientKey, [{ token: "clt.1", expiresAt: LATER }]]],
    stableTokens: [[DEMO_APP.clientKey, { token: "clt.2", expiresAt: LATER }]],
    clientTokenCalls: [[DEMO_APP.clientKey, [LATER - 1]]],
    profiles: [{ clientKey: DEMO_APP.clientKey, openId: "open_alice", profile: { nickname: "A" } }],
  },
};
const asFile = (state: unknown) =>
  JSON.stringify({ format: "douyin-oauth-emulator-state", version: 1, ...(state as object) });

/** BASE with the value at `path` replaced (or removed, for `undefined`). */
function changed(path: Array<string | number>, value: unknown): unknown {
  const copy = structuredClone(BASE) as unknown as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

async function refusal(content: string) {
  const file = fresh("refused");
  writeFileSync(file, content);
  const error = await loadState(file).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(StateFileError);
  expect((error as Error).name).toBe("StateFileError");
  expect(readFileSync(file, "utf8")).toBe(content); // left as it was
  return (error as Error).message.replace(`the state file ${file} `, "");
}

describe("loadState", () => {
  it("answers undefined for a file not there yet, and what it holds for a good one", async () => {
    expect(await loadState(join(dir, "none.json"))).toBeUndefined();
    const file = fresh();
    writeFileSync(file, asFile(BASE));
    expect(await loadState(file)).toStrictEqual(BASE); // without format and version
  });

  it("a file it cannot read is a StateFileError naming it, the cause kept", async () => {
    const folder = join(dir, "a-folder.json");
    mkdirSync(folder);
    const error = await loadState(folder).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateFileError);
    expect((error as Error).message).toBe(`the state file ${folder} cannot be read`);
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe("EISDIR");
  });

  it("refuses what is not an emulator state file, or another version of it", async () => {
    for (const content of ["null", "7", '"douyin-oauth-emulator-state"', "[]", '{"version":1}']) {
      expect(await refusal(content), content).toBe("is not an emulator state file");
    }
    for (const version of [undefined, "1", 2, 0]) {
      const content = JSON.stringify({ ...BASE, format: "douyin-oauth-emulator-state", version });
      expect(await refusal(content), content).toBe("has a version this emulator does not read");
    }
  });

  // [what is wrong, where, the value there, what it must be]
  const wrong: Array<[Array<string | number>, unknown, string]> = [
    [["clockOffsetMs"], -1, "a non-negative integer"],
    [["clockOffsetMs"], 1.5, "a non-negative integer"],
    [["clockOffsetMs"], "0", "a non-negative integer"],
    [["clockOffsetMs"], undefined, "a non-negative integer"],
    [["platform"], null, "an object"],
    [["platform"], [], "an object"],
    [["platform"], "all", "an object"],
    [["platform", "codes"], {}, "an array"],
    [["platform", "codes"], undefined, "an array"],
    [["platform", "codes", 0], ["code_1"], "a [key, value] pair"],
    [["platform", "codes", 0], ["code_1", {}, {}], "a [key, value] pair"],
    [["platform", "codes", 0], { 0: "code_1", 1: {}, length: 2 }, "a [key, value] pair"],
    [["platform", "codes", 0, 0], "", "a non-empty string"],
    [["platform", "codes", 0, 0], 1, "a non-empty string"],
    [["platform", "codes", 0, 1], null, "an object"],
    [["platform", "codes", 0, 1, "clientKey"], "", "a non-empty string"],
    [["platform", "codes", 0, 1, "openId"], undefined, "a non-empty string"],
    [["platform", "codes", 0, 1, "scope"], ["user_info"], "a non-empty string"],
    [["platform", "codes", 0, 1, "expiresAt"], "soon", "a number"],
    [["platform", "accessTokens", 0, 1, "openId"], 7, "a non-empty string"],
    [["platform", "accessTokens", 0, 1, "expiresAt"], null, "a number"],
    [["platform", "refreshTokens", 0, 1, "scope"], "", "a non-empty string"],
    [["platform", "refreshTokens", 0, 1, "renewals"], -1, "a non-negative integer"],
    [["platform", "refreshTokens", 0, 1, "renewals"], 0.5, "a non-negative integer"],
    [["platform", "refreshTokens", 0, 1, "accessToken"], "", "a non-empty string"],
    [["platform", "clientTokens", 0, 1], {}, "an array"],
    [["platform", "clientTokens", 0, 1, 0], "clt.1", "an object"],
    [["platform", "clientTokens", 0, 1, 0, "token"], "", "a non-empty string"],
    [["platform", "clientTokens", 0, 1, 0, "expiresAt"], "1", "a number"],
    [["platform", "stableTokens", 0, 1], [], "an object"],
    [["platform", "stableTokens", 0, 1, "token"], undefined, "a non-empty string"],
    [["platform", "clientTokenCalls", 0, 1], 5, "an array"],
    [["platform", "clientTokenCalls", 0, 1, 0], "5", "a number"],
    [["platform", "profiles"], {}, "an array"],
    [["platform", "profiles", 0], [], "an object"],
    [["platform", "profiles", 0, "clientKey"], "", "a non-empty string"],
    [["platform", "profiles", 0, "openId"], undefined, "a non-empty string"],
    [["platform", "profiles", 0, "profile"], null, "an object"],
    [["platform", "profiles", 0, "profile", "nickname"], 5, "a string when present"],
    [["platform", "profiles", 0, "profile", "avatar"], null, "a string when present"],
    [["platform", "profiles", 0, "profile", "mobile"], {}, "a string when present"],
  ];
  const place = (path: Array<string | number>) =>
    "state" + path.map((key) => (typeof key === "number" ? `[${key}]` : `.${key}`)).join("");
  for (const [path, value, must] of wrong) {
    it(`${place(path)} = ${JSON.stringify(value) ?? "absent"} → damaged, naming the place`, async () => {
      const reason = await refusal(asFile(changed(path, value)));
      expect(reason).toBe(`is damaged: ${place(path)} must be ${must}`);
    });
  }

  it("names the entry's index, checks every entry, and a number JSON cannot keep is no time", async () => {
    const second = changed(["platform", "codes", 1], ["code_2", { ...user, expiresAt: "x" }]);
    expect(await refusal(asFile(second))).toBe(
      "is damaged: state.platform.codes[1][1].expiresAt must be a number",
    );
    const calls = changed(["platform", "clientTokenCalls", 0, 1], [1, 2, "3"]);
    expect(await refusal(asFile(calls))).toBe(
      "is damaged: state.platform.clientTokenCalls[0][1][2] must be a number",
    );
    const huge = asFile(BASE).replace(`"expiresAt":${LATER}`, '"expiresAt":1e999');
    expect(await refusal(huge)).toBe(
      "is damaged: state.platform.codes[0][1].expiresAt must be a number",
    );
  });

  it("takes what may vary: an offset of 0, empty collections, a profile without fields", async () => {
    const file = fresh();
    const lean = {
      clockOffsetMs: 0,
      platform: {
        ...structuredClone(BASE.platform),
        codes: [],
        profiles: [{ clientKey: "k", openId: "o", profile: { nickname: "", avatar: "a" } }],
        clientTokens: [["k", []]],
      },
    };
    writeFileSync(file, asFile(lean));
    expect(await loadState(file)).toStrictEqual(lean);
  });

  it("the message never holds a value from the file", async () => {
    const secret = "rft.secret-refresh-token";
    const message = await refusal(
      asFile(changed(["platform", "refreshTokens", 0], [secret, { accessToken: secret }])),
    );
    expect(message).toBe(
      "is damaged: state.platform.refreshTokens[0][1].clientKey must be a non-empty string",
    );
    expect(message).not.toContain(secret);
  });
});

describe("startEmulator({ stateFile })", () => {
  it("restores the loaded codes, tokens and clock offset", async () => {
    const file = fresh();
    writeFileSync(file, asFile(BASE));
    const emu = await startEmulator({ stateFile: file, now: () => 1_000_000 });
    try {
      expect(emu.now()).toBe(1_060_000);
      for (const token of ["act.1", "rft.1", "clt.1", "clt.2"])
        expect(emu.isValid(token)).toBe(true);
      expect(emu.stored).toMatchObject({ codes: 1, accessTokens: 1, refreshTokens: 1 });
    } finally {
      await emu.close();
    }
    expect(JSON.parse(readFileSync(file, "utf8"))).toStrictEqual({
      format: "douyin-oauth-emulator-state",
      version: 1,
      ...BASE,
    });
  });

  it("a path whose folder is missing, or is a file, rejects at start naming it; nothing listens (issue 24)", async () => {
    const missing = join(dir, "no-such-folder", "state.json");
    const error = await startEmulator({ stateFile: missing }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateFileError);
    expect((error as Error).message).toBe(
      `the state file ${missing} cannot be written: its folder does not exist`,
    );
    const file = fresh("plain");
    writeFileSync(file, "not a folder");
    await expect(startEmulator({ stateFile: join(file, "state.json") })).rejects.toThrow(
      new StateFileError(
        `the state file ${join(file, "state.json")} cannot be written: its folder is not a folder`,
      ),
    );
  });

  it("a new path is written at start, holding an empty platform", async () => {
    const file = fresh("new");
    const emu = await startEmulator({ stateFile: file });
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ clockOffsetMs: 0 });
    await emu.close();
  });
});

describe("StateWriter", () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const noTemporaries = () =>
    expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);

  it("writes the format, the version and the snapshot, replacing the file whole", async () => {
    const file = fresh();
    writeFileSync(file, "an older, longer content that must not show through");
    const writer = new StateWriter(file, () => BASE);
    expect(writer.path).toBe(file);
    await writer.write();
    expect(JSON.parse(readFileSync(file, "utf8"))).toStrictEqual({
      format: "douyin-oauth-emulator-state",
      version: 1,
      ...BASE,
    });
    expect(await loadState(file)).toStrictEqual(BASE);
    noTemporaries();
  });

  it("coalesces changes into one write 50 ms after the first, and writes again after", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const file = fresh();
    let snapshots = 0;
    const writer = new StateWriter(file, () => ({ ...BASE, clockOffsetMs: ++snapshots }));
    writer.changed();
    writer.changed();
    vi.advanceTimersByTime(49);
    writer.changed();
    expect(snapshots).toBe(0);
    vi.advanceTimersByTime(1);
    expect(snapshots).toBe(1);
    vi.advanceTimersByTime(1_000);
    expect(snapshots).toBe(1);
    writer.changed(); // a change after the write is written too
    vi.advanceTimersByTime(50);
    expect(snapshots).toBe(2);
    await writer.close();
    expect(snapshots).toBe(3);
    expect((await loadState(file))?.clockOffsetMs).toBe(3);
  });

  it("close() writes at once and cancels the pending write; a later change is written", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const file = fresh();
    let snapshots = 0;
    const writer = new StateWriter(file, () => ({ ...BASE, clockOffsetMs: ++snapshots }), 10);
    writer.changed();
    await writer.close();
    expect(snapshots).toBe(1);
    vi.advanceTimersByTime(1_000);
    expect(snapshots).toBe(1);
    writer.changed();
    vi.advanceTimersByTime(10);
    expect(snapshots).toBe(2);
  });

  it("a failed write rejects, keeps its error, leaves no temporary file; the next one recovers", async () => {
    const file = fresh();
    mkdirSync(file); // the rename over a folder fails after the temporary file was written
    const writer = new StateWriter(file, () => BASE);
    const error = await writer.write().catch((e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).toMatch(/^(EISDIR|ENOTEMPTY|EEXIST|EPERM)$/);
    expect(writer.lastError).toBe(error);
    noTemporaries();
    const again = await writer.write().catch((e: unknown) => e);
    expect(writer.lastError).toBe(again); // the chain goes on after a failure
    rmSync(file, { recursive: true });
    await writer.write();
    expect(writer.lastError).toBeUndefined();
    expect(await loadState(file)).toStrictEqual(BASE);
    noTemporaries();
  });

  it("a write the timer started that fails is kept in lastError, not thrown", async () => {
    const writer = new StateWriter(join(dir, "no-such-folder", "state.json"), () => BASE, 1);
    writer.changed();
    await vi.waitFor(() => expect(writer.lastError).toBeDefined(), { timeout: 2_000 });
    expect((writer.lastError as NodeJS.ErrnoException).code).toBe("ENOENT");
    const closing = await writer.close().catch((e: unknown) => e);
    expect(closing).toBe(writer.lastError);
    expect((closing as NodeJS.ErrnoException).code).toBe("ENOENT");
  });

  it("writes one after another, in order: the file holds the last snapshot", async () => {
    const file = fresh();
    let snapshots = 0;
    const writer = new StateWriter(file, () => ({ ...BASE, clockOffsetMs: ++snapshots }));
    await Promise.all(Array.from({ length: 8 }, () => writer.write()));
    expect((await loadState(file))?.clockOffsetMs).toBe(8);
    noTemporaries();
  });
});
