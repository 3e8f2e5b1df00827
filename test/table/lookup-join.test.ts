/**
 * Lookup joins (processing-time temporal joins): against a counting lookup connector (cache hits
 * and misses, max rows, expiry on the injected clock, async lookups in input order), the
 * `values` connector (its changelog applied) and the `filesystem` connector (files read again
 * after their TTL), in streaming and batch mode; an updating left input; EXPLAIN and refusals.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqlPlanError, TableEnvironment } from "../../src/index.ts";
import { registerValuesData } from "../../src/table/connectors/values.ts";
import {
  LOOKUP_OPTIONS,
  type DynamicTableFactory,
  type LookupRows,
} from "../../src/table/connectors/index.ts";

type Mode = "streaming" | "batch";

async function rows(t: TableEnvironment, sql: string): Promise<string[]> {
  const r = await (await t.executeSql(sql)).collect();
  return r.map((x) => JSON.stringify(x)).sort();
}

/** A lookup-only connector counting its lookups; each lookup advances `clock.now` by 10 ms. */
const counting = { lookups: 0, keys: [] as unknown[] };
const clock = { now: 0 };
const CUSTOMERS: Record<number, string> = { 1: "ann", 2: "bob", 3: "cid" };
const COUNTING_LOOKUP: DynamicTableFactory = {
  identifier: "counting-lookup",
  requiredOptions: [],
  optionalOptions: [...LOOKUP_OPTIONS],
  createLookup(ctx) {
    assert.deepEqual(ctx.keys, [0]);
    const async = ctx.options.get(LOOKUP_OPTIONS[4]) === true;
    return {
      createFunction: () => ({
        lookup(key): LookupRows | Promise<LookupRows> {
          counting.lookups++;
          counting.keys.push(key[0]);
          clock.now += 10;
          const name = CUSTOMERS[key[0] as number];
          const rows: LookupRows = name === undefined ? [] : [[key[0], name]];
          if (!async) return rows;
          // Answers complete out of order: the join still emits in input order.
          return new Promise((res) => setTimeout(() => res(rows), (4 - (key[0] as number)) * 5));
        },
      }),
    };
  },
};

async function lookupEnv(mode: Mode, options = ""): Promise<TableEnvironment> {
  counting.lookups = 0;
  counting.keys = [];
  clock.now = 0;
  const t = TableEnvironment.create({ mode, clock: () => clock.now });
  t.catalogs.connectors.register(COUNTING_LOOKUP, true);
  const ids = [1, 2, 1, 4, 1, 3, 2];
  const data = registerValuesData(ids.map((c, i) => [0, i + 1, c]));
  await t.executeSql(
    `CREATE TABLE orders (id INT, cid INT, proc AS PROCTIME())
     WITH ('connector' = 'values', 'data-id' = '${data}', 'bounded' = 'true')`,
  );
  await t.executeSql(
    `CREATE TABLE customers (cid INT, name STRING) WITH ('connector' = 'counting-lookup'${options})`,
  );
  return t;
}

const LOOKUP_Q = `SELECT o.id, c.name FROM orders o
  LEFT JOIN customers FOR SYSTEM_TIME AS OF o.proc AS c ON o.cid = c.cid`;
const LOOKUP_ROWS = [
  '[1,"ann"]',
  '[2,"bob"]',
  '[3,"ann"]',
  "[4,null]",
  '[5,"ann"]',
  '[6,"cid"]',
  '[7,"bob"]',
];

