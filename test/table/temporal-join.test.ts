/**
 * Temporal joins: the event-time join against a versioned table (a primary key and a watermark;
 * a `values` changelog), in streaming and batch mode at parallelism 1 and 2, INNER and LEFT,
 * a residual condition, EXPLAIN and the refusals; and the operator driven in a given order:
 * late rows and state expiry. Lookup joins: lookup-join.test.ts.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SqlPlanError, TableEnvironment } from "../../src/index.ts";
import { registerValuesData } from "../../src/table/connectors/values.ts";
import { Timestamp } from "../../src/table/types/timestamp.ts";
import { TemporalJoinFunction } from "../../src/table/runtime/temporal-join.ts";
import { formatRow, type Row } from "../../src/table/runtime/row.ts";

const sec = (s: number) => Timestamp.fromMillis(s * 1000);

type Mode = "streaming" | "batch";

/** Rates: a changelog with versions of EUR and JPY (times in seconds). */
function ratesData(): string {
  return registerValuesData([
    [0, "EUR", 114, sec(0)],
    [0, "JPY", 1, sec(0)],
    [2, "EUR", 116, sec(5)],
    [2, "EUR", 119, sec(10)],
    [3, "JPY", 1, sec(12)],
  ]);
}

/** Orders at 2, 4, 6, 11, 13 s. */
function ordersData(): string {
  return registerValuesData([
    [0, 1, "EUR", sec(2)],
    [0, 2, "JPY", sec(4)],
    [0, 3, "EUR", sec(6)],
    [0, 4, "EUR", sec(11)],
    [0, 5, "JPY", sec(13)],
    [0, 6, "USD", sec(7)],
  ]);
}

async function setup(mode: Mode, parallelism: number): Promise<TableEnvironment> {
  const t = TableEnvironment.create({ mode, parallelism });
  await t.executeSql(
    `CREATE TABLE orders (id INT, currency STRING, ts TIMESTAMP(3),
       WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
     WITH ('connector' = 'values', 'data-id' = '${ordersData()}', 'bounded' = 'true')`,
  );
  await t.executeSql(
    `CREATE TABLE rates (currency STRING, rate INT, ts TIMESTAMP(3),
       PRIMARY KEY (currency) NOT ENFORCED, WATERMARK FOR ts AS ts)
     WITH ('connector' = 'values', 'data-id' = '${ratesData()}',
           'changelog-mode' = 'I,UA,D', 'bounded' = 'true')`,
  );
  return t;
}

async function rows(t: TableEnvironment, sql: string): Promise<string[]> {
  const r = await (await t.executeSql(sql)).collect();
  return r.map((x) => JSON.stringify(x)).sort();
}

