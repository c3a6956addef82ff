/*
 * Generated from openapi/douyin-oauth.yaml by scripts/generate.mjs. Do not edit:
 * change the spec and run `npm run generate` (see src/generated/README.md).
 */

/** Every path of the spec, with its operations' parameters and answers (openapi-fetch's input). */
export interface paths {
  "/oauth/access_token/": {
    /**
     * 获取access_token / Exchange an authorization code for the user's tokens
     * @description 获取access_token。
     *
     *     Swaps the one-time `code` from the authorization callback for the user's `access_token`
     *     (15 days), `refresh_token` (30 days) and `open_id`. A code works once and expires after
     *     about 10 minutes; never retry this call blindly.
     */
    get: operations["accessToken"];
    /**
     * 获取access_token (POST) / Exchange a code, parameters in a form body
     * @description The platform's current form of `accessToken` (beyond the seed): the same parameters in an
     *     `application/x-www-form-urlencoded` body, so the secrets stay out of URLs, and so out of
     *     proxy and server logs (RFC 6749 section 2.3.1). Same answers as the GET form.
     */
    post: operations["accessTokenByForm"];
  };
  "/oauth/client_token/": {
    /**
     * 生成client_token / Get an application-level client token
     * @description 生成client_token。
     *
     *     Issues a `client_token` (prefix `clt.`, 2 hours) that identifies the application itself,
     *     not a user. Fetching a new one invalidates all but the latest two (after a 5-minute
     *     grace), and more than 500 calls in 5 minutes are refused: share one token per app.
     */
    get: operations["clientToken"];
    /**
     * 生成client_token (POST) / Get a client token, parameters in a JSON body
     * @description The platform's current form of `clientToken` (beyond the seed): the same parameters in a
     *     JSON body, so the secret stays out of URLs and logs. Same answers as the GET form.
     */
    post: operations["clientTokenByJson"];
  };
  "/oauth/refresh_token/": {
    /**
     * 刷新access_token / Refresh the user's access token
     * @description 刷新access_token。
     *
     *     Returns a fresh `access_token` (15 days). The refresh token's own expiry is unchanged;
     *     if the access token had not expired yet the same token may come back with a new expiry.
     *     Takes no `client_secret`.
     */
    get: operations["refreshToken"];
    /**
     * 刷新access_token (POST) / Refresh, parameters in a form body
     * @description The platform's current form of `refreshToken` (beyond the seed): the same parameters in an
     *     `application/x-www-form-urlencoded` body, so the secrets stay out of URLs, and so out of
     *     proxy and server logs (RFC 6749 section 2.3.1). Same answers as the GET form.
     */
    post: operations["refreshTokenByForm"];
  };
  "/oauth/renew_refresh_token/": {
    /**
     * 刷新refresh_token / Renew the user's refresh token
     * @description 刷新refresh_token。
     *
     *     Issues a new `refresh_token` (30 days). A refresh token can be renewed at most 5 times;
     *     after that the platform answers 10020 and the user must authorize again. Needs the
     *     renewal permission on the app (10004 otherwise). Takes no `client_secret`. It rotates
     *     the refresh token, so never retry it blindly.
     */
    get: operations["renewRefreshToken"];
    /**
     * 刷新refresh_token (POST) / Renew, parameters in a form body
     * @description The platform's current form of `renewRefreshToken` (beyond the seed): the same parameters in an
     *     `application/x-www-form-urlencoded` body, so the secrets stay out of URLs, and so out of
     *     proxy and server logs (RFC 6749 section 2.3.1). Same answers as the GET form.
     */
    post: operations["renewRefreshTokenByForm"];
  };
  "/oauth/stable_client_token/": {
    /**
     * 生成稳定的client_token / Get the app's stable client token
     * @description 生成稳定的client_token (beyond the seed; docs page
     *     dop/develop/openapi/account-permission/generate-stable-client-token).
     *
     *     Like `clientToken`, a 2-hour app token, but repeated calls while it is valid return the
     *     same token, so several servers do not knock each other's tokens out. Parameters in a
     *     JSON body. The answer is taken to have `clientToken`'s shape.
     */
    post: operations["stableClientToken"];
  };
  "/oauth/userinfo/": {
    /**
     * 获取用户公开信息 / Who signed in (nickname, avatar, open_id, union_id)
     * @description 获取用户公开信息 (beyond the seed; scope `user_info`).
     *
     *     The call every login makes right after `accessToken`: the user's `nickname`, `avatar`,
     *     `open_id` and `union_id` are promised, the other fields are optional. This is the
     *     platform's current form: the access token in the `access-token` header, `open_id` in a
     *     JSON body. Three older forms are in use elsewhere, with the same answers: header
     *     `access_token` with a form body `open_id=...` (ByteDance's Node SDK), a form body
     *     `access_token=...&open_id=...` (older pages, most third-party SDKs), and
     *     `GET /oauth/userinfo?open_id=...&access_token=...` (the seed's family; it puts the token
     *     in a URL, so in logs).
     *
     *     An expired or invalid access token answers `error_code` 10008 (older gateway) or
     *     2190008 / 2190002 (newer gateway); a missing parameter 2100005. Some fields carry the
     *     literal string `"<nil>"` where there is no value (seen in `e_account_role`).
     */
    post: operations["userInfo"];
  };
  "/platform/oauth/connect/": {
    /**
     * 抖音获取授权码(code) / Douyin consent page (authorization code)
     * @description 抖音获取授权码(code)。
     *
     *     The Douyin consent page: a QR code on PC, the native consent sheet in the app. Send the
     *     user's browser here; after consent it is redirected (302) to `redirect_uri` with `code`,
     *     `state` and `scopes` (see `AuthorizationCallback`). Invalid parameters produce the JSON
     *     error envelope instead of the page.
     *
     *     The platform's current page insists on an `https` `redirect_uri` equal to the one
     *     registered for the app (only the part before `#` is compared) and without custom query
     *     parameters (10006 otherwise); `http` is accepted here for local development against an
     *     emulator.
     */
    get: operations["connect"];
  };
  "/oauth/authorize/": {
    /**
     * 头条获取授权码(code) / Toutiao consent page (authorization code)
     * @description 头条获取授权码(code)。
     *
     *     The Toutiao flavour of the consent page. Send the user's browser here; after consent it
     *     is redirected (302) to `redirect_uri` with `code`, `state` and `scopes`. Invalid
     *     parameters produce the JSON error envelope instead of the page.
     */
    get: operations["authorize"];
  };
  "/oauth/authorize/v2/": {
    /**
     * 抖音静默获取授权码(code) / Douyin silent authorization (scope login_id)
     * @description 抖音静默获取授权码(code)。
     *
     *     Silent authorization with scope `login_id`: no consent page, the browser is redirected at
     *     once to `redirect_uri` with `code` and `state` (returned unchanged; apps may omit it).
     *     The platform's current silent-auth page lives on another host
     *     (`https://aweme.snssdk.com/passport/open/silent_auth/`, same parameters, only inside
     *     the Douyin app's web view), so clients let its base URL be configured.
     */
    get: operations["authorizeV2"];
  };
}
export type webhooks = Record<string, never>;
/** The spec's schemas: each request form and each answer, as the platform sends them. */
export interface components {
  schemas: {
    /**
     * An integer that the platform sends either as a JSON number or as a numeric string
     * (`86400` or `"86400"`). Clients should hand users numbers.
     */
    NumberOrNumericString: number | string;
    /**
     * Scopes joined by commas, e.g. `user_info,video.list`: one known scope (`KnownScope`),
     * or several, or scopes the package does not know by name.
     * @example user_info,video.list
     */
    ScopeList: components["schemas"]["KnownScope"] | string;
    /**
     * One scope this package knows by name, for typed scope lists (a misspelled name is a
     * type error): `user_info` (nickname and avatar), `mobile` and `mobile_alert` (the phone
     * number), `video.list`, `video.data`, `login_id` (silent authorization). Not a closed
     * list: the platform has more scopes and adds new ones, which clients take explicitly.
     * @enum {string}
     */
    KnownScope: "user_info" | "mobile" | "mobile_alert" | "video.list" | "video.data" | "login_id";
    /**
     * Format: uri
     * @description Absolute http(s) URL. The platform now requires https and an exact match of the
     *     registered URL; http is allowed for local development.
     */
    RedirectUri: string;
    /**
     * `error_code` of a successful answer: 0, sent as a number or as `"0"`.
     * @enum {unknown}
     */
    SuccessCode: 0 | "0";
    /** Diagnostics that accompany errors (and sometimes successes). */
    Extra: {
      /** Request id; quote it to platform support. */
      logid?: string;
      /** Server time in milliseconds since the epoch. */
      now?: components["schemas"]["NumberOrNumericString"];
    };
    /** `success` or `error`; the platform has been seen sending `<nil>`. */
    Message: string;
    /** The `data` object of a failed call. */
    ErrorData: {
      /**
       * Non-zero error code (10002 parameter error, 10003 unknown client_key, 10004 permission
       * denied, 10005 missing parameter, 10006 illegal redirect_uri, 10007 code expired,
       * 10008 access_token invalid, 10010 refresh_token expired, 10013 wrong client_key or
       * secret, 10020 renew or rate limit, 2100005, 2190002, 2190008; the list is open).
       */
      error_code: components["schemas"]["NumberOrNumericString"];
      /** Why the call failed (often in Chinese). */
      description?: string;
      /** Request id, when the platform puts it in `data`. */
      log_id?: string;
    };
    /** The one error envelope of every operation (HTTP 200, non-zero `error_code`). */
    ErrorAnswer: {
      data: components["schemas"]["ErrorData"];
      extra?: components["schemas"]["Extra"];
      message?: components["schemas"]["Message"];
    };
    /** The `data` object of a successful `accessToken` call. */
    AccessTokenData: {
      /** The user's access token (15 days; seen with prefix `act.`). */
      access_token: string;
      description?: string;
      error_code: components["schemas"]["SuccessCode"];
      /** Seconds until the access token expires (1296000 = 15 days). */
      expires_in: components["schemas"]["NumberOrNumericString"];
      /** The user's id within this app. */
      open_id: string;
      /** Refresh token (30 days; seen with prefix `rft.`). */
      refresh_token: string;
      /** Seconds until the refresh token expires (2592000 = 30 days). */
      refresh_expires_in: components["schemas"]["NumberOrNumericString"];
      /** The scopes the user granted, joined by commas. */
      scope: string;
      /** The user's id across the developer's apps (only with certain scopes). */
      unionid?: string;
      log_id?: string;
      captcha?: string;
      desc_url?: string;
    };
    AccessTokenSuccess: {
      data: components["schemas"]["AccessTokenData"];
      extra?: components["schemas"]["Extra"];
      message?: components["schemas"]["Message"];
    };
    /** What `/oauth/access_token/` answers, success or error (both HTTP 200). */
    AccessTokenAnswer:
      components["schemas"]["AccessTokenSuccess"] | components["schemas"]["ErrorAnswer"];
    /** The `data` object of a successful `clientToken` call. */
    ClientTokenData: {
      /** The client token (2 hours; seen with prefix `clt.`). */
      access_token: string;
      description?: string;
      error_code: components["schemas"]["SuccessCode"];
      /** Seconds until the client token expires (7200 = 2 hours). */
      expires_in: components["schemas"]["NumberOrNumericString"];
      log_id?: string;
    };
    ClientTokenSuccess: {
      data: components["schemas"]["ClientTokenData"];
      extra?: components["schemas"]["Extra"];
      message?: components["schemas"]["Message"];
    };
    /** What `/oauth/client_token/` answers, success or error (both HTTP 200). */
    ClientTokenAnswer:
      components["schemas"]["ClientTokenSuccess"] | components["schemas"]["ErrorAnswer"];
    /** The `data` object of a successful `refreshToken` call. */
    RefreshTokenData: {
      /** A fresh access token (15 days). */
      access_token: string;
      description?: string;
      error_code: components["schemas"]["SuccessCode"];
      /** Seconds until the access token expires. */
      expires_in: components["schemas"]["NumberOrNumericString"];
      open_id: string;
      /** The refresh token, its expiry unchanged. */
      refresh_token: string;
      /** Seconds until the refresh token expires. */
      refresh_expires_in: components["schemas"]["NumberOrNumericString"];
      scope: string;
      log_id?: string;
    };
    RefreshTokenSuccess: {
      data: components["schemas"]["RefreshTokenData"];
      extra?: components["schemas"]["Extra"];
      message?: components["schemas"]["Message"];
    };
    /** What `/oauth/refresh_token/` answers, success or error (both HTTP 200). */
    RefreshTokenAnswer:
      components["schemas"]["RefreshTokenSuccess"] | components["schemas"]["ErrorAnswer"];
    /** The `data` object of a successful `renewRefreshToken` call. */
    RenewRefreshTokenData: {
      description?: string;
      error_code: components["schemas"]["SuccessCode"];
      /** Seconds until the new refresh token expires (2592000 = 30 days). */
      expires_in: components["schemas"]["NumberOrNumericString"];
      /** The new refresh token; use it from now on. */
      refresh_token: string;
      log_id?: string;
    };
    RenewRefreshTokenSuccess: {
      data: components["schemas"]["RenewRefreshTokenData"];
      extra?: components["schemas"]["Extra"];
      message?: components["schemas"]["Message"];
    };
    /** What `/oauth/renew_refresh_token/` answers, success or error (both HTTP 200). */
    RenewRefreshTokenAnswer:
      components["schemas"]["RenewRefreshTokenSuccess"] | components["schemas"]["ErrorAnswer"];
    /** The body of `accessTokenByForm`. */
    AccessTokenRequest: {
      client_key: string;
      client_secret: string;
      code: string;
      /** @enum {string} */
      grant_type: "authorization_code";
    };
    /** The body of `clientTokenByJson` and `stableClientToken`. */
    ClientTokenRequest: {
      client_key: string;
      client_secret: string;
      /** @enum {string} */
      grant_type: "client_credential";
    };
    /** The body of `refreshTokenByForm`. */
    RefreshTokenRequest: {
      client_key: string;
      refresh_token: string;
      /** @enum {string} */
      grant_type: "refresh_token";
    };
    /** The body of `renewRefreshTokenByForm`. */
    RenewRefreshTokenRequest: {
      client_key: string;
      refresh_token: string;
    };
    /** What `/oauth/stable_client_token/` answers, success or error (both HTTP 200). */
    StableClientTokenAnswer:
      components["schemas"]["ClientTokenSuccess"] | components["schemas"]["ErrorAnswer"];
    /** The JSON body of `userInfo` (the access token rides in the `access-token` header). */
    UserInfoRequest: {
      /** 通过/oauth/access_token/获取，用户唯一标志 / The user's `open_id`, from `/oauth/access_token/`. */
      open_id: string;
    };
    /**
     * The `data` object of a successful `userInfo` call. Only `open_id`, `union_id`, `nickname`
     * and `avatar` are promised; a field the platform fills with the literal string `"<nil>"`
     * has no value.
     */
    UserInfoData: {
      error_code: components["schemas"]["SuccessCode"];
      description?: string;
      /** The user's id within this app. */
      open_id: string;
      /** The user's id across the developer's apps on the same open platform account. */
      union_id: string;
      /** The user's Douyin nickname. */
      nickname: string;
      /** URL of the user's avatar. */
      avatar: string;
      /** URL of a larger avatar. */
      avatar_larger?: string;
      city?: string;
      province?: string;
      country?: string;
      /** 0 unknown, 1 male, 2 female (older pages; often absent). */
      gender?: components["schemas"]["NumberOrNumericString"];
      /**
       * Enterprise account role (`EAccountM`, `EAccountS`, `EAccountK`); the platform's sample
       * sends `"<nil>"` for an ordinary account.
       */
      e_account_role?: string;
      /**
       * The user's mobile number when they granted `mobile_alert`: base64 of AES-256-CBC with
       * PKCS#7 padding, key = the app's client_secret, IV = its first 16 bytes.
       */
      encrypt_mobile?: string;
      log_id?: string;
    };
    UserInfoSuccess: {
      data: components["schemas"]["UserInfoData"];
      extra?: components["schemas"]["Extra"];
      message?: components["schemas"]["Message"];
    };
    /** What `/oauth/userinfo/` answers, success or error (both HTTP 200). */
    UserInfoAnswer: components["schemas"]["UserInfoSuccess"] | components["schemas"]["ErrorAnswer"];
    /**
     * The query parameters the browser brings back to `redirect_uri` after an authorization
     * page. Unknown extra parameters (e.g. `recommend=1`) may ride along.
     */
    AuthorizationCallback: {
      /** One-time authorization code (about 10 minutes) for `/oauth/access_token/`. */
      code: string;
      /** The `state` sent, unchanged (seen empty when none was sent). */
      state?: string;
      /** The scopes granted, joined by commas (may be absent). */
      scopes?: string;
    };
  };
  responses: {
    /**
     * The consent page (HTML) when the parameters are valid, or the platform's JSON error
     * envelope (still HTTP 200) when they are not.
     */
    AuthorizationPage: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        /** @example <!doctype html><html><body>…consent page…</body></html> */
        "text/html": string;
        "application/json": components["schemas"]["ErrorAnswer"];
      };
    };
    /**
     * After the user's decision (at once for silent authorization) the browser is sent to
     * `redirect_uri` carrying `code`, `state` and `scopes` in the query string.
     */
    AuthorizationRedirect: {
      headers: {
        Location: components["headers"]["Location"];
        [name: string]: unknown;
      };
      content?: never;
    };
  };
  parameters: {
    /** 应用唯一标识 / The application's unique key. */
    ClientKey: string;
    /**
     * 应用唯一标识对应的密钥 / The secret paired with `client_key`. A query string reaches
     * proxy and server logs: keep such logs private.
     */
    ClientSecret: string;
    /**
     * 填写通过access_token获取到的refresh_token参数 / The `refresh_token` obtained from
     * `/oauth/access_token/`.
     */
    RefreshToken: string;
    /** 填写code / Always `code`. */
    ResponseType: "code";
    /**
     * 应用授权作用域,多个授权作用域以英文逗号（,）分隔 / The scopes requested, joined by commas
     * (`user_info,video.list`).
     */
    Scope: components["schemas"]["ScopeList"];
    /**
     * 授权成功后的回调地址，必须以http/https开头。域名必须对应申请应用时填写的域名，如不清楚请联系应用申请人。 /
     * Where the browser goes after authorization; must start with http:// or https://, and its
     * domain must be the one registered for the app.
     */
    RedirectUri: components["schemas"]["RedirectUri"];
    /**
     * 用于保持请求和回调的状态 / Opaque value returned unchanged on the callback; use an
     * unguessable one and compare it there (CSRF protection).
     */
    State: string;
  };
  requestBodies: never;
  headers: {
    /**
     * `redirect_uri` with the query parameters of `AuthorizationCallback` added
     * (`code`, `state`, `scopes`; other parameters such as `recommend=1` may ride along).
     * @example https://example.com/callback?code=ffab5ec26cd958eaYnBEbE8NBrXiKodBxkf6&state=d3f1a9&scopes=user_info,video.list
     */
    Location: string;
  };
  pathItems: never;
}
export type $defs = Record<string, never>;
/** Every operation of the spec by its operationId: parameters, request body, answers. */
export interface operations {
  accessToken: {
    parameters: {
      query: {
        /** 应用唯一标识 / The application's unique key. */
        client_key: components["parameters"]["ClientKey"];
        /**
         * 应用唯一标识对应的密钥 / The secret paired with `client_key`. A query string reaches
         * proxy and server logs: keep such logs private.
         */
        client_secret: components["parameters"]["ClientSecret"];
        /** 授权码 / The authorization code received on the redirect callback. */
        code: string;
        /** 写死"authorization_code"即可 / Always `authorization_code`. */
        grant_type: "authorization_code";
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Success (`error_code` 0) or a platform error (non-zero `error_code`), both with HTTP 200. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["AccessTokenAnswer"];
        };
      };
    };
  };
  accessTokenByForm: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/x-www-form-urlencoded": components["schemas"]["AccessTokenRequest"];
      };
    };
    responses: {
      /** Success (`error_code` 0) or a platform error (non-zero `error_code`), both with HTTP 200. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["AccessTokenAnswer"];
        };
      };
    };
  };
  clientToken: {
    parameters: {
      query: {
        /** 应用唯一标识 / The application's unique key. */
        client_key: components["parameters"]["ClientKey"];
        /**
         * 应用唯一标识对应的密钥 / The secret paired with `client_key`. A query string reaches
         * proxy and server logs: keep such logs private.
         */
        client_secret: components["parameters"]["ClientSecret"];
        /** 传client_credential / Always `client_credential`. */
        grant_type: "client_credential";
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Success (`error_code` 0) or a platform error (non-zero `error_code`), both with HTTP 200. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ClientTokenAnswer"];
        };
      };
    };
  };
  clientTokenByJson: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["ClientTokenRequest"];
      };
    };
    responses: {
      /** Success (`error_code` 0) or a platform error (non-zero `error_code`), both with HTTP 200. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ClientTokenAnswer"];
        };
      };
    };
  };
  refreshToken: {
    parameters: {
      query: {
        /** 应用唯一标识 / The application's unique key. */
        client_key: components["parameters"]["ClientKey"];
        /**
         * 填写通过access_token获取到的refresh_token参数 / The `refresh_token` obtained from
         * `/oauth/access_token/`.
         */
        refresh_token: components["parameters"]["RefreshToken"];
        /** 填refresh_token / Always `refresh_token`. */
        grant_type: "refresh_token";
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Success (`error_code` 0) or a platform error (non-zero `error_code`), both with HTTP 200. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["RefreshTokenAnswer"];
        };
      };
    };
  };
  refreshTokenByForm: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/x-www-form-urlencoded": components["schemas"]["RefreshTokenRequest"];
      };
    };
    responses: {
      /** Success (`error_code` 0) or a platform error (non-zero `error_code`), both with HTTP 200. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["RefreshTokenAnswer"];
        };
      };
    };
  };
  renewRefreshToken: {
    parameters: {
      query: {
        /** 应用唯一标识 / The application's unique key. */
        client_key: components["parameters"]["ClientKey"];
        /**
         * 填写通过access_token获取到的refresh_token参数 / The `refresh_token` obtained from
         * `/oauth/access_token/`.
         */
        refresh_token: components["parameters"]["RefreshToken"];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** Success (`error_code` 0) or a platform error (non-zero `error_code`), both with HTTP 200. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["RenewRefreshTokenAnswer"];
        };
      };
    };
  };
  renewRefreshTokenByForm: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/x-www-form-urlencoded": components["schemas"]["RenewRefreshTokenRequest"];
      };
    };
    responses: {
      /** Success (`error_code` 0) or a platform error (non-zero `error_code`), both with HTTP 200. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["RenewRefreshTokenAnswer"];
        };
      };
    };
  };
  stableClientToken: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["ClientTokenRequest"];
      };
    };
    responses: {
      /** Success (`error_code` 0) or a platform error (non-zero `error_code`), both with HTTP 200. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["StableClientTokenAnswer"];
        };
      };
    };
  };
  userInfo: {
    parameters: {
      query?: never;
      header: {
        /**
         * 调用/oauth/access_token/生成的token，此token需要用户授权 / The user's access token
         * from `/oauth/access_token/` (scope `user_info`).
         */
        "access-token": string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["UserInfoRequest"];
      };
    };
    responses: {
      /** Success (`error_code` 0) or a platform error (non-zero `error_code`), both with HTTP 200. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["UserInfoAnswer"];
        };
      };
    };
  };
  connect: {
    parameters: {
      query: {
        /** 应用唯一标识 / The application's unique key. */
        client_key: components["parameters"]["ClientKey"];
        /** 填写code / Always `code`. */
        response_type: components["parameters"]["ResponseType"];
        /**
         * 应用授权作用域,多个授权作用域以英文逗号（,）分隔 / The scopes requested, joined by commas
         * (`user_info,video.list`).
         */
        scope: components["parameters"]["Scope"];
        /**
         * 授权成功后的回调地址，必须以http/https开头。域名必须对应申请应用时填写的域名，如不清楚请联系应用申请人。 /
         * Where the browser goes after authorization; must start with http:// or https://, and its
         * domain must be the one registered for the app.
         */
        redirect_uri: components["parameters"]["RedirectUri"];
        /**
         * 应用授权可选作用域,多个授权作用域以英文逗号（,）分隔，每一个授权作用域后需要加上一个是否默认勾选的参数，1为默认勾选，0为默认不勾选 /
         * Optional scopes the user may untick: pairs `scope,flag` joined by commas, flag `1` =
         * pre-ticked, `0` = not ticked, e.g. `mobile,1,video.list,0`. Spelled in camelCase on
         * the wire.
         */
        optionalScope?: string;
        /**
         * 用于保持请求和回调的状态 / Opaque value returned unchanged on the callback; use an
         * unguessable one and compare it there (CSRF protection).
         */
        state?: components["parameters"]["State"];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: components["responses"]["AuthorizationPage"];
      302: components["responses"]["AuthorizationRedirect"];
    };
  };
  authorize: {
    parameters: {
      query: {
        /** 应用唯一标识 / The application's unique key. */
        client_key: components["parameters"]["ClientKey"];
        /** 填写code / Always `code`. */
        response_type: components["parameters"]["ResponseType"];
        /**
         * 应用授权作用域,多个授权作用域以英文逗号（,）分隔 / The scopes requested, joined by commas
         * (`user_info,video.list`).
         */
        scope: components["parameters"]["Scope"];
        /**
         * 授权成功后的回调地址，必须以http/https开头。域名必须对应申请应用时填写的域名，如不清楚请联系应用申请人。 /
         * Where the browser goes after authorization; must start with http:// or https://, and its
         * domain must be the one registered for the app.
         */
        redirect_uri: components["parameters"]["RedirectUri"];
        /**
         * 用于保持请求和回调的状态 / Opaque value returned unchanged on the callback; use an
         * unguessable one and compare it there (CSRF protection).
         */
        state?: components["parameters"]["State"];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: components["responses"]["AuthorizationPage"];
      302: components["responses"]["AuthorizationRedirect"];
    };
  };
  authorizeV2: {
    parameters: {
      query: {
        /** 应用唯一标识 / The application's unique key. */
        client_key: components["parameters"]["ClientKey"];
        /** 填写code / Always `code`. */
        response_type: components["parameters"]["ResponseType"];
        /** 填login_id / Always `login_id`. */
        scope: "login_id";
        /**
         * 授权成功后的回调地址，必须以http/https开头。域名要跟申请应用时填写的授权回调域一致。用于调用https://open.douyin.com/oauth/access_token/换token。 /
         * Where the browser goes after authorization; must start with http:// or https:// and
         * its domain must match the app's registered callback domain. The `code` it receives is
         * exchanged at `/oauth/access_token/`.
         */
        redirect_uri: components["schemas"]["RedirectUri"];
        /**
         * 用于保持请求和回调状态，授权请求后会原样返回给接入方,如果是App则不用传该参数 /
         * Returned unchanged on the callback to tie it to the request; apps may omit it.
         */
        state?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: components["responses"]["AuthorizationPage"];
      302: components["responses"]["AuthorizationRedirect"];
    };
  };
}
