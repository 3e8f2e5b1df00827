/**
 * One step of the SQL fuzzer: generates the query of a seed, runs it in every engine and records
 * what differs. Strom's final rows must be the same multiset in batch mode and in streaming mode
 * at parallelism 1 and 4 (except where a global aggregate may see no rows, FuzzQuery.globalAgg),
 * and batch mode must give PostgreSQL's rows (in order under a total ORDER BY). Planning errors
 * are counted by message, not reported as mismatches.
 */
import { QueryGen, type FuzzQuery } from "./gen-query.ts";
import { minimize } from "./minimize.ts";
import type { FuzzEngines, Outcome } from "./engines.ts";

/** A disagreement found for a seed. */
export interface Finding {
  readonly seed: number;
  readonly sql: string;
  /** What differs, with both results. */
  readonly detail: string;
}

/** Counts of one fuzz run. */
export class FuzzStats {
  queries = 0;
  /** Queries that ran in every engine and were compared. */
  compared = 0;
  /** Queries whose result was empty in batch mode. */
  empty = 0;
  readonly planErrors = new Map<string, number>();
  readonly streamingPlanErrors = new Map<string, number>();
  readonly pgErrors = new Map<string, number>();
  readonly findings: Finding[] = [];
  /** The slowest seed and its time in ms. */
  slowest = { seed: 0, ms: 0 };

  /** A summary: counts and the most frequent error messages. */
  summary(top = 8): string {
    const list = (m: Map<string, number>) =>
      [...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([msg, n]) => `    ${n} × ${msg}`)
        .join("\n");
    const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    return [
      `${this.queries} queries, ${this.compared} compared (${this.empty} empty), ${this.findings.length} mismatches; slowest: seed ${this.slowest.seed}, ${Math.round(this.slowest.ms)} ms`,
      `  planning errors (batch): ${total(this.planErrors)}\n${list(this.planErrors)}`,
      `  planning errors (streaming only): ${total(this.streamingPlanErrors)}\n${list(this.streamingPlanErrors)}`,
      `  PostgreSQL errors: ${total(this.pgErrors)}\n${list(this.pgErrors)}`,
    ].join("\n");
  }
}

function messageKey(message: string): string {
  return message
    .split("\n")[0]!
    .replace(/^SQL (parse|plan) error at line \d+, column \d+: /, "")
    .replace(/'[^']*'/g, "'…'")
    .replace(/\b\d+\b/g, "N")
    .slice(0, 140);
}

function bump(m: Map<string, number>, message: string): void {
  const k = messageKey(message);
  m.set(k, (m.get(k) ?? 0) + 1);
}

/** The difference of two row lists as text, or null when equal. */
export function diffLines(
  expected: readonly string[],
  actual: readonly string[],
  ordered: boolean,
): string | null {
  const e = ordered ? [...expected] : [...expected].sort();
  const a = ordered ? [...actual] : [...actual].sort();
  if (e.length === a.length && e.every((l, i) => l === a[i])) return null;
  const count = (ls: string[]) =>
    ls.reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>());
  const ce = count(e);
  const ca = count(a);
  const missing = [...ce].flatMap(([l, n]) =>
    Array<string>(Math.max(0, n - (ca.get(l) ?? 0))).fill(l),
  );
  const extra = [...ca].flatMap(([l, n]) =>
    Array<string>(Math.max(0, n - (ce.get(l) ?? 0))).fill(l),
  );
  const show = (ls: string[]) =>
    ls
      .slice(0, 12)
      .map((l) => `      ${l}`)
      .join("\n") + (ls.length > 12 ? `\n      … ${ls.length - 12} more` : "");
  let text = `${e.length} expected rows, ${a.length} actual`;
  if (missing.length > 0) text += `\n    missing:\n${show(missing)}`;
  if (extra.length > 0) text += `\n    unexpected:\n${show(extra)}`;
  if (missing.length === 0 && extra.length === 0)
    text += `\n    (same rows, other order)\n${show(a)}`;
  return text;
}

