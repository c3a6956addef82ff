// decryptMobile: the userinfo answer's encrypt_mobile (AES-256-CBC, PKCS#7, key = client_secret,
// IV = its first 16 bytes), against values made by OpenSSL and by node:crypto.
import { createCipheriv } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptMobile } from "../src/index.js";

const SECRET = "0123456789abcdef0123456789abcdef";

/** encrypt_mobile as the platform makes it, with node:crypto (not Web Crypto). */
function encrypt(mobile: string | Buffer, secret: string): string {
  const key = Buffer.from(secret, "utf8");
  const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16));
  const plain = typeof mobile === "string" ? Buffer.from(mobile, "utf8") : mobile;
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString("base64");
}

describe("decryptMobile", () => {
  it("a value made by the OpenSSL CLI (openssl enc -aes-256-cbc -K <secret> -iv <first 16>)", async () => {
    // printf %s 13800138000 | openssl enc -aes-256-cbc -base64 \
    //   -K $(printf %s $SECRET | xxd -p -c 64) -iv $(printf %s ${SECRET:0:16} | xxd -p)
    await expect(decryptMobile("RJRBlQT3IEhRh6PPOsIyEw==", SECRET)).resolves.toBe("13800138000");
  });

  const given = ["13800138000", "+86 13800138000", "", "1".repeat(16), "手机 +852 5123 4567"];
  for (const mobile of given) {
    it(`${JSON.stringify(mobile)} › round trip through node:crypto`, async () => {
      await expect(decryptMobile(encrypt(mobile, SECRET), SECRET)).resolves.toBe(mobile);
    });
  }

  const refusals: Array<[string, unknown, unknown, string]> = [
    [
      "another secret",
      encrypt("13800138000", SECRET),
      "fedcba9876543210fedcba9876543210",
      '"encryptMobile" does not decrypt with this clientSecret',
    ],
    ["not base64", "***", SECRET, '"encryptMobile" does not decrypt with this clientSecret'],
    [
      "a length not a multiple of 16",
      "AAAA",
      SECRET,
      '"encryptMobile" does not decrypt with this clientSecret',
    ],
    [
      // a wrong secret whose garbage still ends in valid padding (1 in ~256) comes out so
      "bytes that are not UTF-8 under valid padding",
      encrypt(Buffer.from([0x31, 0xff, 0xfe, 0x38]), SECRET),
      SECRET,
      '"encryptMobile" does not decrypt with this clientSecret',
    ],
    ["a secret of 31 bytes", "AAAA", SECRET.slice(1), '"clientSecret" must be 32 bytes (AES-256)'],
    ["a secret of 34 bytes", "AAAA", `${SECRET}ab`, '"clientSecret" must be 32 bytes (AES-256)'],
    [
      "no value",
      undefined,
      SECRET,
      '"encryptMobile" is missing or empty: a non-empty string is expected',
    ],
    ["no secret", "AAAA", "", '"clientSecret" is missing or empty: a non-empty string is expected'],
  ];
  for (const [situation, value, secret, message] of refusals) {
    it(`${situation} › TypeError: ${message}`, async () => {
      const error = await decryptMobile(value as string, secret as string).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as TypeError).message).toBe(message);
      // never the secret or the value in what it says
      const shown = `${(error as Error).message}\n${(error as Error).stack}`;
      if (typeof secret === "string" && secret !== "") expect(shown).not.toContain(secret);
      expect((error as Error).cause).toBeUndefined();
    });
  }
});
