/**
 * The filesystem connector in real jobs: CSV and JSON lines with every type, NULLs, malformed
 * lines (the error names the file and the line), skipped lines when asked, directories,
 * projection, metadata, and exactly-once writing read back.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { StreamExecutionEnvironment } from "../../src/index.ts";
import {
  CatalogManager,
  executeDdlScript,
  type CatalogTable,
} from "../../src/table/catalog/index.ts";
import { ManualTimerScheduler } from "../../src/core/time.ts";
import { CSV_FORMAT } from "../../src/table/formats/index.ts";
import { validateOptions } from "../../src/table/connectors/options.ts";
import * as T from "../../src/table/types/logical-type.ts";
import {
  FileRowSource,
  type FileLineSplit,
  createTableSink,
  createTableSource,
  defaultConnectorRegistry,
  registerValuesData,
  skippedLineCount,
  type ScanTableSource,
  type SourceOptions,
} from "../../src/table/connectors/index.ts";
import { collectChangelog } from "../../src/table/runtime/collect.ts";
import { RowKind, type Row } from "../../src/table/runtime/row.ts";
import { daysFromCivil } from "../../src/table/types/datetime.ts";
import { Decimal } from "../../src/table/types/decimal.ts";
import { Timestamp } from "../../src/table/types/timestamp.ts";

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "strom-fs-"));
}

function setup(ddl: string): {
  m: CatalogManager;
  table: (name: string) => { id: ReturnType<CatalogManager["qualify"]>; t: CatalogTable };
} {
  const m = new CatalogManager();
  executeDdlScript(ddl, m);
  return {
    m,
    table: (name) => {
      const r = m.lookupTable([name]);
      return { id: r.identifier, t: r.object as CatalogTable };
    },
  };
}

function sourceOf(ddl: string, name: string, opts: SourceOptions = {}): ScanTableSource {
  const { table } = setup(ddl);
  const { id, t } = table(name);
  return createTableSource(id, t, defaultConnectorRegistry(), opts);
}

async function collect(src: ScanTableSource, parallelism = 1): Promise<Row[]> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread", parallelism });
  return collectChangelog(src.produce(env));
}

/** Every message along an error's cause chain. */
function messages(e: unknown): string {
  const out: string[] = [];
  for (let c = e; c instanceof Error; c = c.cause) out.push(c.message);
  return out.join("\n");
}

const ALL_TYPES = `b BOOLEAN, ti TINYINT, si SMALLINT, i INT, bi BIGINT, fl FLOAT, d DOUBLE, de DECIMAL(10, 3),
  c CHAR(3), vc VARCHAR(5), s STRING, bt BYTES, dt DATE, tm TIME(3), ts TIMESTAMP(3), ltz TIMESTAMP_LTZ(3), arr ARRAY<INT>`;

const EXPECTED_ROW = [
  RowKind.INSERT,
  true,
  1,
  -2,
  3,
  9007199254740993n,
  1.5,
  2.25,
  new Decimal(12345n, 3),
  "ab ",
  "hello",
  'x,y "q"',
  new Uint8Array([0, 1, 2]),
  daysFromCivil(2020, 1, 31),
  10 * 3600000 + 11 * 60000 + 12 * 1000 + 123,
  new Timestamp(Date.UTC(2020, 0, 31, 10, 0, 0, 500)),
  new Timestamp(Date.UTC(2020, 0, 31, 10, 0, 0, 0)),
  [1, null, 3],
];

