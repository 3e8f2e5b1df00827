/**
 * Exactly-once end to end: per-account running balances in keyed state, written through the
 * FileSink with checkpoints every second. Kill it at any point and resume it; the committed files
 * hold every balance exactly once.
 *
 *   npx strom run examples/exactly-once.ts --checkpoint-dir ckpt            # Ctrl-C or kill -9 it...
 *   npx strom run examples/exactly-once.ts --checkpoint-dir ckpt --restore latest   # ...and resume
 *   cat out/balances/part-* | wc -l                                        # 200,000 when done
 *
 * Records are generated at 20,000/s from a deterministic generator whose position is checkpointed;
 * a restore rewinds it to the last completed checkpoint, and part files written after that
 * checkpoint stay hidden (`.part-...inprogress`) and are never committed.
 */
import {
  BasePathBucketAssigner,
  DataGeneratorSource,
  Duration,
  FileSink,
  KeyedProcessFunction,
  RateLimiterStrategy,
  RestartStrategies,
  SimpleStringEncoder,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type Collector,
  type KeyedProcessContext,
  type ValueState,
} from "strom";

interface Payment {
  account: string;
  cents: number;
}

/** Keeps each account's balance in keyed state and emits `account,n,balance` per payment. */
class Balance extends KeyedProcessFunction<string, Payment, string> {
  private balance!: ValueState<number>;
  private count!: ValueState<number>;
  override open(): void {
    this.balance = this.getRuntimeContext().getState(new ValueStateDescriptor<number>("balance"));
    this.count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>("count"));
  }
  processElement(p: Payment, ctx: KeyedProcessContext<string>, out: Collector<string>): void {
    const balance = (this.balance.value() ?? 0) + p.cents;
    const n = (this.count.value() ?? 0) + 1;
    this.balance.update(balance);
    this.count.update(n);
    out.collect(`${ctx.getCurrentKey()},${n},${balance}`);
  }
}

const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.enableCheckpointing(Duration.ofSeconds(1));
env.setRestartStrategy(RestartStrategies.fixedDelayRestart(3, Duration.ofSeconds(1)));

env
  .fromSource(
    new DataGeneratorSource(
      (i: number): Payment => ({ account: `acct-${i % 1000}`, cents: ((i * 7919) % 2001) - 1000 }),
      200_000,
      RateLimiterStrategy.perSecond(20_000),
    ),
    WatermarkStrategy.noWatermarks(),
    "payments",
  )
  .uid("payments")
  .keyBy((p: Payment) => p.account)
  .process(new Balance())
  .uid("balances")
  .sinkTo(
    FileSink.forRowFormat("out/balances", new SimpleStringEncoder<string>())
      .withBucketAssigner(new BasePathBucketAssigner())
      .build(),
  )
  .uid("files");

await env.execute("exactly-once-balances");
