/**
 * String operators: `||` (character and binary strings), `[NOT] LIKE`, `[NOT] ILIKE` and
 * `[NOT] SIMILAR TO` with an optional ESCAPE argument (a literal pattern is compiled once, at
 * code generation, into a string test or a RegExp), and ITEM (`array[i]`, `map[key]`).
 */
import { withNullability } from "../types/logical-type.ts";
import type { LogicalType } from "../types/logical-type.ts";
import { isCharacterString } from "../types/type-families.ts";
import { comparisonType, concatType } from "../types/type-rules.ts";
import { SqlTypeError } from "../types/errors.ts";
import { likeFastPath, likeMatcher, similarMatcher } from "./like.ts";
import type { CallSite, ScalarFunctionDef } from "./operators.ts";
import { booleanOf, cannotApply, checkArity } from "./typing.ts";

const CONCAT: ScalarFunctionDef = {
  name: "||",
  kind: "operator",
  nullPolicy: "strict",
  deterministic: true,
  inferType(types) {
    checkArity("||", types, 2);
    try {
      return concatType(types[0]!, types[1]!);
    } catch (e) {
      if (e instanceof SqlTypeError) cannotApply("||", types);
      throw e;
    }
  },
  inline(args, site) {
    const [a, b] = args as [string, string];
    return isCharacterString(site.resultType) ? `(${a} + ${b})` : `h.concatBytes(${a}, ${b})`;
  },
};

type PatternOp = "LIKE" | "ILIKE" | "SIMILAR TO";

/** The literal string value of operand `i`, or undefined when it is not a literal. */
function literalText(site: CallSite, i: number): string | null | undefined {
  const o = site.operands[i];
  if (o === undefined) return null; // no ESCAPE argument
  return o.kind === "literal" ? (o.value as string | null) : undefined;
}

function patternInline(op: PatternOp, not: boolean) {
  return (args: readonly string[], site: CallSite): string => {
    const s = args[0]!;
    const pattern = literalText(site, 1);
    const escape = literalText(site, 2);
    let code: string;
    if (typeof pattern === "string" && escape !== undefined) {
      const fast = op === "LIKE" ? likeFastPath(pattern, escape) : undefined;
      if (fast !== undefined) {
        code =
          fast.kind === "any"
            ? "true"
            : fast.kind === "equals"
              ? `(${s} === ${JSON.stringify(fast.text)})`
              : `${s}.${fast.kind}(${JSON.stringify(fast.text)})`;
      } else {
        const re =
          op === "SIMILAR TO"
            ? similarMatcher(pattern, escape)
            : likeMatcher(pattern, escape, op === "ILIKE");
        code = `${site.constant(re)}.test(${s})`;
      }
    } else {
      const helper = op === "LIKE" ? "like" : op === "ILIKE" ? "ilike" : "similar";
      code = `h.${helper}(${s}, ${args[1]}, ${args[2] ?? "null"})`;
    }
    return not ? `!${code}` : code;
  };
}

function pattern(op: PatternOp, not: boolean): ScalarFunctionDef {
  const name = `${not ? "NOT " : ""}${op}`;
  return {
    name,
    kind: "operator",
    nullPolicy: "strict",
    deterministic: true,
    // a pattern known only at run time can be invalid
    throws: (site) =>
      typeof literalText(site, 1) !== "string" || literalText(site, 2) === undefined,
    inferType(types) {
      checkArity(name, types, 2, 3);
      if (!types.every((t) => isCharacterString(t) || t.kind === "NULL")) cannotApply(name, types);
      return booleanOf(types);
    },
    inline: patternInline(op, not),
  };
}

const ITEM: ScalarFunctionDef = {
  name: "ITEM",
  kind: "operator",
  nullPolicy: "strict",
  deterministic: true,
  mayReturnNull: true,
  inferType(types: readonly LogicalType[]) {
    checkArity("ITEM", types, 2);
    const [c, k] = types as [LogicalType, LogicalType];
    if (c.kind === "ARRAY") {
      const integral =
        k.kind === "TINYINT" || k.kind === "SMALLINT" || k.kind === "INT" || k.kind === "BIGINT";
      if (!integral && k.kind !== "NULL")
        cannotApply("ITEM", types, "An array index must be an integer");
      return withNullability(c.element, true);
    }
    if (c.kind === "MAP") {
      if (k.kind !== "NULL" && comparisonType(c.key, k, "equality") === null)
        cannotApply("ITEM", types);
      return withNullability(c.value, true);
    }
    return cannotApply("ITEM", types, "ITEM applies to an ARRAY or a MAP");
  },
  inline(args, site) {
    const [c, k] = args as [string, string];
    if (site.argTypes[0]!.kind === "MAP") return `h.mapGet(${c}, ${k})`;
    // SQL arrays are 1-based; out of range gives NULL
    return `(${k} >= 1 && ${k} <= ${c}.length ? ${c}[Number(${k}) - 1] : null)`;
  },
};

/** The string operator definitions. */
export const STRING_OPERATORS: readonly ScalarFunctionDef[] = [
  CONCAT,
  pattern("LIKE", false),
  pattern("LIKE", true),
  pattern("ILIKE", false),
  pattern("ILIKE", true),
  pattern("SIMILAR TO", false),
  pattern("SIMILAR TO", true),
  ITEM,
];
