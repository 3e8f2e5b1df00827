/**
 * Regular joins of changelogs: exact changelogs of INNER and outer joins (padded rows appearing
 * and being retracted) and of semi/anti joins, driven directly in a fixed order; and real jobs
 * in STREAMING (parallelism 1 and 4) and BATCH whose final tables equal a nested-loop reference.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { countStar } from "../../src/table/runtime/aggregates.ts";
import { groupAggregate } from "../../src/table/runtime/group-aggregate.ts";
import { TableRuntimeError } from "../../src/table/runtime/errors.ts";
import {
  JoinFunction,
  crossJoin,
  join,
  joinSettings,
  type JoinOptions,
  type JoinType,
} from "../../src/table/runtime/join.ts";
import { applyChangelog, type Row } from "../../src/table/runtime/row.ts";
import { SemiJoinFunction, antiJoin, semiJoin } from "../../src/table/runtime/semi-join.ts";
import { fromValues } from "../../src/table/runtime/values.ts";
import { FunctionDriver, bothModes, env, printed } from "./runtime-support.ts";

const k0 = (r: Row) => [r[1]];

function driver(type: JoinType, batch = false, extra: Partial<JoinOptions> = {}): FunctionDriver {
  const options: JoinOptions = {
    type,
    leftKey: k0,
    rightKey: k0,
    leftArity: 2,
    rightArity: 2,
    ...extra,
  };
  return new FunctionDriver(new JoinFunction(joinSettings(options, batch, "TestJoin")));
}

describe("join changelogs (driven in a fixed order)", () => {
  test("INNER forwards the input's row kind", () => {
    const d = driver("INNER");
    assert.deepEqual(d.one(1, [0, 1, "a"]).take(), []);
    assert.deepEqual(d.two(1, [0, 1, "x"]).take(), ["+I[1, a, 1, x]"]);
    assert.deepEqual(d.one(1, [1, 1, "a"]).take(), ["-U[1, a, 1, x]"]);
    assert.deepEqual(d.one(1, [2, 1, "b"]).take(), ["+U[1, b, 1, x]"]);
    assert.deepEqual(d.two(1, [0, 1, "x"]).take(), ["+I[1, b, 1, x]"], "a duplicate joins again");
    assert.deepEqual(d.one(1, [3, 1, "b"]).take(), ["-D[1, b, 1, x]", "-D[1, b, 1, x]"]);
  });

  test("LEFT: the padded row appears, is retracted by a match, and comes back", () => {
    const d = driver("LEFT");
    assert.deepEqual(d.one(1, [0, 1, "a"]).take(), ["+I[1, a, null, null]"]);
    assert.deepEqual(d.two(1, [0, 1, "x"]).take(), ["-D[1, a, null, null]", "+I[1, a, 1, x]"]);
    assert.deepEqual(d.two(1, [0, 1, "y"]).take(), ["+I[1, a, 1, y]"]);
    assert.deepEqual(d.two(1, [3, 1, "x"]).take(), ["-D[1, a, 1, x]"]);
    assert.deepEqual(d.two(1, [1, 1, "y"]).take(), ["-D[1, a, 1, y]", "+I[1, a, null, null]"]);
    assert.deepEqual(d.one(1, [1, 1, "a"]).take(), ["-D[1, a, null, null]"]);
    assert.deepEqual(d.two(2, [0, 2, "z"]).take(), [], "an unmatched right row is not emitted");
  });

  test("RIGHT and FULL pad both ways; duplicates pad once per copy", () => {
    const r = driver("RIGHT");
    assert.deepEqual(r.two(1, [0, 1, "x"]).take(), ["+I[null, null, 1, x]"]);
    assert.deepEqual(r.one(1, [0, 1, "a"]).take(), ["-D[null, null, 1, x]", "+I[1, a, 1, x]"]);
    const f = driver("FULL");
    f.one(1, [0, 1, "a"]).one(1, [0, 1, "a"]);
    assert.deepEqual(f.take(), ["+I[1, a, null, null]", "+I[1, a, null, null]"]);
    assert.deepEqual(f.two(1, [0, 1, "x"]).take(), [
      "-D[1, a, null, null]",
      "-D[1, a, null, null]",
      "+I[1, a, 1, x]",
      "+I[1, a, 1, x]",
    ]);
    assert.deepEqual(f.one(1, [3, 1, "a"]).take(), ["-D[1, a, 1, x]"]);
    assert.deepEqual(f.one(1, [3, 1, "a"]).take(), ["-D[1, a, 1, x]", "+I[null, null, 1, x]"]);
  });

  test("a residual condition decides matches; NULL keys never match unless null-safe", () => {
    const d = driver("LEFT", false, { condition: (l, r) => (l[2] as string) < (r[2] as string) });
    assert.deepEqual(d.two(1, [0, 1, "m"]).take(), []);
    assert.deepEqual(d.one(1, [0, 1, "a"]).take(), ["+I[1, a, 1, m]"]);
    assert.deepEqual(d.one(1, [0, 1, "z"]).take(), ["+I[1, z, null, null]"]);
    assert.deepEqual(d.one(null, [0, null, "a"]).take(), ["+I[null, a, null, null]"]);
    assert.deepEqual(d.one(null, [3, null, "a"]).take(), ["-D[null, a, null, null]"]);
    const safe = driver("INNER", false, { nullSafe: [true] });
    safe.one(null, [0, null, "a"]).two(null, [0, null, "x"]);
    assert.deepEqual(safe.take(), ["+I[null, a, null, x]"]);
  });

  test("BATCH: padded rows only at the end of input, for rows that stayed unmatched", () => {
    const d = driver("FULL", true);
    d.one(1, [0, 1, "a"]).one(2, [0, 2, "b"]).two(1, [0, 1, "x"]).two(3, [0, 3, "y"]);
    assert.deepEqual(d.take(), ["+I[1, a, 1, x]"]);
    assert.deepEqual(d.end().take().sort(), ["+I[2, b, null, null]", "+I[null, null, 3, y]"]);
  });

  test("a retraction of a row the join never saw is an error naming the operator", () => {
    assert.throws(
      () => driver("INNER").one(1, [3, 1, "a"]),
      (e: unknown) =>
        e instanceof TableRuntimeError &&
        e.message === "TestJoin: -D[1, a] retracts a left row that is not in the join state",
    );
    assert.throws(() => driver("LEFT").one(1, [0, 1]), /TestJoin: expected a left row of 2 fields/);
    assert.throws(
      () => joinSettings({ type: "LEFT", leftKey: k0, rightKey: k0 }, false, "J"),
      /J: a LEFT join needs leftArity and rightArity/,
    );
  });
});

describe("insert-only sides (rows kept in a list)", () => {
  const both = { leftInsertOnly: true, rightInsertOnly: true };

  test("INNER: the same changelog as the map path, duplicates joined once per copy", () => {
    const d = driver("INNER", false, both);
    assert.deepEqual(d.one(1, [0, 1, "a"]).one(1, [0, 1, "a"]).take(), []);
    assert.deepEqual(d.two(1, [0, 1, "x"]).take(), ["+I[1, a, 1, x]", "+I[1, a, 1, x]"]);
    assert.deepEqual(d.one(1, [0, 1, "b"]).take(), ["+I[1, b, 1, x]"]);
    assert.deepEqual(d.two(2, [0, 2, "y"]).take(), [], "another key");
  });

  test("an outer side keeps its map (match counts); the inner side of it its list", () => {
    const d = driver("LEFT", false, both);
    assert.deepEqual(d.one(1, [0, 1, "a"]).take(), ["+I[1, a, null, null]"]);
    assert.deepEqual(d.two(1, [0, 1, "x"]).take(), ["-D[1, a, null, null]", "+I[1, a, 1, x]"]);
    assert.deepEqual(d.two(1, [0, 1, "y"]).take(), ["+I[1, a, 1, y]"]);
    assert.deepEqual(d.one(1, [3, 1, "a"]).take(), ["-D[1, a, 1, x]", "-D[1, a, 1, y]"]);
  });

  test("only the insert-only side appends; the other side's retractions still work", () => {
    const d = driver("INNER", false, { leftInsertOnly: true });
    d.one(1, [0, 1, "a"]);
    assert.deepEqual(d.two(1, [0, 1, "x"]).take(), ["+I[1, a, 1, x]"]);
    assert.deepEqual(d.two(1, [1, 1, "x"]).take(), ["-U[1, a, 1, x]"]);
    assert.deepEqual(d.one(1, [0, 1, "b"]).take(), []);
  });

  test("a retraction on an insert-only side is an error naming the operator", () => {
    assert.throws(
      () => driver("INNER", false, both).one(1, [0, 1, "a"]).one(1, [3, 1, "a"]),
      (e: unknown) =>
        e instanceof TableRuntimeError &&
        e.message ===
          "TestJoin: -D[1, a] retracts a left row, but that input was planned as insert-only",
    );
  });
});

describe("semi and anti join changelogs", () => {
  const semi = (anti: boolean) =>
    new FunctionDriver(
      new SemiJoinFunction({
        anti,
        leftKey: k0,
        rightKey: k0,
        condition: null,
        nullSafe: [],
        batch: false,
        place: "Semi",
      }),
    );

  test("EXISTS: a left row appears with its first match and goes with its last", () => {
    const d = semi(false);
    assert.deepEqual(d.one(1, [0, 1, "a"]).take(), []);
    assert.deepEqual(d.two(1, [0, 1, "x"]).take(), ["+I[1, a]"]);
    assert.deepEqual(d.two(1, [0, 1, "y"]).take(), []);
    assert.deepEqual(d.one(1, [0, 1, "b"]).take(), ["+I[1, b]"]);
    assert.deepEqual(d.two(1, [3, 1, "x"]).take(), []);
    assert.deepEqual(d.two(1, [1, 1, "y"]).take().sort(), ["-D[1, a]", "-D[1, b]"]);
    assert.deepEqual(d.one(1, [3, 1, "a"]).take(), []);
  });

  test("NOT EXISTS: the opposite, and NULL keys pass through", () => {
    const d = semi(true);
    assert.deepEqual(d.one(1, [0, 1, "a"]).take(), ["+I[1, a]"]);
    assert.deepEqual(d.two(1, [0, 1, "x"]).take(), ["-D[1, a]"]);
    assert.deepEqual(d.two(1, [3, 1, "x"]).take(), ["+I[1, a]"]);
    assert.deepEqual(d.one(1, [1, 1, "a"]).take(), ["-U[1, a]"]);
    assert.deepEqual(d.one(null, [0, null, "n"]).take(), ["+I[null, n]"]);
  });
});

// ---------------------------------------------------------------------------------------------
// Real jobs: final tables against a nested-loop reference.

/** Left rows [id, key, name]; right rows [key, value]; with retractions of earlier rows. */
function changelogOf(
  seed: number,
  make: (i: number, r: () => number) => unknown[],
  n: number,
): Row[] {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648), s);
  const live: Row[] = [];
  const log: Row[] = [];
  for (let i = 0; i < n; i++) {
    if (live.length > 0 && rand() % 4 === 0) {
      const [r] = live.splice(rand() % live.length, 1);
      log.push([rand() % 2 === 0 ? 1 : 3, ...r!.slice(1)]);
    } else {
      const r: Row = [0, ...make(i, rand)];
      live.push(r);
      log.push(r);
    }
  }
  return log;
}

