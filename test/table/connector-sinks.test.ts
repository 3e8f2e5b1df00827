/** The print and blackhole sinks and the values test source, in real jobs. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { StreamExecutionEnvironment } from "../../src/index.ts";
import {
  CatalogManager,
  executeDdlScript,
  type CatalogTable,
} from "../../src/table/catalog/index.ts";
import {
  createTableSink,
  createTableSource,
  defaultConnectorRegistry,
  formatPrintRow,
  printPrefix,
  registerValuesData,
} from "../../src/table/connectors/index.ts";
import { collectChangelog } from "../../src/table/runtime/collect.ts";
import { ChangelogMode, insertRows, type Row } from "../../src/table/runtime/row.ts";
import { Decimal } from "../../src/table/types/decimal.ts";
import * as T from "../../src/table/types/logical-type.ts";
import { Timestamp } from "../../src/table/types/timestamp.ts";

function tables(ddl: string) {
  const m = new CatalogManager();
  executeDdlScript(ddl, m);
  return (name: string) => {
    const r = m.lookupTable([name]);
    return { id: r.identifier, t: r.object as CatalogTable };
  };
}

/** Runs `body` with text written to process.stdout captured; returns that text. */
async function captureStdout(body: () => Promise<unknown>): Promise<string> {
  const original = process.stdout.write.bind(process.stdout);
  let text = "";
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    // The test runner reports through stdout in binary chunks: let those through.
    if (typeof chunk !== "string")
      return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    text += chunk;
    const cb = rest.find((x) => typeof x === "function") as ((e?: Error) => void) | undefined;
    cb?.();
    return true;
  }) as typeof process.stdout.write;
  try {
    await body();
  } finally {
    process.stdout.write = original;
  }
  return text;
}

test("print rows look like Flink's: kind, then values as CAST to STRING, NULL as null", () => {
  const types = [
    T.INT(),
    T.STRING(),
    T.DECIMAL(5, 2),
    T.TIMESTAMP(3),
    T.BOOLEAN(),
    T.ARRAY(T.INT()),
    T.BIGINT(),
  ];
  const ts = new Timestamp(Date.UTC(2020, 0, 31, 10, 0, 0, 500));
  assert.equal(
    formatPrintRow([0, 1, "a", new Decimal(1230n, 2), ts, true, [1, null], null], types),
    "+I[1, a, 12.30, 2020-01-31 10:00:00.500, TRUE, [1, null], null]",
  );
  assert.equal(
    formatPrintRow([1, 1, "a", null, null, false, [], 2n ** 60n], types),
    "-U[1, a, null, null, FALSE, [], 1152921504606846976]",
  );
  assert.equal(formatPrintRow([3, 7], [T.INT()]), "-D[7]");
  assert.equal(printPrefix(undefined, 0, 1), "");
  assert.equal(printPrefix("sink", 0, 1), "sink> ");
  assert.equal(printPrefix(undefined, 1, 2), "2> ");
  assert.equal(printPrefix("sink", 2, 4), "sink:3> ");
});

test("values -> print: a retract changelog printed by a real job", async () => {
  const id = registerValuesData([
    [0, 1, "a"],
    [1, 1, "a"],
    [2, 1, "b"],
    [3, 1, "b"],
  ]);
  const table = tables(
    `CREATE TABLE src (k INT, v STRING) WITH ('connector' = 'values', 'data-id' = '${id}', 'changelog-mode' = 'I,UB,UA,D');
     CREATE TABLE out (k INT, v STRING) WITH ('connector' = 'print', 'print-identifier' = 'out');
     CREATE TABLE out2 (k INT, v STRING) WITH ('connector' = 'print', 'sink.parallelism' = '2');`,
  );
  const registry = defaultConnectorRegistry();
  const src = table("src");
  const source = createTableSource(src.id, src.t, registry);
  assert.equal(source.changelogMode, ChangelogMode.RETRACT);
  assert.equal(source.bounded, false, "bounded defaults to false, as Flink");
  const sink = createTableSink(table("out").id, table("out").t, registry);
  assert.equal(
    sink.changelogMode(ChangelogMode.RETRACT),
    ChangelogMode.RETRACT,
    "print accepts every mode",
  );
  const text = await captureStdout(async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({
      target: "thread",
      parallelism: 1,
    });
    sink.consume(source.produce(env));
    await env.execute("print job");
  });
  assert.equal(text, "out> +I[1, a]\nout> -U[1, a]\nout> +U[1, b]\nout> -D[1, b]\n");

  const text2 = await captureStdout(async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({
      target: "thread",
      parallelism: 1,
    });
    const s = createTableSink(table("out2").id, table("out2").t, registry).consume(
      source.produce(env).rebalance(),
    );
    assert.equal(s.getTransformation().parallelism, 2);
    await env.execute("print job 2");
  });
  const lines = text2.trim().split("\n").sort();
  assert.equal(lines.length, 4);
  assert.ok(
    lines.every((l) => /^[12]> [-+][IUD]\[1, [ab]\]$/.test(l)),
    lines.join("\n"),
  );
});

