/**
 * Random queries for the SQL fuzzer over the tables of schema.ts: projections, filters, joins
 * (inner, outer, cross, equi and residual conditions), derived tables, GROUP BY / HAVING,
 * DISTINCT and FILTER aggregates, GROUPING SETS / ROLLUP / CUBE, aggregates over aggregates, set
 * operations, IN / EXISTS / scalar subqueries (correlated and not), ORDER BY ... LIMIT. Every
 * select item is named `c<i>`, so derived tables and set operations line up by position.
 */
import { ExprGen, type Col, type Ty } from "./gen-expr.ts";
import { Rng } from "./random.ts";
import { FUZZ_TABLES, type FuzzTable } from "./schema.ts";
import { aggregateOf, groupingClause } from "./gen-agg.ts";

/** A generated query. */
export interface FuzzQuery {
  /** The SQL text (valid in both engines). */
  readonly sql: string;
  /** The result column categories. */
  readonly types: readonly Ty[];
  /**
   * Where a global aggregate (or an empty grouping set `()`) is: over no rows, Flink's streaming
   * mode emits no row where batch mode (and PostgreSQL) emit one. At the `top`, streaming may
   * then miss that one row; `nested` deeper, batch and streaming results are not compared.
   */
  readonly globalAgg: "none" | "top" | "nested";
  /** Whether the query ends with an ORDER BY that orders its rows totally. */
  readonly ordered: boolean;
}

interface Rel {
  sql: string;
  types: Ty[];
  /** A global aggregate or grouping sets with `()`. */
  global?: boolean;
}

interface From {
  sql: string;
  scope: Col[];
}

const ALL_TYPES: readonly Ty[] = ["int", "int", "int", "str", "str", "dec", "dbl", "bool"];

/** Tables by how often they are picked: the empty t0 seldom. */
const TABLE_CHOICES: readonly FuzzTable[] = FUZZ_TABLES.flatMap((t) =>
  Array<FuzzTable>(t.empty === true ? 1 : t.name === "t3" ? 3 : 5).fill(t),
);

/** Generates the queries of one seed. */
export class QueryGen {
  private readonly rng: Rng;
  private readonly ex: ExprGen;
  private aliases = 0;
  private subDepth = 0;
  private globalAggs = 0;
  private ctes: FuzzTable[] = [];

  /** A generator for `seed`. */
  constructor(seed: number) {
    this.rng = new Rng(seed);
    this.ex = new ExprGen(this.rng);
  }

  /** One top-level query. */
  query(): FuzzQuery {
    this.globalAggs = 0;
    this.aliases = 0;
    this.ctes = [];
    let prefix = "";
    if (this.rng.chance(0.12)) {
      // A CTE, then picked like a table (often twice: a self-join of a derived relation).
      const w = this.rel(1);
      this.ctes = [{ name: "w", cols: w.types.map((ty, i) => ({ name: `c${i}`, ty })) }];
      prefix = `WITH w AS (${w.sql})\n`;
    }
    const q = this.rel(this.rng.pick([1, 2, 2, 3]));
    let sql = prefix + q.sql;
    let ordered = false;
    if (this.rng.chance(0.15)) {
      const keys = q.types.map(
        (_, i) =>
          `c${i} ${this.rng.pick(["ASC", "DESC"])} NULLS ${this.rng.pick(["FIRST", "LAST"])}`,
      );
      sql += `\nORDER BY ${keys.join(", ")}`;
      if (this.rng.chance(0.8)) sql += ` LIMIT ${this.rng.int(1, 6)}`;
      if (this.rng.chance(0.2)) sql += ` OFFSET ${this.rng.int(1, 3)}`;
      ordered = true;
    }
    const globalAgg =
      this.globalAggs === 0
        ? "none"
        : this.globalAggs === 1 && q.global === true
          ? "top"
          : "nested";
    return { sql, types: q.types, globalAgg, ordered };
  }

  private alias(prefix: string): string {
    return `${prefix}${++this.aliases}`;
  }

