#!/usr/bin/env node
// npm start: the emulator and the example app, or the app against the real platform when
// DOUYIN_CLIENT_KEY is set.   npm start -- --headless   runs the flow once with no browser.
import { createDouyinOAuth } from "douyin-oauth";
// The emulator's own package (this repository's npm workspace, linked by npm install).
import { startEmulator } from "douyin-oauth-emulator";
import { startExampleApp } from "./app.mjs";
import { runHeadlessDemo } from "./headless.mjs";

const headless = process.argv.includes("--headless");
const env = process.env;

/** Listens on the preferred port, or on any free one when it is taken (or when headless). */
async function onFreePort(start, preferred) {
  if (headless) return start(0);
  try {
    return await start(preferred);
  } catch (error) {
    if (error?.code !== "EADDRINUSE") throw error;
    return start(0);
  }
}

let emulator;
let douyin;
if (env.DOUYIN_CLIENT_KEY) {
  if (!env.DOUYIN_REDIRECT_URI) {
    console.error(
      "DOUYIN_REDIRECT_URI is required with DOUYIN_CLIENT_KEY: the URL registered for the app",
    );
    process.exit(2);
  }
  douyin = createDouyinOAuth({
    clientKey: env.DOUYIN_CLIENT_KEY,
    clientSecret: env.DOUYIN_CLIENT_SECRET,
    ...(env.DOUYIN_BASE_URL ? { baseUrl: env.DOUYIN_BASE_URL } : {}),
  });
} else {
  emulator = await onFreePort((port) => startEmulator({ port }), 8787);
  const [app] = emulator.apps;
  douyin = createDouyinOAuth({
    clientKey: app.clientKey,
    clientSecret: app.clientSecret,
    baseUrl: emulator.url,
  });
}

const app = await onFreePort(
  (port) =>
    startExampleApp({
      douyin,
      port,
      ...(env.DOUYIN_REDIRECT_URI ? { redirectUri: env.DOUYIN_REDIRECT_URI } : {}),
      // Against the emulator, its clock: moving it (the control API) moves the app's tokens too.
      ...(emulator ? { now: emulator.now } : {}),
    }),
  Number(env.PORT ?? 3000),
);

if (emulator) {
  console.log(`Douyin OAuth emulator: ${emulator.url}  (docs: ${emulator.url}/docs)`);
} else {
  console.log(`Douyin platform: ${douyin.baseUrl}`);
}
console.log(`Example app:           ${app.url}  (callback: ${app.redirectUri})`);

const stop = async () => {
  await app.close();
  await emulator?.close();
};

if (headless) {
  try {
    await runHeadlessDemo(app.url);
    console.log("headless demo passed");
  } catch (error) {
    console.error(error instanceof Error ? error.message : "headless demo failed");
    process.exitCode = 1;
  } finally {
    await stop();
  }
} else {
  console.log("Open the example app in a browser and click “Log in with Douyin”. Ctrl+C stops.");
  for (const signal of ["SIGINT", "SIGTERM"])
    process.once(signal, () => void stop().then(() => process.exit(0)));
}
