// A MemoryTokenStore that notes the lifetime every write asks for, for the tests of the token
// rules (how long a token or a user record is kept).
import { MemoryTokenStore } from "../../src/tokens/index.js";

/** A MemoryTokenStore that notes, in order, the lifetime of every set and compare-and-set. */
export class RecordingStore extends MemoryTokenStore {
  ttls: number[] = [];
  override async set(key: string, value: string, ttlMs: number) {
    this.ttls.push(ttlMs);
    return super.set(key, value, ttlMs);
  }
  override async compareAndSet(
    key: string,
    expected: string | undefined,
    next: string | undefined,
    ttlMs: number,
  ) {
    this.ttls.push(ttlMs);
    return super.compareAndSet(key, expected, next, ttlMs);
  }
}