  /** A relation: a SELECT block, an aggregate or a set operation. */
  private rel(depth: number, target?: readonly Ty[]): Rel {
    const r = this.rng;
    const alts: [number, () => Rel][] = [
      [5, () => this.select(depth, target)],
      [4, () => this.aggregate(depth, target, false)],
      [1, () => this.aggregate(depth, target, true)],
    ];
    if (target === undefined) alts.push([1.5, () => this.grouping(depth)]);
    if (depth > 0) alts.push([2, () => this.setOp(depth, target)]);
    return r.weighted(alts);
  }

  private types(target: readonly Ty[] | undefined): Ty[] {
    if (target !== undefined) return [...target];
    return Array.from({ length: this.rng.int(1, 3) }, () => this.rng.pick(ALL_TYPES));
  }

  private where(from: From): string {
    if (!this.rng.chance(0.6)) return "";
    const depth = this.rng.int(1, 2);
    return `\nWHERE ${this.withSubqueries(() => this.ex.pred(from.scope, depth, true))}`;
  }

  private select(depth: number, target?: readonly Ty[]): Rel {
    const from = this.from(depth);
    const types = this.types(target);
    const items = this.withSubqueries(() =>
      types.map((t, i) => `${this.ex.expr(from.scope, t, 2)} AS c${i}`),
    );
    const distinct = this.rng.chance(0.2) ? "DISTINCT " : "";
    const sql = `SELECT ${distinct}${items.join(", ")}\nFROM ${from.sql}${this.where(from)}`;
    return { sql, types };
  }

  private aggregate(depth: number, target: readonly Ty[] | undefined, global: boolean): Rel {
    const r = this.rng;
    const from = this.from(depth);
    const types = this.types(target);
    const keyCols = global ? [] : this.keys(from.scope);
    const items = types.map((t, i) => {
      const key = keyCols.filter((k) => k.ty === t);
      if (key.length > 0 && r.chance(0.5)) return `${r.pick(key).ref} AS c${i}`;
      return `${aggregateOf(this.ex, r, from.scope, t)} AS c${i}`;
    });
    let sql = `SELECT ${items.join(", ")}\nFROM ${from.sql}${this.where(from)}`;
    if (keyCols.length > 0) sql += `\nGROUP BY ${keyCols.map((k) => k.ref).join(", ")}`;
    else this.globalAggs++;
    if (r.chance(0.3)) sql += `\nHAVING ${this.having(from.scope, keyCols)}`;
    return { sql, types, global: keyCols.length === 0 };
  }

  private grouping(depth: number): Rel {
    const from = this.from(depth);
    const keys = this.keys(from.scope, 2, 2);
    const { clause, hasEmpty } = groupingClause(this.rng, keys);
    if (hasEmpty) this.globalAggs++;
    const types: Ty[] = keys.map((k) => k.ty);
    const items = keys.map((k, i) => `${k.ref} AS c${i}`);
    const aggTypes = this.types(undefined);
    for (const t of aggTypes) {
      items.push(`${aggregateOf(this.ex, this.rng, from.scope, t)} AS c${items.length}`);
      types.push(t);
    }
    if (this.rng.chance(0.5)) {
      items.push(`GROUPING(${keys[0]!.ref}) AS c${items.length}`);
      types.push("int");
    }
    const sql = `SELECT ${items.join(", ")}\nFROM ${from.sql}${this.where(from)}\nGROUP BY ${clause}`;
    return { sql, types, global: hasEmpty };
  }

  private having(scope: readonly Col[], keys: readonly Col[]): string {
    const r = this.rng;
    const t = r.pick<Ty>(["int", "int", "dec", "dbl", "str"]);
    const agg = aggregateOf(this.ex, r, scope, t);
    const cond = `${agg} ${r.pick(["=", "<>", "<", ">", ">="])} ${this.ex.literal(t, true)}`;
    if (keys.length > 0 && r.chance(0.3)) return `(${cond} OR ${this.ex.pred(keys, 0)})`;
    return cond;
  }