test("blackhole consumes everything; print and blackhole cannot be read, values cannot be written", async () => {
  const id = registerValuesData(insertRows([[1], [2], [3]]));
  const table = tables(
    `CREATE TABLE src (a INT) WITH ('connector' = 'values', 'data-id' = '${id}', 'bounded' = 'true');
     CREATE TABLE hole (a INT) WITH ('connector' = 'blackhole');
     CREATE TABLE p (a INT) WITH ('connector' = 'print');`,
  );
  const registry = defaultConnectorRegistry();
  const env = StreamExecutionEnvironment.getExecutionEnvironment({
    target: "thread",
    parallelism: 2,
  });
  const source = createTableSource(table("src").id, table("src").t, registry);
  assert.equal(source.bounded, true);
  let seen = 0;
  createTableSink(table("hole").id, table("hole").t, registry).consume(
    source.produce(env).map((r: Row) => {
      seen++;
      return r;
    }),
  );
  await env.execute("blackhole");
  assert.equal(seen, 3);
  assert.throws(
    () => createTableSource(table("hole").id, table("hole").t, registry),
    /Connector 'blackhole' can only be written, not read/,
  );
  assert.throws(
    () => createTableSource(table("p").id, table("p").t, registry),
    /Connector 'print' can only be written/,
  );
  assert.throws(
    () => createTableSink(table("src").id, table("src").t, registry),
    /Connector 'values' can only be read, not written/,
  );
});

test("values checks its rows and supports projection", async () => {
  const good = registerValuesData(
    insertRows([
      [1, "a", 1.5],
      [2, "b", null],
    ]),
  );
  const wide = registerValuesData(insertRows([[1, "a"]]));
  const wrongType = registerValuesData(insertRows([[1, 2, 3.5]]));
  const deletes = registerValuesData([
    [0, 1, "a", 1],
    [3, 1, "a", 1],
  ]);
  const table = tables(
    `CREATE TABLE ok (a INT, b STRING, c DOUBLE) WITH ('connector' = 'values', 'data-id' = '${good}');
     CREATE TABLE narrow (a INT, b STRING, c DOUBLE) WITH ('connector' = 'values', 'data-id' = '${wide}');
     CREATE TABLE typed (a INT, b STRING, c DOUBLE) WITH ('connector' = 'values', 'data-id' = '${wrongType}');
     CREATE TABLE ins (a INT, b STRING, c DOUBLE) WITH ('connector' = 'values', 'data-id' = '${deletes}');
     CREATE TABLE ups (a INT, b STRING, c DOUBLE, PRIMARY KEY (a) NOT ENFORCED)
       WITH ('connector' = 'values', 'data-id' = '${deletes}', 'changelog-mode' = 'I,UA,D');`,
  );
  const registry = defaultConnectorRegistry();
  const src = (name: string, projection?: number[]) =>
    createTableSource(table(name).id, table(name).t, registry, projection ? { projection } : {});
  const env = () =>
    StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread", parallelism: 1 });
  assert.deepEqual(await collectChangelog(src("ok", [2, 0]).produce(env())), [
    [0, 1.5, 1],
    [0, null, 2],
  ]);
  assert.throws(
    () => src("narrow"),
    /values table 'default_catalog.default_database.narrow', row 0 \+I\[1, a\]: 2 field\(s\), the table has 3 physical column\(s\)/,
  );
  assert.throws(
    () => src("typed"),
    /row 0 \+I\[1, 2, 3.5\]: column 'b': 2 is not a valid STRING value/,
  );
  assert.throws(() => src("ins"), /row 1 -D\[1, a, 1\]: a -D row, but changelog-mode is 'I'/);
  const ups = src("ups");
  assert.equal(ups.changelogMode, ChangelogMode.UPSERT);
  assert.deepEqual(await collectChangelog(ups.produce(env())), [
    [0, 1, "a", 1],
    [3, 1, "a", 1],
  ]);
  assert.deepEqual(await collectChangelog(src("ok").produce(env())), [
    [0, 1, "a", 1.5],
    [0, 2, "b", null],
  ]);
});
