// openapi-fetch's createClient, whichever module system loaded it. Its CommonJS file marks
// itself __esModule with `exports.default = createClient`, but a bundle built from this
// "type": "module" package follows Node's interop, where the default import is the whole
// exports object: take `.default` once more there.
import * as openapiFetch from "openapi-fetch";

type CreateClient = typeof openapiFetch.default;
const loaded = openapiFetch.default as CreateClient | { default: CreateClient };

export const createClient: CreateClient = typeof loaded === "function" ? loaded : loaded.default;
export type { Client } from "openapi-fetch";