test("CSV: every type, quoting, NULLs, the null literal, comments and a custom delimiter", async () => {
  const dir = tmp();
  const file = path.join(dir, "data.csv");
  fs.writeFileSync(
    file,
    [
      "# a comment",
      'true,1,-2,3,9007199254740993,1.5,2.25,12.345,ab,hello,"x,y ""q""",AAEC,2020-01-31,10:11:12.123,2020-01-31 10:00:00.5,2020-01-31T10:00:00Z,1;N/A;3',
      ",,,,,,,,,,,,,,,,",
      'N/A,N/A,,,,,,,N/A,"",""',
    ].join("\r\n") + ",,,,,,\n",
  );
  const src = sourceOf(
    `CREATE TABLE f (${ALL_TYPES}) WITH ('connector' = 'filesystem', 'path' = '${file}', 'format' = 'csv',
      'csv.allow-comments' = 'true', 'csv.null-literal' = 'N/A')`,
    "f",
  );
  assert.equal(src.bounded, true);
  const rows = await collect(src);
  assert.equal(rows.length, 3);
  assert.deepEqual(rows[0], EXPECTED_ROW);
  assert.deepEqual(rows[1], [RowKind.INSERT, ...new Array(17).fill(null)]);
  const third = [RowKind.INSERT, ...new Array(17).fill(null)];
  third[10] = "";
  third[11] = "";
  assert.deepEqual(
    rows[2],
    third,
    "a quoted empty field is the empty string, an unquoted one NULL",
  );

  const semi = path.join(dir, "semi.txt");
  fs.writeFileSync(semi, "1|'a|b'\n2|'it''s'\n");
  const rows2 = await collect(
    sourceOf(
      `CREATE TABLE t (a INT, s STRING) WITH ('connector' = 'filesystem', 'path' = '${semi}', 'format' = 'csv',
        'csv.field-delimiter' = '|', 'csv.quote-character' = '''')`,
      "t",
    ),
  );
  assert.deepEqual(rows2, [
    [0, 1, "a|b"],
    [0, 2, "it's"],
  ]);
});

test("CSV: a malformed line fails the job naming the file and the line", async () => {
  const dir = tmp();
  const file = path.join(dir, "bad.csv");
  fs.writeFileSync(file, "1,a\n2,b\nthree,c\n4,d\n");
  const ddl = (extra = "") =>
    `CREATE TABLE t (n INT, s STRING) WITH ('connector' = 'filesystem', 'path' = '${file}', 'format' = 'csv'${extra})`;
  await assert.rejects(collect(sourceOf(ddl(), "t")), (e: unknown) => {
    assert.match(
      messages(e),
      new RegExp(
        `file ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}, line 3: field 'n': 'three' is not an integer`,
      ),
    );
    return true;
  });
  for (const [content, cause] of [
    ["1,a,x\n", /line 1: expected 2 field\(s\), found 3/],
    ['1,"a\n', /line 1: unterminated quoted field starting at column 3/],
    ['1,"a"b\n', /line 1: unexpected 'b' after the closing quote at column 6/],
    ["99999999999,a\n", /line 1: field 'n': overflow/],
    ["1.5,a\n", /line 1: field 'n': '1\.5' is not an integer/],
  ] as const) {
    fs.writeFileSync(file, content);
    await assert.rejects(collect(sourceOf(ddl(), "t")), (e: unknown) => cause.test(messages(e)));
  }
  fs.writeFileSync(file, "1,a\nx,b\n3,c\n\n4,d\ny,z\n");
  const table = "default_catalog.default_database.t";
  const before = skippedLineCount(table);
  const rows = await collect(sourceOf(ddl(", 'csv.ignore-parse-errors' = 'true'"), "t"));
  assert.deepEqual(
    rows.map((r) => r[1]),
    [1, 3, 4],
  );
  assert.equal(skippedLineCount(table) - before, 2, "skipped lines are counted");
});

