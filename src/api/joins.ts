/**
 * Interval joins of two keyed streams, with Flink's names: `left.intervalJoin(right)
 * .between(lower, upper).process(fn)` joins every left record `a` with every right record `b` of
 * the same key where `a.ts + lower <= b.ts <= a.ts + upper` (event time). The plan node is the
 * `"intervalJoin"` operator spec; the runtime's interval-join operator runs it.
 */
import { InvalidJobError } from "../core/errors.ts";
import { toMillis, type DurationLike } from "../core/duration.ts";
import type { KeyedStream, SingleOutputStreamOperator } from "./datastream.ts";
import {
  AbstractRichFunction,
  requireMethod,
  type Collector,
  type OutputTag,
  type RichFunction,
} from "./functions.ts";
import type { KeyFn } from "./transformations.ts";

/** What a {@link ProcessJoinFunction} sees of a joined pair. */
export interface ProcessJoinContext {
  /** Event timestamp of the left record. */
  getLeftTimestamp(): number;
  /** Event timestamp of the right record. */
  getRightTimestamp(): number;
  /** Timestamp of the joined result: the larger of both. */
  getTimestamp(): number;
  /** Emits to a side output (with the result's timestamp). */
  output<X>(tag: OutputTag<X>, value: X): void;
}

/** Processes each pair of an interval join. */
export abstract class ProcessJoinFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  /** Called once per joined pair; emits any number of results. */
  abstract processElement(
    left: IN1,
    right: IN2,
    ctx: ProcessJoinContext,
    out: Collector<OUT>,
  ): void;
}

/** A {@link ProcessJoinFunction} given as a lambda. */
export type ProcessJoinFunctionLambda<IN1, IN2, OUT> = (
  left: IN1,
  right: IN2,
  ctx: ProcessJoinContext,
  out: Collector<OUT>,
) => void;

/** The `"intervalJoin"` operator spec: a two-input keyed operator. */
export interface IntervalJoinOperatorSpec {
  /** Discriminator. */
  readonly kind: "intervalJoin";
  /** The user's function (lambdas are wrapped in an object). */
  readonly fn: Pick<ProcessJoinFunction<any, any, any>, "processElement"> & RichFunction;
  /** Lower bound of `right.ts - left.ts`, ms. */
  readonly lowerBound: number;
  /** Upper bound of `right.ts - left.ts`, ms. */
  readonly upperBound: number;
  /** Whether the lower bound itself joins. */
  readonly lowerBoundInclusive: boolean;
  /** Whether the upper bound itself joins. */
  readonly upperBoundInclusive: boolean;
  /** Side output id for late left records, or null (they are counted and dropped). */
  readonly leftLateDataTag: string | null;
  /** Side output id for late right records, or null (they are counted and dropped). */
  readonly rightLateDataTag: string | null;
}

/** Which clock an interval join uses; only event time is supported (as in Flink). */
type TimeBehaviour = "event" | "processing";

/** `left.intervalJoin(right)`: choose the bounds with {@link IntervalJoin.between}. */
export class IntervalJoin<T1, T2, K> {
  private readonly left: KeyedStream<T1, K>;
  private readonly right: KeyedStream<T2, K>;
  private time: TimeBehaviour = "event";

  /** Created by `KeyedStream.intervalJoin`. */
  constructor(left: KeyedStream<T1, K>, right: KeyedStream<T2, K>) {
    if (right === null || typeof right !== "object" || typeof right.getKeySelector !== "function")
      throw new InvalidJobError(
        "intervalJoin: the other stream must be a keyed stream (apply keyBy() to it first)",
      );
    if (left.getExecutionEnvironment() !== right.getExecutionEnvironment())
      throw new InvalidJobError("intervalJoin: both streams must belong to the same environment");
    this.left = left;
    this.right = right;
  }

  /** Joins in event time (the default and the only supported behaviour). */
  inEventTime(): this {
    this.time = "event";
    return this;
  }

