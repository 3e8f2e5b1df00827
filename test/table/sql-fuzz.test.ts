/**
 * Randomized differential testing of Strom SQL (test/table/fuzz/): seeded random queries over
 * the tables of fuzz/schema.ts run in batch mode, in streaming mode at parallelism 1 and 4, and
 * in PostgreSQL; the final rows must agree (see fuzz/check.ts for what is compared). Run more:
 *
 *   STROM_FUZZ_QUERIES=2000 STROM_FUZZ_SEED=5000 ./node_modules/.bin/node --test test/table/sql-fuzz.test.ts
 *
 * Query `i` uses seed `STROM_FUZZ_SEED + i`; a mismatch prints its seed, so
 * `STROM_FUZZ_SEED=<seed> STROM_FUZZ_QUERIES=1` replays it. Without PostgreSQL (not on CI) only
 * the Strom modes are compared.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { FuzzEngines, psql } from "./fuzz/engines.ts";
import { FuzzStats, checkSeed } from "./fuzz/check.ts";

const QUERIES = Number(process.env.STROM_FUZZ_QUERIES ?? 150);
const SEED = Number(process.env.STROM_FUZZ_SEED ?? 1);
const ON_CI = process.env.CI === "true";

async function pgAvailable(): Promise<string | null> {
  try {
    await psql("SELECT 1;");
    return null;
  } catch (e) {
    return (e as Error).message.split("\n")[0]!;
  }
}

const pgProblem = await pgAvailable();
let engines: FuzzEngines | null = null;
after(async () => {
  if (engines !== null && pgProblem === null) await engines.dropPg();
});

test(`${QUERIES} random queries agree in batch, streaming p1/p4 and PostgreSQL (seed ${SEED})`, async () => {
  if (pgProblem !== null) {
    assert.ok(!ON_CI, `PostgreSQL is required on CI: ${pgProblem}`);
    console.log(`sql-fuzz: PostgreSQL not used (${pgProblem})`);
  }
  engines = await FuzzEngines.create(pgProblem === null);
  const stats = new FuzzStats();
  for (let i = 0; i < QUERIES; i++) {
    const f = await checkSeed(engines, SEED + i, stats, pgProblem === null);
    if (f !== null) console.log(`\n=== mismatch, seed ${f.seed}\n${f.sql}\n  ${f.detail}`);
    if ((i + 1) % 250 === 0 && i + 1 < QUERIES) console.log(`sql-fuzz: ${i + 1} queries run`);
  }
  console.log(stats.summary());
  assert.ok(stats.compared > QUERIES / 2, `only ${stats.compared} of ${QUERIES} queries ran`);
  assert.deepEqual(
    stats.findings.map((f) => f.seed),
    [],
    "mismatching seeds (their queries and results are printed above)",
  );
});