test("JSON lines: every type, nested types, missing fields and ISO-8601 timestamps", async () => {
  const dir = tmp();
  const file = path.join(dir, "data.json");
  const full = {
    b: true,
    ti: 1,
    si: -2,
    i: "3",
    fl: 1.5,
    d: 2.25,
    c: "ab",
    vc: "hello",
    s: 'x,y "q"',
    bt: "AAEC",
    dt: "2020-01-31",
    tm: "10:11:12.123",
    ts: "2020-01-31 10:00:00.5",
    ltz: "2020-01-31 10:00:00Z",
    arr: [1, null, 3],
  };
  const line = JSON.stringify(full).replace(
    '"b":true',
    '"b":true,"bi":9007199254740993,"de":12.345',
  );
  fs.writeFileSync(
    file,
    [
      line,
      "{}",
      '{"s": {"nested": [1, 2.50]}, "r": {"x": 7}, "m": {"k": 1, "j": null}, "ms": {"a": 2}}',
    ].join("\n") + "\n",
  );
  const ddl = `CREATE TABLE j (${ALL_TYPES}, r ROW<x INT, y STRING>, m MAP<STRING, INT>, ms MULTISET<STRING>)
    WITH ('connector' = 'filesystem', 'path' = '${file}', 'format' = 'json')`;
  const rows = await collect(sourceOf(ddl, "j"));
  assert.deepEqual(rows[0], [...EXPECTED_ROW, null, null, null]);
  assert.deepEqual(rows[1], [RowKind.INSERT, ...new Array(20).fill(null)]);
  assert.equal(
    rows[2]![11],
    '{"nested":[1,2.50]}',
    "a non-string value in a STRING column is its JSON text",
  );
  assert.deepEqual(rows[2]![18], [7, null]);
  assert.deepEqual(
    rows[2]![19],
    new Map([
      ["k", 1],
      ["j", null],
    ]),
  );
  assert.deepEqual(rows[2]![20], new Map([["a", 2]]));

  const iso = path.join(dir, "iso.json");
  fs.writeFileSync(iso, '{"ts": "2020-01-31T10:00:00.5", "ltz": "2020-01-31T10:00:00Z"}\n');
  const isoRows = await collect(
    sourceOf(
      `CREATE TABLE k (ts TIMESTAMP(3), ltz TIMESTAMP_LTZ(3)) WITH ('connector' = 'filesystem', 'path' = '${iso}',
        'format' = 'json', 'json.timestamp-format.standard' = 'ISO-8601')`,
      "k",
    ),
  );
  assert.deepEqual(isoRows, [[0, EXPECTED_ROW[15], EXPECTED_ROW[16]]]);
});

test("JSON lines: malformed lines, missing fields and NOT NULL violations fail with file and line", async () => {
  const dir = tmp();
  const file = path.join(dir, "bad.json");
  const ddl = (extra = "", cols = "a INT, b STRING") =>
    `CREATE TABLE t (${cols}) WITH ('connector' = 'filesystem', 'path' = '${file}', 'format' = 'json'${extra})`;
  const cases: [string, string, RegExp][] = [
    ['{"a": 1}\n{"a": 2\n', "", /line 2: malformed JSON/],
    ['{"a": 1}\n[1]\n', "", /line 2: expected a JSON object, found an array/],
    ['{"a": 1.5}\n', "", /line 1: field 'a': '1\.5' is not an integer/],
    ['{"a": "x"}\n', "", /line 1: field 'a': 'x' is not an integer/],
    ['{"a": true}\n', "", /line 1: field 'a': expected INT, found a boolean/],
    ['{"a": 1}\n', ", 'json.fail-on-missing-field' = 'true'", /line 1: field 'b' is missing/],
  ];
  for (const [content, extra, re] of cases) {
    fs.writeFileSync(file, content);
    await assert.rejects(
      collect(sourceOf(ddl(extra), "t")),
      (e: unknown) => re.test(messages(e)) && messages(e).includes(file),
    );
  }
  fs.writeFileSync(file, '{"a": null}\n');
  await assert.rejects(collect(sourceOf(ddl("", "a INT NOT NULL"), "t")), (e: unknown) =>
    /line 1: field 'a': NULL for a value of type INT NOT NULL/.test(messages(e)),
  );
  fs.writeFileSync(file, '{"a": 1}\nnot json\n{"a": 3}\n');
  const rows = await collect(sourceOf(ddl(", 'json.ignore-parse-errors' = 'true'"), "t"));
  assert.deepEqual(rows, [
    [0, 1, null],
    [0, 3, null],
  ]);
});

