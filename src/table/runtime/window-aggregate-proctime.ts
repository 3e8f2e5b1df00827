/**
 * Window aggregation over processing-time TUMBLE, HOP and CUMULATE windows (Flink's
 * WindowAggregate over a `PROCTIME()` attribute). Keyed by the group key without the window
 * columns, it assigns each row to the windows containing the current processing time of the
 * operator (the injected clock of its timer service, not the row's proctime column), aligned
 * to the local time of the session time zone as Flink aligns them: `window_start` and
 * `window_end` are that zone's local TIMESTAMP(3) values, `window_time` the instant of
 * `window_end` - 1 ms. Each window's accumulators live in MapState (local window end -> group)
 * until the clock passes that instant: a processing-time timer 1 ms after it (when the window's
 * last millisecond is over, as Flink's timer service delays timers by 1 ms) emits its one result
 * row (`+I`) and drops the state. A row never joins a window that has fired (its window
 * contains "now", which only moves forward), so no row is late or counted twice.
 *
 * End of input: the final watermark fires every pending window at once (an event-time timer at
 * {@link END_OF_INPUT} per key with open windows), so a bounded input loses no window. Flink's
 * streaming runtime instead stops processing-time timers when the input ends and never emits
 * these windows. State and timers are checkpointed and restored as keyed state and timers.
 */
import type { DataStream, SingleOutputStreamOperator } from "../../api/datastream.ts";
import {
  KeyedProcessFunction,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
} from "../../api/functions.ts";
import { MapStateDescriptor, type MapState } from "../../api/state.ts";
import { resolveZone, toLocal, type Zone } from "../functions/zones.ts";
import { Aggregation, type GroupAcc } from "./agg-calls.ts";
import { configure } from "./execution.ts";
import { RowKind, isAccumulate, kindOf, type Row } from "./row.ts";
import {
  WINDOW_STATE_NAME,
  keyedByGroup,
  windowKeyValues,
  type AssigningWindowAggregateOptions,
} from "./window-aggregate.ts";
import { windowsOf } from "./window-tvf.ts";

/**
 * The event time of the timer that fires a key's pending windows at the end of input: only the
 * final watermark reaches it (a finite number, so checkpoints keep it).
 */
export const END_OF_INPUT = Number.MAX_SAFE_INTEGER;

/** Options of {@link proctimeWindowAggregate}. */
export interface ProctimeWindowAggregateOptions extends Omit<
  AssigningWindowAggregateOptions,
  "timeField"
> {
  /** The session time zone (IANA id or offset) whose local time aligns the windows. */
  readonly timeZone: string;
}

/** The keyed function behind {@link proctimeWindowAggregate}. */
export class ProctimeWindowAggregateFunction extends KeyedProcessFunction<unknown, Row, Row> {
  private readonly agg: Aggregation;
  private readonly o: ProctimeWindowAggregateOptions;
  private readonly zone: Zone;
  private readonly place: string;
  private windows!: MapState<number, GroupAcc>;

  /** Creates the function over the calls of `agg`. */
  constructor(agg: Aggregation, options: ProctimeWindowAggregateOptions, place: string) {
    super();
    this.agg = agg;
    this.o = options;
    this.zone = resolveZone(options.timeZone);
    this.place = place;
  }

  /** Registers the windows' state. */
  override open(): void {
    this.windows = this.getRuntimeContext().getMapState(
      new MapStateDescriptor<number, GroupAcc>(WINDOW_STATE_NAME),
    );
  }

  /** Adds (or retracts) the row in each window containing the current processing time. */
  processElement(row: Row, ctx: KeyedProcessContext<unknown>, _out: Collector<Row>): void {
    const timers = ctx.timerService();
    const now = Math.floor(toLocal(this.zone, timers.currentProcessingTime()));
    const add = isAccumulate(kindOf(row, this.place));
    const w = windowsOf(this.o.spec, now);
    for (let i = 0; i < w.length; i += 2) {
      const end = w[i + 1]!;
      let g = this.windows.get(end);
      if (g === null) {
        const time = this.zone.toInstant(end - 1);
        g = this.agg.create(windowKeyValues(this.o.keys, row, w[i]!, end, time));
        timers.registerProcessingTimeTimer(time + 1);
        timers.registerEventTimeTimer(END_OF_INPUT);
      }
      if (add) this.agg.accumulate(g, row);
      else this.agg.retract(g, row);
      this.windows.put(end, g);
    }
  }

  /**
   * The clock passed a window's end (every window of the key at the end of input): emits the
   * result rows of the windows due, in window order, and drops their state.
   */
  override onTimer(t: number, ctx: KeyedOnTimerContext<unknown>, out: Collector<Row>): void {
    const endOfInput = ctx.timeDomain() === "EVENT_TIME";
    const due: number[] = [];
    for (const end of this.windows.keys()) {
      if (endOfInput || this.zone.toInstant(end - 1) < t) due.push(end);
    }
    due.sort((a, b) => a - b);
    for (const end of due) {
      const g = this.windows.get(end)!;
      if (g.n > 0) out.collect(this.agg.output(g, RowKind.INSERT));
      this.windows.remove(end);
    }
    if (!endOfInput && this.windows.isEmpty()) {
      ctx.timerService().deleteEventTimeTimer(END_OF_INPUT);
    }
  }
}

/**
 * A streaming window aggregation over processing-time TUMBLE, HOP or CUMULATE windows (the rows
 * are the window TVF's input): rows `[+I, ...key values, ...results]`, one per window and key.
 */
export function proctimeWindowAggregate(
  stream: DataStream<Row>,
  options: ProctimeWindowAggregateOptions,
): SingleOutputStreamOperator<Row> {
  const name = options.name ?? "WindowAggregate";
  const aggregation = new Aggregation(options.aggs, name, options.keys.length);
  const fn = new ProctimeWindowAggregateFunction(aggregation, options, name);
  return keyedByGroup(stream, options.keys, (keyed) =>
    configure(keyed.process<Row>(fn), options, name),
  );
}
