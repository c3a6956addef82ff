// The tokens guide's daily renewal job, run as written: the emulator stands for the platform, a real
// redis-server for the store, and a user whose refresh token is inside its renewal window.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createDouyinOAuth } from "../../src/index.js";
import { RedisTokenStore } from "../../src/redis/index.js";
import { createUserTokenManager } from "../../src/tokens/index.js";
import { DEMO_APP, startEmulator, type Emulator } from "../../src/emulator/index.js";
import { docBlock, root } from "../support/project.js";
import { useRedis } from "../support/redis.js";

const DAY = 24 * 60 * 60_000;

const redis = useRedis();
let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe("guide/tokens.md: the daily renewal job", () => {
  it("runs as written: renews the due user, closes with nothing unsaved, prints the summary", async () => {
    const douyin = createDouyinOAuth({ ...DEMO_APP, baseUrl: emu.url });
    const store = new RedisTokenStore(redis.client);
    const users = createUserTokenManager(douyin, { store });
    const code = emu.issueCode({ scope: "user_info", openId: "away" });
    const saved = await users.save(await douyin.accessToken({ code }));
    await users.save(
      await douyin.accessToken({ code: emu.issueCode({ scope: "user_info", openId: "fresh" }) }),
    );
    // "away" came back 27 days later, by the record: its refresh token ends in 3 days.
    const key = `douyin-oauth:${DEMO_APP.clientKey}:user:away`;
    const raw = JSON.parse((await redis.client.get(key))!);
    await redis.client.set(key, JSON.stringify({ ...raw, refreshExpiresAt: Date.now() + 3 * DAY }));

    process.env.DOUYIN_CLIENT_KEY = DEMO_APP.clientKey;
    process.env.DOUYIN_CLIENT_SECRET = DEMO_APP.clientSecret;
    process.env.DOUYIN_BASE_URL = emu.url;
    process.env.REDIS_URL = redis.server.url;
    const printed: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void printed.push(line));
    const dir = join(root, "build/readme");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "renew-job.ts");
    writeFileSync(file, docBlock("guide/tokens.md", "renew-job"));
    await import(pathToFileURL(file).href);

    expect(printed.map((line) => JSON.parse(line))).toEqual([
      { users: 2, renewed: 1, skipped: 1, failed: 0, exhausted: 0, unsaved: 0 },
    ]);
    expect(process.exitCode ?? 0).toBe(0);
    const renewed = (await users.get("away"))!;
    expect(renewed.renewals).toBe(1);
    expect(renewed.refreshToken).not.toBe(saved.refreshToken);
    expect(emu.isValid(renewed.refreshToken)).toBe(true);
    expect(emu.isValid(saved.refreshToken)).toBe(false);
  });
});
