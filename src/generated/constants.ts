/*
 * Generated from openapi/douyin-oauth.yaml by scripts/generate.mjs. Do not edit:
 * change the spec and run `npm run generate` (see src/generated/README.md).
 */

/** Base URL of each platform, from the spec's `servers` (keyed by their `x-platform`). */
export const PLATFORM_BASE_URLS = {
  douyin: "https://open.douyin.com",
  toutiao: "https://open.snssdk.com",
  xigua: "https://open-api.ixigua.com",
} as const;

/** The path of each operation, keyed by its `operationId`. */
export const OPERATION_PATHS = {
  accessToken: "/oauth/access_token/",
  authorize: "/oauth/authorize/",
  authorizeV2: "/oauth/authorize/v2/",
  clientToken: "/oauth/client_token/",
  connect: "/platform/oauth/connect/",
  refreshToken: "/oauth/refresh_token/",
  renewRefreshToken: "/oauth/renew_refresh_token/",
} as const;
