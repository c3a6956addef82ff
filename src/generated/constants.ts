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
  stableClientToken: "/oauth/stable_client_token/",
  userInfo: "/oauth/userinfo/",
} as const;

/**
 * Error codes seen in the platform's docs (`ErrorData`'s `x-known-error-codes`). The list is
 * open: an unknown code is still an error.
 */
export const ERROR_CODE = {
  PARAMETER_ERROR: 10002,
  CLIENT_KEY_NOT_FOUND: 10003,
  PERMISSION_DENIED: 10004,
  MISSING_PARAMETER: 10005,
  ILLEGAL_REDIRECT_URI: 10006,
  CODE_EXPIRED: 10007,
  ACCESS_TOKEN_INVALID: 10008,
  REFRESH_TOKEN_EXPIRED: 10010,
  CLIENT_KEY_OR_SECRET_WRONG: 10013,
  LIMIT_REACHED: 10020,
  GATEWAY_PARAMETER_ERROR: 2100005,
  GATEWAY_ACCESS_TOKEN_INVALID: 2190002,
  GATEWAY_ACCESS_TOKEN_EXPIRED: 2190008,
} as const;

/**
 * For each token operation, the fields its success `data` must carry and those the platform may
 * send as numeric strings (schema `NumberOrNumericString`), from the operation's answer schema.
 */
export const SUCCESS_DATA = {
  accessToken: {
    required: [
      "access_token",
      "error_code",
      "expires_in",
      "open_id",
      "refresh_token",
      "refresh_expires_in",
      "scope",
    ],
    numeric: ["expires_in", "refresh_expires_in"],
  },
  clientToken: { required: ["access_token", "error_code", "expires_in"], numeric: ["expires_in"] },
  refreshToken: {
    required: [
      "access_token",
      "error_code",
      "expires_in",
      "open_id",
      "refresh_token",
      "refresh_expires_in",
      "scope",
    ],
    numeric: ["expires_in", "refresh_expires_in"],
  },
  renewRefreshToken: {
    required: ["error_code", "expires_in", "refresh_token"],
    numeric: ["expires_in"],
  },
  stableClientToken: {
    required: ["access_token", "error_code", "expires_in"],
    numeric: ["expires_in"],
  },
  userInfo: {
    required: ["error_code", "open_id", "union_id", "nickname", "avatar"],
    numeric: ["gender"],
  },
} as const;
