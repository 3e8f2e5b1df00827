/**
 * Routing with side outputs, then merging two streams with connect and union.
 *
 *   npx strom run examples/side-outputs.ts --parallelism 2
 *
 * Sensor readings are split by a ProcessFunction: valid readings continue on the main output,
 * out-of-range ones go to an "invalid" side output, and readings above a threshold additionally
 * go to an "alerts" side output. Alerts are connected with a stream of sensor names to enrich
 * them (a CoMapFunction), and the result is merged with the invalid readings for printing.
 */
import {
  DataGeneratorSource,
  OutputTag,
  ProcessFunction,
  StreamExecutionEnvironment,
  WatermarkStrategy,
  type Collector,
  type CoMapFunction,
  type ProcessContext,
} from "strom";

interface Reading {
  sensor: number;
  celsius: number;
}

const invalid = new OutputTag<Reading>("invalid");
const alerts = new OutputTag<Reading>("alerts");

class Classify extends ProcessFunction<Reading, Reading> {
  processElement(r: Reading, ctx: ProcessContext, out: Collector<Reading>): void {
    if (r.celsius < -50 || r.celsius > 150) {
      ctx.output(invalid, r);
      return;
    }
    if (r.celsius > 90) ctx.output(alerts, r);
    out.collect(r);
  }
}

/** Labels alerts and passes sensor registrations through as text. */
class Label implements CoMapFunction<Reading, string, string> {
  map1(r: Reading): string {
    return `ALERT sensor-${r.sensor}: ${r.celsius.toFixed(1)} °C`;
  }
  map2(name: string): string {
    return `registered ${name}`;
  }
}

const env = StreamExecutionEnvironment.getExecutionEnvironment();

const readings = env.fromSource(
  new DataGeneratorSource<Reading>(
    (i) => ({ sensor: i % 8, celsius: ((i * 37) % 230) - 60 + (i % 10) / 10 }),
    200,
  ),
  WatermarkStrategy.noWatermarks(),
  "readings",
);

const classified = readings.process(new Classify()).name("classify");
const names = env.fromElements("sensor-0", "sensor-1", "sensor-2");

const labelled = classified.getSideOutput(alerts).connect(names).map(new Label());
const rejected = classified
  .getSideOutput(invalid)
  .map((r) => `INVALID sensor-${r.sensor}: ${r.celsius}`);

labelled.union(rejected).print();

const result = await env.execute("side-outputs");
console.error(`side-outputs finished in ${result.getNetRuntime().toFixed(0)} ms`);
