/**
 * Async I/O: enriching orders with customer records from an asynchronous service.
 *
 *   npx strom run examples/async-enrichment.ts --parallelism 2
 *   npx strom run examples/async-enrichment.ts -- --unordered   # emit as lookups complete
 *
 * Every order needs its customer's record from a (simulated) remote service that answers after
 * 1 to 40 ms. A map would wait for each answer in turn; AsyncDataStream keeps up to 20 lookups per
 * subtask in flight and emits the enriched orders in input order (orderedWait) or as soon as their
 * lookup completes (unorderedWait). The service never answers for customer 13: after 250 ms those
 * lookups go to timeout(), which emits the order with an unknown customer instead of failing the
 * job.
 */
import {
  AsyncDataStream,
  DataGeneratorSource,
  RichAsyncFunction,
  StreamExecutionEnvironment,
  WatermarkStrategy,
  type ResultFuture,
} from "strom";

interface Order {
  id: number;
  customer: number;
  amount: number;
}

interface Customer {
  name: string;
  tier: "gold" | "silver";
}

/** A stand-in for a database or HTTP client: answers lookups asynchronously. */
class CustomerService {
  private open = true;
  lookup(id: number): Promise<Customer> {
    return new Promise((resolve, reject) => {
      if (id === 13) return; // this customer's lookups hang: the timeout handles them
      const latency = 1 + ((id * 7919) % 40);
      setTimeout(() => {
        if (!this.open) reject(new Error("customer service client closed"));
        else resolve({ name: `customer-${id}`, tier: id % 3 === 0 ? "gold" : "silver" });
      }, latency).unref();
    });
  }
  close(): void {
    this.open = false;
  }
}

/** Looks up each order's customer; one client per parallel instance, created in open(). */
class EnrichWithCustomer extends RichAsyncFunction<Order, string> {
  private service: CustomerService | null = null;

  override open(): void {
    this.service = new CustomerService();
  }

  override close(): void {
    this.service?.close();
  }

  async asyncInvoke(order: Order): Promise<string[]> {
    const customer = await this.service!.lookup(order.customer);
    return [`order ${order.id}: ${order.amount} EUR by ${customer.name} (${customer.tier})`];
  }

  timeout(order: Order, result: ResultFuture<string>): void {
    result.complete([`order ${order.id}: ${order.amount} EUR by an unknown customer (timeout)`]);
  }
}

const unordered = process.argv.slice(2).includes("--unordered");
const env = StreamExecutionEnvironment.getExecutionEnvironment();

const orders = env.fromSource(
  new DataGeneratorSource<Order>(
    (i) => ({ id: i, customer: (i * 5) % 17, amount: 10 + ((i * 31) % 90) }),
    100,
  ),
  WatermarkStrategy.noWatermarks(),
  "orders",
);

const wait = unordered ? AsyncDataStream.unorderedWait : AsyncDataStream.orderedWait;
wait(orders, new EnrichWithCustomer(), 250, 20).name("enrich").print();

const result = await env.execute("async-enrichment");
console.error(`async-enrichment finished in ${result.getNetRuntime().toFixed(0)} ms`);