describe("event-time temporal join", () => {
  for (const [mode, p] of [
    ["streaming", 1],
    ["streaming", 2],
    ["batch", 1],
    ["batch", 2],
  ] as const) {
    test(`INNER and LEFT join the version valid at the order's time (${mode}, p${p})`, async () => {
      const t = await setup(mode, p);
      const inner = await rows(
        t,
        `SELECT o.id, o.currency, r.rate FROM orders AS o
         JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.currency = r.currency`,
      );
      assert.deepEqual(inner, ['[1,"EUR",114]', '[2,"JPY",1]', '[3,"EUR",116]', '[4,"EUR",119]']);
      const left = await rows(
        t,
        `SELECT o.id, r.rate FROM orders AS o
         LEFT JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.currency = r.currency`,
      );
      assert.deepEqual(left, ["[1,114]", "[2,1]", "[3,116]", "[4,119]", "[5,null]", "[6,null]"]);
    });
  }

  test("a residual condition filters the joined version (LEFT pads when it fails)", async () => {
    const t = await setup("streaming", 1);
    const r = await rows(
      t,
      `SELECT o.id, r.rate FROM orders o
       LEFT JOIN rates FOR SYSTEM_TIME AS OF o.ts r ON o.currency = r.currency AND r.rate > 115`,
    );
    assert.deepEqual(r, ["[1,null]", "[2,null]", "[3,116]", "[4,119]", "[5,null]", "[6,null]"]);
  });

  test("output keeps the left rowtime and is insert-only; EXPLAIN names the join", async () => {
    const t = await setup("streaming", 1);
    const q = `SELECT o.id, o.ts, r.ts AS rts FROM orders o
       JOIN rates FOR SYSTEM_TIME AS OF o.ts r ON o.currency = r.currency`;
    const cols = t
      .sqlQuery(q)
      .execute()
      .columns.map((c) => c.typeText);
    assert.deepEqual(cols, ["INT", "TIMESTAMP(3) *ROWTIME*", "TIMESTAMP(3)"]);
    const plan = (await (await t.executeSql(`EXPLAIN ${q}`)).collect())[0]![0] as string;
    assert.match(
      plan,
      /TemporalJoin\(table=\[default_catalog\.default_database\.rates\], joinType=\[INNER\], asOf=\[ts\], keys=\[currency\]\)/,
    );
  });

  test("refusals: no primary key, no watermark, key not in ON, not a time attribute", async () => {
    const t = await setup("streaming", 1);
    await t.executeSql(
      `CREATE TABLE nokey (currency STRING, rate INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
       WITH ('connector' = 'values')`,
    );
    await t.executeSql(
      `CREATE TABLE notime (currency STRING, rate INT, ts TIMESTAMP(3),
         PRIMARY KEY (currency) NOT ENFORCED) WITH ('connector' = 'values')`,
    );
    const err = async (sql: string, re: RegExp) => {
      await assert.rejects(
        async () => t.executeSql(sql),
        (e: unknown) => e instanceof SqlPlanError && re.test((e as Error).message),
      );
    };
    await err(
      `SELECT * FROM orders o JOIN nokey FOR SYSTEM_TIME AS OF o.ts r ON o.currency = r.currency`,
      /nokey: it has no PRIMARY KEY/,
    );
    await err(
      `SELECT * FROM orders o JOIN notime FOR SYSTEM_TIME AS OF o.ts r ON o.currency = r.currency`,
      /notime: it has no event-time attribute/,
    );
    await err(
      `SELECT * FROM orders o JOIN rates FOR SYSTEM_TIME AS OF o.ts r ON o.id = r.rate`,
      /must equate each primary key column.*missing currency/,
    );
    await err(
      `SELECT * FROM orders o JOIN rates FOR SYSTEM_TIME AS OF o.id r ON o.currency = r.currency`,
      /FOR SYSTEM_TIME AS OF of rates must be a time attribute/,
    );
    await err(
      `SELECT * FROM orders o FULL JOIN rates FOR SYSTEM_TIME AS OF o.ts r ON o.currency = r.currency`,
      /only INNER and LEFT/,
    );
    await err(
      `SELECT * FROM rates FOR SYSTEM_TIME AS OF TIMESTAMP '2020-01-01 00:00:00'`,
      /time travel/,
    );
  });
});

/**
 * Drives a {@link TemporalJoinFunction} in a given order: keyed value state, event-time timers by
 * time and a watermark, as the runtime runs them.
 */
class TemporalDriver {
  readonly out: string[] = [];
  private key = "";
  private watermark = Number.NEGATIVE_INFINITY;
  private readonly timers = new Map<string, Set<number>>();
  readonly states = new Map<string, Map<string, unknown>>();
  private readonly fn: TemporalJoinFunction;

  constructor(type: "INNER" | "LEFT") {
    // Rows: left [kind, id, key, ts], right [kind, key, value, ts].
    this.fn = new TemporalJoinFunction(
      {
        type,
        leftKey: (r) => [r[2]],
        rightKey: (r) => [r[1]],
        leftTime: 3,
        rightTime: 3,
        rightArity: 3,
      },
      "TemporalJoin",
    );
    const store = (n: string) => {
      if (!this.states.has(n)) this.states.set(n, new Map());
      return this.states.get(n)!;
    };
    (this.fn as unknown as { setRuntimeContext(c: unknown): void }).setRuntimeContext({
      getState: (d: { name: string }) => ({
        value: () => store(d.name).get(this.key) ?? null,
        update: (v: unknown) => void store(d.name).set(this.key, v),
        clear: () => void store(d.name).delete(this.key),
      }),
    });
    this.fn.open();
  }