  /** `min` to `max` distinct grouping columns of the scope (fewer if it has fewer). */
  private keys(scope: readonly Col[], min = 1, max = 2): Col[] {
    const n = Math.min(scope.length, this.rng.int(min, max));
    const out: Col[] = [];
    while (out.length < Math.max(1, n)) {
      const c = this.rng.pick(scope);
      if (!out.includes(c)) out.push(c);
      if (out.length >= scope.length) break;
    }
    // Sometimes a key is an expression (selected with the same text).
    if (this.rng.chance(0.15) && out[0]!.ty === "int") {
      out[0] = { ref: `(${out[0]!.ref} ${this.rng.pick(["+ 1", "* 2", "/ 2"])})`, ty: "int" };
    } else if (this.rng.chance(0.1) && out[0]!.ty === "str") {
      out[0] = { ref: `UPPER(${out[0]!.ref})`, ty: "str" };
    }
    return out;
  }

  private setOp(depth: number, target?: readonly Ty[]): Rel {
    const left = this.rel(depth - 1, target);
    const right = this.rel(depth - 1, left.types);
    const op = this.rng.pick([
      "UNION",
      "UNION ALL",
      "UNION ALL",
      "INTERSECT",
      "EXCEPT",
      "INTERSECT ALL",
      "EXCEPT ALL",
    ]);
    return { sql: `(${left.sql})\n${op}\n(${right.sql})`, types: left.types };
  }

  private from(depth: number): From {
    const r = this.rng;
    const alts: [number, () => From][] = [[5, () => this.table()]];
    if (depth > 0) {
      alts.push([3, () => this.join(depth)]);
      alts.push([2, () => this.derived(depth)]);
    }
    return r.weighted(alts);
  }

  private table(t?: FuzzTable): From {
    const table =
      t ??
      (this.ctes.length > 0 && this.rng.chance(0.4) ? this.ctes[0]! : this.rng.pick(TABLE_CHOICES));
    const a = this.alias("x");
    return {
      sql: `${table.name} AS ${a}`,
      scope: table.cols.map((c) => ({ ref: `${a}.${c.name}`, ty: c.ty })),
    };
  }

  private derived(depth: number): From {
    const q = this.rel(depth - 1);
    if (this.rng.chance(0.15)) {
      // Top-N in a derived table: a total order (every column), so the rows kept are defined.
      const keys = q.types.map((_, i) => `c${i} ${this.rng.pick(["ASC", "DESC"])} NULLS FIRST`);
      q.sql = `SELECT * FROM (${q.sql}) AS ${this.alias("o")} ORDER BY ${keys.join(", ")} LIMIT ${this.rng.int(1, 4)}`;
    }
    const a = this.alias("q");
    return {
      sql: `(${q.sql}) AS ${a}`,
      scope: q.types.map((ty, i) => ({ ref: `${a}.c${i}`, ty })),
    };
  }

  private join(depth: number): From {
    const r = this.rng;
    const left = r.chance(0.3) ? this.derived(depth) : this.table();
    const right = r.chance(0.3) ? this.derived(depth) : this.table();
    const scope = [...left.scope, ...right.scope];
    if (r.chance(0.05)) return { sql: `${left.sql}\nCROSS JOIN ${right.sql}`, scope };
    const kind = r.pick(["JOIN", "JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN"]);
    const pairs = left.scope.flatMap((a) =>
      right.scope.filter((b) => b.ty === a.ty && a.ty !== "bool").map((b) => [a, b] as const),
    );
    const conds: string[] = [];
    if (pairs.length > 0 && r.chance(0.93)) {
      const [a, b] = r.pick(pairs);
      if (a.ty === "int" && r.chance(0.15)) conds.push(`(${a.ref} + 1) = ${b.ref}`);
      else if (r.chance(0.1)) conds.push(`${a.ref} IS NOT DISTINCT FROM ${b.ref}`);
      else conds.push(`${a.ref} = ${b.ref}`);
      if (r.chance(0.15)) {
        const [c, d] = r.pick(pairs);
        conds.push(`${c.ref} = ${d.ref}`);
      }
    }
    if (conds.length === 0 || r.chance(0.3)) conds.push(this.ex.pred(scope, 1));
    return { sql: `${left.sql}\n${kind} ${right.sql} ON ${conds.join(" AND ")}`, scope };
  }

