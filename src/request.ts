// A token call on the wire, beside the transport that sends it: the spec's parameters encoded as
// the query of a GET or as a form or JSON POST body, then sent (retried where safe) and read
// into the operation's data by the one answer reader.
import { readAnswer, type TokenData } from "./answer.js";
import type { TokenOperation } from "./errors.js";
import { checkCallOptions, type checkOptions } from "./options.js";
import { encodeQuery } from "./query-string.js";
import { withRetries } from "./retry.js";
import { send, type CallOptions, type Deadlines, type TransportRequest } from "./transport.js";

/** Where a request's parameters travel: the query (GET), a form body or a JSON body (POST). */
export type Encoding = "query" | "form" | "json";

/**
 * Each encoding's headers, a fresh object per request (a transport may change the headers it is
 * handed), plus `extra` (userInfo's `access-token`).
 */
function headersFor(encoding: Encoding, extra: Record<string, string> | undefined) {
  if (encoding === "query") return extra === undefined ? {} : { ...extra };
  const headers: Record<string, string> = {
    accept: "application/json",
    "content-type": encoding === "form" ? "application/x-www-form-urlencoded" : "application/json",
  };
  return extra === undefined ? headers : Object.assign(headers, extra);
}

/** One token request, as sent: its parameters encoded once, the same for every attempt. */
export interface TokenRequest {
  operation: TokenOperation;
  url: string;
  params: Record<string, string>;
  encoding: Encoding;
  headers: Record<string, string> | undefined;
}

/** The client's settings an exchange needs. */
export type ExchangeConfig = Pick<
  ReturnType<typeof checkOptions>,
  "retry" | "timeoutMs" | "log" | "transport"
> & { deadlines: Deadlines };

/**
 * Sends a token request (with retries where safe) and reads the answer into the operation's
 * data; `secrets` are the values that must never appear in an error.
 */
export async function exchange<Op extends TokenOperation>(
  config: ExchangeConfig,
  token: TokenRequest & { operation: Op },
  secrets: readonly string[],
  options: CallOptions | undefined,
): Promise<TokenData<Op>> {
  const { operation, params, encoding } = token;
  const { signal, timeoutMs = config.timeoutMs } = checkCallOptions(options);
  const query = encoding === "query";
  const method = query ? "GET" : "POST";
  const url = query ? `${token.url}?${encodeQuery(params)}` : token.url;
  const body = query
    ? undefined
    : encoding === "form"
      ? encodeQuery(params)
      : JSON.stringify(params);
  const { transport, deadlines } = config;
  return withRetries(operation, config.retry, timeoutMs, signal, config.log, async (budget) => {
    const request: TransportRequest = {
      method,
      url,
      headers: headersFor(encoding, token.headers),
      body,
      deadline: Date.now() + budget,
      signal,
    };
    const answer = await send(transport, request, operation, budget, secrets, deadlines);
    return readAnswer(operation, answer, secrets);
  });
}
