/*
 * Generated from openapi/emulator-control.yaml by scripts/generate.mjs. Do not edit:
 * change the spec and run `npm run generate` (see src/generated/README.md).
 */

export interface paths {
  "/_emulator": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The activity page
     * @description For a person, in a browser: the last requests (time, operation, form, outcome, error
     *     code), live users and tokens with their expiry on the emulator's clock, active faults
     *     and the calls per operation. No external assets. `?refresh=<seconds>` reloads it.
     */
    get: operations["activityPage"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/_emulator/codes": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Issue a code for a user
     * @description A one-time authorization code, as the consent page issues it when the user approves:
     *     single use, valid 10 minutes on the emulator's clock, and a new code for the same user
     *     voids the previous one. The user is named by `openId`, or by `user` (an account name,
     *     from which a stable `open_id` is derived as on the consent page), or is `demo_user`.
     */
    post: operations["issueCode"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/_emulator/clock": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Read the emulator's clock */
    get: operations["readClock"];
    put?: never;
    /**
     * Advance the emulator's clock
     * @description Moves the clock forward (never back): codes, tokens and rate windows expire as if that
     *     time had passed.
     */
    post: operations["advanceTime"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/_emulator/faults": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List the active faults */
    get: operations["listFaults"];
    put?: never;
    /**
     * Inject a fault
     * @description Makes token calls misbehave: `latency` (answer after `latencyMs`), `status` (an HTTP
     *     error status with an HTML body, nothing processed), `html` (HTTP 200 with an HTML page),
     *     `empty`, `reset` (the connection is destroyed), `lost` (the platform acts, then the
     *     connection is reset before any answer byte), `truncated` (half the answer),
     *     `stall` (half the answer, then nothing). For one operation or all; `times` limits it.
     */
    post: operations["injectFault"];
    /** Clear every fault */
    delete: operations["clearFaults"];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/_emulator/stats": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Read the calls per operation and the live records */
    get: operations["readStats"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/_emulator/tokens": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List the live codes and tokens
     * @description Every code and token still valid on the emulator's clock, each shown only as its first
     *     characters, with its user and expiry.
     */
    get: operations["listTokens"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/_emulator/tokens/check": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Check whether a token is still valid
     * @description Whether an access, refresh or client token is live. The token travels in the body,
     *     never in a URL.
     */
    post: operations["checkToken"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/_emulator/requests": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List the last requests to the platform's paths
     * @description The last 100 requests to the platform's endpoints and pages (and to unknown paths),
     *     newest first, with codes, tokens and secrets redacted.
     */
    get: operations["listRequests"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/_emulator/apps": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List the registered apps
     * @description The apps the emulator knows, without their secrets.
     */
    get: operations["listApps"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/_emulator/reset": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Forget every code, token, fault, count and request
     * @description Back to a fresh start: codes, tokens, rate windows, faults, stats and the request log
     *     are gone and the clock's advance is undone. The registered apps stay.
     */
    post: operations["reset"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    ControlError: {
      /** @description What is wrong, naming the field; never a value that was sent. */
      error: string;
    };
    /**
     * @description An `operationId` in the platform's spec that answers JSON: the token endpoints and
     *     `userInfo`.
     * @enum {string}
     */
    TokenOperation:
      | "accessToken"
      | "clientToken"
      | "stableClientToken"
      | "refreshToken"
      | "renewRefreshToken"
      | "userInfo";
    /**
     * @description How the user appears: on the activity page and in `/oauth/userinfo/`. A field not given
     *     keeps a default that is stable per `open_id` (a nickname, an avatar the emulator serves,
     *     a mobile number).
     */
    Profile: {
      nickname?: string;
      /** @description An http(s) URL. */
      avatar?: string;
      /**
       * @description The mobile number `userInfo` returns, encrypted as `encrypt_mobile`, to users who
       *     granted `mobile_alert` (digits, an optional leading `+`, spaces).
       */
      mobile?: string;
    };
    IssueCodeRequest: {
      /** @description A registered app; default the first one. */
      clientKey?: string;
      /** @description The granted scopes, as a comma-separated string or a list. */
      scope: string | string[];
      /** @description The user's `open_id`. Not with `user`. */
      openId?: string;
      /** @description An account name; the `open_id` is derived from it. Not with `openId`. */
      user?: string;
      profile?: components["schemas"]["Profile"];
    };
    IssuedCode: {
      /** @description The whole code (the caller asked for it). */
      code: string;
      clientKey: string;
      openId: string;
      scope: string;
      /** @description Milliseconds since the epoch, on the emulator's clock. */
      expiresAt: number;
    };
    AdvanceTimeRequest: {
      /** @description How far to move the clock, in whole milliseconds. */
      ms: number;
    };
    Clock: {
      /** @description The emulator's time, milliseconds since the epoch. */
      now: number;
      /** @description How far it has been advanced since the start (or the last reset). */
      offsetMs: number;
    };
    /** @enum {string} */
    FaultKind: "latency" | "status" | "html" | "empty" | "reset" | "lost" | "truncated" | "stall";
    Fault: {
      kind: components["schemas"]["FaultKind"];
      operation?: components["schemas"]["TokenOperation"];
      /** @description For `latency`; default 1000. */
      latencyMs?: number;
      /** @description For `status`; default 503. */
      status?: number;
      /** @description How many requests it hits before it clears itself; default until cleared. */
      times?: number;
    };
    ActiveFault: {
      kind: components["schemas"]["FaultKind"];
      operation?: components["schemas"]["TokenOperation"];
      latencyMs?: number;
      status?: number;
      /** @description Requests it still hits; null until cleared. */
      left: number | null;
    };
    FaultList: {
      faults: components["schemas"]["ActiveFault"][];
    };
    Stats: {
      /** @description Calls per operation, errors included. */
      calls: {
        accessToken: number;
        clientToken: number;
        stableClientToken: number;
        refreshToken: number;
        renewRefreshToken: number;
        userInfo: number;
        connect: number;
        authorize: number;
        authorizeV2: number;
      };
      /** @description Live records. */
      stored: {
        codes: number;
        accessTokens: number;
        refreshTokens: number;
        clientTokens: number;
      };
    };
    /**
     * @description The first characters of a code or token, then `…`.
     * @example act.1a2b…
     */
    Shown: string;
    LiveCode: {
      code: components["schemas"]["Shown"];
      clientKey: string;
      openId: string;
      scope: string;
      expiresAt: number;
    };
    LiveUserToken: {
      token: components["schemas"]["Shown"];
      clientKey: string;
      openId: string;
      scope: string;
      expiresAt: number;
      /** @description Refresh tokens only; at most 5. */
      renewals?: number;
    };
    LiveClientToken: {
      token: components["schemas"]["Shown"];
      clientKey: string;
      /** @description Issued by `stableClientToken`. */
      stable: boolean;
      expiresAt: number;
    };
    LiveUser: {
      clientKey: string;
      openId: string;
      profile?: components["schemas"]["Profile"];
    };
    LiveTokens: {
      /** @description The emulator's time; every `expiresAt` is on this clock. */
      now: number;
      /** @description Users holding a live code or token. */
      users: components["schemas"]["LiveUser"][];
      codes: components["schemas"]["LiveCode"][];
      accessTokens: components["schemas"]["LiveUserToken"][];
      refreshTokens: components["schemas"]["LiveUserToken"][];
      clientTokens: components["schemas"]["LiveClientToken"][];
    };
    CheckTokenRequest: {
      token: string;
    };
    TokenValidity: {
      valid: boolean;
    };
    RequestEntry: {
      /** @description When it arrived, on the emulator's clock. */
      at: number;
      method: string;
      /** @description The path as sent. */
      path: string;
      /** @description Sent without the trailing slash the platform documents (the seed's form). */
      withoutSlash: boolean;
      /** @enum {string} */
      form: "GET" | "POST form" | "POST JSON" | "POST other";
      /** @description The platform's `operationId`, or null for an unknown path. */
      operation: string | null;
      /**
       * @description The parameters as received; `client_secret` as `***`, codes and tokens as their first
       *     characters.
       */
      params: {
        [key: string]: string;
      };
      /** @description The HTTP status answered (0 when the connection was cut). */
      status: number;
      /** @description `success`, `error`, `consent page`, `redirect`, `denied`, `not found`, or the fault applied. */
      outcome: string;
      /** @description The platform's `error_code`, on errors. */
      errorCode?: number;
    };
    RequestList: {
      requests: components["schemas"]["RequestEntry"][];
    };
    /**
     * @description A registered app, without its secret. A `redirect_uri` passes the authorization pages when
     *     it is `http(s)`, carries no query of its own and either its host is one of
     *     `redirectDomains` (any path) or it equals one of `redirectUris` (the fragment aside), else
     *     10006. A code exchange that sends a `redirect_uri` (the platform documents none; RFC 6749
     *     clients send it) must send one that passes and is the one the code was issued for, else
     *     10006.
     */
    App: {
      clientKey: string;
      name?: string;
      /** @description Hosts any redirect path on which passes (default `127.0.0.1`, `localhost`). */
      redirectDomains: string[];
      /** @description Redirect URIs registered exactly, as origin and path. */
      redirectUris: string[];
      canRenew: boolean;
    };
    AppList: {
      apps: components["schemas"]["App"][];
    };
  };
  responses: {
    /** @description The request is invalid; nothing changed. */
    BadRequest: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        /**
         * @example {
         *       "error": "\"ms\" must be an integer of at least 0"
         *     }
         */
        "application/json": components["schemas"]["ControlError"];
      };
    };
    /** @description The emulator has a control token and the request did not carry it. */
    Unauthorized: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": components["schemas"]["ControlError"];
      };
    };
    /**
     * @description Without a control token, the request came from beyond loopback or named a Host that is
     *     not loopback; or it came from another site's page (its Origin is not the emulator's).
     */
    Forbidden: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": components["schemas"]["ControlError"];
      };
    };
  };
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  activityPage: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The page. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "text/html": string;
        };
      };
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
    };
  };
  issueCode: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        /**
         * @example {
         *       "scope": "user_info",
         *       "user": "alice",
         *       "profile": {
         *         "nickname": "Alice"
         *       }
         *     }
         */
        "application/json": components["schemas"]["IssueCodeRequest"];
      };
    };
    responses: {
      /** @description The code, for the app's `accessToken` call. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["IssuedCode"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
    };
  };
  readClock: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The emulator's time. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Clock"];
        };
      };
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
    };
  };
  advanceTime: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        /**
         * @example {
         *       "ms": 86400000
         *     }
         */
        "application/json": components["schemas"]["AdvanceTimeRequest"];
      };
    };
    responses: {
      /** @description The emulator's time after the move. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Clock"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
    };
  };
  listFaults: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Faults still planned, in the order they apply. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["FaultList"];
        };
      };
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
    };
  };
  injectFault: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        /**
         * @example {
         *       "operation": "refreshToken",
         *       "kind": "status",
         *       "status": 503,
         *       "times": 1
         *     }
         */
        "application/json": components["schemas"]["Fault"];
      };
    };
    responses: {
      /** @description The faults now active. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["FaultList"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
    };
  };
  clearFaults: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description No fault is active any more. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
    };
  };
  readStats: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Counts since the start (or the last reset). */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Stats"];
        };
      };
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
    };
  };
  listTokens: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The live records. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["LiveTokens"];
        };
      };
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
    };
  };
  checkToken: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["CheckTokenRequest"];
      };
    };
    responses: {
      /** @description Whether the token is valid now. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["TokenValidity"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
    };
  };
  listRequests: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The activity, newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["RequestList"];
        };
      };
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
    };
  };
  listApps: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The registered apps. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["AppList"];
        };
      };
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
    };
  };
  reset: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The emulator is as freshly started. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
    };
  };
}
