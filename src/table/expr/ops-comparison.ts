/**
 * Comparison operators with SQL's three-valued logic: `= <> < <= > >=` (NULL when a side is
 * NULL), `IS [NOT] DISTINCT FROM` (never NULL), `[NOT] BETWEEN [SYMMETRIC]`, `[NOT] IN (list)`
 * (TRUE when a candidate equals, else NULL when the value or a candidate is NULL, else FALSE; a
 * `Set` when all candidates are literals) and `NULLIF`.
 *
 * Operands of different types are compared in their comparison type (Flink's rules in
 * `comparisonType`): INT vs BIGINT as BIGINT, INT vs DECIMAL as DECIMAL, BIGINT vs DOUBLE as
 * DOUBLE, DATE vs TIMESTAMP as TIMESTAMP.
 */
import type { LogicalType } from "../types/logical-type.ts";
import { withNullability } from "../types/logical-type.ts";
import type { CallSite, ScalarFunctionDef } from "./operators.ts";
import { coerceCode, coerceValue, compareCode, keyCode, keyOf } from "./repr.ts";
import type { CompareOp } from "./repr.ts";
import { booleanOf, checkArity, comparisonTypeOf } from "./typing.ts";

/** `a op b` for non-null codes of types `ta`, `tb`, compared in type `cmp`. */
function cmp(
  op: CompareOp,
  a: string,
  ta: LogicalType,
  b: string,
  tb: LogicalType,
  cmpType: LogicalType,
  site: CallSite,
): string {
  return compareCode(
    op,
    coerceCode(a, ta, cmpType, site.constant),
    coerceCode(b, tb, cmpType, site.constant),
    cmpType,
    (v) => site.constant(v),
  );
}

function comparison(op: CompareOp): ScalarFunctionDef {
  const kind = op === "=" || op === "<>" ? "equality" : "ordering";
  return {
    name: op,
    kind: "operator",
    nullPolicy: "strict",
    deterministic: true,
    inferType(types) {
      checkArity(op, types, 2);
      comparisonTypeOf(op, types, kind);
      return booleanOf(types);
    },
    inline(args, site) {
      const [ta, tb] = site.argTypes as [LogicalType, LogicalType];
      const c = comparisonTypeOf(op, site.argTypes, kind);
      return cmp(op, args[0]!, ta, args[1]!, tb, c, site);
    },
  };
}

/** `a IS [NOT] DISTINCT FROM b`: NULL-safe equality, never NULL. */
function distinctFrom(not: boolean): ScalarFunctionDef {
  const name = not ? "IS NOT DISTINCT FROM" : "IS DISTINCT FROM";
  return {
    name,
    kind: "operator",
    nullPolicy: "custom",
    deterministic: true,
    inferType(types) {
      checkArity(name, types, 2);
      comparisonTypeOf(name, types, "equality");
      return withNullability(booleanOf(types), false);
    },
    inline(args, site) {
      const [a, b] = args as [string, string];
      const [ta, tb] = site.argTypes as [LogicalType, LogicalType];
      const [na, nb] = site.argNullable as [boolean, boolean];
      const c = comparisonTypeOf(name, site.argTypes, "equality");
      const eq = cmp("=", a, ta, b, tb, c, site);
      const same = not ? eq : `!${eq}`;
      if (!na && !nb) return same;
      if (a === "null" && b === "null") return not ? "true" : "false";
      const bothNull = not ? `${b} === null` : `${b} !== null`;
      const oneNull = not ? "false" : "true";
      if (!na) return `(${b} === null ? ${oneNull} : ${same})`;
      if (!nb) return `(${a} === null ? ${oneNull} : ${same})`;
      return `(${a} === null ? ${bothNull} : ${b} === null ? ${oneNull} : ${same})`;
    },
  };
}

/** Three-valued `x op y` as an expression: NULL when either (nullable) side is NULL. */
function cmp3(
  op: CompareOp,
  a: string,
  ia: number,
  b: string,
  ib: number,
  cmpType: LogicalType,
  site: CallSite,
): { code: string; nullable: boolean } {
  const ta = site.argTypes[ia]!;
  const tb = site.argTypes[ib]!;
  const checks: string[] = [];
  if (site.argNullable[ia]) checks.push(`${a} === null`);
  if (site.argNullable[ib]) checks.push(`${b} === null`);
  const code = cmp(op, a, ta, b, tb, cmpType, site);
  if (checks.length === 0) return { code, nullable: false };
  return { code: `(${checks.join(" || ")} ? null : ${code})`, nullable: true };
}

function and3Code(
  x: { code: string; nullable: boolean },
  y: { code: string; nullable: boolean },
): string {
  return x.nullable || y.nullable ? `h.and3(${x.code}, ${y.code})` : `(${x.code} && ${y.code})`;
}

