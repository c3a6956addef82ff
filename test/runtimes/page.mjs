// The checks that make sense in a web page, bundled by esbuild for the browser: the URL
// builders, generateState and parseCallback work; a token call fails with DouyinTransportError
// kind "network", because the platform (and the emulator, like it) sends no CORS headers, so the
// browser will not hand the answer to the page. Token calls belong on a server anyway: they need
// the client_secret (refreshToken, used here, needs none, so no secret is in the page).
import {
  createDouyinOAuth,
  DouyinCallbackError,
  DouyinTransportError,
  generateState,
  parseCallback,
} from "douyin-oauth";

async function run(emulatorUrl) {
  const passed = [];
  const expect = (condition, what) => {
    if (!condition) throw new Error(what);
    passed.push(what);
  };
  const douyin = createDouyinOAuth({
    clientKey: "aw_demo_client_key",
    baseUrl: emulatorUrl,
    retry: false,
  });
  const state = generateState();
  expect(/^[A-Za-z0-9_-]{43}$/.test(state), "generateState");
  const url = douyin.connectUrl({ scope: ["user_info"], redirectUri: location.origin, state });
  expect(
    url.pathname === "/platform/oauth/connect/" && url.searchParams.get("state") === state,
    "connectUrl",
  );
  expect(
    douyin.authorizeV2Url({ redirectUri: location.origin, state }).searchParams.get("scope") ===
      "login_id",
    "authorizeV2Url",
  );
  const back = `${location.origin}/callback?code=abc&state=${state}&scopes=user_info`;
  expect(parseCallback(back, { state }).code === "abc", "parseCallback");
  let refused;
  try {
    parseCallback(back, { state: "other" });
  } catch (error) {
    refused = error;
  }
  expect(
    refused instanceof DouyinCallbackError && refused.reason === "state_mismatch",
    "parseCallback refuses another state",
  );
  let failed;
  try {
    await douyin.refreshToken({ refreshToken: "rft.browser" }, { timeoutMs: 5_000 });
  } catch (error) {
    failed = error;
  }
  expect(
    failed instanceof DouyinTransportError && failed.kind === "network",
    `a token call fails with kind network (got ${failed?.name} ${failed?.kind})`,
  );
  return passed;
}

globalThis.conformance = (emulatorUrl) =>
  run(emulatorUrl).then(
    (passed) => ({ passed }),
    (error) => ({ error: String(error?.message ?? error) }),
  );
