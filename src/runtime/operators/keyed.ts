/** Keyed one-input operators (this issue: reduce and its field aggregations). */
import { keyToMapKey } from "../../core/keygroups.ts";
import type { RichFunction } from "../../api/functions.ts";
import type { KeyFn } from "../../api/transformations.ts";
import { OneInputOperator } from "./operator.ts";

/**
 * Keeps one reduced value per key. In STREAMING mode every update is emitted (a running result);
 * in BATCH mode only the final value of each key is emitted when the input ends.
 */
export class ReduceOperator extends OneInputOperator<unknown> {
  private readonly key: KeyFn;
  private readonly fn: (a: unknown, b: unknown) => unknown;
  private readonly values = new Map<unknown, unknown>();
  private readonly timestamps = new Map<unknown, number>();
  /** Creates the operator. */
  constructor(key: KeyFn, fn: (a: unknown, b: unknown) => unknown, rich: RichFunction | null) {
    super();
    this.key = key;
    this.fn = fn;
    this.userFunction = rich;
  }
  /** Folds one record into its key's value. */
  processElement(value: unknown, timestamp: number): void {
    let k: unknown;
    let next: unknown;
    try {
      k = keyToMapKey(this.key(value));
      const prev = this.values.get(k);
      next = prev === undefined && !this.values.has(k) ? value : this.fn(prev, value);
    } catch (e) {
      throw this.userError(e);
    }
    this.values.set(k, next);
    if (this.ctx.batch) {
      const prevTs = this.timestamps.get(k);
      if (prevTs === undefined || timestamp > prevTs) this.timestamps.set(k, timestamp);
    } else {
      this.output.collect(next, timestamp);
    }
  }
  /** In BATCH mode, emits the final value of every key. */
  override finish(): void {
    if (!this.ctx.batch) return;
    for (const [k, v] of this.values) this.output.collect(v, this.timestamps.get(k) ?? -Infinity);
  }
}
