/**
 * Random scalar expressions and predicates for the SQL fuzzer, kept to what Flink (Strom) and
 * PostgreSQL compute alike: small integers (no overflow), integer division and MOD by non-zero
 * literals (both truncate toward zero), DECIMAL without division, DOUBLE only through exact
 * binary fractions and division by a literal, string literals cast to VARCHAR where their type
 * would become CHAR(n) (Flink pads a CHAR result, PostgreSQL does not), and no CAST to INT.
 */
import type { Rng } from "./random.ts";

/** The value categories the generator tracks. */
export type Ty = "int" | "dec" | "dbl" | "str" | "bool";

/** A column visible to an expression: its SQL reference and category. */
export interface Col {
  readonly ref: string;
  readonly ty: Ty;
}

/** The SQL type name of a category in casts (read alike by both engines). */
export const SQL_TYPE: Readonly<Record<Ty, string>> = {
  int: "INT",
  dec: "DECIMAL(10, 2)",
  dbl: "DOUBLE PRECISION",
  str: "VARCHAR(8)",
  bool: "BOOLEAN",
};

const STRINGS = ["a", "b", "", "ab", "B", "zz", "b "];
const DECIMALS = ["1.50", "0.5", "-2.25", "100.1", "0.00", "7.25", "-0.01"];
const DOUBLES = ["0.5", "-1.25", "2.75", "0.0", "4.5"];
const PATTERNS = ["a%", "%b", "%", "_", "", "a_", "%a%", "_%"];
const CMP = ["=", "<>", "<", "<=", ">", ">="];

/** Hooks through which the query generator adds subqueries to expressions. */
export interface SubqueryHooks {
  /** An IN / EXISTS / scalar-comparison predicate over a subquery, or null. */
  predicate(scope: readonly Col[]): string | null;
  /** A scalar subquery of category `ty`, or null. */
  scalar(scope: readonly Col[], ty: Ty): string | null;
}

/** Generates expressions and predicates over a scope of columns. */
export class ExprGen {
  /** Subquery hooks; set by the query generator. */
  hooks: SubqueryHooks | null = null;

  private readonly rng: Rng;

  /** A generator drawing from `rng`. */
  constructor(rng: Rng) {
    this.rng = rng;
  }

  /** A literal of a category; `bare` keeps string literals uncast (comparison positions). */
  literal(ty: Ty, bare = false): string {
    const r = this.rng;
    if (r.chance(0.05)) return `CAST(NULL AS ${SQL_TYPE[ty]})`;
    switch (ty) {
      case "int": {
        const v = r.int(-3, 10);
        return v < 0 ? `(${v})` : String(v);
      }
      case "dec": {
        const v = r.pick(DECIMALS);
        return v.startsWith("-") ? `(${v})` : v;
      }
      case "dbl":
        return `CAST(${r.pick(DOUBLES)} AS DOUBLE PRECISION)`;
      case "str": {
        const v = `'${r.pick(STRINGS)}'`;
        return bare ? v : `CAST(${v} AS VARCHAR(8))`;
      }
      case "bool":
        return r.pick(["TRUE", "FALSE"]);
    }
  }

  /** A column of the category, or null when the scope has none. */
  column(scope: readonly Col[], ty: Ty): string | null {
    const cs = scope.filter((c) => c.ty === ty);
    return cs.length === 0 ? null : this.rng.pick(cs).ref;
  }

  /** A leaf: mostly a column, else a literal. */
  leaf(scope: readonly Col[], ty: Ty): string {
    if (this.rng.chance(0.8)) {
      const c = this.column(scope, ty);
      if (c !== null) return c;
    }
    return this.literal(ty);
  }

  /** An expression of category `ty`. */
  expr(scope: readonly Col[], ty: Ty, depth = 2): string {
    const r = this.rng;
    if (depth <= 0 || r.chance(0.45)) return this.leaf(scope, ty);
    const e = (t: Ty = ty) => this.expr(scope, t, depth - 1);
    const common: [number, () => string][] = [
      [2, () => `CASE WHEN ${this.pred(scope, depth - 1)} THEN ${e()} ELSE ${e()} END`],
      [1, () => `CASE WHEN ${this.pred(scope, depth - 1)} THEN ${e()} END`],
      [2, () => `COALESCE(${e()}, ${this.literal(ty)})`],
      [0.5, () => `CASE ${e()} WHEN ${this.literal(ty)} THEN ${e()} ELSE ${e()} END`],
      [0.5, () => this.hooks?.scalar(scope, ty) ?? this.leaf(scope, ty)],
    ];
    switch (ty) {
      case "int":
        return r.weighted([
          ...common,
          [3, () => `(${e()} + ${e()})`],
          [2, () => `(${e()} - ${e()})`],
          [1, () => `(${e()} * ${r.pick(["(-2)", "0", "2", "3"])})`],
          [1, () => `(${e()} / ${r.pick(["2", "3", "(-2)"])})`],
          [1, () => `MOD(${e()}, ${r.pick(["2", "3", "(-4)"])})`],
          [1, () => `ABS(${e()})`],
          [1, () => `NULLIF(${e()}, ${this.literal("int")})`],
          [1, () => `CHAR_LENGTH(${e("str")})`],
        ]);
      case "dec":
        return r.weighted([
          ...common,
          [3, () => `(${e()} + ${e()})`],
          [2, () => `(${e()} - ${e("int")})`],
          [1, () => `(${e()} * ${r.pick(["2", "(-1)", "0.5"])})`],
          [1, () => `CAST(${e("int")} AS DECIMAL(30, 2))`],
          [1, () => `ABS(${e()})`],
        ]);
      case "dbl":
        return r.weighted([
          ...common,
          [3, () => `(${e()} + ${e()})`],
          [1, () => `(${e()} - ${e()})`],
          [1, () => `(${e()} * ${r.pick(["2", "(-0.5)"])})`],
          [1, () => `(${e()} / ${r.pick(["2", "4", "(-8)"])})`],
          [1, () => `CAST(${e(r.pick(["int", "dec"]))} AS DOUBLE PRECISION)`],
          [1, () => `ABS(${e()})`],
        ]);
      case "str":
        return r.weighted([
          ...common,
          [2, () => `(${e()} || ${e()})`],
          [1, () => `UPPER(${e()})`],
          [1, () => `LOWER(${e()})`],
          [1, () => `TRIM(${e()})`],
          [1, () => `SUBSTRING(${e()} FROM ${r.int(1, 2)} FOR ${r.int(0, 2)})`],
          [1, () => `CAST(${e("int")} AS VARCHAR(24))`],
        ]);
      case "bool":
        return this.pred(scope, depth);
    }
  }

