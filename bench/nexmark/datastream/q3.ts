/**
 * Nexmark q3 on the DataStream API: local item suggestion, a regular (unbounded) join.
 */
import {
  KeyedProcessFunction,
  ListStateDescriptor,
  ValueStateDescriptor,
  type Collector,
  type DataStream,
  type KeyedProcessContext,
  type ListState,
  type NexmarkEvent,
  type ValueState,
} from "../../../src/index.ts";

/** The states q3 wants its sellers in. */
const STATES = new Set(["OR", "ID", "CA"]);

/** What the join keeps of a person: `[name, city, state]`, or `false` for a non-matching one. */
type Seller = readonly [string, string, string] | false;

/**
 * Joins, per person id, the person with the auctions they sell. A person registers once (Nexmark
 * ids are unique), so the state of a key is the person's output fields (or `false` when not in
 * OR/ID/CA: later auctions are dropped at once) plus the ids of the auctions that came before
 * the person (sellers may be up to 10 ids ahead of the newest person).
 */
class SellerJoin extends KeyedProcessFunction<number, NexmarkEvent, unknown[]> {
  private seller!: ValueState<Seller>;
  private waiting!: ListState<number>;

  override open(): void {
    const ctx = this.getRuntimeContext();
    this.seller = ctx.getState(new ValueStateDescriptor<Seller>("seller"));
    this.waiting = ctx.getListState(new ListStateDescriptor<number>("waiting-auctions"));
  }

  processElement(e: NexmarkEvent, _ctx: KeyedProcessContext<number>, out: Collector<unknown[]>) {
    const p = e.person;
    if (p !== null) {
      const seller: Seller = STATES.has(p.state) ? [p.name, p.city, p.state] : false;
      this.seller.update(seller);
      if (seller !== false) for (const id of this.waiting.get()) emit(seller, id, out);
      this.waiting.clear();
      return;
    }
    const seller = this.seller.value();
    if (seller === null) this.waiting.add(e.auction!.id);
    else if (seller !== false) emit(seller, e.auction!.id, out);
  }
}

/** One output row: `[name, city, state, auction id]`. */
function emit(s: readonly [string, string, string], id: number, out: Collector<unknown[]>): void {
  out.collect([s[0], s[1], s[2], id]);
}

/**
 * The auctions of category 10 whose seller lives in Oregon, Idaho or California, as
 * `[name, city, state, id]` (q3.sql's columns), insert-only like the SQL: persons and category-10
 * auctions, keyed by person id resp. seller, meet in {@link SellerJoin}, whichever comes first.
 */
export function q3(events: DataStream<NexmarkEvent>): DataStream<unknown[]> {
  return events
    .filter((e) => e.type === 0 || (e.type === 1 && e.auction!.category === 10))
    .name("q3 persons and category-10 auctions")
    .keyBy((e) => (e.type === 0 ? e.person!.id : e.auction!.seller))
    .process(new SellerJoin())
    .name("q3 seller join");
}
