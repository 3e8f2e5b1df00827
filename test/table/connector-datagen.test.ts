/** The datagen connector in real jobs: row counts, exact sequences, bounds, null rates, seeds, projection. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { StreamExecutionEnvironment } from "../../src/index.ts";
import {
  CatalogManager,
  executeDdlScript,
  type CatalogTable,
} from "../../src/table/catalog/index.ts";
import {
  SeededRandom,
  createTableSource,
  defaultConnectorRegistry,
  type ScanTableSource,
  type SourceOptions,
} from "../../src/table/connectors/index.ts";
import { collectChangelog } from "../../src/table/runtime/collect.ts";
import type { Row } from "../../src/table/runtime/row.ts";
import { Decimal } from "../../src/table/types/decimal.ts";
import { Timestamp } from "../../src/table/types/timestamp.ts";
import { typeToString } from "../../src/table/types/type-print.ts";

const FAST = "'rows-per-second' = '100000000'";

function source(
  columns: string,
  options: string,
  sourceOptions: SourceOptions = {},
): ScanTableSource {
  const m = new CatalogManager();
  executeDdlScript(
    `CREATE TABLE g (${columns}) WITH ('connector' = 'datagen', ${FAST}${options})`,
    m,
  );
  const t = m.lookupTable(["g"]);
  return createTableSource(
    t.identifier,
    t.object as CatalogTable,
    defaultConnectorRegistry(),
    sourceOptions,
  );
}

async function collect(src: ScanTableSource, parallelism = 1): Promise<Row[]> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread", parallelism });
  return collectChangelog(src.produce(env));
}

const column = (rows: Row[], i: number) => rows.map((r) => r[i + 1]);

test("number-of-rows bounds the table at every parallelism; all rows are inserts", async () => {
  const src = source("a INT, b STRING", ", 'number-of-rows' = '1000'");
  assert.equal(src.bounded, true);
  assert.equal(src.changelogMode.name, "INSERT_ONLY");
  assert.deepEqual(
    src.producedType.fields.map((f) => f.name),
    ["a", "b"],
  );
  for (const p of [1, 2, 4]) {
    const rows = await collect(src, p);
    assert.equal(rows.length, 1000, `parallelism ${p}`);
    assert.ok(rows.every((r) => r[0] === 0 && r.length === 3));
  }
  assert.equal(source("a INT", "").bounded, false, "without number-of-rows the table is unbounded");
});

test("sequence fields are exact, and the shortest sequence bounds the table", async () => {
  const src = source(
    "id BIGINT, small TINYINT, d DECIMAL(6, 2), s STRING, f DOUBLE",
    `, 'fields.id.kind' = 'sequence', 'fields.id.start' = '9007199254740990', 'fields.id.end' = '9007199254741010',
       'fields.small.kind' = 'sequence', 'fields.small.start' = '-5', 'fields.small.end' = '100',
       'fields.d.kind' = 'sequence', 'fields.d.start' = '10', 'fields.d.end' = '1000',
       'fields.s.kind' = 'sequence', 'fields.s.start' = '7', 'fields.s.end' = '1000',
       'fields.f.kind' = 'sequence', 'fields.f.start' = '0', 'fields.f.end' = '1000'`,
  );
  assert.equal(src.bounded, true);
  const rows = await collect(src, 3);
  assert.equal(rows.length, 21);
  const sorted = [...rows].sort((x, y) => (x[2] as number) - (y[2] as number));
  sorted.forEach((r, k) => {
    const id = 9007199254740990n + BigInt(k);
    assert.equal(
      r[1],
      id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : id,
      "BIGINT beyond 2^53 stays exact",
    );
    assert.equal(r[2], -5 + k);
    assert.ok((r[3] as Decimal).equals(new Decimal(BigInt(1000 + k * 100), 2)));
    assert.equal(r[4], String(7 + k));
    assert.equal(r[5], k);
  });
  assert.equal(typeof sorted[20]![1], "bigint");
});

test("random values stay within their bounds and lengths", async () => {
  const src = source(
    "i INT, b BIGINT, big BIGINT, d DECIMAL(5, 2), x DOUBLE, fl FLOAT, s VARCHAR(8), v STRING, c CHAR(3), bs BYTES, ok BOOLEAN, t TIME(0)",
    `, 'number-of-rows' = '2000', 'seed' = '7',
       'fields.i.min' = '-3', 'fields.i.max' = '3',
       'fields.b.min' = '10', 'fields.b.max' = '12',
       'fields.d.min' = '-1.50', 'fields.d.max' = '2.25',
       'fields.x.min' = '0.5', 'fields.x.max' = '0.75',
       'fields.fl.min' = '-1', 'fields.fl.max' = '1',
       'fields.s.length' = '8',
       'fields.v.length' = '6', 'fields.v.var-len' = 'true',
       'fields.bs.length' = '4'`,
  );
  const rows = await collect(src, 2);
  assert.equal(rows.length, 2000);
  const ints = column(rows, 0) as number[];
  assert.ok(ints.every((v) => Number.isInteger(v) && v >= -3 && v <= 3));
  assert.deepEqual(
    [...new Set(ints)].sort(),
    [-1, -2, -3, 0, 1, 2, 3].sort(),
    "every value of a small range occurs",
  );
  assert.ok((column(rows, 1) as number[]).every((v) => v >= 10 && v <= 12));
  const big = column(rows, 2);
  assert.ok(big.every((v) => typeof v === "bigint" || Number.isSafeInteger(v)));
  assert.ok(
    big.some((v) => typeof v === "bigint"),
    "the default BIGINT range is the full 64 bits",
  );
  for (const v of column(rows, 3) as Decimal[]) {
    assert.equal(v.scale, 2);
    assert.ok(v.unscaled >= -150n && v.unscaled <= 225n, v.toString());
  }
  assert.ok((column(rows, 4) as number[]).every((v) => v >= 0.5 && v <= 0.75));
  assert.ok((column(rows, 5) as number[]).every((v) => v >= -1 && v <= 1 && Math.fround(v) === v));
  assert.ok((column(rows, 6) as string[]).every((v) => /^[a-z0-9]{8}$/.test(v)));
  const lengths = new Set((column(rows, 7) as string[]).map((v) => v.length));
  assert.ok(
    [...lengths].every((n) => n >= 1 && n <= 6) && lengths.size > 1,
    "var-len gives several lengths",
  );
  assert.ok((column(rows, 8) as string[]).every((v) => v.length === 3));
  assert.ok(
    (column(rows, 9) as Uint8Array[]).every((v) => v instanceof Uint8Array && v.length === 4),
  );
  const bools = column(rows, 10);
  assert.ok(bools.includes(true) && bools.includes(false));
  assert.ok(
    (column(rows, 11) as number[]).every(
      (v) => Number.isInteger(v) && v >= 0 && v < 86_400_000 && v % 1000 === 0,
    ),
  );
});

test("null-rate: about that share of NULLs; 1 gives only NULLs; NOT NULL columns never", async () => {
  const src = source(
    "a INT, b STRING, c INT NOT NULL",
    ", 'number-of-rows' = '4000', 'seed' = '3', 'fields.a.null-rate' = '0.3', 'fields.b.null-rate' = '1'",
  );
  const rows = await collect(src, 2);
  const share = column(rows, 0).filter((v) => v === null).length / rows.length;
  assert.ok(share > 0.26 && share < 0.34, `null share ${share}`);
  assert.ok(column(rows, 1).every((v) => v === null));
  assert.ok(column(rows, 2).every((v) => v !== null));
});

test("a seed makes the data deterministic, whatever the parallelism; projection keeps the values", async () => {
  const cols =
    "a INT, b STRING, c DECIMAL(10, 3), d ARRAY<INT>, e ROW<x INT, y STRING>, f MAP<STRING, INT>";
  const opts = ", 'number-of-rows' = '300', 'seed' = '12345'";
  const key = (r: Row) =>
    JSON.stringify(r, (_k, v) =>
      typeof v === "bigint"
        ? `${v}n`
        : v instanceof Map
          ? [...v]
          : v instanceof Decimal
            ? v.toString()
            : v,
    );
  const sortedKeys = (rows: Row[]) => rows.map(key).sort();
  const one = sortedKeys(await collect(source(cols, opts), 1));
  assert.deepEqual(sortedKeys(await collect(source(cols, opts), 4)), one);
  assert.deepEqual(sortedKeys(await collect(source(cols, opts), 1)), one);
  assert.notDeepEqual(
    sortedKeys(await collect(source(cols, ", 'number-of-rows' = '300', 'seed' = '1'"), 1)),
    one,
  );
  const full = await collect(source(cols, opts), 1);
  const projected = source(cols, opts, { projection: [2, 0] });
  assert.deepEqual(
    projected.producedType.fields.map((f) => `${f.name} ${typeToString(f.type)}`),
    ["c DECIMAL(10, 3)", "a INT"],
  );
  const got = await collect(projected, 1);
  assert.deepEqual(
    got.map(key),
    full.map((r) => key([r[0], r[3], r[1]])),
  );
  const rng = new SeededRandom();
  rng.reset(1, 2, 3);
  const a = [rng.uint32(), rng.uint32()];
  rng.reset(1, 2, 3);
  assert.deepEqual([rng.uint32(), rng.uint32()], a);
});

test("random timestamps and dates lie within max-past of the reader's start", async () => {
  const before = Date.now();
  const src = source(
    "ts TIMESTAMP(3), ltz TIMESTAMP_LTZ(0), dt DATE",
    ", 'number-of-rows' = '500', 'seed' = '5', 'fields.ts.max-past' = '1h', 'fields.ltz.max-past' = '10s', 'fields.dt.max-past' = '3d'",
  );
  const rows = await collect(src, 1);
  const after = Date.now();
  for (const r of rows) {
    const ts = r[1] as Timestamp;
    assert.ok(ts instanceof Timestamp && ts.millis >= before - 3_600_000 && ts.millis <= after);
    const ltz = r[2] as Timestamp;
    assert.ok(ltz.millis % 1000 === 0 && ltz.millis >= before - 11_000 && ltz.millis <= after);
    const day = r[3] as number;
    assert.ok(day >= Math.floor(before / 86_400_000) - 3 && day <= Math.floor(after / 86_400_000));
  }
});

test("scan.parallelism sets the source's parallelism", async () => {
  const src = source("a INT", ", 'number-of-rows' = '10', 'scan.parallelism' = '3'");
  const env = StreamExecutionEnvironment.getExecutionEnvironment({
    target: "thread",
    parallelism: 1,
  });
  const stream = src.produce(env);
  assert.equal(stream.getParallelism(), 3);
  assert.equal((await collectChangelog(stream)).length, 10);
});
