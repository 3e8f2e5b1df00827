/** toChangelogStream in upsert mode: a GROUP BY at the top emits no -U, and keyed changes apply. */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DataGeneratorSource,
  StreamExecutionEnvironment,
  TableEnvironment,
  WatermarkStrategy,
} from "../../src/index.ts";
import { INT, STRING } from "../../src/table/types/index.ts";

type Change = { kind: string; row: Record<string, unknown> };

function setup(miniBatch = false): { senv: StreamExecutionEnvironment; t: TableEnvironment } {
  const senv = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
  const t = TableEnvironment.fromStreamEnvironment(senv);
  if (miniBatch) {
    t.getConfig().set("table.exec.mini-batch.enabled", "true");
    t.getConfig().set("table.exec.mini-batch.size", "7");
    t.getConfig().set("table.exec.mini-batch.allow-latency", "1 h");
  }
  const clicks = senv.fromSource(
    new DataGeneratorSource((i: number) => ({ user: `u${i % 5}`, n: i }), 100),
    WatermarkStrategy.noWatermarks(),
    "clicks",
  );
  t.createTemporaryView(
    "clicks",
    t.fromDataStream(clicks, [
      { name: "user", type: STRING() },
      { name: "n", type: INT() },
    ]),
  );
  return { senv, t };
}

/** Applies upsert changes by `key`: +I/+U replace, -D removes; -U must not appear. */
function applyUpsert(
  changes: readonly Change[],
  key: string,
): Map<unknown, Record<string, unknown>> {
  const table = new Map<unknown, Record<string, unknown>>();
  for (const c of changes) {
    assert.notEqual(c.kind, "-U", "upsert mode emits no -U");
    if (c.kind === "-D") {
      assert.ok(table.has(c.row[key]), `-D of a key never inserted: ${JSON.stringify(c.row)}`);
      table.delete(c.row[key]);
    } else table.set(c.row[key], c.row);
  }
  return table;
}

for (const miniBatch of [false, true]) {
  test(`upsert mode${miniBatch ? " with mini-batches" : ""}: no -U, the same final table`, async () => {
    const { senv, t } = setup(miniBatch);
    const query = "SELECT `user`, COUNT(*) AS c, SUM(n) AS s FROM clicks GROUP BY `user`";
    const upsert: Change[] = [];
    const all: Change[] = [];
    t.toChangelogStream(t.sqlQuery(query), { changelogMode: "upsert" }).sinkTo(
      (c) => void upsert.push(c),
    );
    t.toChangelogStream(t.sqlQuery(query)).sinkTo((c) => void all.push(c));
    await senv.execute("upsert");
    const final = applyUpsert(upsert, "user");
    assert.deepEqual(
      [...final.values()].map((r) => JSON.stringify(r)).sort(),
      [0, 1, 2, 3, 4].map((u) => {
        let s = 0;
        for (let i = u; i < 100; i += 5) s += i;
        return JSON.stringify({ user: `u${u}`, c: 20, s });
      }),
    );
    assert.ok(
      all.some((c) => c.kind === "-U"),
      "the default mode keeps -U",
    );
    const updates = (cs: Change[]) => cs.filter((c) => c.kind === "+U").length;
    assert.equal(updates(upsert), updates(all));
  });
}

test("upsert mode over an updating input: groups that empty are deleted (-D)", async () => {
  const { senv, t } = setup();
  // Users move between count groups as their counts grow: the outer groups retract and delete.
  const query =
    "SELECT c, COUNT(*) AS users FROM (SELECT `user`, COUNT(*) AS c FROM clicks GROUP BY `user`) GROUP BY c";
  const changes: Change[] = [];
  t.toChangelogStream(t.sqlQuery(query), { changelogMode: "upsert" }).sinkTo(
    (c) => void changes.push(c),
  );
  await senv.execute("nested");
  assert.ok(changes.some((c) => c.kind === "-D"));
  const final = applyUpsert(changes, "c");
  assert.deepEqual([...final.values()], [{ c: 20, users: 5 }]);
});

test("upsert mode keeps insert-only tables as they are and refuses what it cannot key", () => {
  const { t } = setup();
  t.toChangelogStream(t.sqlQuery("SELECT n FROM clicks WHERE n > 3"), { changelogMode: "upsert" });
  const refused = /changelogMode 'upsert' needs an insert-only table or one updated by a GROUP BY/;
  assert.throws(
    () =>
      t.toChangelogStream(t.sqlQuery("SELECT COUNT(*) AS c FROM clicks GROUP BY `user`"), {
        changelogMode: "upsert",
      }),
    refused,
  );
  assert.throws(
    () =>
      t.toChangelogStream(
        t.sqlQuery("SELECT `user`, COUNT(*) AS c FROM clicks GROUP BY `user` HAVING COUNT(*) > 3"),
        { changelogMode: "upsert" },
      ),
    refused,
  );
});
