/**
 * User-defined table functions (LATERAL TABLE) and UNNEST, end to end through TableEnvironment:
 * batch and streaming, parallelism 1 and 4, registered by API and by CREATE FUNCTION.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  SqlPlanError,
  TableEnvironment,
  TableEnvironmentError,
  TableFunction,
} from "../../src/index.ts";
import { INT, STRING } from "../../src/table/types/index.ts";

const FIXTURE = "./test/fixtures/sql-udfs.ts";

/** Splits on commas, one column (returns an array of values). */
class Tags extends TableFunction<string> {
  resultType = "STRING";
  eval(s: string | null): string[] {
    return s === null ? [] : s.split(",");
  }
}

function env(mode: "batch" | "streaming", parallelism: number): TableEnvironment {
  const t = TableEnvironment.create({ mode, parallelism });
  t.catalogs.registerRows(
    "docs",
    [
      { name: "id", type: INT() },
      { name: "body", type: STRING() },
      { name: "tags", type: STRING() },
    ],
    [
      [1, "to be or not", "x,y"],
      [2, "", "z"],
      [3, "be", null],
      [4, null, "x"],
    ],
  );
  t.createTemporarySystemFunction("tags", new Tags());
  t.createTemporarySystemFunction("words", {
    kind: "table",
    resultType: "ROW<word STRING, len INT>",
    eval(s: string | null) {
      return s === null
        ? []
        : s
            .split(" ")
            .filter((w) => w !== "")
            .map((w) => ({ word: w, len: w.length }));
    },
  });
  return t;
}

async function rows(t: TableEnvironment, sql: string): Promise<string[]> {
  const r = await (await t.executeSql(sql)).collect();
  return r.map((x) => JSON.stringify(x)).sort();
}

const sorted = (xs: unknown[][]): string[] => xs.map((x) => JSON.stringify(x)).sort();

const MODES = [
  ["batch", 1],
  ["streaming", 1],
  ["streaming", 4],
] as const;

for (const [mode, p] of MODES) {
  test(`LATERAL TABLE: comma, CROSS JOIN, LEFT JOIN ON TRUE (${mode}, p=${p})`, async () => {
    const t = env(mode, p);
    assert.deepEqual(
      await rows(t, "SELECT d.id, w.word, w.len FROM docs d, LATERAL TABLE(words(d.body)) AS w"),
      sorted([
        [1, "to", 2],
        [1, "be", 2],
        [1, "or", 2],
        [1, "not", 3],
        [3, "be", 2],
      ]),
    );
    assert.deepEqual(
      await rows(t, "SELECT id, tag FROM docs CROSS JOIN LATERAL TABLE(tags(tags)) AS t(tag)"),
      sorted([
        [1, "x"],
        [1, "y"],
        [2, "z"],
        [4, "x"],
      ]),
    );
    assert.deepEqual(
      await rows(
        t,
        "SELECT d.id, t.w FROM docs d LEFT JOIN LATERAL TABLE(words(d.body)) AS t(w, n) ON TRUE WHERE d.id > 1",
      ),
      sorted([
        [2, null],
        [3, "be"],
        [4, null],
      ]),
    );
    // An ON condition over the function's columns; LEFT keeps unmatched rows padded.
    assert.deepEqual(
      await rows(
        t,
        "SELECT d.id, t.w FROM docs d LEFT JOIN LATERAL TABLE(words(d.body)) AS t(w, n) ON t.n > 2",
      ),
      sorted([
        [1, "not"],
        [2, null],
        [3, null],
        [4, null],
      ]),
    );
    assert.deepEqual(
      await rows(
        t,
        "SELECT w.word FROM docs d JOIN LATERAL TABLE(words(d.body)) AS w ON w.len = 3",
      ),
      sorted([["not"]]),
    );
    // Aggregating the function's rows.
    assert.deepEqual(
      await rows(
        t,
        "SELECT word, COUNT(*) FROM docs, LATERAL TABLE(words(body)) GROUP BY word HAVING COUNT(*) > 1",
      ),
      sorted([["be", 2]]),
    );
  });

  test(`LATERAL TABLE over an updating input keeps row kinds (${mode}, p=${p})`, async () => {
    const t = env(mode, p);
    // The subquery updates its rows in streaming mode: its -U / +U must reach the result.
    const sql =
      "SELECT g.tags, t.tag, g.n FROM (SELECT tags, COUNT(*) AS n FROM docs GROUP BY tags) g, " +
      "LATERAL TABLE(tags(g.tags)) AS t(tag)";
    assert.deepEqual(
      await rows(t, sql),
      sorted([
        ["x", "x", 1],
        ["x,y", "x", 1],
        ["x,y", "y", 1],
        ["z", "z", 1],
      ]),
    );
  });

  test(`UNNEST: arrays, rows, maps, WITH ORDINALITY (${mode}, p=${p})`, async () => {
    const t = env(mode, p);
    assert.deepEqual(
      await rows(t, "SELECT id, x FROM docs, UNNEST(ARRAY[id, id * 10]) AS u(x) WHERE id < 3"),
      sorted([
        [1, 1],
        [1, 10],
        [2, 2],
        [2, 20],
      ]),
    );
    assert.deepEqual(
      await rows(
        t,
        "SELECT id, x, o FROM docs CROSS JOIN UNNEST(ARRAY['a', 'b']) WITH ORDINALITY AS u(x, o) WHERE id = 1",
      ),
      sorted([
        [1, "a", 1],
        [1, "b", 2],
      ]),
    );
    assert.deepEqual(
      await rows(t, "SELECT k, v FROM UNNEST(MAP['a', 1, 'b', 2]) AS m(k, v)"),
      sorted([
        ["a", 1],
        ["b", 2],
      ]),
    );
    assert.deepEqual(await rows(t, "SELECT * FROM UNNEST(ARRAY[3, 4])"), sorted([[3], [4]]));
  });
}

