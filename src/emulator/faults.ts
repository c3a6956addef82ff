// Fault injection: what a flaky network or gateway does to an answer. Test hooks, apart from
// the platform's rules; the shape is the control API's `Fault` schema.
import type { ControlComponents } from "./control-spec.js";

/**
 * What to do to a request instead of (or on top of) answering it: `latency` (answer normally,
 * after latencyMs), `status` (an HTTP error status, default 503, with an HTML body, nothing
 * processed), `html` (HTTP 200 with an HTML error page, nothing processed), `empty` (HTTP 200
 * with an empty body, nothing processed), `reset` (the connection is destroyed, nothing
 * processed), `lost` (processed, then reset before any answer byte), `truncated` (processed,
 * then half the JSON answer is sent), `stall` (processed, then half the answer and the body never
 * ends).
 */
export type FaultKind = ControlComponents["schemas"]["FaultKind"];

/**
 * A fault: `kind`; `operation` (a token endpoint's operationId, e.g. `"clientToken"`; every one
 * when omitted); `latencyMs` for `latency` (default 1 000); `status` for `status` (default 503);
 * `times`, how many requests it hits before it clears itself (default until cleared).
 */
export type Fault = ControlComponents["schemas"]["Fault"];
type ActiveFault = ControlComponents["schemas"]["ActiveFault"];

type TokenOperation = ControlComponents["schemas"]["TokenOperation"];

/** The list, checked at compile time to name every member of T (a spec change breaks here). */
const every =
  <T extends string>() =>
  <const L extends readonly T[]>(
    list: L &
      ([Exclude<T, L[number]>] extends [never] ? unknown : { missing: Exclude<T, L[number]> }),
  ): L =>
    list;

export const FAULT_KINDS = every<FaultKind>()([
  "latency",
  "status",
  "html",
  "empty",
  "reset",
  "lost",
  "truncated",
  "stall",
]);

export const TOKEN_OPERATIONS = every<TokenOperation>()([
  "accessToken",
  "clientToken",
  "stableClientToken",
  "refreshToken",
  "renewRefreshToken",
  "userInfo",
]);

export class Faults {
  private list_: Array<Fault & { left: number }> = [];

  /** Adds a fault already checked (control.ts's checkFault). */
  add(fault: Fault): void {
    this.list_.push({ ...fault, left: fault.times ?? Infinity });
  }

  clear(): void {
    this.list_ = [];
  }

  /** The active faults, in the order they apply. */
  list(): ActiveFault[] {
    return this.list_.map(({ times: _times, left, ...fault }) => ({
      ...fault,
      left: Number.isFinite(left) ? left : null,
    }));
  }

  /** The fault for this request, if any; counts it down. */
  take(operation: string): Fault | undefined {
    const found = this.list_.find((f) => f.operation === undefined || f.operation === operation);
    if (!found) return undefined;
    found.left -= 1;
    if (found.left <= 0) this.list_ = this.list_.filter((f) => f !== found);
    return found;
  }
}
