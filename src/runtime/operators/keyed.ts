/** Keyed one-input operators: reduce and its field aggregations (sum, min, max, minBy, maxBy). */
import { ValueStateDescriptor, type ValueState } from "../../api/state.ts";
import type { RichFunction } from "../../api/functions.ts";
import type { KeyFn } from "../../api/transformations.ts";
import type { KeyedStateBackend } from "../state/keyed-backend.ts";
import { OneInputOperator } from "./operator.ts";

/** Name of the keyed value state holding each key's reduced value (checkpointed and restored). */
export const REDUCE_STATE_NAME = "_reduce_value";
/** Name of the keyed value state holding each key's latest timestamp (BATCH mode only). */
export const REDUCE_TIMESTAMP_STATE_NAME = "_reduce_timestamp";

/** Property marking a stored stand-in for a `null` or `undefined` reduce result. */
const NULLISH_TAG = "strom.reduce.nullish";
/** A nullish reduce result as stored (value state cannot hold null/undefined: that means absent). */
type NullishBox = { readonly [NULLISH_TAG]: "null" | "undefined" };
const NULL_BOX: NullishBox = Object.freeze({ [NULLISH_TAG]: "null" });
const UNDEFINED_BOX: NullishBox = Object.freeze({ [NULLISH_TAG]: "undefined" });

/** The stored form of a reduce result. */
function encode(v: unknown): unknown {
  return v === null ? NULL_BOX : v === undefined ? UNDEFINED_BOX : v;
}

/** The reduce result of a stored value (a box read back from a checkpoint is a copy). */
function decode(v: unknown): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (v === NULL_BOX) return null;
  if (v === UNDEFINED_BOX) return undefined;
  const tag = (v as Partial<NullishBox>)[NULLISH_TAG];
  return tag === "null" ? null : tag === "undefined" ? undefined : v;
}

/**
 * Keeps one reduced value per key in keyed value state (so checkpoints take it and a restore
 * continues from it). In STREAMING mode every update is emitted (a running result); in BATCH mode
 * only the final value of each key is emitted when the input ends, with the key's latest timestamp.
 */
export class ReduceOperator extends OneInputOperator<unknown> {
  private readonly fn: (a: unknown, b: unknown) => unknown;
  private readonly descriptor = new ValueStateDescriptor<unknown>(REDUCE_STATE_NAME);
  private backend!: KeyedStateBackend;
  private values!: ValueState<unknown>;
  private timestamps: ValueState<number> | null = null;
  /** Creates the operator. */
  constructor(_key: KeyFn, fn: (a: unknown, b: unknown) => unknown, rich: RichFunction | null) {
    super();
    this.fn = fn;
    this.userFunction = rich;
  }
  /** Registers the keyed states (restored ones keep their values), then opens the function. */
  override open(): void | Promise<void> {
    const backend = this.ctx.keyedBackend;
    if (backend === null) {
      throw new Error(
        `operator '${this.ctx.operatorName}' (reduce) must run on a keyed stream, but it has no keyed state backend`,
      );
    }
    this.backend = backend;
    this.values = backend.getOrCreateKeyedState<ValueState<unknown>>(this.descriptor);
    if (this.ctx.batch) {
      this.timestamps = backend.getOrCreateKeyedState<ValueState<number>>(
        new ValueStateDescriptor<number>(REDUCE_TIMESTAMP_STATE_NAME),
      );
    }
    return super.open();
  }
  /** Folds one record into its key's value (the task made the record's key current). */
  processElement(value: unknown, timestamp: number): void {
    const state = this.values;
    let next: unknown;
    try {
      const prev = state.value();
      next = prev === null ? value : this.fn(decode(prev), value);
    } catch (e) {
      throw this.userError(e);
    }
    state.update(encode(next));
    const ts = this.timestamps;
    if (ts !== null) {
      const prevTs = ts.value();
      if (prevTs === null || timestamp > prevTs) ts.update(timestamp);
    } else {
      this.output.collect(next, timestamp);
    }
  }
  /** In BATCH mode, emits the final value of every key (key group by key group). */
  override finish(): void {
    const ts = this.timestamps;
    if (ts === null) return;
    this.backend.applyToAllKeys<ValueState<unknown>>(this.descriptor, (_key, state) => {
      this.output.collect(decode(state.value()), ts.value() ?? -Infinity);
    });
  }
}