describe("lookup join", () => {
  for (const mode of ["streaming", "batch"] as const) {
    test(`without a cache every row is looked up (${mode})`, async () => {
      const t = await lookupEnv(mode);
      assert.deepEqual(await rows(t, LOOKUP_Q), LOOKUP_ROWS);
      assert.equal(counting.lookups, 7);
    });
  }

  test("a partial cache answers repeated keys (missing keys cached too)", async () => {
    const t = await lookupEnv("streaming", ", 'lookup.cache' = 'PARTIAL'");
    assert.deepEqual(await rows(t, LOOKUP_Q), LOOKUP_ROWS);
    assert.deepEqual(counting.keys, [1, 2, 4, 3]);
  });

  test("cache-missing-key = false looks missing keys up again", async () => {
    const t = await lookupEnv(
      "streaming",
      ", 'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.cache-missing-key' = 'false'",
    );
    await t.executeSql(
      `CREATE TEMPORARY VIEW twice AS SELECT * FROM orders UNION ALL SELECT * FROM orders`,
    );
    assert.equal((await rows(t, LOOKUP_Q.replace("FROM orders o", "FROM twice o"))).length, 14);
    assert.equal(counting.keys.filter((k) => k === 4).length, 2);
  });

  test("max-rows evicts the least recently used key", async () => {
    const t = await lookupEnv(
      "streaming",
      ", 'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.max-rows' = '1'",
    );
    assert.deepEqual(await rows(t, LOOKUP_Q), LOOKUP_ROWS);
    // 1, 2 (evicts 1), 1 (evicts 2), 4, 1, 3, 2.
    assert.deepEqual(counting.keys, [1, 2, 1, 4, 1, 3, 2]);
  });

  test("expire-after-write on the injected clock", async () => {
    const t = await lookupEnv(
      "streaming",
      ", 'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.expire-after-write' = '15ms'",
    );
    assert.deepEqual(await rows(t, LOOKUP_Q), LOOKUP_ROWS);
    // Each lookup advances the clock 10 ms: 1 (written at 10), 2 (20), 1 hit, 4 (30),
    // 1 expired at 30 (written 10) -> looked up (40), 3 (50), 2 expired (20) -> looked up.
    assert.deepEqual(counting.keys, [1, 2, 4, 1, 3, 2]);
  });

  test("async lookups complete out of order; results keep the input order", async () => {
    const t = await lookupEnv("streaming", ", 'lookup.async' = 'true'");
    const r = await (await t.executeSql(LOOKUP_Q)).collect();
    assert.deepEqual(
      r.map((x) => JSON.stringify(x)),
      LOOKUP_ROWS,
    );
    assert.equal(counting.lookups, 7);
  });

  test("the values connector supports lookups (its changelog applied), INNER and LEFT", async () => {
    for (const mode of ["streaming", "batch"] as const) {
      const t = TableEnvironment.create({ mode, parallelism: 2 });
      const orders = registerValuesData([1, 2, 3, 2].map((c, i) => [0, i + 1, c]));
      const products = registerValuesData([
        [0, 1, "pen"],
        [0, 2, "ink"],
        [2, 2, "quill"],
        [0, 3, "cap"],
        [3, 3, "cap"],
      ]);
      await t.executeSql(
        `CREATE TABLE o (id INT, pid INT, proc AS PROCTIME()) WITH ('connector' = 'values', 'data-id' = '${orders}')`,
      );
      await t.executeSql(
        `CREATE TABLE p (pid INT, name STRING, PRIMARY KEY (pid) NOT ENFORCED)
         WITH ('connector' = 'values', 'data-id' = '${products}', 'changelog-mode' = 'I,UA,D')`,
      );
      const q = (join: string) =>
        `SELECT o.id, p.name FROM o ${join} JOIN p FOR SYSTEM_TIME AS OF o.proc ON o.pid = p.pid`;
      assert.deepEqual(await rows(t, q("")), ['[1,"pen"]', '[2,"quill"]', '[4,"quill"]']);
      assert.deepEqual(await rows(t, q("LEFT")), [
        '[1,"pen"]',
        '[2,"quill"]',
        "[3,null]",
        '[4,"quill"]',
      ]);
    }
  });

  test("EXPLAIN and refusals", async () => {
    const t = await lookupEnv("streaming");
    const plan = (await (await t.executeSql(`EXPLAIN ${LOOKUP_Q}`)).collect())[0]![0] as string;
    assert.match(
      plan,
      /LookupJoin\(table=\[default_catalog\.default_database\.customers\], joinType=\[LEFT\], asOf=\[proc\], keys=\[cid\]\)/,
    );
    await t.executeSql(
      `CREATE TABLE gen (cid INT, name STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '3')`,
    );
    const err = async (sql: string, re: RegExp) => {
      await assert.rejects(
        async () => t.executeSql(sql),
        (e: unknown) => e instanceof SqlPlanError && re.test((e as Error).message),
      );
    };
    await err(
      `SELECT * FROM orders o JOIN gen FOR SYSTEM_TIME AS OF o.proc g ON o.cid = g.cid`,
      /gen: its connector does not support lookups/,
    );
    await err(
      `SELECT * FROM orders o JOIN customers FOR SYSTEM_TIME AS OF o.proc c ON o.cid > c.cid`,
      /must equate at least one column/,
    );
    await err(`SELECT * FROM customers`, /can only be looked up/);
  });
});

test("a lookup join keeps the kinds of an updating left input", async () => {
  const t = TableEnvironment.create({ mode: "streaming" });
  const left = registerValuesData([
    [0, 1, 1],
    [0, 2, 2],
    [1, 1, 1],
    [2, 1, 3],
    [3, 2, 2],
  ]);
  const right = registerValuesData([
    [0, 1, "one"],
    [0, 3, "three"],
  ]);
  await t.executeSql(
    `CREATE TABLE l (id INT, k INT, p AS PROCTIME()) WITH ('connector' = 'values', 'data-id' = '${left}', 'changelog-mode' = 'I,UB,UA,D')`,
  );
  await t.executeSql(
    `CREATE TABLE r (k INT, name STRING) WITH ('connector' = 'values', 'data-id' = '${right}')`,
  );
  // PROCTIME() over an updating table is refused unless asked for.
  await t.executeSql(`SET 'table.optimizer.non-deterministic-update-strategy' = 'IGNORE'`);
  const q = `SELECT l.id, r.name FROM l LEFT JOIN r FOR SYSTEM_TIME AS OF l.p ON l.k = r.k`;
  const plan = (await (await t.executeSql(`EXPLAIN ${q}`)).collect())[0]![0] as string;
  assert.match(plan, /LookupJoin/);
  assert.deepEqual(await rows(t, q), ['[1,"three"]']);
});

test("a filesystem table's lookups read its files again after lookup.join.cache.ttl", async () => {
  const dir = mkdtempSync(join(tmpdir(), "strom-lookup-"));
  try {
    const file = join(dir, "dim.csv");
    writeFileSync(file, "1,ann\n2,bob\n");
    const t = TableEnvironment.create();
    await t.executeSql(
      `CREATE TABLE dim (id INT, name STRING) WITH ('connector' = 'filesystem', 'path' = '${file}',
         'format' = 'csv', 'lookup.join.cache.ttl' = '1 min')`,
    );
    const resolved = t.catalogs.resolve(["dim"], { line: 1, column: 1, offset: 0 });
    assert.equal(resolved.kind, "table");
    if (resolved.kind !== "table") return;
    assert.equal(resolved.source.lookup, true);
    let now = 0;
    const fn = t.catalogs.createLookup(resolved.source, [0]).source.createFunction({
      now: () => now,
    });
    assert.deepEqual(fn.lookup([2]), [[2, "bob"]]);
    writeFileSync(file, "1,ann\n2,bea\n");
    now = 59_999;
    assert.deepEqual(fn.lookup([2]), [[2, "bob"]]);
    now = 60_000;
    assert.deepEqual(fn.lookup([2]), [[2, "bea"]]);
    assert.deepEqual(fn.lookup([3]), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
