/**
 * The functions of window joins and coGroups, with Flink's names: `JoinFunction` (one result per
 * pair), `FlatJoinFunction` (any number per pair), `CoGroupFunction` (both groups of a window),
 * their rich base classes, and the tagged union both inputs travel in through the window.
 */
import { AbstractRichFunction, type Collector } from "./functions.ts";

/** Combines a pair of a window join into one result. */
export interface JoinFunction<IN1, IN2, OUT> {
  /** The result for `first` (input 1) and `second` (input 2). */
  join(first: IN1, second: IN2): OUT;
}

/** Emits any number of results for a pair of a window join. */
export interface FlatJoinFunction<IN1, IN2, OUT> {
  /** Emits results for `first` (input 1) and `second` (input 2). */
  join(first: IN1, second: IN2, out: Collector<OUT>): void;
}

/** Receives both groups of a window of a coGroup (either may be empty, never both). */
export interface CoGroupFunction<IN1, IN2, OUT> {
  /** Emits results for the elements of input 1 (`first`) and input 2 (`second`) of a window and key. */
  coGroup(first: Iterable<IN1>, second: Iterable<IN2>, out: Collector<OUT>): void;
}

/** A {@link JoinFunction} given as a lambda (two parameters). */
export type JoinFunctionLambda<IN1, IN2, OUT> = (first: IN1, second: IN2) => OUT;

/** A {@link FlatJoinFunction} given as a lambda (three parameters). */
export type FlatJoinFunctionLambda<IN1, IN2, OUT> = (
  first: IN1,
  second: IN2,
  out: Collector<OUT>,
) => void;

/** A {@link CoGroupFunction} given as a lambda. */
export type CoGroupFunctionLambda<IN1, IN2, OUT> = (
  first: Iterable<IN1>,
  second: Iterable<IN2>,
  out: Collector<OUT>,
) => void;

/** A {@link JoinFunction} with `open`/`close` and the runtime context. */
export abstract class RichJoinFunction<IN1, IN2, OUT>
  extends AbstractRichFunction
  implements JoinFunction<IN1, IN2, OUT>
{
  /** The result for a pair. */
  abstract join(first: IN1, second: IN2): OUT;
}

/** A {@link FlatJoinFunction} with `open`/`close` and the runtime context. */
export abstract class RichFlatJoinFunction<IN1, IN2, OUT>
  extends AbstractRichFunction
  implements FlatJoinFunction<IN1, IN2, OUT>
{
  /** Emits results for a pair. */
  abstract join(first: IN1, second: IN2, out: Collector<OUT>): void;
}

/** A {@link CoGroupFunction} with `open`/`close` and the runtime context. */
export abstract class RichCoGroupFunction<IN1, IN2, OUT>
  extends AbstractRichFunction
  implements CoGroupFunction<IN1, IN2, OUT>
{
  /** Emits results for both groups of a window. */
  abstract coGroup(first: Iterable<IN1>, second: Iterable<IN2>, out: Collector<OUT>): void;
}

/** An element of either input of a window join, tagged with its input (what triggers and evictors see). */
export type TaggedUnion<T1, T2> =
  { readonly side: 1; readonly value: T1 } | { readonly side: 2; readonly value: T2 };

/** Anything `apply` of a window join accepts. */
export type JoinFunctionLike<IN1, IN2, OUT> =
  | JoinFunction<IN1, IN2, OUT>
  | FlatJoinFunction<IN1, IN2, OUT>
  | JoinFunctionLambda<IN1, IN2, OUT>
  | FlatJoinFunctionLambda<IN1, IN2, OUT>;
