/** Option validation of connectors and formats: what is wrong, which option, where, and what is valid. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { CatalogManager, executeDdlScript } from "../../src/table/catalog/index.ts";
import {
  ConnectorRegistry,
  OptionValidationError,
  booleanOption,
  builtinConnectorRegistry,
  durationOption,
  enumOption,
  intOption,
  parseOptionValue,
  stringOption,
  validateOptions,
  type DynamicTableFactory,
} from "../../src/table/connectors/index.ts";

const create = (sql: string, m = new CatalogManager()) => executeDdlScript(sql, m);

function rejects(sql: string, ...patterns: RegExp[]): void {
  assert.throws(
    () => create(sql),
    (e: unknown) => {
      assert.ok(e instanceof Error, "an Error");
      for (const p of patterns) assert.match(e.message, p);
      return true;
    },
    sql,
  );
}

test("typed option values parse, bad ones say why", () => {
  assert.equal(parseOptionValue(intOption("n", ""), " 42 "), 42);
  assert.equal(parseOptionValue(booleanOption("b", ""), "TRUE"), true);
  assert.equal(parseOptionValue(enumOption("e", ["SQL", "ISO-8601"], ""), "iso-8601"), "ISO-8601");
  const d = durationOption("d", "");
  assert.deepEqual(
    ["100", "100ms", "10 s", "1min", "2h", "1d", "1.5s"].map((t) => parseOptionValue(d, t)),
    [100, 100, 10_000, 60_000, 7_200_000, 86_400_000, 1500],
  );
  assert.throws(() => parseOptionValue(intOption("n", ""), "1.5"), /expected an integer/);
  assert.throws(() => parseOptionValue(booleanOption("b", ""), "yes"), /expected true or false/);
  assert.throws(() => parseOptionValue(d, "10 parsecs"), /expected a duration/);
  assert.throws(
    () => parseOptionValue(enumOption("e", ["a", "b"], ""), "c"),
    /expected one of a, b/,
  );
});

test("validateOptions: unsupported, missing and invalid options", () => {
  const size = intOption("fields.#.size", "");
  const flag = booleanOption("flag", "", false);
  const spec = {
    owner: "'demo'",
    table: "cat.db.t",
    required: [stringOption("path", "")],
    optional: [size, flag],
    columns: ["a", "b"],
  };
  const ok = validateOptions({ path: "/x", "fields.b.size": "3" }, spec);
  assert.equal(ok.get(size, "b"), 3);
  assert.equal(ok.get(flag), false, "defaults apply");
  assert.equal(ok.has(flag), false);
  assert.throws(
    () => validateOptions({ path: "/x", "fields.c.size": "1", colour: "red" }, spec),
    (e: unknown) =>
      e instanceof OptionValidationError &&
      e.message ===
        "Unsupported options found for 'demo' of table 'cat.db.t'.\n\n" +
          "Unsupported options:\n\ncolour\nfields.c.size\n\n" +
          "Supported options:\n\nfields.a.size\nfields.b.size\nflag\npath",
  );
  assert.throws(
    () => validateOptions({ flag: "true" }, spec),
    (e: unknown) =>
      e instanceof OptionValidationError &&
      e.message ===
        "One or more required options are missing for 'demo' of table 'cat.db.t'.\n\nMissing required options are:\n\npath",
  );
  assert.throws(
    () => validateOptions({ path: "/x", flag: "maybe" }, spec),
    /Invalid value 'maybe' for option 'flag' of 'demo' in table 'cat.db.t': expected true or false/,
  );
});

test("CREATE TABLE reports connector option mistakes with their place", () => {
  rejects(
    "CREATE TABLE t (a INT) WITH (\n  'connector' = 'datagen',\n  'rows-per-second' = 'fast'\n)",
    /Invalid value 'fast' for option 'rows-per-second' of 'datagen' in table 'default_catalog.default_database.t' \(line 3, column 3\): expected an integer/,
  );
  rejects(
    "CREATE TABLE t (a INT) WITH ('connector' = 'datagen', 'fields.b.kind' = 'random')",
    /Unsupported options:\n\nfields\.b\.kind \(line 1, column 55\)/,
    /Supported options:\n\nconnector\nfields\.a\.end\nfields\.a\.kind/,
  );
  rejects(
    "CREATE TABLE t (a INT) WITH ('connector' = 'datagen', 'fields.a.kind' = 'sequential')",
    /expected one of random, sequence/,
  );
  rejects(
    "CREATE TABLE t (a INT) WITH ('connector' = 'print', 'standard-error' = 'yes')",
    /'standard-error'.*expected true or false/,
  );
});

test("format options: missing format, unknown format, unknown and bad format options", () => {
  const fs = (extra: string) =>
    `CREATE TABLE t (a INT, b STRING) WITH ('connector' = 'filesystem', 'path' = '/tmp/x'${extra})`;
  rejects(fs(""), /Missing required options are:\n\nformat/);
  rejects(
    fs(", 'format' = 'avro'"),
    /Unknown format 'avro' for table 'default_catalog.default_database.t' \(line 1, column 87\)\. Available formats: csv, json/,
  );
  rejects(
    fs(", 'format' = 'csv', 'csv.field-delim' = ';'"),
    /Unsupported options found for the format 'csv' \(keys prefixed 'csv\.'\)/,
    /field-delim \(line 1, column 105\)/,
    /Supported options:[\s\S]*allow-comments[\s\S]*field-delimiter[\s\S]*null-literal/,
  );
  rejects(
    fs(", 'format' = 'csv', 'json.ignore-parse-errors' = 'true'"),
    /Unsupported options found for 'filesystem'[\s\S]*json\.ignore-parse-errors/,
  );
  rejects(
    fs(", 'format' = 'csv', 'csv.field-delimiter' = '::'"),
    /Option 'csv.field-delimiter' must be a single character, got '::'/,
  );
  rejects(
    fs(", 'format' = 'json', 'json.timestamp-format.standard' = 'RFC'"),
    /expected one of SQL, ISO-8601/,
  );
  rejects(
    "CREATE TABLE t (m MAP<STRING, INT>) WITH ('connector' = 'filesystem', 'path' = '/x', 'format' = 'csv')",
    /The csv format cannot hold column 'm' of type MAP<STRING, INT>.*use the json format/,
  );
  rejects(
    "CREATE TABLE t (m MAP<ROW<a INT>, INT>) WITH ('connector' = 'filesystem', 'path' = '/x', 'format' = 'json')",
    /The json format cannot hold column 'm'/,
  );
  rejects(
    "CREATE TABLE t (a INT) PARTITIONED BY (a) WITH ('connector' = 'filesystem', 'path' = '/x', 'format' = 'csv')",
    /filesystem table 'default_catalog.default_database.t': PARTITIONED BY \(a\): every column is a partition column/,
  );
});

test("datagen checks each field's options against its type and kind", () => {
  const g = (cols: string, opts: string) =>
    `CREATE TABLE t (${cols}) WITH ('connector' = 'datagen'${opts})`;
  rejects(
    g("s STRING", ", 'fields.s.min' = '1'"),
    /'fields\.s\.min'.*it does not apply to non-numeric fields \(column 's' is STRING\)/,
  );
  rejects(
    g("a INT", ", 'fields.a.kind' = 'sequence'"),
    /fields\.a\.start and fields\.a\.end are required for a sequence field/,
  );
  rejects(
    g("a INT", ", 'fields.a.kind' = 'sequence', 'fields.a.start' = '5', 'fields.a.end' = '1'"),
    /the end is before the start/,
  );
  rejects(
    g(
      "a TINYINT",
      ", 'fields.a.kind' = 'sequence', 'fields.a.start' = '1', 'fields.a.end' = '300'",
    ),
    /out of the range of TINYINT/,
  );
  rejects(g("a INT", ", 'fields.a.start' = '1'"), /does not apply to a random field/);
  rejects(g("a INT", ", 'fields.a.min' = '5', 'fields.a.max' = '1'"), /max is smaller than min/);
  rejects(
    g("a INT", ", 'fields.a.min' = 'x'"),
    /Invalid value 'x' for option 'fields\.a\.min'.*'x' is not an integer/,
  );
  rejects(g("a INT NOT NULL", ", 'fields.a.null-rate' = '0.5'"), /column 'a' is NOT NULL/);
  rejects(g("a INT", ", 'fields.a.null-rate' = '1.5'"), /expected a probability from 0 to 1/);
  rejects(g("s VARCHAR(5)", ", 'fields.s.length' = '10'"), /longer than VARCHAR\(5\)/);
  rejects(g("s CHAR(5)", ", 'fields.s.length' = '4'"), /CHAR\(5\) has a fixed length of 5/);
  rejects(
    g("b BOOLEAN", ", 'fields.b.kind' = 'sequence', 'fields.b.start' = '1', 'fields.b.end' = '2'"),
    /a sequence cannot generate BOOLEAN/,
  );
  rejects(g("a INT", ", 'rows-per-second' = '0'"), /expected a rate > 0/);
  rejects(g("a INT", ", 'fields.a.max-past' = '1h'"), /does not apply to non-temporal fields/);
});

test("values: changelog-mode and data-id are checked", () => {
  rejects(
    "CREATE TABLE t (a INT) WITH ('connector' = 'values', 'changelog-mode' = 'I,X')",
    /'X' is not one of I, UB, UA, D/,
  );
  rejects(
    "CREATE TABLE t (a INT) WITH ('connector' = 'values', 'changelog-mode' = 'I,UA,D')",
    /needs a PRIMARY KEY/,
  );
  rejects(
    "CREATE TABLE t (a INT) WITH ('connector' = 'values', 'data-id' = 'values-99999')",
    /no rows are registered under data-id 'values-99999'/,
  );
});

test("a custom connector registry: own factories, own options", () => {
  const factory: DynamicTableFactory = {
    identifier: "mine",
    requiredOptions: [stringOption("url", "Where.")],
    optionalOptions: [],
  };
  const registry = builtinConnectorRegistry().register(factory);
  const m = new CatalogManager();
  executeDdlScript("CREATE TABLE t (a INT) WITH ('connector' = 'mine', 'url' = 'x')", m, {
    connectors: registry,
  });
  assert.throws(
    () =>
      executeDdlScript("CREATE TABLE u (a INT) WITH ('connector' = 'mine')", m, {
        connectors: registry,
      }),
    /Missing required options are:\n\nurl/,
  );
  assert.throws(
    () => new ConnectorRegistry().register(factory).register(factory),
    /already registered/,
  );
});
