/**
 * Partitioned filesystem tables (PARTITIONED BY) in batch: rows go to `k1=v1/k2=v2` directories
 * without their partition columns, special values are escaped, NULL and blank values go to the
 * default partition, `_SUCCESS` marks committed partitions, and the same DDL reads the rows back
 * (also projected, and through lookups). Wrong declarations and options fail naming the table.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TableEnvironment } from "../../src/index.ts";
import {
  CatalogManager,
  executeDdlScript,
  type CatalogTable,
} from "../../src/table/catalog/index.ts";
import {
  FILESYSTEM_CONNECTOR,
  defaultConnectorRegistry,
  registerValuesData,
  tableContext,
  type LookupContext,
} from "../../src/table/connectors/index.ts";
import { timeExtractor } from "../../src/table/connectors/filesystem-partition-commit.ts";
import {
  escapePartitionName,
  unescapePartitionName,
  type PartitionLayout,
} from "../../src/table/connectors/filesystem-partitions.ts";
import { RowKind } from "../../src/table/runtime/row.ts";
import { daysFromCivil } from "../../src/table/types/datetime.ts";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "strom-fs-part-"));

/** Every file under `root`, relative and sorted. */
const tree = (root: string): string[] =>
  (fs.readdirSync(root, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(root, f)).isFile())
    .sort();

/** The lines of the visible part files under `dir` (a partition directory), sorted. */
const linesIn = (root: string, dir: string): string[] =>
  tree(path.join(root, dir))
    .filter((f) => path.basename(f).startsWith("part-"))
    .flatMap((f) => fs.readFileSync(path.join(root, dir, f), "utf8").split("\n"))
    .filter((l) => l !== "")
    .sort();

const sortRows = (rows: unknown[][]): string[] => rows.map((r) => JSON.stringify(r)).sort();

test("escaping of partition names and values, as Hive and Flink do", () => {
  assert.equal(escapePartitionName("2020-01-01"), "2020-01-01");
  assert.equal(escapePartitionName("10:00"), "10%3A00");
  assert.equal(escapePartitionName("a/b=c"), "a%2Fb%3Dc");
  assert.equal(escapePartitionName("%41 #?*'\"\\{[]^"), "%2541 %23%3F%2A%27%22%5C%7B%5B%5D%5E");
  assert.equal(escapePartitionName("tab\there\x7f"), "tab%09here%7F");
  assert.equal(escapePartitionName("ünï ✓"), "ünï ✓");
  for (const s of ["10:00", "a/b=c", "%41 #?*'\"\\{[]^", "tab\there\x7f", "..", "ünï ✓", "%zz"]) {
    assert.equal(unescapePartitionName(escapePartitionName(s)), s);
  }
  assert.equal(unescapePartitionName("100%"), "100%", "a lone % stays");
});

test("partition times: the first value, a pattern, a java.time formatter, a time zone", () => {
  const layout = {
    table: "t",
    keys: ["year", "month", "day", "hour", "d"],
  } as unknown as PartitionLayout;
  const dir = "year=2024/month=02/day=29/hour=07/d=2024-03-01";
  const utc = (...f: [number, number, number, number]) => Date.UTC(f[0], f[1] - 1, f[2], f[3]);
  const byDay = { table: "t", keys: ["dt", "hm"] } as unknown as PartitionLayout;
  assert.equal(
    timeExtractor(byDay, undefined, undefined, "UTC")("dt=2024-03-01/hm=10%3A00"),
    utc(2024, 3, 1, 0),
    "without a pattern: the first value",
  );
  const ymd = timeExtractor(layout, "$year-$month-$day $hour:00:00", undefined, "UTC");
  assert.equal(ymd(dir), utc(2024, 2, 29, 7));
  const fmt = timeExtractor(layout, "$year$month$day $hour", "yyyyMMdd HH", "Asia/Shanghai");
  assert.equal(fmt(dir), utc(2024, 2, 29, 7) - 8 * 3600_000);
  assert.equal(
    timeExtractor(layout, "$d", undefined, "UTC")(dir),
    utc(2024, 3, 1, 0),
    "$d, not $day",
  );
  assert.throws(
    () => timeExtractor(layout, "$hour o'clock", undefined, "UTC")(dir),
    /cannot extract the time of partition '.*': '07 o'clock' is not a timestamp \(expected yyyy-MM-dd\[ HH:mm:ss\]; set 'partition.time-extractor.timestamp-pattern', now '\$hour o'clock'\)/,
  );
});

