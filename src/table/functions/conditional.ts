/**
 * Conditional and type functions: IFNULL(x, replacement) (common type, NULL only when the
 * replacement can be; both arguments are evaluated — use COALESCE for lazy evaluation),
 * GREATEST / LEAST (NULL when any argument is NULL, compared in the arguments' common type),
 * IS_ALPHA / IS_DIGIT / IS_DECIMAL (never NULL: FALSE for NULL, as Flink) and TYPEOF (the
 * argument's type as text; the optional second argument is accepted and ignored).
 */
import type { ScalarFunctionDef } from "../expr/operators.ts";
import { coerceCode, coerceValue } from "../expr/repr.ts";
import { cannotApply } from "../expr/typing.ts";
import { compareValues } from "../types/compare.ts";
import * as T from "../types/logical-type.ts";
import type { LogicalType } from "../types/logical-type.ts";
import { parseJavaDouble } from "../types/number-text.ts";
import { isIntegral, isNumeric } from "../types/type-families.ts";
import { typeToString } from "../types/type-print.ts";
import { commonType, comparisonType } from "../types/type-rules.ts";
import { any, bool, expectArgs, fn } from "./define.ts";

function commonOf(name: string, types: readonly LogicalType[]): LogicalType {
  const c = commonType(types);
  if (c === null) cannotApply(name, types, "The arguments have no common type");
  return c;
}

const IFNULL = fn({
  name: "IFNULL",
  nullPolicy: "custom",
  inferType(types) {
    expectArgs("IFNULL", types, [any, any]);
    return T.withNullability(commonOf("IFNULL", types), types[1]!.nullable);
  },
  inline(args, site) {
    const [a, b] = args as [string, string];
    const [ta, tb] = site.argTypes as [LogicalType, LogicalType];
    const to = site.resultType;
    const ca = a === "null" ? "null" : coerceCode(a, ta, to);
    const cb = b === "null" ? "null" : coerceCode(b, tb, to);
    if (!site.argNullable[0]) return ca;
    if (!site.argNullable[1]) return `(${a} === null ? ${cb} : ${ca})`;
    return `(${a} === null ? (${b} === null ? null : ${cb}) : ${ca})`;
  },
});

function extremum(name: string, sign: number): ScalarFunctionDef {
  return fn({
    name,
    inferType(types) {
      expectArgs(name, types, [any], 1, true);
      const c = commonOf(name, types);
      for (const t of types)
        if (t.kind !== "NULL" && comparisonType(t, c, "ordering") === null)
          cannotApply(name, types);
      return c;
    },
    bind(site) {
      const to = site.resultType;
      const convs = site.argTypes.map((t) => (v: unknown) => coerceValue(v, t, to));
      const cmp = compareValues(to);
      return (...args: unknown[]) => {
        let best = convs[0]!(args[0]);
        for (let i = 1; i < args.length; i++) {
          const v = convs[i]!(args[i]);
          if (sign * cmp(v, best) > 0) best = v;
        }
        return best;
      };
    },
  });
}

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

/** Every UTF-16 unit matches (Java's per-`char` `Character.isLetter` / `isDigit`); empty is false. */
function allUnits(s: string, re: RegExp): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!re.test(s[i]!)) return false;
  return true;
}

const INT_TEXT = /^[+-]?\d+$/;

/** Java's `Integer.parseInt` / `Long.parseLong` / `Double.parseDouble` succeeding. */
function isDecimalText(s: string): boolean {
  if (s.length === 0) return false;
  if (INT_TEXT.test(s) && BigInt(s) >= -9223372036854775808n && BigInt(s) <= 9223372036854775807n)
    return true;
  return parseJavaDouble(s) !== undefined;
}

function predicate(
  name: string,
  test: (t: LogicalType) => (v: unknown) => boolean,
): ScalarFunctionDef {
  return fn({
    name,
    nullPolicy: "custom",
    inferType(types) {
      expectArgs(name, types, [any]);
      return T.notNull(T.BOOLEAN());
    },
    bind(site) {
      const f = test(site.argTypes[0]!);
      return (v: unknown) => v !== null && f(v);
    },
  });
}

const isString = (t: LogicalType) => t.kind === "CHAR" || t.kind === "VARCHAR";

const TYPEOF = fn({
  name: "TYPEOF",
  nullPolicy: "custom",
  inferType(types) {
    expectArgs("TYPEOF", types, [any, bool], 1);
    return T.notNull(T.STRING());
  },
  inline: (_args, site) => JSON.stringify(typeToString(site.argTypes[0]!)),
});

/** The conditional and type function definitions. */
export const CONDITIONAL_FUNCTIONS: readonly ScalarFunctionDef[] = [
  IFNULL,
  extremum("GREATEST", 1),
  extremum("LEAST", -1),
  predicate("IS_ALPHA", (t) => (isString(t) ? (v) => allUnits(v as string, LETTER) : () => false)),
  predicate("IS_DIGIT", (t) =>
    isString(t) ? (v) => allUnits(v as string, DIGIT) : isIntegral(t) ? () => true : () => false,
  ),
  predicate("IS_DECIMAL", (t) =>
    isString(t) ? (v) => isDecimalText(v as string) : isNumeric(t) ? () => true : () => false,
  ),
  TYPEOF,
];
