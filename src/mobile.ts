// The userinfo answer's encrypt_mobile (PLATFORM.md, "User information"): base64 of
// AES-256-CBC with PKCS#7 padding, key = the app's client_secret, IV = its first 16 bytes.
// Web Crypto only, so it runs wherever the client does.
import { requireText } from "./validate.js";

/**
 * The user's mobile number from `userInfo`'s `encrypt_mobile` (users who granted `mobile_alert`).
 * Rejects with a TypeError when the secret is not 32 bytes or the value does not decrypt under it.
 * @example const mobile = await decryptMobile(info.encrypt_mobile, process.env.DOUYIN_CLIENT_SECRET);
 */
export async function decryptMobile(encryptMobile: string, clientSecret: string): Promise<string> {
  requireText(encryptMobile, "encryptMobile");
  requireText(clientSecret, "clientSecret");
  const secret = new TextEncoder().encode(clientSecret);
  if (secret.length !== 32) throw new TypeError(`"clientSecret" must be 32 bytes (AES-256)`);
  try {
    const data = Uint8Array.from(atob(encryptMobile), (c) => c.charCodeAt(0));
    const key = await crypto.subtle.importKey("raw", secret, "AES-CBC", false, ["decrypt"]);
    const plain = await crypto.subtle.decrypt(
      { name: "AES-CBC", iv: secret.slice(0, 16) },
      key,
      data,
    );
    return new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch {
    // Bad base64, a length not a multiple of 16, bad padding: the value or the secret is wrong.
    throw new TypeError(`"encryptMobile" does not decrypt with this clientSecret`);
  }
}