/** A batch environment with a partitioned CSV table `t` at a new directory, and `src` rows. */
async function batchTable(columns: string, partitions: string, options: string, rows: unknown[][]) {
  const dir = tmp();
  const t = TableEnvironment.create({ mode: "batch", parallelism: 2 });
  const id = registerValuesData(rows.map((r) => [RowKind.INSERT, ...r]));
  await t.executeSql(
    `CREATE TABLE src (${columns}) WITH ('connector' = 'values', 'data-id' = '${id}', 'bounded' = 'true')`,
  );
  await t.executeSql(
    `CREATE TABLE t (${columns}) PARTITIONED BY (${partitions}) WITH ('connector' = 'filesystem',
       'path' = '${dir}', 'format' = 'csv'${options})`,
  );
  await (await t.executeSql("INSERT INTO t SELECT * FROM src")).await();
  return { t, dir };
}

test("batch: rows go to k1=v1/k2=v2 without their partition columns and read back the same", async () => {
  const rows = [
    [1, "a", "2020-01-01", "10:00"],
    [2, "b", "2020-01-01", "10:00"],
    [3, "c", "2020-01-01", "10:01"],
    [4, "d", "2020-01-02", "a/b=c"],
    [5, null, "2020-01-02", "%41"],
  ];
  const { t, dir } = await batchTable(
    "id INT, s STRING, dt STRING, hm STRING",
    "dt, hm",
    ", 'sink.partition-commit.policy.kind' = 'success-file'",
    rows,
  );
  const dirs = [...new Set(tree(dir).map((f) => path.dirname(f)))].sort();
  assert.deepEqual(dirs, [
    "dt=2020-01-01/hm=10%3A00",
    "dt=2020-01-01/hm=10%3A01",
    "dt=2020-01-02/hm=%2541",
    "dt=2020-01-02/hm=a%2Fb%3Dc",
  ]);
  for (const d of dirs) {
    assert.ok(tree(path.join(dir, d)).includes("_SUCCESS"), `${d} is committed`);
    for (const f of tree(path.join(dir, d)).filter((n) => n !== "_SUCCESS")) {
      assert.match(f, /^part-[0-9a-f-]+-[01]-\d+$/);
    }
  }
  assert.deepEqual(linesIn(dir, "dt=2020-01-01/hm=10%3A00"), ["1,a", "2,b"]);
  assert.deepEqual(linesIn(dir, "dt=2020-01-02/hm=%2541"), ["5,"]);
  assert.deepEqual(
    sortRows(await (await t.executeSql("SELECT * FROM t")).collect()),
    sortRows(rows),
  );
  assert.deepEqual(
    sortRows(await (await t.executeSql("SELECT hm, id FROM t WHERE dt = '2020-01-01'")).collect()),
    sortRows([
      ["10:00", 1],
      ["10:00", 2],
      ["10:01", 3],
    ]),
  );
  assert.deepEqual(
    sortRows(await (await t.executeSql("SELECT dt, COUNT(*) FROM t GROUP BY dt")).collect()),
    sortRows([
      ["2020-01-01", 3],
      ["2020-01-02", 2],
    ]),
  );
});

test("batch: NULL, empty and blank values go to the default partition and read back as NULL", async () => {
  const rows = [
    [1, null, 7],
    [2, "", null],
    [3, "  ", 7],
    [4, "x", 8],
  ];
  const { t, dir } = await batchTable("id INT, p STRING, q INT", "p, q", "", rows);
  assert.deepEqual([...new Set(tree(dir).map((f) => path.dirname(f)))].sort(), [
    "p=__DEFAULT_PARTITION__/q=7",
    "p=__DEFAULT_PARTITION__/q=__DEFAULT_PARTITION__",
    "p=x/q=8",
  ]);
  assert.ok(!tree(dir).some((f) => f.endsWith("_SUCCESS")), "no commit policy, no success file");
  assert.deepEqual(
    sortRows(await (await t.executeSql("SELECT * FROM t")).collect()),
    sortRows([
      [1, null, 7],
      [2, null, null],
      [3, null, 7],
      [4, "x", 8],
    ]),
  );
  const named = await batchTable(
    "id INT, p STRING",
    "p",
    ", 'partition.default-name' = 'none:yet', 'sink.partition-commit.policy.kind' = 'success-file', 'sink.partition-commit.success-file.name' = '_DONE'",
    [
      [1, null],
      [2, "y"],
    ],
  );
  assert.deepEqual(
    tree(named.dir).filter((f) => !path.basename(f).startsWith("part-")),
    ["p=none%3Ayet/_DONE", "p=y/_DONE"],
  );
  assert.deepEqual(
    sortRows(await (await named.t.executeSql("SELECT p, id FROM t")).collect()),
    sortRows([
      [null, 1],
      ["y", 2],
    ]),
  );
});

