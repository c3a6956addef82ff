// The answer envelope (PLATFORM.md): `message` "success" or "error", `data` with
// `error_code` and a `description` that says why, `extra` with a logid and the time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_CODE } from "../../src/spec.js";
import { DEMO_APP, startEmulator, type Emulator } from "../../src/emulator/index.js";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());

async function clientToken(params: Record<string, string>): Promise<any> {
  const url = new URL("/oauth/client_token/", emu.url);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return (await fetch(url)).json();
}

describe("answer envelope", () => {
  it('a refusal: message "error", error_code and a description naming the problem', async () => {
    const answer = await clientToken({
      client_key: DEMO_APP.clientKey,
      client_secret: "wrong",
      grant_type: "client_credential",
    });
    expect(answer).toEqual({
      data: {
        error_code: ERROR_CODE.CLIENT_KEY_OR_SECRET_WRONG,
        description: expect.stringContaining("client_secret"),
      },
      extra: { logid: expect.stringMatching(/^\d{14}[0-9A-F]{20}$/), now: expect.any(Number) },
      message: "error",
    });
    const missing = await clientToken({ client_key: DEMO_APP.clientKey });
    expect(missing.data).toEqual({
      error_code: ERROR_CODE.MISSING_PARAMETER,
      description: expect.stringContaining("missing parameter"),
    });
    expect(missing.message).toBe("error");
  });

  it('a success: message "success", error_code 0 and an empty description', async () => {
    const answer = await clientToken({
      client_key: DEMO_APP.clientKey,
      client_secret: DEMO_APP.clientSecret,
      grant_type: "client_credential",
    });
    expect(answer.message).toBe("success");
    expect(answer.data).toMatchObject({ error_code: 0, description: "" });
    expect(answer.data.access_token).toEqual(expect.any(String));
  });
});
