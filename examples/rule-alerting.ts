/**
 * Rule-based alerting with the broadcast state pattern.
 *
 *   npx strom run examples/rule-alerting.ts --parallelism 2
 *   ./node_modules/.bin/node examples/rule-alerting.ts
 *
 * Threshold rules per metric type arrive on a small stream that is *broadcast*: every parallel
 * instance of the alerting operator receives every rule and keeps it in broadcast state. Sensor
 * readings are keyed by sensor. Rules change while readings flow (a threshold is tightened, another
 * is dropped); each rule says from which event time it holds, and each reading is judged by the
 * rule in force at its own timestamp. Readings wait in keyed state for the watermark to pass them,
 * so the result is the same whatever the arrival order of rules and readings, at any parallelism.
 */
import {
  DataGeneratorSource,
  KeyedBroadcastProcessFunction,
  ListStateDescriptor,
  MapStateDescriptor,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type Collector,
  type KeyedBroadcastContext,
  type KeyedBroadcastOnTimerContext,
  type KeyedBroadcastReadOnlyContext,
  type ListState,
  type ValueState,
} from "strom";

/** One measurement of a sensor. */
interface Reading {
  sensor: string;
  metric: "temperature" | "humidity";
  value: number;
  timestamp: number;
}

/** Alert when `metric` exceeds `threshold`, for readings from `validFrom` on (`null`: no rule). */
interface Rule {
  metric: string;
  threshold: number | null;
  validFrom: number;
}

const START = Date.UTC(2026, 0, 1);

/** Deterministic pseudo-random number in [0, 1). */
function rand(i: number, salt: number): number {
  let h = Math.imul(i ^ salt, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

const RULES: Rule[] = [
  { metric: "temperature", threshold: 97, validFrom: START },
  { metric: "humidity", threshold: 98, validFrom: START },
  { metric: "temperature", threshold: 93, validFrom: START + 1000 }, // tightened
  { metric: "humidity", threshold: null, validFrom: START + 1500 }, // dropped
];

/** The broadcast state: per metric, the rules in order of `validFrom`. */
const RULE_HISTORY = new MapStateDescriptor<string, Rule[]>("rule-history");

class ThresholdAlerts extends KeyedBroadcastProcessFunction<string, Reading, Rule, string> {
  private pending!: ListState<Reading>;
  private alerts!: ValueState<number>;

  override open(): void {
    this.pending = this.getRuntimeContext().getListState(new ListStateDescriptor("pending"));
    this.alerts = this.getRuntimeContext().getState(new ValueStateDescriptor("alerts"));
  }

  /** A reading waits (per sensor) until the watermark passes it. */
  processElement(r: Reading, ctx: KeyedBroadcastReadOnlyContext<string>): void {
    this.pending.add(r);
    ctx.timerService().registerEventTimeTimer(r.timestamp);
  }

  /** Every instance gets every rule and adds it to the metric's history. */
  processBroadcastElement(rule: Rule, ctx: KeyedBroadcastContext<string>): void {
    const rules = ctx.getBroadcastState(RULE_HISTORY);
    const history = [...(rules.get(rule.metric) ?? []), rule];
    rules.put(
      rule.metric,
      history.sort((a, b) => a.validFrom - b.validFrom),
    );
  }

  /** Judges the readings the watermark has passed by the rules in force at their timestamps. */
  override onTimer(
    time: number,
    ctx: KeyedBroadcastOnTimerContext<string>,
    out: Collector<string>,
  ): void {
    const rules = ctx.getBroadcastState(RULE_HISTORY);
    const waiting: Reading[] = [];
    for (const r of this.pending.get()) {
      if (r.timestamp > time) {
        waiting.push(r);
        continue;
      }
      let threshold: number | null = null;
      for (const rule of rules.get(r.metric) ?? []) {
        if (rule.validFrom <= r.timestamp) threshold = rule.threshold;
      }
      if (threshold !== null && r.value > threshold) {
        const n = (this.alerts.value() ?? 0) + 1;
        this.alerts.update(n);
        out.collect(
          `ALERT ${ctx.getCurrentKey()} ${r.metric}=${r.value.toFixed(1)} > ${threshold} at +${r.timestamp - START} ms (alert #${n} of this sensor)`,
        );
      }
    }
    this.pending.update(waiting);
  }
}

const env = StreamExecutionEnvironment.getExecutionEnvironment();

const readings = env
  .fromSource(
    new DataGeneratorSource<Reading>(
      (i) => ({
        sensor: `sensor-${i % 6}`,
        metric: i % 2 === 0 ? "temperature" : "humidity",
        value: 50 + rand(i, 7) * 50,
        timestamp: START + i,
      }),
      2000,
    ),
    WatermarkStrategy.noWatermarks(),
    "readings",
  )
  .assignTimestampsAndWatermarks(
    WatermarkStrategy.forMonotonousTimestamps<Reading>().withTimestampAssigner((r) => r.timestamp),
  );

const rules = env.fromCollection(RULES).name("rules").broadcast(RULE_HISTORY);

readings
  .keyBy((r) => r.sensor)
  .connect(rules)
  .process(new ThresholdAlerts())
  .name("threshold-alerts")
  .print();

const result = await env.execute("rule-alerting");
console.error(`rule-alerting finished in ${result.getNetRuntime().toFixed(0)} ms`);