test("batch: typed partition columns (INT, DATE) in the middle of the row round-trip", async () => {
  const day = daysFromCivil(2021, 3, 4);
  const rows = [
    [10, 1, "x", day],
    [11, 1, "y", day + 1],
    [12, null, "z", day],
  ];
  const { t, dir } = await batchTable("id INT, n INT, s STRING, d DATE", "d, n", "", rows);
  assert.deepEqual([...new Set(tree(dir).map((f) => path.dirname(f)))].sort(), [
    "d=2021-03-04/n=1",
    "d=2021-03-04/n=__DEFAULT_PARTITION__",
    "d=2021-03-05/n=1",
  ]);
  assert.deepEqual(linesIn(dir, "d=2021-03-04/n=1"), ["10,x"]);
  assert.deepEqual(
    sortRows(await (await t.executeSql("SELECT * FROM t")).collect()),
    sortRows(rows),
  );
  // A directory name that does not fit the column type fails naming it.
  fs.mkdirSync(path.join(dir, "d=2021-03-06", "n=seven"), { recursive: true });
  fs.writeFileSync(path.join(dir, "d=2021-03-06", "n=seven", "part-x"), "1,a\n");
  await assert.rejects((await t.executeSql("SELECT * FROM t")).collect(), (e: unknown) => {
    const all: string[] = [];
    for (let c = e; c instanceof Error; c = c.cause) all.push(c.message);
    return /partition directory 'd=2021-03-06\/n=seven': value 'seven' of partition column 'n'.*not an integer/.test(
      all.join("\n"),
    );
  });
});

test("sink.shuffle-by-partition.enable: each partition is written by one subtask", async () => {
  const rows = Array.from({ length: 40 }, (_, i) => [i, `p${(i >> 1) % 4}`]);
  const { t, dir } = await batchTable(
    "id INT, p STRING",
    "p",
    ", 'sink.shuffle-by-partition.enable' = 'true', 'sink.parallelism' = '2'",
    rows,
  );
  for (const d of ["p=p0", "p=p1", "p=p2", "p=p3"]) {
    assert.equal(tree(path.join(dir, d)).length, 1, `${d}: ${tree(path.join(dir, d)).join(", ")}`);
  }
  assert.deepEqual(
    sortRows(await (await t.executeSql("SELECT * FROM t")).collect()),
    sortRows(rows),
  );
});

test("lookups in a partitioned table see the partition columns", async () => {
  const { dir } = await batchTable("id INT, s STRING, p STRING", "p", "", [
    [1, "a", "x"],
    [2, "b", "y"],
  ]);
  const m = new CatalogManager();
  executeDdlScript(
    `CREATE TABLE t (id INT, s STRING, p STRING) PARTITIONED BY (p) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv')`,
    m,
  );
  const r = m.lookupTable(["t"]);
  const { context } = tableContext(
    r.identifier,
    r.object as CatalogTable,
    defaultConnectorRegistry(),
  );
  const lookup = FILESYSTEM_CONNECTOR.createLookup!({ ...context, keys: [2] } as LookupContext);
  const fn = lookup.createFunction({ now: () => 0 });
  assert.deepEqual(fn.lookup(["y"]), [[2, "b", "y"]]);
});

