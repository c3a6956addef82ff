// The conformance checks `npm run test:runtimes` runs on every runtime, against the packed
// tarball as a consumer installs it and the emulator on loopback. Plain JavaScript with no
// runtime's own API: the entry (conformance.mjs, conformance.cjs, worker.mjs) passes the
// package's exports in, loaded its own way (import or require, the runtime's conditions).
//
// Each check throws an Error naming what differed; `conform` resolves to the names of the checks
// that passed. The emulator serves its demo app, whose key and secret are public test values.

const KEY = "aw_demo_client_key";
const SECRET = "demo_secret_for_local_testing_only";

function expect(condition, what) {
  if (!condition) throw new Error(what);
}

/** Resolves to the error the promise rejects with; fails when it resolves. */
async function rejection(promise, what) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error(`${what}: resolved, expected a rejection`);
}

async function control(emulatorUrl, method, path, body) {
  const response = await fetch(`${emulatorUrl}/_emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  expect(response.ok, `control ${method} ${path}: HTTP ${response.status}`);
  return text === "" ? undefined : JSON.parse(text);
}

/**
 * Runs every check against the emulator at `emulatorUrl`; `lib` is douyin-oauth, `tokens`
 * douyin-oauth/tokens; `user` keeps each run's users apart.
 */
export async function conform(lib, tokens, { emulatorUrl, user }) {
  const passed = [];
  const check = async (name, run) => {
    try {
      await run();
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new Error(`${name}: ${reason}`);
    }
    passed.push(name);
  };
  const { createDouyinOAuth, generateState, parseCallback, DouyinError } = lib;
  // The seed's GET form here; the default, POST, has its own check below.
  const douyin = createDouyinOAuth({
    clientKey: KEY,
    clientSecret: SECRET,
    baseUrl: emulatorUrl,
    tokenRequestMethod: "GET",
  });
  const issueCode = async (suffix) =>
    (await control(emulatorUrl, "POST", "codes", { scope: "user_info", user: user + suffix })).code;

  await check("URL builders", () => {
    const state = generateState();
    const connect = douyin.connectUrl({
      scope: ["user_info", "video.list"],
      redirectUri: "https://app.example/callback",
      state,
      optionalScope: { mobile: true },
    });
    expect(connect.pathname === "/platform/oauth/connect/", "connectUrl path");
    expect(connect.searchParams.get("client_key") === KEY, "connectUrl client_key");
    expect(connect.searchParams.get("scope") === "user_info,video.list", "connectUrl scope");
    expect(connect.searchParams.get("optionalScope") === "mobile,1", "connectUrl optionalScope");
    expect(connect.searchParams.get("state") === state, "connectUrl state");
    expect(
      douyin.authorizeUrl({ scope: "user_info", redirectUri: "https://a.example/cb", state })
        .pathname === "/oauth/authorize/",
      "authorizeUrl path",
    );
    const silent = douyin.authorizeV2Url({ redirectUri: "https://a.example/cb", state });
    expect(silent.searchParams.get("scope") === "login_id", "authorizeV2Url scope");
  });

  await check("generateState", () => {
    const a = generateState();
    expect(/^[A-Za-z0-9_-]{43}$/.test(a), "43 base64url characters");
    expect(a !== generateState(), "two states differ");
  });

  await check("parseCallback", async () => {
    const url = "https://app.example/callback?code=abc&state=s1&scopes=user_info,mobile";
    const { code, scopes } = parseCallback(url, { state: "s1" });
    expect(code === "abc" && scopes.join() === "user_info,mobile", "code and scopes");
    const wrong = await rejection(
      (async () => parseCallback(url, { state: "s2" }))(),
      "a different state",
    );
    expect(wrong instanceof lib.DouyinCallbackError, "DouyinCallbackError");
    expect(wrong.reason === "state_mismatch", `reason ${wrong.reason}`);
  });

  let refreshToken = "";
  await check("accessToken (GET)", async () => {
    const data = await douyin.accessToken({ code: await issueCode("-get") });
    expect(typeof data.access_token === "string" && data.access_token !== "", "access_token");
    expect(typeof data.expires_in === "number", "expires_in is a number");
    refreshToken = data.refresh_token;
  });
  await check("refreshToken (GET)", async () => {
    const data = await douyin.refreshToken({ refreshToken });
    expect(typeof data.access_token === "string", "access_token");
  });
  await check("renewRefreshToken (GET)", async () => {
    const data = await douyin.renewRefreshToken({ refreshToken });
    expect(typeof data.refresh_token === "string" && data.refresh_token !== refreshToken, "new");
  });
  await check("clientToken (GET)", async () => {
    const data = await douyin.clientToken();
    expect(typeof data.access_token === "string" && data.expires_in > 0, "access_token");
  });
  await check("stableClientToken", async () => {
    const first = await douyin.stableClientToken();
    const second = await douyin.stableClientToken();
    expect(first.access_token === second.access_token, "the same token while valid");
  });
  await check("douyin.raw (openapi-fetch, its middleware)", async () => {
    const raw = douyin.raw;
    expect(douyin.raw === raw, "the same client on every read");
    const seen = [];
    raw.use({
      onRequest: ({ request }) => (seen.push(new URL(request.url).pathname), request),
    });
    const { data, response } = await raw.POST("/oauth/client_token/", {
      body: { client_key: KEY, client_secret: SECRET, grant_type: "client_credential" },
    });
    expect(response.status === 200, `HTTP ${response.status}`);
    expect(typeof data?.data?.access_token === "string", "access_token");
    expect(seen.join() === "/oauth/client_token/", `middleware saw ${seen.join()}`);
  });
  await check("a platform error is a DouyinOAuthError", async () => {
    const error = await rejection(douyin.accessToken({ code: "no-such-code" }), "a bad code");
    expect(error instanceof lib.DouyinOAuthError, `${error?.name}, not DouyinOAuthError`);
    expect(error instanceof DouyinError, "a DouyinError");
    expect(typeof error.errorCode === "number" && error.errorCode !== 0, "errorCode");
  });

  await check("POST form and JSON", async () => {
    const post = createDouyinOAuth({
      clientKey: KEY,
      clientSecret: SECRET,
      baseUrl: emulatorUrl,
      tokenRequestMethod: "POST",
    });
    const user = await post.accessToken({ code: await issueCode("-post") });
    const refreshed = await post.refreshToken({ refreshToken: user.refresh_token });
    expect(typeof refreshed.access_token === "string", "refreshToken over POST");
    const renewed = await post.renewRefreshToken({ refreshToken: user.refresh_token });
    expect(typeof renewed.refresh_token === "string", "renewRefreshToken over POST");
    const app = await post.clientToken();
    expect(typeof app.access_token === "string", "clientToken over POST JSON");
  });

  await check("timeout", async () => {
    const once = createDouyinOAuth({
      clientKey: KEY,
      clientSecret: SECRET,
      baseUrl: emulatorUrl,
      retry: false,
    });
    await control(emulatorUrl, "POST", "faults", {
      operation: "clientToken",
      kind: "latency",
      latencyMs: 1500,
      times: 1,
    });
    try {
      const error = await rejection(once.clientToken({ timeoutMs: 200 }), "a slow answer");
      expect(error instanceof lib.DouyinTransportError, `${error?.name}, not a transport error`);
      expect(error.kind === "timeout", `kind ${error.kind}`);
    } finally {
      await control(emulatorUrl, "DELETE", "faults");
    }
  });

  await check("network failure", async () => {
    const nowhere = createDouyinOAuth({
      clientKey: KEY,
      clientSecret: SECRET,
      baseUrl: "http://127.0.0.1:9",
      retry: false,
    });
    const error = await rejection(nowhere.clientToken(), "a closed port");
    expect(error instanceof lib.DouyinTransportError, `${error?.name}, not a transport error`);
    expect(error.kind === "network", `kind ${error.kind}`);
    expect(!JSON.stringify(error).includes(SECRET), "no secret in the error");
  });

  await check("client-token provider", async () => {
    // The default source is the stable client token (issue 22).
    const before = (await control(emulatorUrl, "GET", "stats")).calls.stableClientToken;
    const provider = tokens.createClientTokenProvider(douyin);
    const got = await Promise.all([provider.get(), provider.get(), provider.get()]);
    expect(
      got.every((token) => typeof token === "string" && token === got[0]),
      "one token",
    );
    expect((await provider.get()) === got[0], "the cached token on the next get()");
    const after = (await control(emulatorUrl, "GET", "stats")).calls.stableClientToken;
    expect(after - before === 1, `${after - before} fetches, expected 1`);
  });

  return passed;
}
