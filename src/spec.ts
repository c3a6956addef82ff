// The one place hand-written code takes its types and constants from the generated code:
// a rename in the spec breaks exactly this file's imports.
import { PLATFORM_BASE_URLS } from "./generated/constants.js";

export type { components, operations, paths } from "./generated/douyin-oauth.js";
export {
  ERROR_CODE,
  OPERATION_PATHS,
  PLATFORM_BASE_URLS,
  SUCCESS_DATA,
} from "./generated/constants.js";

/** A platform the spec lists under `servers`: `"douyin"`, `"toutiao"` or `"xigua"`. */
export type Platform = keyof typeof PLATFORM_BASE_URLS;

import type { paths } from "./generated/douyin-oauth.js";

/** The query of a GET operation at path P, as the spec defines it. */
export type QueryOf<P extends keyof paths> = paths[P] extends {
  get: { parameters: { query: infer Q } };
}
  ? Q
  : never;

/** The request body of a POST operation at path P, as the spec defines it. */
export type BodyOf<P extends keyof paths> = paths[P] extends {
  post: { requestBody: { content: infer C } };
}
  ? C[keyof C]
  : never;
