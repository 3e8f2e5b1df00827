/**
 * Window joins and coGroups, with Flink's names:
 * `a.join(b).where(keyA).equalTo(keyB).window(assigner).apply(JoinFunction | FlatJoinFunction)` and
 * `a.coGroup(b).where(keyA).equalTo(keyB).window(assigner).apply(CoGroupFunction)`.
 *
 * As in Flink they are built from the windowing API: each input is mapped to a
 * {@link TaggedUnion} (`{ side: 1 | 2, value }`), the two are unioned, keyed by the key of their
 * side (Strom's keyBy semantics, so equal keys meet), windowed, and a window function splits each
 * window's elements by side and calls the user's function. A join pairs the elements of both
 * sides within the same window and key (inner join); a coGroup gets both groups, one possibly
 * empty. Results carry the window's max timestamp.
 */
import { InvalidJobError } from "../core/errors.ts";
import { toMillis, type DurationLike } from "../core/duration.ts";
import type { DataStream, SingleOutputStreamOperator } from "./datastream.ts";
import {
  requireMethod,
  toKeyLambda,
  type Collector,
  type KeySelector,
  type OpenContext,
  type RichFunction,
  type RuntimeContext,
} from "./functions.ts";
import {
  RichFlatJoinFunction,
  RichJoinFunction,
  type CoGroupFunction,
  type CoGroupFunctionLambda,
  type JoinFunctionLike,
  type TaggedUnion,
} from "./join-functions.ts";
import type { WindowAssigner } from "./windowing/assigners.ts";
import type { Evictor } from "./windowing/evictors.ts";
import type { Trigger } from "./windowing/triggers.ts";
import type { WindowFunction } from "./windowing/window-functions.ts";
import type { Window } from "./windowing/windows.ts";

type Kind = "join" | "coGroup";
type Key<T, K> = KeySelector<T, K> | ((value: T) => K);

/** What the stages have collected so far. */
interface Setup {
  readonly kind: Kind;
  readonly first: DataStream<any>;
  readonly second: DataStream<any>;
  readonly key1: ((v: any) => unknown) | null;
  readonly key2: ((v: any) => unknown) | null;
}

function missing(s: Setup, step: string, need: string): never {
  throw new InvalidJobError(
    `${s.kind}(): ${step} needs ${need} first: a.${s.kind}(b).where(keyA).equalTo(keyB).window(assigner).apply(fn)`,
  );
}

function startSetup(kind: Kind, first: DataStream<any>, second: DataStream<any>): Setup {
  if (
    second === null ||
    typeof second !== "object" ||
    typeof second.getExecutionEnvironment !== "function"
  )
    throw new InvalidJobError(`${kind}(): expected a DataStream to ${kind} with`);
  if (first.getExecutionEnvironment() !== second.getExecutionEnvironment())
    throw new InvalidJobError(`${kind}(): both streams must belong to the same environment`);
  return { kind, first, second, key1: null, key2: null };
}

/**
 * Calls the user's function per window, split by side; forwards the rich-function lifecycle. The
 * user's function is a field (no closure), so the per-subtask copy of this object copies it too.
 */
abstract class SplitWindowFunction implements WindowFunction<
  TaggedUnion<any, any>,
  any,
  any,
  Window
> {
  /** The user's function object. */
  protected readonly user: object;
  constructor(user: object) {
    this.user = user;
  }
  setRuntimeContext(ctx: RuntimeContext): void {
    (this.user as RichFunction).setRuntimeContext?.(ctx);
  }
  open(ctx: OpenContext): void | Promise<void> {
    return (this.user as RichFunction).open?.(ctx);
  }
  close(): void | Promise<void> {
    return (this.user as RichFunction).close?.();
  }
  apply(
    _key: unknown,
    _window: Window,
    input: Iterable<TaggedUnion<unknown, unknown>>,
    out: Collector<unknown>,
  ): void {
    const first: unknown[] = [];
    const second: unknown[] = [];
    for (const t of input) (t.side === 1 ? first : second).push(t.value);
    this.call(first, second, out);
  }
  /** Calls the user's function for the two groups of one window. */
  protected abstract call(first: unknown[], second: unknown[], out: Collector<unknown>): void;
}