test("CREATE FUNCTION loads table functions from a module (generator and collect styles)", async () => {
  const t = env("streaming", 2);
  await t.executeSql(`CREATE TEMPORARY SYSTEM FUNCTION split AS '${FIXTURE}#split'`);
  await t.executeSql(`CREATE TEMPORARY FUNCTION numbers AS '${FIXTURE}#Range'`);
  assert.deepEqual(
    await rows(
      t,
      "SELECT d.id, s.word FROM docs d, LATERAL TABLE(split(d.tags, ',')) AS s WHERE d.id < 3",
    ),
    sorted([
      [1, "x"],
      [1, "y"],
      [2, "z"],
    ]),
  );
  assert.deepEqual(
    await rows(t, "SELECT id, i FROM docs, LATERAL TABLE(numbers(id)) WHERE id <= 2"),
    sorted([
      [1, 1],
      [2, 1],
      [2, 2],
    ]),
  );
  assert.deepEqual(await rows(t, "SELECT * FROM TABLE(numbers(2))"), sorted([[1], [2]]));
  const names = (await (await t.executeSql("SHOW FUNCTIONS")).collect()).map((r) => r[0]);
  for (const n of ["split", "numbers", "words", "tags"]) assert.ok(names.includes(n), n);
});

test("table function errors name the function and the position", async () => {
  const t = env("batch", 1);
  await t.executeSql(`CREATE TEMPORARY SYSTEM FUNCTION numbers2 AS '${FIXTURE}#Range'`);
  const fails = async (sql: string, re: RegExp): Promise<void> => {
    await assert.rejects(
      async () => (await t.executeSql(sql)).collect(),
      (e: Error) => {
        assert.ok(e instanceof SqlPlanError, `${sql}: ${e.message}`);
        assert.match(e.message, re);
        assert.match(e.message, /line 1, column \d+/);
        return true;
      },
    );
  };
  await fails(
    "SELECT * FROM docs, LATERAL TABLE(numbers2('x'))",
    /NUMBERS2: argument 1 must be INT/,
  );
  await fails("SELECT * FROM docs, LATERAL TABLE(numbers2(1, 2))", /NUMBERS2 takes 1 argument/);
  await fails("SELECT * FROM docs, LATERAL TABLE(words())", /WORDS takes at least 1 argument/);
  await fails("SELECT * FROM docs, LATERAL TABLE(nope(body))", /No table function named NOPE/);
  await fails("SELECT * FROM docs, LATERAL TABLE(upper(body))", /UPPER is a scalar function/);
  await fails("SELECT * FROM docs, LATERAL TABLE(words(body)) AS w(a)", /2 columns .*1 aliases/);
  await fails(
    "SELECT * FROM docs FULL JOIN LATERAL TABLE(words(body)) AS w ON TRUE",
    /FULL JOIN with a lateral table function/,
  );
  await fails("SELECT * FROM docs, UNNEST(id)", /UNNEST needs an ARRAY, MAP or MULTISET/);
  await fails(
    "SELECT * FROM TABLE(TUMBLE(TABLE docs, DESCRIPTOR(id), INTERVAL '1' MINUTE))",
    /TUMBLE: the time column id must be a time attribute/,
  );
  assert.throws(
    () => t.createTemporarySystemFunction("bad", { kind: "table", resultType: "INT" }),
    (e: Error) =>
      e instanceof TableEnvironmentError && /Table function BAD has no eval\(\)/.test(e.message),
  );
  assert.throws(
    () => t.createTemporarySystemFunction("bad", { kind: "table", eval() {} }),
    /BAD declares no result type/,
  );
  // A row of the wrong width fails when it is emitted, naming the function.
  t.createTemporarySystemFunction("wide", {
    kind: "table",
    resultType: "ROW<a INT>",
    eval: () => [[1, 2]],
  });
  await assert.rejects(
    async () => (await t.executeSql("SELECT * FROM TABLE(wide())")).collect(),
    /Table function WIDE emitted a row of 2 values, but declares 1 columns/,
  );
});

test("Table API: joinLateral and leftOuterJoinLateral", async () => {
  const t = env("streaming", 2);
  const docs = t.from("docs").as("d");
  const inner = await docs
    .joinLateral("words(d.body) AS w(word, len)")
    .select("d.id", "word", "len")
    .where("len > 2")
    .select("id", "word")
    .execute()
    .collect();
  assert.deepEqual(sorted(inner), sorted([[1, "not"]]));
  const left = await docs
    .leftOuterJoinLateral("tags(d.tags) AS t(tag)", "t.tag <> 'x'")
    .select("d.id", "tag")
    .execute()
    .collect();
  assert.deepEqual(
    sorted(left),
    sorted([
      [1, "y"],
      [2, "z"],
      [3, null],
      [4, null],
    ]),
  );
  assert.throws(() => docs.joinLateral("words"), /Expected a table function call/);
});
