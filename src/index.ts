/**
 * douyin-oauth: a typed client for the Douyin Open Platform OAuth API, generated from
 * `openapi/douyin-oauth.yaml`.
 *
 * @example
 * import { createDouyinOAuth, generateState } from "douyin-oauth";
 * const douyin = createDouyinOAuth({ clientKey: "aw123", clientSecret: "..." });
 * const state = generateState();
 * const url = douyin.connectUrl({ scope: ["user_info"], redirectUri: "https://app.example/cb", state });
 */
export { createDouyinOAuth, type DouyinOAuth, type DouyinOAuthOptions } from "./client.js";
export type { DouyinOAuthCalls } from "./client-calls.js";
export type { TokenData, UserInfo } from "./answer.js";
export {
  customScope,
  type AuthorizeUrlOptions,
  type AuthorizeV2UrlOptions,
  type ConnectUrlOptions,
  type CustomScope,
  type KnownScope,
  type OptionalScopeInput,
  type Scope,
  type ScopeInput,
} from "./authorize-urls.js";
export { generateState, parseCallback, type CallbackResult } from "./callback.js";
export {
  DouyinCallbackError,
  DouyinError,
  DouyinOAuthError,
  DouyinReauthorizeError,
  DouyinStoreError,
  DouyinTransportError,
  ERROR_CODE,
  type CallbackFailure,
  type ReauthorizeReason,
  type StoreFailure,
  type TokenOperation,
  type TransportFailure,
} from "./errors.js";
export { decryptMobile } from "./mobile.js";
export { redactUrl } from "./redact.js";
export {
  AnswerTooLargeError,
  fetchTransport,
  MAX_ANSWER_BYTES,
  type CallOptions,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from "./transport.js";
export { DEFAULT_RETRY, type DouyinLogEvent, type RetryOptions } from "./retry.js";
export type { components, operations, paths, Platform } from "./spec.js";
export { OPERATION_PATHS, PLATFORM_BASE_URLS } from "./spec.js";