test("wrong partition declarations and partition options fail naming the table and the option", () => {
  const ddl = (cols: string, parts: string, opts = "") =>
    `CREATE TABLE t (${cols}) PARTITIONED BY (${parts}) WITH ('connector' = 'filesystem', 'path' = '/x', 'format' = 'csv'${opts})`;
  const rejects = (sql: string, re: RegExp) =>
    assert.throws(() => executeDdlScript(sql, new CatalogManager()), re, sql);
  const T = "filesystem table 'default_catalog.default_database.t'";
  rejects(
    ddl("a INT, b STRING", "c"),
    /Partition column 'c' is not a column of the table.*Columns: a, b/,
  );
  rejects(
    ddl("a INT, b AS a + 1", "b"),
    new RegExp(`${T}: PARTITIONED BY \\(b\\): partition column 'b' is not a physical column`),
  );
  rejects(ddl("a INT, b ARRAY<INT>", "b"), new RegExp(`${T}.*partition column 'b' has type ARRAY`));
  rejects(
    ddl("a INT", "a"),
    new RegExp(`${T}: PARTITIONED BY \\(a\\): every column is a partition column`),
  );
  const p = (opts: string) => ddl("a INT, b STRING", "b", opts);
  rejects(
    p(", 'sink.partition-commit.policy.kind' = 'metastore,success-file'"),
    new RegExp(
      `${T}: option 'sink.partition-commit.policy.kind' = 'metastore,success-file' is not supported: 'metastore' needs a Hive metastore`,
    ),
  );
  rejects(
    p(", 'sink.partition-commit.policy.kind' = 'succes-file'"),
    new RegExp(
      `${T}: option 'sink.partition-commit.policy.kind' = 'succes-file' has the unknown policy 'succes-file'`,
    ),
  );
  rejects(
    p(
      ", 'sink.partition-commit.policy.kind' = 'custom', 'sink.partition-commit.policy.class' = 'a.B'",
    ),
    /option 'sink.partition-commit.policy.class' = 'a.B' is not supported/,
  );
  rejects(
    p(", 'sink.partition-commit.trigger' = 'watermark'"),
    /Invalid value 'watermark' for option 'sink.partition-commit.trigger'.*in table 'default_catalog.default_database.t'.*expected one of process-time, partition-time/,
  );
  rejects(
    p(", 'partition.time-extractor.kind' = 'custom'"),
    new RegExp(`${T}: option 'partition.time-extractor.kind' = 'custom' is not supported`),
  );
  rejects(
    p(", 'sink.partition-commit.watermark-time-zone' = 'Mars/Olympus'"),
    /option 'sink.partition-commit.watermark-time-zone' = 'Mars\/Olympus' is not a time zone/,
  );
  rejects(
    p(", 'partition.time-extractor.timestamp-formatter' = 'yyyy-MM-dd {'"),
    /option 'partition.time-extractor.timestamp-formatter' = 'yyyy-MM-dd \{' is not a valid pattern/,
  );
  rejects(
    p(", 'sink.partition-commit.success-file.name' = 'a/b'"),
    /option 'sink.partition-commit.success-file.name' = 'a\/b' must be a plain file name/,
  );
  rejects(
    p(", 'sink.partition-commit.delay' = 'soon'"),
    /Invalid value 'soon' for option 'sink.partition-commit.delay'/,
  );
  rejects(
    p(", 'sink.rolling-policy.file-size' = '1MB'").replace("PARTITIONED BY (b) ", ""),
    /Unsupported options found for 'filesystem'.*\n\nUnsupported options:\n\nsink.rolling-policy.file-size[\s\S]*sink.partition-commit.policy.kind/,
  );
  rejects(
    `CREATE TABLE t (a INT) WITH ('connector' = 'filesystem', 'path' = '/x', 'format' = 'csv', 'sink.partition-commit.policy.kind' = 'success-file')`,
    new RegExp(
      `${T}: option 'sink.partition-commit.policy.kind' = 'success-file' needs a partitioned table`,
    ),
  );
  // Accepted: every supported option at once.
  executeDdlScript(
    p(`, 'sink.partition-commit.policy.kind' = 'success-file', 'sink.partition-commit.trigger' = 'partition-time',
       'sink.partition-commit.delay' = '1 min', 'sink.partition-commit.watermark-time-zone' = 'Asia/Shanghai',
       'partition.time-extractor.timestamp-pattern' = '$b 00:00:00', 'partition.time-extractor.timestamp-formatter' = 'yyyy-MM-dd HH:mm:ss',
       'partition.default-name' = 'nil', 'sink.shuffle-by-partition.enable' = 'true', 'sink.partition-commit.success-file.name' = '_OK'`),
    new CatalogManager(),
  );
});