/** The window function of a join: every pair of the window, through a (flat) join function. */
export class JoinWindowFunction extends SplitWindowFunction {
  private readonly flat: boolean;
  /** Wraps `fn`; `flat` when it emits through a collector. */
  constructor(fn: { join: (...args: any[]) => unknown }, flat: boolean) {
    super(fn);
    this.flat = flat;
  }
  /** Joins every pair (inner join: nothing when one side is empty). */
  protected call(first: unknown[], second: unknown[], out: Collector<unknown>): void {
    const fn = this.user as { join: (...args: unknown[]) => unknown };
    for (const a of first)
      for (const b of second) {
        if (this.flat) fn.join(a, b, out);
        else out.collect(fn.join(a, b));
      }
  }
}

/** The window function of a coGroup: both groups of the window. */
export class CoGroupWindowFunction extends SplitWindowFunction {
  /** Wraps `fn`. */
  constructor(fn: CoGroupFunction<any, any, any>) {
    super(fn);
  }
  /** Hands both groups to the function. */
  protected call(first: unknown[], second: unknown[], out: Collector<unknown>): void {
    (this.user as CoGroupFunction<unknown, unknown, unknown>).coGroup(first, second, out);
  }
}

/** Whether a join function emits through a collector (a FlatJoinFunction: three parameters). */
function joinFunctionOf(fn: unknown): { obj: { join: (...a: any[]) => unknown }; flat: boolean } {
  if (fn instanceof RichFlatJoinFunction) return { obj: fn, flat: true };
  if (fn instanceof RichJoinFunction) return { obj: fn, flat: false };
  if (typeof fn === "function")
    return { obj: { join: fn as (...a: any[]) => unknown }, flat: fn.length >= 3 };
  requireMethod(fn, "join", "JoinFunction or FlatJoinFunction");
  const obj = fn as { join: (...a: any[]) => unknown };
  return { obj, flat: obj.join.length >= 3 };
}

/** The settings after `window()`; `apply` (in the subclasses) builds the plan. */
abstract class WithWindowBase<T1, T2, K, W extends Window> {
  /** What was set up before `window()`. */
  protected readonly setup: Setup;
  private readonly assigner: WindowAssigner<TaggedUnion<T1, T2>, W>;
  private trig: Trigger<TaggedUnion<T1, T2>, W> | null = null;
  private evict: Evictor<TaggedUnion<T1, T2>, W> | null = null;
  private lateness: number | null = null;

  constructor(setup: Setup, assigner: WindowAssigner<TaggedUnion<T1, T2>, W>) {
    this.setup = setup;
    this.assigner = assigner;
  }

  /** Sets the trigger (it sees the tagged elements of both inputs). */
  trigger(trigger: Trigger<TaggedUnion<T1, T2>, W>): this {
    this.trig = trigger;
    return this;
  }

  /** Sets an evictor (it sees the tagged elements of both inputs). */
  evictor(evictor: Evictor<TaggedUnion<T1, T2>, W>): this {
    this.evict = evictor;
    return this;
  }

  /** Keeps event-time windows for `lateness` after their end; late elements re-fire them. */
  allowedLateness(lateness: DurationLike): this {
    this.lateness = toMillis(lateness, `${this.setup.kind}().allowedLateness`);
    return this;
  }