function between(not: boolean, symmetric: boolean): ScalarFunctionDef {
  const name = `${not ? "NOT " : ""}BETWEEN${symmetric ? " SYMMETRIC" : ""}`;
  return {
    name,
    kind: "operator",
    nullPolicy: "custom",
    deterministic: true,
    inferType(types) {
      checkArity(name, types, 3);
      comparisonTypeOf(name, types, "ordering");
      return booleanOf(types);
    },
    inline(args, site) {
      const [x, lo, hi] = args as [string, string, string];
      const c = comparisonTypeOf(name, site.argTypes, "ordering");
      const forward = and3Code(cmp3(">=", x, 0, lo, 1, c, site), cmp3("<=", x, 0, hi, 2, c, site));
      const nullable = site.argNullable.some((n) => n);
      let code = forward;
      if (symmetric) {
        const backward = and3Code(
          cmp3(">=", x, 0, hi, 2, c, site),
          cmp3("<=", x, 0, lo, 1, c, site),
        );
        code = nullable ? `h.or3(${forward}, ${backward})` : `(${forward} || ${backward})`;
      }
      if (!not) return code;
      return nullable ? `h.not3(${code})` : `!${code}`;
    },
  };
}

/** `x [NOT] IN (v1, v2, ...)`. */
function inList(not: boolean): ScalarFunctionDef {
  const name = not ? "NOT IN" : "IN";
  const found = not ? "false" : "true";
  const missing = not ? "true" : "false";
  return {
    name,
    kind: "operator",
    nullPolicy: "custom",
    deterministic: true,
    inferType(types) {
      checkArity(name, types, 2, Infinity);
      comparisonTypeOf(name, types, "equality");
      return booleanOf(types);
    },
    inline(args, site) {
      const x = args[0]!;
      const tx = site.argTypes[0]!;
      const c = comparisonTypeOf(name, site.argTypes, "equality");
      const items = site.operands.slice(1);
      const xNull = site.argNullable[0] ? `${x} === null ? null : ` : "";
      if (x === "null") return "null";
      if (items.every((o) => o.kind === "literal")) {
        const set = new Set<unknown>();
        let sawNull = false;
        for (const o of items) {
          const v = (o as { value: unknown }).value;
          if (v === null) sawNull = true;
          else if (!(typeof v === "number" && Number.isNaN(v)))
            set.add(keyOf(coerceValue(v, o.type, c), c));
        }
        const key = keyCode(coerceCode(x, tx, c, site.constant), c);
        const test =
          set.size === 0
            ? "false"
            : set.size === 1
              ? `${key} === ${site.constant([...set][0])}`
              : `${site.constant(set)}.has(${key})`;
        return `(${xNull}${test} ? ${found} : ${sawNull ? "null" : missing})`;
      }
      const hits: string[] = [];
      const nulls: string[] = [];
      for (let i = 1; i < args.length; i++) {
        const a = args[i]!;
        if (a === "null") {
          nulls.push("true");
          continue;
        }
        const eq = cmp("=", x, tx, a, site.argTypes[i]!, c, site);
        if (site.argNullable[i]) {
          hits.push(`(${a} !== null && ${eq})`);
          nulls.push(`${a} === null`);
        } else hits.push(eq);
      }
      const anyHit = hits.length === 0 ? "false" : hits.join(" || ");
      const anyNull = nulls.length === 0 ? missing : `(${nulls.join(" || ")}) ? null : ${missing}`;
      return `(${xNull}(${anyHit}) ? ${found} : ${anyNull})`;
    },
  };
}

const NULLIF: ScalarFunctionDef = {
  name: "NULLIF",
  kind: "function",
  nullPolicy: "custom",
  deterministic: true,
  inferType(types) {
    checkArity("NULLIF", types, 2);
    comparisonTypeOf("NULLIF", types, "equality");
    return withNullability(types[0]!, true);
  },
  inline(args, site) {
    const [a, b] = args as [string, string];
    const [ta, tb] = site.argTypes as [LogicalType, LogicalType];
    const c = comparisonTypeOf("NULLIF", site.argTypes, "equality");
    const eq = cmp("=", a, ta, b, tb, c, site);
    const hit = site.argNullable[1] ? `${b} !== null && ${eq}` : eq;
    const body = `(${hit} ? null : ${a})`;
    return site.argNullable[0] ? `(${a} === null ? null : ${body})` : body;
  },
};

/** The comparison operator definitions. */
export const COMPARISON_OPERATORS: readonly ScalarFunctionDef[] = [
  comparison("="),
  comparison("<>"),
  comparison("<"),
  comparison("<="),
  comparison(">"),
  comparison(">="),
  distinctFrom(false),
  distinctFrom(true),
  between(false, false),
  between(true, false),
  between(false, true),
  between(true, true),
  inList(false),
  inList(true),
  NULLIF,
];