/** Whether `actual` is `expected` without one of its rows (a global aggregate's row). */
function missesOneRow(expected: readonly string[], actual: readonly string[]): boolean {
  if (actual.length !== expected.length - 1) return false;
  const left = [...expected];
  for (const l of actual) {
    const i = left.indexOf(l);
    if (i < 0) return false;
    left.splice(i, 1);
  }
  return true;
}

/**
 * Runs `q` everywhere; returns what differs (null when all agree or the query is refused at
 * planning, which is counted in `stats`).
 */
export async function compareQuery(
  engines: FuzzEngines,
  q: FuzzQuery,
  stats: FuzzStats,
  usePg: boolean,
): Promise<string | null> {
  const batch = await engines.runStrom(0, q.sql);
  if (!batch.ok && batch.stage === "plan") {
    bump(stats.planErrors, batch.message);
    return null;
  }
  if (!batch.ok) {
    const pg = usePg ? await engines.runPg(q.sql, null) : null;
    if (pg !== null && pg.ok) return `batch failed, PostgreSQL did not:\n    ${batch.message}`;
    bump(stats.pgErrors, `both fail: ${batch.message}`);
    return null;
  }
  if (batch.lines.length === 0) stats.empty++;
  const problems: string[] = [];
  if (usePg) {
    const pg = await engines.runPg(q.sql, batch.columns);
    if (!pg.ok) bump(stats.pgErrors, pg.message);
    else {
      const d = diffLines(pg.lines, batch.lines, q.ordered);
      if (d !== null) problems.push(`batch (actual) vs PostgreSQL (expected): ${d}`);
    }
  }
  const streams: Outcome[] = [];
  for (const i of [1, 2]) {
    const s = await engines.runStrom(i, q.sql);
    streams.push(s);
    const label = engines.strom[i]!.label;
    if (!s.ok && s.stage === "plan") bump(stats.streamingPlanErrors, s.message);
    else if (!s.ok)
      problems.push(
        `${label} failed at run time: ${s.message.split("\n").slice(0, 3).join("\n    ")}`,
      );
    else if (q.globalAgg !== "nested") {
      const d = diffLines(batch.lines, s.lines, false);
      if (d !== null && !(q.globalAgg === "top" && missesOneRow(batch.lines, s.lines))) {
        problems.push(`${label} (actual) vs batch (expected): ${d}`);
      }
    }
  }
  const [s1, s4] = streams;
  if (q.globalAgg === "nested" && s1!.ok && s4!.ok) {
    const d = diffLines(s1.lines, s4.lines, false);
    if (d !== null) problems.push(`streaming-p4 (actual) vs streaming-p1 (expected): ${d}`);
  }
  stats.compared++;
  return problems.length === 0 ? null : problems.join("\n  ");
}

/** Runs the query of `seed` everywhere; a mismatch is minimized and recorded in `stats`. */
export async function checkSeed(
  engines: FuzzEngines,
  seed: number,
  stats: FuzzStats,
  usePg: boolean,
): Promise<Finding | null> {
  const q = new QueryGen(seed).query();
  stats.queries++;
  const start = performance.now();
  const detail = await compareQuery(engines, q, stats, usePg);
  const ms = performance.now() - start;
  if (ms > stats.slowest.ms) stats.slowest = { seed, ms };
  if (detail === null) return null;
  const small = await minimize(
    q,
    async (c) => (await compareQuery(engines, c, new FuzzStats(), usePg)) !== null,
  );
  let text = detail;
  if (small.sql !== q.sql) {
    const again = await compareQuery(engines, small, new FuzzStats(), usePg);
    text += `\n  minimized:\n${small.sql}\n  ${again}`;
  }
  const f = { seed, sql: q.sql, detail: text };
  stats.findings.push(f);
  return f;
}
