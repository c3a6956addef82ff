/**
 * douyin-oauth: a typed client for the Douyin Open Platform OAuth API, generated from
 * `openapi/douyin-oauth.yaml`.
 *
 * @example
 * import { PLATFORM_BASE_URLS, type paths } from "douyin-oauth";
 * type AccessTokenQuery = paths["/oauth/access_token/"]["get"]["parameters"]["query"];
 * const host = PLATFORM_BASE_URLS.douyin; // "https://open.douyin.com"
 */
export type { components, operations, paths, Platform } from "./spec.js";
export { OPERATION_PATHS, PLATFORM_BASE_URLS } from "./spec.js";
