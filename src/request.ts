// A token call on the wire, beside the transport that sends it: the spec's parameters encoded as
// the query of a GET or as a form or JSON POST body, then sent (retried where safe) and read
// into the operation's data by the one answer reader.
import { readAnswer, type TokenData } from "./answer.js";
import type { TokenOperation } from "./errors.js";
import { checkCallOptions, type checkOptions } from "./options.js";
import { encodeQuery } from "./query-string.js";
import { withRetries } from "./retry.js";
import { send, type CallOptions, type SendRequest, type Transport } from "./transport.js";

/** Where a request's parameters travel: the query (GET), a form body or a JSON body (POST). */
export type Encoding = "query" | "form" | "json";

const HEADERS: Record<Encoding, Record<string, string>> = {
  query: {},
  form: { accept: "application/json", "content-type": "application/x-www-form-urlencoded" },
  json: { accept: "application/json", "content-type": "application/json" },
};

/**
 * One token request, ready to send once per attempt with that attempt's signal. `headers` are
 * added to the encoding's own (userInfo's `access-token`).
 */
export function tokenRequest(
  transport: Transport,
  url: string,
  params: Record<string, string>,
  encoding: Encoding,
  headers?: Record<string, string>,
): SendRequest {
  const query = encoding === "query";
  const request = {
    method: query ? ("GET" as const) : ("POST" as const),
    url: query ? `${url}?${encodeQuery(params)}` : url,
    // A copy, never the shared constant: a transport may change the headers it is handed.
    headers: { ...HEADERS[encoding], ...headers },
    body: query ? undefined : encoding === "form" ? encodeQuery(params) : JSON.stringify(params),
  };
  return (signal) => transport({ ...request, signal });
}

/** The client's settings an exchange needs. */
type ExchangeConfig = Pick<ReturnType<typeof checkOptions>, "retry" | "timeoutMs" | "log">;

/**
 * Sends a token request (with retries where safe) and reads the answer into the operation's
 * data; `secrets` are the values that must never appear in an error.
 */
export async function exchange<Op extends TokenOperation>(
  config: ExchangeConfig,
  call: {
    operation: Op;
    options: CallOptions | undefined;
    secrets: readonly string[];
    request: SendRequest;
  },
): Promise<TokenData<Op>> {
  const { operation, secrets, request } = call;
  const { signal, timeoutMs } = checkCallOptions(call.options);
  return withRetries({
    operation,
    policy: config.retry,
    timeoutMs: timeoutMs ?? config.timeoutMs,
    signal,
    log: config.log,
    attempt: async (budget) =>
      readAnswer(
        operation,
        await send({ operation, signal, timeoutMs: budget, secrets, request }),
        secrets,
      ),
  });
}