test("directories: visible files in name order, projection and file metadata", async () => {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, "b.csv"), "3,c\n");
  fs.writeFileSync(path.join(dir, "a.csv"), "1,a\n2,b\n");
  fs.writeFileSync(path.join(dir, ".hidden.inprogress"), "9,x\n");
  fs.writeFileSync(path.join(dir, "_SUCCESS"), "junk");
  fs.mkdirSync(path.join(dir, "sub"));
  const ddl = `CREATE TABLE t (n INT, s STRING, f STRING NOT NULL METADATA FROM 'file.name' VIRTUAL)
    WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv')`;
  const all = await collect(sourceOf(ddl, "t"));
  assert.deepEqual(all, [
    [0, 1, "a"],
    [0, 2, "b"],
    [0, 3, "c"],
  ]);
  const src = sourceOf(ddl, "t", { projection: [1], metadataKeys: ["file.name", "file.size"] });
  assert.deepEqual(
    src.producedType.fields.map((f) => f.name),
    ["s", "file.name", "file.size"],
  );
  assert.deepEqual(
    await collect(src, 2).then((r) => r.sort((x, y) => String(x[1]).localeCompare(String(y[1])))),
    [
      [0, "a", "a.csv", 8],
      [0, "b", "a.csv", 8],
      [0, "c", "b.csv", 4],
    ],
  );
  await assert.rejects(
    collect(sourceOf(ddl.replace(dir, path.join(dir, "missing")), "t")),
    (e: unknown) =>
      /filesystem table 'default_catalog.default_database.t': cannot read '.*missing': no such file or directory/.test(
        messages(e),
      ),
  );
});

for (const format of ["csv", "json"] as const) {
  test(`${format}: datagen -> filesystem sink -> filesystem source gives back the same rows`, async () => {
    const dir = tmp();
    const out = path.join(dir, "out");
    const cols =
      "id BIGINT, s STRING, d DECIMAL(8, 2), ts TIMESTAMP(3), ok BOOLEAN, n INT, bt BYTES";
    const { table } = setup(
      `CREATE TABLE gen (${cols}) WITH ('connector' = 'datagen', 'number-of-rows' = '500', 'seed' = '11',
         'rows-per-second' = '100000000', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '500',
         'fields.s.length' = '5', 'fields.n.null-rate' = '0.2', 'fields.s.null-rate' = '0.1', 'fields.ts.max-past' = '1d');
       CREATE TABLE files (${cols}) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = '${format}', 'sink.parallelism' = '2');`,
    );
    const gen = table("gen");
    const files = table("files");
    const registry = defaultConnectorRegistry();
    const env = StreamExecutionEnvironment.getExecutionEnvironment({
      target: "thread",
      parallelism: 2,
    });
    const sink = createTableSink(files.id, files.t, registry);
    assert.equal(
      sink.changelogMode({ name: "RETRACT", kinds: [0, 1, 2, 3], keyed: false }).name,
      "INSERT_ONLY",
    );
    const written: Row[] = [];
    const stream = createTableSource(gen.id, gen.t, registry)
      .produce(env)
      .map((r: Row) => {
        written.push(r);
        return r;
      });
    sink.consume(stream);
    await env.execute("write files");
    const names = fs.readdirSync(out);
    assert.ok(
      names.length >= 1 && names.every((n) => /^part-[0-9a-f-]+-[01]-\d+$/.test(n)),
      names.join(", "),
    );
    const back = await collect(createTableSource(files.id, files.t, registry), 2);
    const key = (r: Row) =>
      JSON.stringify(r, (_k, v) =>
        typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? [...v] : v,
      );
    assert.equal(back.length, 500);
    assert.deepEqual(back.map(key).sort(), written.map(key).sort());
  });
}