  /** Tags, unions, keys and windows both inputs, then applies `fn`. */
  protected build<R>(fn: SplitWindowFunction): SingleOutputStreamOperator<R> {
    const { kind, first, second } = this.setup;
    const k1 = this.setup.key1!;
    const k2 = this.setup.key2!;
    const tagged = tag<T1, T2>(first, 1, kind).union(tag<T1, T2>(second, 2, kind));
    const keyed = tagged.keyBy((t: TaggedUnion<T1, T2>) =>
      t.side === 1 ? (k1(t.value) as K) : (k2(t.value) as K),
    );
    const windowed = keyed.window(this.assigner);
    if (this.trig !== null) windowed.trigger(this.trig);
    if (this.evict !== null) windowed.evictor(this.evict);
    if (this.lateness !== null) windowed.allowedLateness(this.lateness);
    return windowed.apply<R>(fn as WindowFunction<TaggedUnion<T1, T2>, R, K, W>);
  }
}

function tag<T1, T2>(
  input: DataStream<any>,
  side: 1 | 2,
  kind: Kind,
): DataStream<TaggedUnion<T1, T2>> {
  const tagged = input.map((value: unknown) => ({ side, value }) as TaggedUnion<T1, T2>);
  tagged.name(`${kind === "join" ? "Join" : "CoGroup"}: tag input ${side}`);
  const p = input.getParallelism();
  if (p > 0) tagged.setParallelism(p);
  return tagged;
}

/** A window join with its window: set trigger, evictor or lateness, then `apply`. */
export class JoinWithWindow<T1, T2, K, W extends Window> extends WithWindowBase<T1, T2, K, W> {
  /**
   * Calls `fn` for every pair of a window and key: a JoinFunction (`join(first, second)`
   * returning the result; a two-parameter lambda) or a FlatJoinFunction (`join(first, second,
   * out)`; a three-parameter lambda or method).
   */
  apply<R>(fn: JoinFunctionLike<T1, T2, R>): SingleOutputStreamOperator<R> {
    const { obj, flat } = joinFunctionOf(fn);
    return this.build<R>(new JoinWindowFunction(obj, flat));
  }
}

/** A coGroup with its window: set trigger, evictor or lateness, then `apply`. */
export class CoGroupWithWindow<T1, T2, K, W extends Window> extends WithWindowBase<T1, T2, K, W> {
  /** Calls `fn` with both groups of every window and key. */
  apply<R>(
    fn: CoGroupFunction<T1, T2, R> | CoGroupFunctionLambda<T1, T2, R>,
  ): SingleOutputStreamOperator<R> {
    let obj: CoGroupFunction<T1, T2, R>;
    if (typeof fn === "function") obj = { coGroup: fn };
    else {
      requireMethod(fn, "coGroup", "CoGroupFunction");
      obj = fn;
    }
    return this.build<R>(new CoGroupWindowFunction(obj));
  }
}

/** Both keys are known: choose the window. */
export class JoinEqualTo<T1, T2, K> {
  private readonly setup: Setup;
  /** Created by `where(...).equalTo(...)`. */
  constructor(setup: Setup) {
    this.setup = setup;
  }
  /** Cuts both inputs into windows of `assigner`; pairs meet within a window. */
  window<W extends Window>(
    assigner: WindowAssigner<TaggedUnion<T1, T2>, W>,
  ): JoinWithWindow<T1, T2, K, W> {
    return new JoinWithWindow<T1, T2, K, W>(this.setup, assigner);
  }
  /** Refused: a window join needs `window()` before `apply()`. */
  apply(..._args: never[]): never {
    return missing(this.setup, "apply()", "window(assigner)");
  }
}

/** Both keys are known: choose the window. */
export class CoGroupEqualTo<T1, T2, K> {
  private readonly setup: Setup;
  /** Created by `where(...).equalTo(...)`. */
  constructor(setup: Setup) {
    this.setup = setup;
  }
  /** Cuts both inputs into windows of `assigner`; groups meet within a window. */
  window<W extends Window>(
    assigner: WindowAssigner<TaggedUnion<T1, T2>, W>,
  ): CoGroupWithWindow<T1, T2, K, W> {
    return new CoGroupWithWindow<T1, T2, K, W>(this.setup, assigner);
  }
  /** Refused: a coGroup needs `window()` before `apply()`. */
  apply(..._args: never[]): never {
    return missing(this.setup, "apply()", "window(assigner)");
  }
}

