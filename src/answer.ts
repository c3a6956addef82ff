// The one reader of the platform's answers. Platform quirks live here and only here
// (DOUYIN-OAUTH-FACTS.md, "Token endpoints: answers"):
// - every answer is HTTP 200, success or not; a non-zero data.error_code is the failure;
// - numbers may arrive as numeric strings ("0", "86400");
// - the request id is extra.logid on errors, sometimes data.log_id.
import { DouyinOAuthError, DouyinTransportError, type TokenOperation } from "./errors.js";
import { redactText } from "./redact.js";
import { SUCCESS_DATA, type components, type operations } from "./spec.js";
import type { TransportResponse } from "./transport.js";

/** The success `data` of a token operation: the branch of its answer whose error_code is 0. */
type SuccessData<Op extends TokenOperation> = Extract<
  operations[Op]["responses"][200]["content"]["application/json"],
  { data: { error_code: components["schemas"]["SuccessCode"] } }
>["data"];

/** Fields of an operation's data that the platform may send as numeric strings. */
type NumericField<Op extends TokenOperation> =
  (typeof SUCCESS_DATA)[Op]["numeric"][number] | "error_code";

/**
 * Required fields of an operation's data other than error_code and the numbers: its tokens,
 * open_id and scope (userInfo: open_id, union_id, nickname, avatar).
 */
type TextField<Op extends TokenOperation> = Exclude<
  (typeof SUCCESS_DATA)[Op]["required"][number],
  NumericField<Op>
>;

// readAnswer refuses any TextField that is not a string, so the spec must type each of them as a
// string: a required field of another type, or one the schema lacks, stops this from compiling.
type Assert<T extends true> = T;
type TextFieldsAreStrings = Assert<
  false extends {
    [Op in TokenOperation]: [TextField<Op>] extends [keyof SuccessData<Op>]
      ? SuccessData<Op>[TextField<Op> & keyof SuccessData<Op>] extends string
        ? true
        : false
      : false;
  }[TokenOperation]
    ? false
    : true
>;

/**
 * What a token method resolves to: the `data` object of the spec's success schema, with
 * `error_code`, `expires_in` and `refresh_expires_in` as numbers whatever the platform sent.
 */
export type TokenData<Op extends TokenOperation> = {
  [K in keyof SuccessData<Op>]: K extends NumericField<Op> ? number : SuccessData<Op>[K];
};

/**
 * What `userInfo` resolves to: `open_id`, `union_id`, `nickname` and `avatar` always, the
 * other fields of the spec's `UserInfoData` when the platform sent them with a value.
 */
export type UserInfo = TokenData<"userInfo">;

// The platform fills some fields with the literal "<nil>" (the userinfo sample's
// e_account_role): DOUYIN-OAUTH-FACTS.md, "User information". Read as absent.
const NIL = "<nil>";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

// The platform sends some integers as strings ("0", "86400"): DOUYIN-OAUTH-FACTS.md, answers.
function asInteger(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === "string" && /^-?\d{1,15}$/.test(value)) return Number(value);
  return undefined;
}

const asText = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;

/**
 * Turns an answer into the operation's typed data, or throws: `DouyinOAuthError` for a non-zero
 * `error_code`, `DouyinTransportError` for anything that is not the expected JSON. `secrets` are
 * the values this request sent, kept out of any text the error carries.
 */
export function readAnswer<Op extends TokenOperation>(
  operation: Op,
  answer: TransportResponse,
  secrets: readonly string[] = [],
): TokenData<Op> {
  const { status, text } = answer;
  const invalid = (detail: string) =>
    new DouyinTransportError(operation, "invalid-answer", { status, detail });
  if (status < 200 || status > 299) {
    throw new DouyinTransportError(operation, "http-status", { status });
  }
  if (text.trim() === "") throw invalid("the body is empty");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalid("the body is not JSON");
  }
  if (!isRecord(body) || !isRecord(body.data)) throw invalid("the body has no data object");
  const data = body.data;
  const errorCode = asInteger(data.error_code);
  if (errorCode === undefined) throw invalid("data.error_code is not an integer");
  if (errorCode !== 0) {
    const extra = isRecord(body.extra) ? body.extra : {};
    throw new DouyinOAuthError(operation, status, {
      errorCode,
      description: redactText(
        typeof data.description === "string" ? data.description : "",
        secrets,
      ),
      logId: asText(extra.logid) ?? asText(data.log_id),
    });
  }
  const shape = SUCCESS_DATA[operation];
  const numeric: readonly string[] = shape.numeric;
  // One pass over the data: a copy without the "<nil>" placeholders.
  const result: Record<string, unknown> = {};
  for (const field in data) {
    const value = data[field];
    if (value === NIL) continue;
    // A "__proto__" key from JSON.parse is data, as a spread copy keeps it: never a prototype.
    if (field === "__proto__") Object.defineProperty(result, field, { value, enumerable: true });
    else result[field] = value;
  }
  result.error_code = 0;
  for (const field of shape.required) {
    const value = result[field];
    // An empty token or open_id is no token: the answer is broken, not a success.
    if (value === undefined || value === null || value === "")
      throw invalid(`data.${field} is missing`);
    // A token, open_id or scope of another type is no token either; the value stays out of the
    // error, which names only the field.
    if (typeof value !== "string" && field !== "error_code" && !numeric.includes(field))
      throw invalid(`data.${field} is not a string`);
  }
  for (const field of numeric) {
    const given = result[field];
    if (given === undefined || (typeof given === "number" && Number.isSafeInteger(given))) continue;
    const value = asInteger(given);
    if (value === undefined) throw invalid(`data.${field} is not an integer`);
    result[field] = value;
  }
  return result as TokenData<Op>;
}
