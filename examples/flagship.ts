/**
 * Strom's flagship example: card-fraud detection over a generated stream of transactions.
 *
 * A transaction of less than $1 followed, on the same account and within one minute, by one over
 * $500 is a classic card-testing pattern. The job keys the stream by account; a
 * KeyedProcessFunction keeps a flag in keyed `ValueState` after a small transaction and clears it
 * with an event-time timer one minute later (Flink's fraud-detection walkthrough, line by line).
 * It runs until Ctrl-C, printing a throughput line every few seconds.
 *
 *   npm start                       # or: npx strom run examples/flagship.ts --parallelism 2
 */
import {
  DataGeneratorSource,
  Duration,
  KeyedProcessFunction,
  RateLimiterStrategy,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
  type ValueState,
} from "strom";

/** A card transaction. */
interface Transaction {
  accountId: number;
  amount: number;
  timestamp: number;
}

/** An alert about a suspicious account. */
interface Alert {
  accountId: number;
  small: number;
  large: number;
}

/** Deterministic pseudo-random number in [0, 1) for an index and a salt. */
function rand(index: number, salt: number): number {
  let h = Math.imul(index ^ salt, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

const BASE_TIME = Date.UTC(2026, 0, 1);

function transaction(index: number): Transaction {
  const r = rand(index, 7);
  // Mostly ordinary amounts; now and then a tiny probe or a big purchase.
  const amount =
    r < 0.01
      ? Math.round(rand(index, 11) * 99) / 100
      : r > 0.99
        ? 500 + Math.round(rand(index, 13) * 1000)
        : Math.round(rand(index, 17) * 20000) / 100;
  // One transaction every 5 ms of event time.
  return { accountId: Math.floor(rand(index, 3) * 5000), amount, timestamp: BASE_TIME + index * 5 };
}

const SMALL_AMOUNT = 1;
const LARGE_AMOUNT = 500;
const ONE_MINUTE = Duration.ofMinutes(1).toMillis();

/** Flags a small transaction per account; alerts on a large one while the flag is set. */
class FraudDetector extends KeyedProcessFunction<number, Transaction, Alert> {
  private flagState!: ValueState<number>;
  private timerState!: ValueState<number>;

  override open(): void {
    this.flagState = this.getRuntimeContext().getState(new ValueStateDescriptor<number>("flag"));
    this.timerState = this.getRuntimeContext().getState(new ValueStateDescriptor<number>("timer"));
  }

  processElement(t: Transaction, ctx: KeyedProcessContext<number>, out: Collector<Alert>): void {
    const small = this.flagState.value();
    if (small !== null) {
      // The timer fires once the watermark passes it, which may be a little after the minute.
      const withinMinute = ctx.timestamp()! <= this.timerState.value()!;
      if (withinMinute && t.amount > LARGE_AMOUNT)
        out.collect({ accountId: t.accountId, small, large: t.amount });
      this.cleanUp(ctx);
    }
    if (t.amount < SMALL_AMOUNT) {
      this.flagState.update(t.amount);
      const timer = ctx.timestamp()! + ONE_MINUTE;
      ctx.timerService().registerEventTimeTimer(timer);
      this.timerState.update(timer);
    }
  }

  override onTimer(_timestamp: number, _ctx: KeyedOnTimerContext<number>): void {
    // A minute passed without a large transaction: forget the small one.
    this.timerState.clear();
    this.flagState.clear();
  }

  private cleanUp(ctx: KeyedProcessContext<number>): void {
    const timer = this.timerState.value();
    if (timer !== null) ctx.timerService().deleteEventTimeTimer(timer);
    this.timerState.clear();
    this.flagState.clear();
  }
}

const env = StreamExecutionEnvironment.getExecutionEnvironment({ progressInterval: 5000 });
env.setParallelism(2);

const transactions = env
  .fromSource(
    new DataGeneratorSource(transaction, Infinity, RateLimiterStrategy.perSecond(200_000)),
    WatermarkStrategy.forMonotonousTimestamps<Transaction>().withTimestampAssigner(
      (t) => t.timestamp,
    ),
    "transactions",
  )
  .setParallelism(1); // one generator, so each account's transactions arrive in time order

transactions
  .keyBy((t) => t.accountId)
  .process(new FraudDetector())
  .name("fraud-detector")
  .map((a) => `ALERT account ${a.accountId}: $${a.small.toFixed(2)} then $${a.large.toFixed(2)}`)
  .print();

await env.execute("fraud-detection");
