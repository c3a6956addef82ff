/**
 * Token lifecycle: the app's client token cached for one process or a fleet, and users' tokens
 * refreshed and renewed ahead of expiry. Pair with `douyin-oauth/redis` for several servers.
 * @example
 * import { createClientTokenProvider, createUserTokenManager } from "douyin-oauth/tokens";
 * const tokens = createClientTokenProvider(douyin);
 * const users = createUserTokenManager(douyin);
 */
export {
  createClientTokenProvider,
  type ClientTokenProvider,
  type ClientTokenProviderOptions,
} from "./client-token.js";
export type { CoordinationOptions } from "./coordinate.js";
export { MemoryTokenStore, type StoreLock, type TokenStore } from "./store.js";
export {
  createUserTokenManager,
  type UserTokenManager,
  type RenewalSummary,
  type UserTokenManagerOptions,
  type UserTokenRecord,
} from "./user-tokens.js";
export {
  DouyinReauthorizeError,
  DouyinStoreError,
  type ReauthorizeReason,
  type StoreFailure,
} from "../errors.js";