/** The first key is known: give the second with `equalTo`. */
export class JoinWhere<T1, T2, K> {
  private readonly setup: Setup;
  /** Created by `where(...)`. */
  constructor(setup: Setup) {
    this.setup = setup;
  }
  /** The key of the second input; records with equal keys (as keyBy compares them) meet. */
  equalTo(key: Key<T2, K>): JoinEqualTo<T1, T2, K> {
    return new JoinEqualTo<T1, T2, K>({ ...this.setup, key2: toKeyLambda(key) });
  }
  /** Refused: `equalTo()` comes first. */
  window(..._args: never[]): never {
    return missing(this.setup, "window()", "equalTo(keySelector)");
  }
  /** Refused: `equalTo()` and `window()` come first. */
  apply(..._args: never[]): never {
    return missing(this.setup, "apply()", "equalTo(keySelector) and window(assigner)");
  }
}

/** The first key is known: give the second with `equalTo`. */
export class CoGroupWhere<T1, T2, K> {
  private readonly setup: Setup;
  /** Created by `where(...)`. */
  constructor(setup: Setup) {
    this.setup = setup;
  }
  /** The key of the second input; records with equal keys (as keyBy compares them) meet. */
  equalTo(key: Key<T2, K>): CoGroupEqualTo<T1, T2, K> {
    return new CoGroupEqualTo<T1, T2, K>({ ...this.setup, key2: toKeyLambda(key) });
  }
  /** Refused: `equalTo()` comes first. */
  window(..._args: never[]): never {
    return missing(this.setup, "window()", "equalTo(keySelector)");
  }
  /** Refused: `equalTo()` and `window()` come first. */
  apply(..._args: never[]): never {
    return missing(this.setup, "apply()", "equalTo(keySelector) and window(assigner)");
  }
}

/** `a.join(b)`: give the key of `a` with `where`. */
export class JoinedStreams<T1, T2> {
  private readonly setup: Setup;
  /** Created by `DataStream.join`. */
  constructor(first: DataStream<T1>, second: DataStream<T2>) {
    this.setup = startSetup("join", first, second);
  }
  /** The key of the first input. */
  where<K>(key: Key<T1, K>): JoinWhere<T1, T2, K> {
    return new JoinWhere<T1, T2, K>({ ...this.setup, key1: toKeyLambda(key) });
  }
  /** Refused: `where()` and `equalTo()` come first. */
  window(..._args: never[]): never {
    return missing(this.setup, "window()", "where(keySelector).equalTo(keySelector)");
  }
  /** Refused: `where()`, `equalTo()` and `window()` come first. */
  apply(..._args: never[]): never {
    return missing(this.setup, "apply()", "where(), equalTo() and window()");
  }
}

/** `a.coGroup(b)`: give the key of `a` with `where`. */
export class CoGroupedStreams<T1, T2> {
  private readonly setup: Setup;
  /** Created by `DataStream.coGroup`. */
  constructor(first: DataStream<T1>, second: DataStream<T2>) {
    this.setup = startSetup("coGroup", first, second);
  }
  /** The key of the first input. */
  where<K>(key: Key<T1, K>): CoGroupWhere<T1, T2, K> {
    return new CoGroupWhere<T1, T2, K>({ ...this.setup, key1: toKeyLambda(key) });
  }
  /** Refused: `where()` and `equalTo()` come first. */
  window(..._args: never[]): never {
    return missing(this.setup, "window()", "where(keySelector).equalTo(keySelector)");
  }
  /** Refused: `where()`, `equalTo()` and `window()` come first. */
  apply(..._args: never[]): never {
    return missing(this.setup, "apply()", "where(), equalTo() and window()");
  }
}
