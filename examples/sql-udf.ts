/**
 * User-defined functions in SQL: a table function splitting text into words (LATERAL TABLE),
 * an aggregate function with retraction (a weighted average), both registered from the API,
 * and a function loaded from a module by CREATE FUNCTION — in batch and in streaming mode.
 *
 *   node examples/sql-udf.ts
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqlAggregateFunction, TableEnvironment, TableFunction } from "strom";

/** One row per word: the word and its length (emitted with collect). */
class Split extends TableFunction<[string, number]> {
  resultType = "ROW<word STRING, length INT>";
  eval(text: string | null): void {
    for (const w of (text ?? "").split(/\s+/)) if (w !== "") this.collect([w, w.length]);
  }
}

/** The average of `value` weighted by `weight`; the accumulator is a plain object. */
class WeightedAvg extends SqlAggregateFunction<number | null, { sum: number; weight: number }> {
  resultType = "DOUBLE";
  createAccumulator(): { sum: number; weight: number } {
    return { sum: 0, weight: 0 };
  }
  accumulate(acc: { sum: number; weight: number }, value: number | null, weight: number | null) {
    if (value !== null && weight !== null) {
      acc.sum += value * weight;
      acc.weight += weight;
    }
  }
  retract(acc: { sum: number; weight: number }, value: number | null, weight: number | null) {
    if (value !== null && weight !== null) {
      acc.sum -= value * weight;
      acc.weight -= weight;
    }
  }
  getValue(acc: { sum: number; weight: number }): number | null {
    return acc.weight === 0 ? null : acc.sum / acc.weight;
  }
}

// A module with a generator table function, as CREATE FUNCTION would find it in a project.
const dir = mkdtempSync(join(tmpdir(), "strom-udf-example-"));
writeFileSync(
  join(dir, "udfs.mjs"),
  `export const chars = {
     resultType: "ROW<c STRING>",
     *eval(s) { for (const c of s ?? "") yield [c]; },
   };\n`,
);

for (const mode of ["batch", "streaming"] as const) {
  const tEnv = TableEnvironment.create({ mode, parallelism: 2 });
  tEnv.createTemporarySystemFunction("split", new Split());
  tEnv.createTemporarySystemFunction("wavg", WeightedAvg);
  await tEnv.executeSql(
    `CREATE TEMPORARY SYSTEM FUNCTION chars AS '${join(dir, "udfs.mjs")}#chars'`,
  );
  await tEnv.executeSql(`CREATE TEMPORARY VIEW reviews (id, product, stars, helpful, body) AS VALUES
    (1, 'lamp', 4, 3, 'bright and cheap'),
    (2, 'lamp', 2, 1, 'too bright'),
    (3, 'desk', 5, 2, 'solid'),
    (4, 'desk', 3, 0, '')`);
  console.log(`-- ${mode}`);
  const words = await tEnv.executeSql(`
    SELECT w.word, COUNT(*) AS n
    FROM reviews r, LATERAL TABLE(split(r.body)) AS w
    GROUP BY w.word ORDER BY n DESC, w.word LIMIT 3`);
  console.log("top words:", await words.collect());
  const scores = await tEnv.executeSql(
    "SELECT product, wavg(stars, helpful) AS score FROM reviews GROUP BY product",
  );
  console.log("weighted stars:", (await scores.collect()).sort());
  const padded = await tEnv.executeSql(`
    SELECT r.id, t.c FROM reviews r LEFT JOIN LATERAL TABLE(chars(r.body)) AS t ON TRUE
    WHERE r.id >= 3 AND (t.c IS NULL OR t.c <> 'o')`);
  console.log("characters (no 'o'):", (await padded.collect()).sort());
}