const LEFT = changelogOf(7, (i, r) => [i, r() % 5 === 0 ? null : r() % 12, `l${i}`], 300);
const RIGHT = changelogOf(9, (i, r) => [r() % 15, r() % 100], 300);
const cond = (l: Row, r: Row) => (r[2] as number) % 3 !== (l[1] as number) % 3;

function reference(type: JoinType, withCond: boolean): string[] {
  const L = applyChangelog(LEFT);
  const R = applyChangelog(RIGHT);
  const out: unknown[][] = [];
  const matchedR = new Set<number>();
  for (const l of L) {
    let any = false;
    R.forEach((r, j) => {
      if (l[1] === null || l[1] !== r[0]) return;
      if (withCond && !cond([0, ...l], [0, ...r])) return;
      any = true;
      matchedR.add(j);
      out.push([...l, ...r]);
    });
    if (!any && (type === "LEFT" || type === "FULL")) out.push([...l, null, null]);
  }
  if (type === "RIGHT" || type === "FULL") {
    R.forEach((r, j) => {
      if (!matchedR.has(j)) out.push([null, null, null, ...r]);
    });
  }
  return printed(out);
}

/** The final table of a job joining `left` and `right` (LEFT's and RIGHT's shapes), both modes. */
async function joinedTable(
  type: JoinType,
  left: Row[],
  right: Row[],
  extra: Partial<JoinOptions>,
): Promise<string[]> {
  const { table } = await bothModes(
    (e) =>
      join(fromValues(e, left), fromValues(e, right), {
        type,
        leftKey: (r) => [r[2]],
        rightKey: k0,
        leftArity: 3,
        rightArity: 2,
        ...extra,
      }),
    undefined,
    false,
  );
  return table;
}

