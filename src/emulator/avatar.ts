// The avatar `/oauth/userinfo/` hands out for a user without one: a small SVG the emulator
// draws from the user's digest (a 5 × 5 mirrored pattern on a pastel ground, inside the circle
// apps crop avatars to), served from its own host, so the example app renders offline.

/** Where the avatars are served. */
export const AVATAR_PATH = "/avatar/";

/** The avatar's file name: 20 hex digits and `.svg`, as ledger.ts builds the URL. */
export const AVATAR_FILE = /^([0-9a-f]{20})\.svg$/;

/** The SVG for a digest of 20 hex digits: the same picture for the same user, every time. */
export function avatarSvg(digest: string): string {
  const hue = parseInt(digest.slice(0, 3), 16) % 360;
  const bits = parseInt(digest.slice(3, 7), 16);
  const cells: string[] = [];
  for (let row = 0; row < 5; row++) {
    for (let col = 0; col < 3; col++) {
      if (((bits >> (row * 3 + col)) & 1) === 0) continue;
      for (const x of new Set([col, 4 - col])) {
        cells.push(`<rect x="${20 + x * 12}" y="${20 + row * 12}" width="12" height="12"/>`);
      }
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 100 100"><rect width="100" height="100" fill="hsl(${hue} 70% 92%)"/><g fill="hsl(${hue} 55% 45%)">${cells.join("")}</g></svg>`;
}