  /** Refused when the join is built: interval joins work in event time only. */
  inProcessingTime(): this {
    this.time = "processing";
    return this;
  }

  /**
   * Joins left `a` with right `b` when `a.ts + lower <= b.ts <= a.ts + upper` (both bounds
   * inclusive unless made exclusive; negative bounds allowed, `lower <= upper`).
   */
  between(lower: DurationLike, upper: DurationLike): IntervalJoined<T1, T2, K> {
    if (this.time !== "event")
      throw new InvalidJobError(
        "intervalJoin: interval joins work in event time only (inProcessingTime() is not supported)",
      );
    const lo = toMillis(lower, "intervalJoin().between: lower bound", -Infinity);
    const hi = toMillis(upper, "intervalJoin().between: upper bound", -Infinity);
    if (lo > hi)
      throw new InvalidJobError(
        `intervalJoin().between: the lower bound (${lo} ms) must not exceed the upper bound (${hi} ms)`,
      );
    return new IntervalJoined<T1, T2, K>(this.left, this.right, lo, hi);
  }
}

/** An interval join with its bounds; `process` adds the operator. */
export class IntervalJoined<T1, T2, K> {
  private readonly left: KeyedStream<T1, K>;
  private readonly right: KeyedStream<T2, K>;
  private readonly lower: number;
  private readonly upper: number;
  private lowerInclusive = true;
  private upperInclusive = true;
  private leftLateTag: string | null = null;
  private rightLateTag: string | null = null;

  /** Created by `IntervalJoin.between`. */
  constructor(left: KeyedStream<T1, K>, right: KeyedStream<T2, K>, lower: number, upper: number) {
    this.left = left;
    this.right = right;
    this.lower = lower;
    this.upper = upper;
  }

  /** Excludes the lower bound: `a.ts + lower < b.ts`. */
  lowerBoundExclusive(): this {
    this.lowerInclusive = false;
    return this;
  }

  /** Excludes the upper bound: `b.ts < a.ts + upper`. */
  upperBoundExclusive(): this {
    this.upperInclusive = false;
    return this;
  }

  /** Sends left records that arrive behind the watermark to side output `tag` (else dropped and counted). */
  sideOutputLeftLateData(tag: OutputTag<T1>): this {
    this.leftLateTag = tagId(tag, "sideOutputLeftLateData");
    return this;
  }

  /** Sends right records that arrive behind the watermark to side output `tag` (else dropped and counted). */
  sideOutputRightLateData(tag: OutputTag<T2>): this {
    this.rightLateTag = tagId(tag, "sideOutputRightLateData");
    return this;
  }

  /** Calls `fn` for every joined pair; its results (timestamped with the later record) form the stream. */
  process<OUT>(
    fn: ProcessJoinFunction<T1, T2, OUT> | ProcessJoinFunctionLambda<T1, T2, OUT>,
  ): SingleOutputStreamOperator<OUT> {
    let f: IntervalJoinOperatorSpec["fn"];
    if (typeof fn === "function") f = { processElement: fn };
    else {
      requireMethod(fn, "processElement", "ProcessJoinFunction");
      f = fn;
    }
    const spec: IntervalJoinOperatorSpec = {
      kind: "intervalJoin",
      fn: f,
      lowerBound: this.lower,
      upperBound: this.upper,
      lowerBoundInclusive: this.lowerInclusive,
      upperBoundInclusive: this.upperInclusive,
      leftLateDataTag: this.leftLateTag,
      rightLateDataTag: this.rightLateTag,
    };
    return this.left.addTwoInputOperator<T2, OUT>(
      this.right.getTransformation(),
      "IntervalJoin",
      spec,
      this.right.getKeySelector() as KeyFn,
    );
  }
}

function tagId(tag: OutputTag<unknown>, what: string): string {
  if (tag === null || typeof tag !== "object" || typeof tag.id !== "string")
    throw new TypeError(`${what}: expected an OutputTag, got ${String(tag)}`);
  return tag.id;
}
