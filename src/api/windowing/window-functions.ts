/**
 * Functions evaluated on a window's contents, with Flink's names: `WindowFunction` (key, window,
 * elements), `ProcessWindowFunction` (with a context giving time, per-window and per-key state and
 * side outputs), and their all-window (non-keyed) variants. Combined with `reduce`/`aggregate`
 * they receive the one pre-aggregated value.
 */
import { AbstractRichFunction, type Collector, type OutputTag } from "../functions.ts";
import type { KeyedStateStore } from "../state.ts";
import type { Window } from "./windows.ts";

/** Evaluates a window of a keyed stream. */
export interface WindowFunction<IN, OUT, KEY, W extends Window> {
  /** Emits results for the `input` elements of `window` of `key`. */
  apply(key: KEY, window: W, input: Iterable<IN>, out: Collector<OUT>): void;
}

/** A {@link WindowFunction} given as a lambda. */
export type WindowFunctionLambda<IN, OUT, KEY, W extends Window> = (
  key: KEY,
  window: W,
  input: Iterable<IN>,
  out: Collector<OUT>,
) => void;

/** A {@link WindowFunction} with `open`/`close` and the runtime context. */
export abstract class RichWindowFunction<IN, OUT, KEY, W extends Window>
  extends AbstractRichFunction
  implements WindowFunction<IN, OUT, KEY, W>
{
  /** Emits results for the `input` elements of `window` of `key`. */
  abstract apply(key: KEY, window: W, input: Iterable<IN>, out: Collector<OUT>): void;
}

/** Evaluates a window of a non-keyed stream (`windowAll`). */
export interface AllWindowFunction<IN, OUT, W extends Window> {
  /** Emits results for the `values` of `window`. */
  apply(window: W, values: Iterable<IN>, out: Collector<OUT>): void;
}

/** An {@link AllWindowFunction} given as a lambda. */
export type AllWindowFunctionLambda<IN, OUT, W extends Window> = (
  window: W,
  values: Iterable<IN>,
  out: Collector<OUT>,
) => void;

/** An {@link AllWindowFunction} with `open`/`close` and the runtime context. */
export abstract class RichAllWindowFunction<IN, OUT, W extends Window>
  extends AbstractRichFunction
  implements AllWindowFunction<IN, OUT, W>
{
  /** Emits results for the `values` of `window`. */
  abstract apply(window: W, values: Iterable<IN>, out: Collector<OUT>): void;
}

/** What a process window function sees while it evaluates (or clears) a window. */
export interface ProcessWindowFunctionContext<W extends Window> {
  /** The window being evaluated. */
  window(): W;
  /** Current processing time. */
  currentProcessingTime(): number;
  /** Current event-time watermark. */
  currentWatermark(): number;
  /** State of the current key and this window (clear it in `clear()`); not for merging windows. */
  windowState(): KeyedStateStore;
  /** State of the current key, shared by all its windows. */
  globalState(): KeyedStateStore;
  /** Emits to a side output (with the window's max timestamp). */
  output<X>(outputTag: OutputTag<X>, value: X): void;
}

/** The context of a {@link ProcessAllWindowFunction} (the same as the keyed one). */
export type ProcessAllWindowFunctionContext<W extends Window> = ProcessWindowFunctionContext<W>;

/**
 * Evaluates a window of a keyed stream with a context (time, per-window and per-key state, side
 * outputs). `clear` is called when the window is removed, to drop per-window state.
 */
export abstract class ProcessWindowFunction<
  IN,
  OUT,
  KEY,
  W extends Window,
> extends AbstractRichFunction {
  /** Emits results for the `elements` of the context's window of `key`. */
  abstract process(
    key: KEY,
    context: ProcessWindowFunctionContext<W>,
    elements: Iterable<IN>,
    out: Collector<OUT>,
  ): void;
  /** The window is removed (after its last firing): drop per-window state here. */
  clear(_context: ProcessWindowFunctionContext<W>): void {}
}

/** Evaluates a window of a non-keyed stream (`windowAll`) with a context. */
export abstract class ProcessAllWindowFunction<
  IN,
  OUT,
  W extends Window,
> extends AbstractRichFunction {
  /** Emits results for the `elements` of the context's window. */
  abstract process(
    context: ProcessAllWindowFunctionContext<W>,
    elements: Iterable<IN>,
    out: Collector<OUT>,
  ): void;
  /** The window is removed (after its last firing): drop per-window state here. */
  clear(_context: ProcessAllWindowFunctionContext<W>): void {}
}