  /** Runs `fn` with subqueries allowed in the expressions it generates (two levels at most). */
  private withSubqueries<T>(fn: () => T): T {
    const saved = this.ex.hooks;
    if (this.subDepth < 2) {
      this.ex.hooks = {
        predicate: (scope) => this.subqueryPredicate(scope),
        scalar: (scope, ty) => this.scalarSubquery(scope, ty),
      };
    }
    try {
      return fn();
    } finally {
      this.ex.hooks = saved;
    }
  }

  /** A correlation condition between an inner and the outer scope, or null. */
  private correlation(inner: readonly Col[], outer: readonly Col[], equal: boolean): string | null {
    const pairs = inner.flatMap((a) =>
      outer.filter((b) => b.ty === a.ty && a.ty !== "bool").map((b) => [a, b] as const),
    );
    if (pairs.length === 0) return null;
    const [a, b] = this.rng.pick(pairs);
    return `${a.ref} ${equal ? "=" : this.rng.pick(["<", "<>", ">="])} ${b.ref}`;
  }

  private nested<T>(fn: () => T): T {
    this.subDepth++;
    const saved = this.ex.hooks;
    this.ex.hooks = null;
    try {
      return fn();
    } finally {
      this.subDepth--;
      this.ex.hooks = saved;
    }
  }

  private subqueryPredicate(outer: readonly Col[]): string | null {
    const r = this.rng;
    return this.nested(() => {
      const not = r.chance(0.4) ? "NOT " : "";
      const kind = r.pick(["in", "in-corr", "exists", "exists", "scalar"]);
      if (kind === "in") {
        const ty = r.pick<Ty>(["int", "int", "str", "dec"]);
        const q = this.rel(1, [ty]);
        return `${this.ex.expr(outer, ty, 1)} ${not}IN (${q.sql})`;
      }
      const inner = this.table();
      const corr = this.correlation(inner.scope, outer, kind !== "exists" || r.chance(0.8));
      const conds = [corr, r.chance(0.5) ? this.ex.pred(inner.scope, 1) : null].filter(
        (c) => c !== null,
      );
      const where = conds.length > 0 ? ` WHERE ${conds.join(" AND ")}` : "";
      if (kind === "exists") return `${not}EXISTS (SELECT 1 FROM ${inner.sql}${where})`;
      const ty = r.pick<Ty>(["int", "str", "dec"]);
      if (kind === "in-corr") {
        const e = this.ex.expr(inner.scope, ty, 1);
        return `${this.ex.expr(outer, ty, 1)} ${not}IN (SELECT ${e} FROM ${inner.sql}${where})`;
      }
      const agg = r.pick(["MIN", "MAX"]);
      const sub = `(SELECT ${agg}(${this.ex.expr(inner.scope, ty, 1)}) FROM ${inner.sql}${where})`;
      return `${this.ex.expr(outer, ty, 1)} ${r.pick(["=", "<", ">="])} ${sub}`;
    });
  }

  private scalarSubquery(outer: readonly Col[], ty: Ty): string | null {
    if (ty === "bool") return null;
    const r = this.rng;
    return this.nested(() => {
      const inner = this.table();
      const corr = r.chance(0.7) ? this.correlation(inner.scope, outer, r.chance(0.85)) : null;
      const where = corr === null ? "" : ` WHERE ${corr}`;
      let agg: string;
      if (corr !== null && ty === "int" && r.chance(0.4)) agg = "COUNT(*)";
      else if (ty === "dbl") agg = `AVG(${this.ex.expr(inner.scope, "dbl", 1)})`;
      else agg = `${r.pick(["MIN", "MAX"])}(${this.ex.expr(inner.scope, ty, 1)})`;
      return `(SELECT ${agg} FROM ${inner.sql}${where})`;
    });
  }
}