test("the filesystem sink refuses non-insert rows, naming the row", async () => {
  const dir = tmp();
  const id = registerValuesData([
    [0, 1],
    [1, 1],
    [2, 2],
  ]);
  const { table } = setup(
    `CREATE TABLE src (a INT) WITH ('connector' = 'values', 'data-id' = '${id}', 'changelog-mode' = 'I,UB,UA');
     CREATE TABLE dst (a INT) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv')`,
  );
  const registry = defaultConnectorRegistry();
  const env = StreamExecutionEnvironment.getExecutionEnvironment({
    target: "thread",
    parallelism: 1,
  });
  const s = table("src");
  const d = table("dst");
  createTableSink(d.id, d.t, registry).consume(createTableSource(s.id, s.t, registry).produce(env));
  await assert.rejects(env.execute("bad sink"), (e: unknown) =>
    /filesystem sink of table 'default_catalog.default_database.dst' accepts only inserts \(\+I\), got -U\[1\]/.test(
      messages(e),
    ),
  );
  assert.deepEqual(
    fs.readdirSync(dir).filter((n) => !n.startsWith(".")),
    [],
    "nothing became visible",
  );
});

test("a restored reader resumes mid-file and still names lines correctly", async () => {
  const dir = tmp();
  const file = path.join(dir, "big.csv");
  const lines = Array.from({ length: 600 }, (_, i) => `${i},v${i}`);
  lines[550] = "oops,x";
  fs.writeFileSync(file, lines.join("\n") + "\n");
  const rowType = T.ROW([T.FIELD("n", T.INT()), T.FIELD("s", T.STRING())]);
  const options = validateOptions(
    {},
    { owner: "csv", table: "t", required: [], optional: CSV_FORMAT.optionalOptions },
  );
  const source = new FileRowSource(file, "t", () =>
    CSV_FORMAT.createDecoder({ rowType, options, table: "t" }),
  );
  const context = { subtaskIndex: 0, parallelism: 1, timers: new ManualTimerScheduler() };
  const out: Row[] = [];
  const output = { collect: (r: Row) => void out.push(r) };
  const first = source.createReader(context);
  first.addSplits(source.createSplits(1));
  first.noMoreSplits();
  first.pollNext(output);
  const state = first.snapshotState(1) as FileLineSplit[];
  assert.equal(state.length, 1);
  assert.equal(state[0]!.line, out.length, "the split counts the lines read");
  assert.equal(state[0]!.offset, lines.slice(0, out.length).join("\n").length + 1);
  await first.close?.();
  const second = source.createReader(context);
  second.addSplits(state);
  second.noMoreSplits();
  assert.throws(
    () => {
      for (let k = 0; k < 10; k++) second.pollNext(output);
    },
    new RegExp(
      `file ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}, line 551: field 'n': 'oops' is not an integer`,
    ),
  );
  assert.deepEqual(
    out.map((r) => r[1]),
    Array.from({ length: 550 }, (_, i) => i),
    "no line lost or repeated",
  );
});

test("JSON lines: millisecond timestamps read exactly, impossible dates are refused", async () => {
  const dir = tmp();
  const file = path.join(dir, "ts.json");
  fs.writeFileSync(
    file,
    [
      '{"ts": "2024-02-29 23:59:59.999"}',
      '{"ts": "1969-12-31 23:59:59.999"}',
      '{"ts": "2026-01-01T00:00:00.000"}',
    ].join("\n") + "\n",
  );
  const ddl = (name: string, f: string) =>
    `CREATE TABLE ${name} (ts TIMESTAMP(3)) WITH ('connector' = 'filesystem', 'path' = '${f}', 'format' = 'json')`;
  await assert.rejects(collect(sourceOf(ddl("t1", file), "t1")), /line 3: field 'ts'/);
  fs.writeFileSync(file, '{"ts": "2024-02-29 23:59:59.999"}\n{"ts": "1969-12-31 23:59:59.999"}\n');
  const rows = await collect(sourceOf(ddl("t2", file), "t2"));
  assert.deepEqual(
    rows.map((r) => (r[1] as Timestamp).millis),
    [Date.UTC(2024, 1, 29, 23, 59, 59, 999), -1],
  );
  fs.writeFileSync(file, '{"ts": "2023-02-29 00:00:00.000"}\n');
  await assert.rejects(collect(sourceOf(ddl("t3", file), "t3")), /is not a TIMESTAMP\(3\)/);
});
