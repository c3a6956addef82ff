// The avatar the emulator draws for a user without one (src/emulator/avatar.ts): a 5 × 5 pattern
// mirrored left to right, its 15 free cells the digest's bits 0–14 (digits 4–7), its hue the
// first three digits modulo 360; the same picture for the same digest, every time.
import { describe, expect, it } from "vitest";
import { createDouyinOAuth } from "../../src/index.js";
import { AVATAR_FILE, AVATAR_PATH, avatarSvg } from "../../src/emulator/avatar.js";
import { DEMO_APP, startEmulator } from "../../src/emulator/index.js";

/** A digest of 20 hex digits: `hue` in the first three, the pattern's bits in the next four. */
const digest = (hue: number, bits: number) =>
  hue.toString(16).padStart(3, "0") + bits.toString(16).padStart(4, "0") + "0123456789abc";

/** The drawing read back: the ground's and the pattern's colours, and the filled cells. */
function read(svg: string) {
  const drawn =
    /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="100" height="100" viewBox="0 0 100 100"><rect width="100" height="100" fill="([^"]+)"\/><g fill="([^"]+)">((?:<rect [^>]+\/>)*)<\/g><\/svg>$/.exec(
      svg,
    );
  if (!drawn) throw new Error(`not the avatar's shape: ${svg}`);
  const cells = [...drawn[3]!.matchAll(/<rect x="(\d+)" y="(\d+)" width="12" height="12"\/>/g)];
  expect(cells.map((c) => c[0]).join("")).toBe(drawn[3]); // every rect is a whole cell
  return {
    ground: drawn[1],
    ink: drawn[2],
    // [column, row] on the 5 × 5 grid that starts at (20, 20)
    cells: cells.map((c) => [(Number(c[1]) - 20) / 12, (Number(c[2]) - 20) / 12]),
  };
}

describe("avatarSvg", () => {
  it("draws nothing on the ground when the pattern's bits are all clear", () => {
    expect(avatarSvg(digest(0, 0))).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 100 100">' +
        '<rect width="100" height="100" fill="hsl(0 70% 92%)"/><g fill="hsl(0 55% 45%)"></g></svg>',
    );
  });

  it("bit row × 3 + col fills that cell and its mirror; the middle column once", () => {
    for (let row = 0; row < 5; row++) {
      for (let col = 0; col < 3; col++) {
        const { cells } = read(avatarSvg(digest(0, 1 << (row * 3 + col))));
        const expected =
          col === 2
            ? [[2, row]]
            : [
                [col, row],
                [4 - col, row],
              ];
        expect(cells, `bit ${row * 3 + col}`).toEqual(expected);
      }
    }
  });

  it("all fifteen bits fill the whole grid, row by row; the sixteenth draws nothing", () => {
    const all = read(avatarSvg(digest(0, 0x7fff))).cells;
    expect(all).toHaveLength(25);
    expect(new Set(all.map(([x, y]) => `${x},${y}`)).size).toBe(25);
    expect(
      all.every(([x, y]) => Number.isInteger(x) && x! >= 0 && x! < 5 && y! >= 0 && y! < 5),
    ).toBe(true);
    expect(all.map(([, y]) => y)).toEqual([...all.map(([, y]) => y)].sort());
    expect(read(avatarSvg(digest(0, 0x8000))).cells).toEqual([]);
    expect(read(avatarSvg(digest(0, 0xffff))).cells).toEqual(all);
  });

  it("is mirrored left to right whatever the bits", () => {
    for (const bits of [0x1234, 0xbeef, 0x5a5a, 0x0001, 0x4000]) {
      const { cells } = read(avatarSvg(digest(7, bits)));
      const shown = new Set(cells.map(([x, y]) => `${x},${y}`));
      for (const [x, y] of cells) expect(shown.has(`${4 - x!},${y}`), `${bits}`).toBe(true);
    }
  });

  it("takes its hue from the first three digits, modulo 360, for ground and pattern alike", () => {
    for (const [hue, shown] of [
      [0, 0],
      [0x00a, 10],
      [0x167, 359],
      [0x168, 0],
      [0x1a9, 65],
      [0xfff, 135],
    ] as const) {
      const drawn = read(avatarSvg(digest(hue, 0x0421)));
      expect(drawn.ground).toBe(`hsl(${shown} 70% 92%)`);
      expect(drawn.ink).toBe(`hsl(${shown} 55% 45%)`);
    }
    // the fourth digit belongs to the pattern, not the hue
    expect(read(avatarSvg("abc1" + "0".repeat(16))).ink).toBe(`hsl(${0xabc % 360} 55% 45%)`);
    expect(read(avatarSvg("abc1" + "0".repeat(16))).cells).toEqual([
      [0, 4],
      [4, 4],
    ]); // bit 12
  });

  it("reads only digits 1–7: the same picture for the same user, whatever follows", () => {
    const one = avatarSvg("0d2c3f9" + "0".repeat(13));
    expect(avatarSvg("0d2c3f9" + "f".repeat(13))).toBe(one);
    expect(avatarSvg("0d2c3f9" + "0".repeat(13))).toBe(one);
    expect(avatarSvg("0d2c3f8" + "0".repeat(13))).not.toBe(one);
  });
});

describe("the avatar's URL", () => {
  it("is served at /avatar/<20 hex digits>.svg as avatarSvg draws that digest", async () => {
    const emu = await startEmulator();
    try {
      const douyin = createDouyinOAuth({ ...DEMO_APP, baseUrl: emu.url, retry: false });
      const { access_token, open_id } = await douyin.accessToken({
        code: emu.issueCode({ scope: "user_info", user: "erin" }),
      });
      const { avatar } = await douyin.userInfo({ accessToken: access_token, openId: open_id });
      expect(avatar.startsWith(`${emu.url}${AVATAR_PATH}`)).toBe(true);
      const file = AVATAR_FILE.exec(avatar.slice(`${emu.url}${AVATAR_PATH}`.length));
      expect(file).not.toBeNull();
      expect(await (await fetch(avatar)).text()).toBe(avatarSvg(file![1]!));
      for (const wrong of ["0123456789abcdef012.svg", "0123456789ABCDEF0123.svg", "x.svg"]) {
        expect(AVATAR_FILE.test(wrong), wrong).toBe(false);
        expect((await fetch(`${emu.url}${AVATAR_PATH}${wrong}`)).status, wrong).toBe(404);
      }
    } finally {
      await emu.close();
    }
  });
});
