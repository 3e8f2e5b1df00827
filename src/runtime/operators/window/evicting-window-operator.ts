/**
 * The window operator with an evictor (Flink's EvictingWindowOperator): window contents are kept
 * as a list of timestamped elements; when a window fires, the evictor removes elements before
 * and/or after the window function, a reduce or aggregate function is applied to what is left,
 * and the list is written back without the evicted elements.
 */
import {
  EvictableElements,
  type Evictor,
  type EvictorContext,
  type TimestampedValue,
} from "../../../api/windowing/evictors.ts";
import type { Window } from "../../../api/windowing/windows.ts";
import { WindowOperator, type WindowOperatorParts } from "./window-operator.ts";

/** Evaluates keyed windows with an evictor. */
export class EvictingWindowOperator extends WindowOperator {
  private readonly evictor: Evictor<unknown, Window>;
  private evictorCtx!: EvictorContext;

  /** Creates the operator. */
  constructor(parts: WindowOperatorParts, evictor: Evictor<unknown, Window>) {
    super(parts, true);
    this.evictor = evictor;
  }

  /** Sets up the evictor context, then the operator. */
  override open(): void | Promise<void> {
    this.evictorCtx = {
      getCurrentProcessingTime: () => this.timers.currentProcessingTime(),
      getCurrentWatermark: () => this.timers.currentWatermark(),
    };
    return super.open();
  }

  /** Evicts, evaluates what is left, evicts again and keeps the survivors. */
  protected override fire(window: Window, stateWindow: Window): void {
    const contents = this.contents;
    contents.setWindow(stateWindow);
    const list = contents.get() as Iterable<TimestampedValue<unknown>> | null;
    if (list === null) return;
    const elements = new EvictableElements<unknown>([...list]);
    this.evictor.evictBefore(elements, elements.size(), window, this.evictorCtx);
    const values: unknown[] = [];
    for (const e of elements) values.push(e.getValue());
    const c = contents.spec;
    if (c.kind === "reduce") {
      if (values.length > 0) {
        let acc = values[0];
        for (let i = 1; i < values.length; i++) acc = c.reduce(acc, values[i]);
        this.applyFunction(window, acc, true);
      }
    } else if (c.kind === "aggregate") {
      let acc = c.fn.createAccumulator();
      for (const v of values) acc = c.fn.add(v, acc);
      this.applyFunction(window, c.fn.getResult(acc), true);
    } else {
      this.applyFunction(window, values, false);
    }
    this.evictor.evictAfter(elements, elements.size(), window, this.evictorCtx);
    contents.setWindow(stateWindow);
    contents.update(elements.toArray());
  }
}
