/**
 * Where the window operator puts elements too late for all their windows: the late-data side
 * output when one is set (`sideOutputLateData`), else they are dropped and counted, as in Flink,
 * in `numLateRecordsDropped`, which the job result shows as the accumulator
 * `<operator name>.numLateRecordsDropped`. Nothing is logged per record.
 */
import { LongCounter } from "../../../api/accumulators.ts";
import type { RuntimeContext } from "../../../api/functions.ts";
import type { WindowCollector } from "./contexts.ts";

/** Late elements of one window operator instance. */
export class LateRecords {
  /** Elements dropped (no side output set). */
  numLateRecordsDropped = 0;
  private readonly tagId: string | null;
  private readonly out: WindowCollector;
  private readonly runtimeContext: RuntimeContext;
  private readonly operatorName: string;
  private counter: LongCounter | null = null;

  /** Sends late elements to side output `tagId` through `out`, or counts them. */
  constructor(
    tagId: string | null,
    out: WindowCollector,
    runtimeContext: RuntimeContext,
    operatorName: string,
  ) {
    this.tagId = tagId;
    this.out = out;
    this.runtimeContext = runtimeContext;
    this.operatorName = operatorName;
  }

  /** A late element. */
  add(value: unknown, timestamp: number): void {
    if (this.tagId !== null) {
      this.out.out.collectSide(this.tagId, value, timestamp);
      return;
    }
    this.numLateRecordsDropped++;
    if (this.counter === null) {
      const rc = this.runtimeContext;
      const name = `${this.operatorName}.numLateRecordsDropped`;
      const existing = rc.getAccumulator<number, number>(name);
      if (existing instanceof LongCounter) this.counter = existing;
      else rc.addAccumulator(name, (this.counter = new LongCounter()));
    }
    this.counter.add(1);
  }
}