describe("joins in jobs", () => {
  for (const type of ["INNER", "LEFT", "RIGHT", "FULL"] as const) {
    for (const withCond of [false, true]) {
      test(`${type} JOIN${withCond ? " with a residual condition" : ""}: streaming = batch = reference`, async () => {
        const table = await joinedTable(type, LEFT, RIGHT, withCond ? { condition: cond } : {});
        assert.deepEqual(table, reference(type, withCond));
      });
    }
  }

  for (const type of ["INNER", "LEFT", "RIGHT", "FULL"] as const) {
    test(`${type} JOIN of insert-only inputs: streaming = batch = reference`, async () => {
      const inserts = (log: Row[]) => applyChangelog(log).map((r): Row => [0, ...r]);
      const table = await joinedTable(type, inserts(LEFT), inserts(RIGHT), {
        condition: cond,
        leftInsertOnly: true,
        rightInsertOnly: true,
      });
      assert.deepEqual(table, reference(type, true));
    });
  }

  test("a LEFT JOIN feeding a COUNT per left row: padding and retractions flow on", async () => {
    const { table } = await bothModes(
      (e) =>
        groupAggregate(
          join(fromValues(e, LEFT), fromValues(e, RIGHT), {
            type: "LEFT",
            leftKey: (r) => [r[2]],
            rightKey: k0,
            leftArity: 3,
            rightArity: 2,
          }),
          { keyOf: (r) => [r[1]], aggs: [{ fn: countStar() }] },
        ),
      undefined,
      false,
    );
    const counts = new Map<unknown, number>();
    for (const line of reference("LEFT", false)) {
      const id = Number(line.slice(1).split(",")[0]);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    assert.deepEqual(table, printed([...counts].map(([id, n]) => [id, n])));
  });

  test("semi and anti joins: streaming = batch = reference", async () => {
    const L = applyChangelog(LEFT);
    const keys = new Set(applyChangelog(RIGHT).map((r) => r[0]));
    for (const anti of [false, true]) {
      const { table } = await bothModes(
        (e) =>
          (anti ? antiJoin : semiJoin)(fromValues(e, LEFT), fromValues(e, RIGHT), {
            leftKey: (r) => [r[2]],
            rightKey: k0,
          }),
        undefined,
        false,
      );
      const expected = L.filter((l) => (l[1] !== null && keys.has(l[1])) !== anti);
      assert.deepEqual(table, printed(expected), anti ? "anti" : "semi");
    }
  });

  test("a cross join with a condition runs at parallelism 1", async () => {
    const L: Row[] = [
      [0, 1],
      [0, 2],
      [0, 3],
      [3, 3],
    ];
    const R: Row[] = [
      [0, 10],
      [0, 20],
    ];
    const { table } = await bothModes(
      (e) =>
        crossJoin(fromValues(e, L), fromValues(e, R), {
          type: "LEFT",
          condition: (l, r) => (r[1] as number) > (l[1] as number) * 8,
          leftArity: 1,
          rightArity: 1,
        }),
      undefined,
      false,
    );
    assert.deepEqual(table, ["[1, 10]", "[1, 20]", "[2, 20]"]);
    const e4 = env(4);
    const op = crossJoin(fromValues(e4, L), fromValues(e4, R));
    assert.equal(op.getParallelism(), 1);
  });
});