  /** A category the scope has a column of (int when it has none). */
  scopeType(scope: readonly Col[], allowBool = false): Ty {
    const tys = scope.map((c) => c.ty).filter((t) => allowBool || t !== "bool");
    return tys.length === 0 ? "int" : this.rng.pick(tys);
  }

  /** A predicate; `allowSub` lets it hold IN / EXISTS / scalar subqueries (WHERE only). */
  pred(scope: readonly Col[], depth = 2, allowSub = false): string {
    const r = this.rng;
    const p = (sub = false) => this.pred(scope, depth - 1, sub && allowSub);
    const alts: [number, () => string][] = [
      [5, () => this.comparison(scope, depth)],
      [2, () => `${this.expr(scope, this.scopeType(scope), 1)} IS ${r.pick(["", "NOT "])}NULL`],
      [1, () => this.between(scope, depth)],
      [1.5, () => this.inList(scope, depth)],
      [1, () => `${this.expr(scope, "str", 1)} ${r.pick(["", "NOT "])}LIKE '${r.pick(PATTERNS)}'`],
    ];
    const bools = scope.filter((c) => c.ty === "bool");
    if (bools.length > 0) {
      alts.push([1, () => r.pick(bools).ref]);
      alts.push([
        1,
        () => `${r.pick(bools).ref} IS ${r.pick(["TRUE", "NOT TRUE", "FALSE", "NOT FALSE"])}`,
      ]);
    }
    if (depth > 0) {
      alts.push([2, () => `(${p(true)} AND ${p(true)})`]);
      alts.push([0.2, () => `(${p(true)} OR ${p()})`]);
      alts.push([2, () => `(${p()} OR ${p()})`]);
      alts.push([1, () => `NOT (${p()})`]);
    }
    if (allowSub && this.hooks !== null) {
      alts.push([3, () => this.hooks!.predicate(scope) ?? this.comparison(scope, depth)]);
    }
    return r.weighted(alts);
  }

  private comparison(scope: readonly Col[], depth: number): string {
    const r = this.rng;
    const ty = this.scopeType(scope, true);
    const left = this.expr(scope, ty, depth - 1);
    if (ty === "bool") return `(${left}) = (${this.expr(scope, ty, 0)})`;
    if (r.chance(0.1)) {
      return `${left} IS ${r.pick(["", "NOT "])}DISTINCT FROM ${this.expr(scope, ty, depth - 1)}`;
    }
    let rightTy: Ty = ty;
    if (ty === "int" && r.chance(0.2)) rightTy = "dec";
    let right = this.literal(rightTy, true);
    // Another expression than the left one (x.a < x.a is seldom true).
    for (let i = 0; i < 3 && r.chance(0.5); i++) {
      const e = this.expr(scope, rightTy, depth - 1);
      if (e !== left) {
        right = e;
        break;
      }
    }
    return `${left} ${r.pick(CMP)} ${right}`;
  }

  private between(scope: readonly Col[], depth: number): string {
    const ty = this.rng.pick<Ty>(["int", "dec", "str"]);
    const lo = this.literal(ty, true);
    const hi = this.literal(ty, true);
    const not = this.rng.pick(["", "NOT "]);
    return `${this.expr(scope, ty, depth - 1)} ${not}BETWEEN ${lo} AND ${hi}`;
  }

  private inList(scope: readonly Col[], depth: number): string {
    const ty = this.rng.pick<Ty>(["int", "int", "str", "dec"]);
    const n = this.rng.int(1, 4);
    const items = Array.from({ length: n }, () => this.literal(ty, true));
    const not = this.rng.pick(["", "NOT "]);
    return `${this.expr(scope, ty, depth - 1)} ${not}IN (${items.join(", ")})`;
  }
}
