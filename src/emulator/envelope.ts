// The platform's answer envelope (PLATFORM.md): `data` carries the fields with
// `error_code` and `description`, `extra` a logid and the time, `message` "success" or "error";
// HTTP 200 either way. With `stringNumbers`, numbers travel as strings, as some answers do.
import { randomBytes } from "node:crypto";
import { ERROR_CODE, type components } from "../spec.js";

type Schemas = components["schemas"];

const MESSAGES: Record<number, string> = {
  [ERROR_CODE.PARAMETER_ERROR]: "参数错误 / parameter error",
  [ERROR_CODE.CLIENT_KEY_NOT_FOUND]: "client_key不存在 / client_key does not exist",
  [ERROR_CODE.PERMISSION_DENIED]: "权限不足 / permission denied",
  [ERROR_CODE.MISSING_PARAMETER]: "缺少参数 / missing parameter",
  [ERROR_CODE.ILLEGAL_REDIRECT_URI]: "redirect_uri不合法 / illegal redirect_uri",
  [ERROR_CODE.CODE_EXPIRED]: "code过期 / code expired or already used",
  [ERROR_CODE.REFRESH_TOKEN_EXPIRED]: "refresh_token过期 / refresh_token expired, authorize again",
  [ERROR_CODE.CLIENT_KEY_OR_SECRET_WRONG]:
    "client_key或client_secret错误 / wrong client_key or client_secret",
  [ERROR_CODE.LIMIT_REACHED]: "超过次数限制 / limit reached",
  [ERROR_CODE.GATEWAY_PARAMETER_ERROR]: "参数不合法 / parameter error",
  [ERROR_CODE.GATEWAY_ACCESS_TOKEN_INVALID]: "access_token无效 / access_token invalid",
  [ERROR_CODE.GATEWAY_ACCESS_TOKEN_EXPIRED]:
    "access_token过期,请刷新或重新授权 / access_token expired: refresh it or authorize again",
};

/** Wraps answers in the platform's envelope, stamped with the emulator's clock. */
export class Envelopes {
  constructor(
    private readonly now: () => number,
    private readonly stringNumbers: boolean,
  ) {}

  /** An error answer; `detail` (never a secret) follows the code's usual description. */
  error(code: number, detail?: string): Schemas["ErrorAnswer"] {
    const description = MESSAGES[code] ?? "error";
    return {
      data: {
        description: detail === undefined ? description : `${description}: ${detail}`,
        error_code: this.number(code),
      },
      extra: this.extra(),
      message: "error",
    };
  }

  success<D extends object>(data: D) {
    return {
      data: {
        ...data,
        description: "",
        error_code: this.stringNumbers ? ("0" as const) : (0 as const),
      },
      extra: this.extra(),
      message: "success",
    };
  }

  /** A lifetime in whole seconds, never negative. */
  seconds(ms: number): number | string {
    return this.number(Math.max(0, Math.round(ms / 1000)));
  }

  private number(value: number): number | string {
    return this.stringNumbers ? String(value) : value;
  }

  private extra(): Schemas["Extra"] {
    const now = this.now();
    const stamp = new Date(now).toISOString().replace(/\D/g, "").slice(0, 14);
    return {
      logid: `${stamp}${randomBytes(10).toString("hex").toUpperCase()}`,
      now: this.number(now),
    };
  }
}
