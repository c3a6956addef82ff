// Fault injection: what a flaky network or gateway does to an answer. Test hooks, apart from
// the platform's rules.

/** What to do to a request instead of (or on top of) answering it. */
export type FaultKind =
  | "latency" // answer normally, after latencyMs
  | "status" // an HTTP error status (default 503) with an HTML body, nothing processed
  | "html" // HTTP 200 with an HTML error page, nothing processed
  | "empty" // HTTP 200 with an empty body, nothing processed
  | "reset" // the connection is destroyed, nothing processed
  | "lost" // answer lost after the platform acted: processed, then reset before any answer byte
  | "truncated" // processed, then half the JSON answer is sent
  | "stall"; // processed, then half the answer is sent and the body never ends

export interface Fault {
  kind: FaultKind;
  /** An operationId (e.g. `"clientToken"`), or every operation when omitted. */
  operation?: string;
  /** For `latency`; default 1 000 ms. */
  latencyMs?: number;
  /** For `status`; default 503. */
  status?: number;
  /** How many requests it hits before it clears itself; default: until `clearFaults()`. */
  times?: number;
}

export class Faults {
  private list: Array<Fault & { left: number }> = [];

  add(fault: Fault): void {
    const kinds: FaultKind[] = [
      "latency",
      "status",
      "html",
      "empty",
      "reset",
      "lost",
      "truncated",
      "stall",
    ];
    if (!kinds.includes(fault.kind))
      throw new TypeError(`"kind" must be one of ${kinds.join(", ")}`);
    if (fault.times !== undefined && (!Number.isInteger(fault.times) || fault.times < 1)) {
      throw new TypeError(`"times" must be a positive integer`);
    }
    this.list.push({ ...fault, left: fault.times ?? Infinity });
  }

  clear(): void {
    this.list = [];
  }

  /** The fault for this request, if any; counts it down. */
  take(operation: string): Fault | undefined {
    const found = this.list.find((f) => f.operation === undefined || f.operation === operation);
    if (!found) return undefined;
    found.left -= 1;
    if (found.left <= 0) this.list = this.list.filter((f) => f !== found);
    return found;
  }
}
