/**
 * Strom's flagship example: card-fraud detection over a generated stream of transactions.
 *
 * A transaction of less than $1 followed, on the same account, by one over $500 is a classic
 * card-testing pattern. The job keys the stream by account, remembers each account's last
 * amount, and prints an alert when the pattern appears. It runs until Ctrl-C, printing a
 * throughput line every few seconds.
 *
 *   npm start                       # or: npx strom run examples/flagship.ts --parallelism 2
 */
import {
  RateLimiterStrategy,
  DataGeneratorSource,
  RichFlatMapFunction,
  StreamExecutionEnvironment,
  WatermarkStrategy,
  type Collector,
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
  return { accountId: Math.floor(rand(index, 3) * 5000), amount, timestamp: BASE_TIME + index };
}

/** Remembers the last amount per account (each account is always handled by the same subtask). */
class SmallThenLarge extends RichFlatMapFunction<Transaction, Alert> {
  private readonly lastAmount = new Map<number, number>();

  flatMap(t: Transaction, out: Collector<Alert>): void {
    const last = this.lastAmount.get(t.accountId);
    if (last !== undefined && last < 1 && t.amount > 500) {
      out.collect({ accountId: t.accountId, small: last, large: t.amount });
    }
    this.lastAmount.set(t.accountId, t.amount);
  }
}

const env = StreamExecutionEnvironment.getExecutionEnvironment({ progressInterval: 5000 });
env.setParallelism(2);

const transactions = env.fromSource(
  new DataGeneratorSource(transaction, Infinity, RateLimiterStrategy.perSecond(200_000)),
  WatermarkStrategy.noWatermarks(),
  "transactions",
);

transactions
  .keyBy((t) => t.accountId)
  .flatMap(new SmallThenLarge())
  .name("small-then-large")
  .map((a) => `ALERT account ${a.accountId}: $${a.small.toFixed(2)} then $${a.large.toFixed(2)}`)
  .print();

await env.execute("fraud-detection");