  private ctx() {
    return {
      getCurrentKey: () => this.key,
      timerService: () => ({
        currentWatermark: () => this.watermark,
        registerEventTimeTimer: (t: number) => {
          if (!this.timers.has(this.key)) this.timers.set(this.key, new Set());
          this.timers.get(this.key)!.add(t);
        },
      }),
    } as never;
  }

  private readonly collector = { collect: (r: Row) => void this.out.push(formatRow(r)) };

  left(id: number, key: string, s: number): this {
    this.key = key;
    this.fn.processElement1([0, id, key, sec(s)], this.ctx(), this.collector);
    return this;
  }

  right(kind: number, key: string, value: number, s: number): this {
    this.key = key;
    this.fn.processElement2([kind, key, value, sec(s)], this.ctx(), this.collector);
    return this;
  }

  /** Advances the watermark to `s` seconds, firing the timers up to it in time order. */
  advance(s: number): this {
    this.watermark = s * 1000;
    const due: [number, string][] = [];
    for (const [k, ts] of this.timers) {
      for (const t of ts) if (t <= this.watermark) due.push([t, k]);
    }
    due.sort((a, b) => a[0] - b[0]);
    for (const [t, k] of due) {
      this.timers.get(k)!.delete(t);
      this.key = k;
      this.fn.onTimer(t, this.ctx(), this.collector);
    }
    return this;
  }

  take(): string[] {
    return this.out.splice(0);
  }

  /** Rows held: buffered left rows plus right versions, over all keys. */
  stateSize(): number {
    let n = 0;
    for (const m of this.states.values()) for (const v of m.values()) n += (v as unknown[]).length;
    return n;
  }
}

const at = (s: number) => sec(s).toString();

describe("event-time temporal join operator", () => {
  test("left rows wait for the watermark; versions by time; state expires", () => {
    const d = new TemporalDriver("LEFT");
    d.right(0, "EUR", 114, 0).left(1, "EUR", 3).right(2, "EUR", 116, 2).right(2, "EUR", 119, 5);
    assert.deepEqual(d.take(), []);
    assert.equal(d.stateSize(), 4);
    d.advance(3);
    assert.deepEqual(d.take(), [`+I[1, EUR, ${at(3)}, EUR, 116, ${at(2)}]`]);
    // Only the version valid at the watermark and the later one are kept.
    assert.equal(d.stateSize(), 2);
    d.left(2, "EUR", 6).left(3, "EUR", 4).advance(10);
    assert.deepEqual(d.take(), [
      `+I[3, EUR, ${at(4)}, EUR, 116, ${at(2)}]`,
      `+I[2, EUR, ${at(6)}, EUR, 119, ${at(5)}]`,
    ]);
    assert.equal(d.stateSize(), 1);
    // A delete: later rows find no version, and the key's state goes away.
    d.right(3, "EUR", 119, 12).left(4, "EUR", 13).advance(20);
    assert.deepEqual(d.take(), [`+I[4, EUR, ${at(13)}, null, null, null]`]);
    assert.equal(d.stateSize(), 0);
  });

  test("a late left row (behind the watermark) joins the versions still kept, once", () => {
    const d = new TemporalDriver("INNER");
    d.right(0, "A", 1, 0).right(2, "A", 2, 5).advance(6);
    assert.equal(d.stateSize(), 1);
    d.left(1, "A", 2);
    // Version 1 (valid at 2 s) has expired: the late row meets no version at its time.
    assert.deepEqual(d.take(), []);
    d.left(2, "A", 6);
    assert.deepEqual(d.take(), [`+I[2, A, ${at(6)}, A, 2, ${at(5)}]`]);
    d.advance(100);
    assert.deepEqual(d.take(), []);
  });

  test("-U is ignored; a left row before the first version has no match", () => {
    const d = new TemporalDriver("LEFT");
    d.right(0, "A", 1, 5).right(1, "A", 1, 8).right(2, "A", 2, 8);
    d.left(1, "A", 4).left(2, "A", 8).advance(9);
    assert.deepEqual(d.take(), [
      `+I[1, A, ${at(4)}, null, null, null]`,
      `+I[2, A, ${at(8)}, A, 2, ${at(8)}]`,
    ]);
  });
});
