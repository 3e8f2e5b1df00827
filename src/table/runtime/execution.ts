/**
 * What the SQL operators share about running: batch or streaming semantics, the end-of-input
 * timer, the end-of-input marker of global aggregations, and operator options.
 *
 * End of input: every bounded source emits a final `+Infinity` watermark (in both modes), which
 * fires every event-time timer, so an operator that must act "at the end of input" registers an
 * event-time timer at {@link END_OF_INPUT_TIME} for each key it holds. What the timer emits
 * precedes the final watermark downstream, so the next such operator sees it first.
 */
import type { DataStream, SingleOutputStreamOperator } from "../../api/datastream.ts";
import { StateTtlConfig } from "../../api/state.ts";
import { SourceTransformation, type Transformation } from "../../api/transformations.ts";
import { TableRuntimeError } from "./errors.ts";
import { registerSqlValueTypes } from "./value-types.ts";
import type { Row } from "./row.ts";
import { ValuesSource, sourceStream } from "./values.ts";

/** The event time of the timers that fire at the end of (bounded) input. */
export const END_OF_INPUT_TIME = Number.MAX_SAFE_INTEGER;

/** The kind of the internal end-of-input marker row (never leaves the runtime's operators). */
export const MARKER_KIND = -1;

/** Whether `row` is the internal marker. */
export function isMarker(row: Row): boolean {
  return row[0] === MARKER_KIND;
}

/** Options every SQL operator takes. */
export interface OperatorOptions {
  /** Display name of the operator. */
  readonly name?: string;
  /** Stable id (state is matched by it on restore; set it for jobs that restore state). */
  readonly uid?: string;
  /** Parallelism (default: the environment's). */
  readonly parallelism?: number;
  /**
   * Batch semantics (final results once, at the end of input) instead of a changelog. Default:
   * the environment's runtime mode when the operator is added (AUTOMATIC: batch when every
   * source upstream of the operator is bounded). The planner passes it explicitly.
   */
  readonly batch?: boolean;
  /**
   * Time-to-live of the operator's per-key state in ms of processing time (`table.exec.state.ttl`):
   * a key's state not written for that long is gone (0 or absent: forever).
   */
  readonly stateTtl?: number;
}

/**
 * `descriptor` with the time-to-live of `stateTtl` ms (Flink's SQL state TTL: restarted on
 * creation and writes, expired values never returned), unchanged when `stateTtl` is 0 or absent.
 */
export function withStateTtl<D extends { enableTimeToLive(c: StateTtlConfig): void }>(
  descriptor: D,
  stateTtl: number | undefined,
): D {
  if (stateTtl !== undefined && stateTtl > 0) {
    descriptor.enableTimeToLive(
      StateTtlConfig.newBuilder(stateTtl).updateTtlOnCreateAndWrite().neverReturnExpired().build(),
    );
  }
  return descriptor;
}

/** Applies name, uid and parallelism to an operator, and registers the SQL value classes. */
export function configure<T>(
  op: SingleOutputStreamOperator<T>,
  options: OperatorOptions,
  defaultName: string,
): SingleOutputStreamOperator<T> {
  registerSqlValueTypes(op.getExecutionEnvironment());
  op.name(options.name ?? defaultName);
  if (options.uid !== undefined) op.uid(options.uid);
  if (options.parallelism !== undefined) op.setParallelism(options.parallelism);
  return op;
}

function upstreamSources(
  t: Transformation,
  seen: Set<Transformation>,
  out: SourceTransformation<unknown>[],
): void {
  if (seen.has(t)) return;
  seen.add(t);
  if (t instanceof SourceTransformation) out.push(t);
  for (const i of t.inputs()) upstreamSources(i, seen, out);
}

/**
 * Whether an operator over `streams` runs with batch semantics: `explicit` when given, else the
 * environment's runtime mode (AUTOMATIC: whether every source upstream is bounded).
 */
export function resolveBatch(streams: readonly DataStream<any>[], explicit?: boolean): boolean {
  if (explicit !== undefined) return explicit;
  const mode = streams[0]!.getExecutionEnvironment().getConfig().runtimeMode;
  if (mode === "BATCH") return true;
  if (mode === "STREAMING") return false;
  const sources: SourceTransformation<unknown>[] = [];
  const seen = new Set<Transformation>();
  for (const s of streams) upstreamSources(s.getTransformation(), seen, sources);
  return sources.every((s) => s.source.getBoundedness() === "BOUNDED");
}

/**
 * `stream` united with a one-row source of the end-of-input marker, so a keyed operator learns
 * of the end of input even when `stream` is empty (a global aggregation in batch mode).
 */
export function withEndMarker(stream: DataStream<Row>): DataStream<Row> {
  const marker = sourceStream<Row>(
    stream.getExecutionEnvironment(),
    new ValuesSource([[0]]),
    "End-of-input marker",
  )
    .setParallelism(1)
    .map((): Row => [MARKER_KIND])
    .name("End-of-input marker")
    .setParallelism(1);
  return stream.union(marker);
}

/** Throws a {@link TableRuntimeError} naming `place` unless `row` is a runtime row. */
export function badRow(place: string, row: unknown, expected: string): never {
  let text: string;
  try {
    text = JSON.stringify(row, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
  } catch {
    text = String(row);
  }
  throw new TableRuntimeError(`${place}: expected ${expected}, got ${text}`);
}
