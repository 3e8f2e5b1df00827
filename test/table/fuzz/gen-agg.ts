/**
 * Aggregate calls and grouping clauses for the SQL fuzzer. AVG only over DOUBLE: Flink's AVG of
 * an integer column is an integer (truncated) and of a DECIMAL has its own scale, PostgreSQL's is
 * `numeric` (tests/sql/README.md, "Where Flink and PostgreSQL differ").
 */
import type { Col, ExprGen, Ty } from "./gen-expr.ts";
import type { Rng } from "./random.ts";

/** An aggregate expression of result category `ty` over the rows of `scope`. */
export function aggregateOf(ex: ExprGen, r: Rng, scope: readonly Col[], ty: Ty): string {
  const arg = (t: Ty) => ex.expr(scope, t, 1);
  const filter = () => (r.chance(0.1) ? ` FILTER (WHERE ${ex.pred(scope, 1)})` : "");
  const distinct = () => (r.chance(0.2) ? "DISTINCT " : "");
  switch (ty) {
    case "int":
      return r.weighted([
        [2, () => `COUNT(*)${filter()}`],
        [2, () => `COUNT(${distinct()}${arg(ex.scopeType(scope, true))})${filter()}`],
        [3, () => `SUM(${distinct()}${arg("int")})${filter()}`],
        [2, () => `${r.pick(["MIN", "MAX"])}(${arg("int")})${filter()}`],
        [1, () => `(COUNT(*) - COUNT(${arg(ex.scopeType(scope))}))`],
        [1, () => `COALESCE(SUM(${arg("int")}), 0)`],
      ]);
    case "dec":
      return r.weighted([
        // SUM of DECIMAL(p, s) is DECIMAL(38, s): unified with another DECIMAL (set operations,
        // CASE) or added to one, Flink keeps the whole digits and cuts the scale; PostgreSQL's
        // numeric keeps every digit. The cast keeps both to 4 fraction digits.
        [3, () => `CAST(SUM(${distinct()}${arg("dec")})${filter()} AS DECIMAL(30, 4))`],
        [2, () => `${r.pick(["MIN", "MAX"])}(${arg("dec")})${filter()}`],
        [1, () => `(MAX(${arg("dec")}) - MIN(${arg("dec")}))`],
      ]);
    case "dbl":
      return r.weighted([
        [3, () => `AVG(${distinct()}${arg("dbl")})${filter()}`],
        [1, () => `AVG(CAST(${arg("int")} AS DOUBLE PRECISION))`],
        [2, () => `SUM(${arg("dbl")})${filter()}`],
        [1, () => `${r.pick(["MIN", "MAX"])}(${arg("dbl")})`],
      ]);
    case "str":
      return `${r.pick(["MIN", "MAX"])}(${arg("str")})${filter()}`;
    case "bool":
      return r.weighted([
        [1, () => `(COUNT(*) > ${r.int(0, 2)})`],
        [1, () => `(MAX(${arg("int")}) IS NULL)`],
      ]);
  }
}

/** A GROUP BY clause of grouping sets over `keys`, and whether it has the empty set `()`. */
export function groupingClause(
  r: Rng,
  keys: readonly Col[],
): { clause: string; hasEmpty: boolean } {
  const refs = keys.map((k) => k.ref);
  const [a, b] = [refs[0]!, refs[1] ?? refs[0]!];
  return r.weighted<{ clause: string; hasEmpty: boolean }>([
    [2, () => ({ clause: `ROLLUP(${refs.join(", ")})`, hasEmpty: true })],
    [1, () => ({ clause: `CUBE(${refs.join(", ")})`, hasEmpty: true })],
    [1, () => ({ clause: `GROUPING SETS ((${refs.join(", ")}), (${a}), ())`, hasEmpty: true })],
    [2, () => ({ clause: `GROUPING SETS ((${a}), (${b}))`, hasEmpty: false })],
    [1, () => ({ clause: `GROUPING SETS ((${refs.join(", ")}), (${b}))`, hasEmpty: false })],
  ]);
}
