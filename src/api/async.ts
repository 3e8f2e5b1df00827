/**
 * Async I/O (Flink's `AsyncDataStream`): calls an asynchronous function per record (a database
 * lookup, an HTTP request...) with up to `capacity` requests in flight, and emits the results in
 * input order (`orderedWait`) or as they complete (`unorderedWait`, never across a watermark).
 * Results carry their input record's timestamp.
 */
import { StromError } from "../core/errors.ts";
import { toMillis, type DurationLike } from "../core/duration.ts";
import { AbstractRichFunction } from "./functions.ts";
import type { DataStream, SingleOutputStreamOperator } from "./datastream.ts";

/**
 * Collects the result of one asynchronous request. Only the first completion counts; later calls
 * (e.g. a late answer after a timeout was handled) are ignored. Do not mutate the results after
 * completing.
 */
export interface ResultFuture<OUT> {
  /** Completes the request with zero or more results. */
  complete(results: Iterable<OUT>): void;
  /** Completes the request with an error: the job fails, naming the operator and the cause. */
  completeExceptionally(error: unknown): void;
}

/** What `asyncInvoke`/`timeout` may return: nothing (they use the future) or the results. */
export type AsyncReturn<OUT> =
  | void
  | Iterable<OUT>
  | Promise<void | Iterable<OUT> | null | undefined>
  | PromiseLike<void | Iterable<OUT> | null | undefined>;

/**
 * An asynchronous function. `asyncInvoke` starts the request for one record and completes the
 * `resultFuture` later, or returns a promise of the results (a promise that rejects fails the
 * job). A function that does not take the future and resolves to `undefined` emits no results.
 */
export interface AsyncFunction<IN, OUT> {
  /** Starts the request for `input`. */
  asyncInvoke(input: IN, resultFuture: ResultFuture<OUT>): AsyncReturn<OUT>;
  /**
   * Called when the request for `input` did not complete within the timeout; may complete the
   * future with fallback results. Without it, a timeout fails the job with an
   * {@link AsyncTimeoutError} naming the operator.
   */
  timeout?(input: IN, resultFuture: ResultFuture<OUT>): AsyncReturn<OUT>;
}

/** An async function as a lambda: `(input) => Promise<OUT[]>` or `(input, resultFuture) => void`. */
export type AsyncFunctionLambda<IN, OUT> = (
  input: IN,
  resultFuture: ResultFuture<OUT>,
) => AsyncReturn<OUT>;

/** An {@link AsyncFunction} with `open`/`close` and a runtime context. */
export abstract class RichAsyncFunction<IN, OUT>
  extends AbstractRichFunction
  implements AsyncFunction<IN, OUT>
{
  /** Starts the request for `input`. */
  abstract asyncInvoke(input: IN, resultFuture: ResultFuture<OUT>): AsyncReturn<OUT>;
}

/** A request of an async operator got no result within its timeout (the default `timeout()`). */
export class AsyncTimeoutError extends StromError {}

/** The plan's description of an async wait operator. */
export interface AsyncOperatorSpec {
  /** Spec kind. */
  readonly kind: "async";
  /** The user's function (lambdas are wrapped as `{ asyncInvoke }`). */
  readonly fn: AsyncFunction<any, any>;
  /** Emit in input order (true) or as requests complete (false). */
  readonly ordered: boolean;
  /** Timeout per request in ms; 0 means none. */
  readonly timeoutMs: number;
  /** Maximum number of requests (and queued watermarks) in flight. */
  readonly capacity: number;
}

function toAsyncFunction<IN, OUT>(
  fn: AsyncFunction<IN, OUT> | AsyncFunctionLambda<IN, OUT>,
  what: string,
): AsyncFunction<IN, OUT> {
  if (typeof fn === "function") return { asyncInvoke: fn };
  if (fn === null || typeof fn !== "object" || typeof fn.asyncInvoke !== "function") {
    throw new TypeError(
      `${what}: expected an AsyncFunction (an object with an asyncInvoke() method) or a function, got ${fn === null ? "null" : typeof fn}`,
    );
  }
  if (fn.timeout !== undefined && typeof fn.timeout !== "function") {
    throw new TypeError(`${what}: the AsyncFunction's timeout must be a method`);
  }
  return fn;
}

function add<IN, OUT>(
  stream: DataStream<IN>,
  fn: AsyncFunction<IN, OUT> | AsyncFunctionLambda<IN, OUT>,
  timeout: DurationLike,
  capacity: number,
  ordered: boolean,
): SingleOutputStreamOperator<OUT> {
  const what = `AsyncDataStream.${ordered ? "orderedWait" : "unorderedWait"}`;
  const f = toAsyncFunction(fn, what);
  const timeoutMs = toMillis(timeout, `${what} timeout`);
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`${what} capacity must be a positive integer, got ${capacity}`);
  }
  const spec: AsyncOperatorSpec = { kind: "async", fn: f, ordered, timeoutMs, capacity };
  // The operator must head its task: the task stops reading input while its capacity is full.
  return stream.transform<OUT>("Async Wait", spec, null).startNewChain();
}

/** Applies asynchronous functions to streams (Flink's `AsyncDataStream`). */
export class AsyncDataStream {
  /**
   * Applies `fn` to every record of `stream`, with at most `capacity` requests in flight, and
   * emits the results in the order of the input records. A request still running after `timeout`
   * (a Duration or milliseconds; 0: no timeout) is handed to the function's `timeout()`.
   */
  static orderedWait<IN, OUT>(
    stream: DataStream<IN>,
    fn: AsyncFunction<IN, OUT> | AsyncFunctionLambda<IN, OUT>,
    timeout: DurationLike,
    capacity = 100,
  ): SingleOutputStreamOperator<OUT> {
    return add(stream, fn, timeout, capacity, true);
  }

  /**
   * Like {@link AsyncDataStream.orderedWait}, but emits results as soon as their request
   * completes; results never overtake a watermark (nor a watermark the results before it).
   */
  static unorderedWait<IN, OUT>(
    stream: DataStream<IN>,
    fn: AsyncFunction<IN, OUT> | AsyncFunctionLambda<IN, OUT>,
    timeout: DurationLike,
    capacity = 100,
  ): SingleOutputStreamOperator<OUT> {
    return add(stream, fn, timeout, capacity, false);
  }
}
