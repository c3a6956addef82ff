import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Code written as a consumer would (the README's quick start) imports the package by name.
    alias: [
      {
        find: /^douyin-oauth$/,
        replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)),
      },
      {
        find: /^douyin-oauth\/tokens$/,
        replacement: fileURLToPath(new URL("./src/tokens/index.ts", import.meta.url)),
      },
      {
        find: /^douyin-oauth\/redis$/,
        replacement: fileURLToPath(new URL("./src/redis/index.ts", import.meta.url)),
      },
      {
        find: /^douyin-oauth\/node$/,
        replacement: fileURLToPath(new URL("./src/node/index.ts", import.meta.url)),
      },
      {
        find: /^douyin-oauth\/better-auth$/,
        replacement: fileURLToPath(new URL("./src/integrations/better-auth.ts", import.meta.url)),
      },
      {
        find: /^douyin-oauth\/authjs$/,
        replacement: fileURLToPath(new URL("./src/integrations/authjs.ts", import.meta.url)),
      },
      {
        find: /^douyin-oauth-emulator$/,
        replacement: fileURLToPath(new URL("./src/emulator/index.ts", import.meta.url)),
      },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["./test/support/global-setup.ts"],
    reporters: ["default", "./test/support/summary-reporter.ts"],
    testTimeout: 20_000,
    hookTimeout: 120_000,
    // Tests start real servers and child processes; two cores, so keep the pool small.
    maxWorkers: 2,
    typecheck: {
      enabled: true,
      include: ["test/**/*.test-d.ts"],
      tsconfig: "./tsconfig.json",
    },
  },
});
