/**
 * Logical operators and NULL tests: AND, OR (n-ary, three-valued, short-circuit: the code
 * generator evaluates later operands only when needed), NOT, `IS [NOT] NULL`,
 * `IS [NOT] TRUE | FALSE | UNKNOWN`, and the lazy conditional functions COALESCE and IF.
 */
import { BOOLEAN, notNull, withNullability } from "../types/logical-type.ts";
import type { LogicalType } from "../types/logical-type.ts";
import { commonType } from "../types/type-rules.ts";
import type { ScalarFunctionDef } from "./operators.ts";
import { booleanOf, cannotApply, checkArity } from "./typing.ts";

function checkBooleans(name: string, types: readonly LogicalType[]): void {
  for (const t of types) if (t.kind !== "BOOLEAN" && t.kind !== "NULL") cannotApply(name, types);
}

function junction(name: "AND" | "OR"): ScalarFunctionDef {
  return {
    name,
    kind: "operator",
    nullPolicy: "custom",
    deterministic: true,
    lazy: true,
    inferType(types) {
      checkArity(name, types, 2, Infinity);
      checkBooleans(name, types);
      return booleanOf(types);
    },
  };
}

/** `x IS <test>`: never NULL. `code` maps the operand code to the test. */
function isTest(
  name: string,
  code: (a: string, nullable: boolean) => string,
  booleanOnly: boolean,
): ScalarFunctionDef {
  return {
    name,
    kind: "operator",
    nullPolicy: "custom",
    deterministic: true,
    inferType(types) {
      checkArity(name, types, 1);
      if (booleanOnly) checkBooleans(name, types);
      return notNull(BOOLEAN());
    },
    inline: (args, site) => code(args[0]!, site.argNullable[0]!),
  };
}

function commonOf(name: string, types: readonly LogicalType[]): LogicalType {
  const c = commonType(types);
  if (c === null) cannotApply(name, types, "The arguments have no common type");
  return c;
}

/** The logic operator and conditional function definitions. */
export const LOGIC_OPERATORS: readonly ScalarFunctionDef[] = [
  junction("AND"),
  junction("OR"),
  {
    name: "NOT",
    kind: "operator",
    nullPolicy: "strict",
    deterministic: true,
    inferType(types) {
      checkArity("NOT", types, 1);
      checkBooleans("NOT", types);
      return booleanOf(types);
    },
    inline: (args) => `!${args[0]}`,
  },
  isTest("IS NULL", (a, n) => (n ? `(${a} === null)` : "false"), false),
  isTest("IS NOT NULL", (a, n) => (n ? `(${a} !== null)` : "true"), false),
  isTest("IS TRUE", (a) => `(${a} === true)`, true),
  isTest("IS NOT TRUE", (a) => `(${a} !== true)`, true),
  isTest("IS FALSE", (a) => `(${a} === false)`, true),
  isTest("IS NOT FALSE", (a) => `(${a} !== false)`, true),
  isTest("IS UNKNOWN", (a, n) => (n ? `(${a} === null)` : "false"), true),
  isTest("IS NOT UNKNOWN", (a, n) => (n ? `(${a} !== null)` : "true"), true),
  {
    name: "COALESCE",
    kind: "function",
    nullPolicy: "custom",
    deterministic: true,
    lazy: true,
    inferType(types) {
      checkArity("COALESCE", types, 1, Infinity);
      const c = commonOf("COALESCE", types);
      // NOT NULL as soon as one argument is
      return types.some((t) => !t.nullable) ? withNullability(c, false) : c;
    },
  },
  {
    name: "IF",
    kind: "function",
    nullPolicy: "custom",
    deterministic: true,
    lazy: true,
    inferType(types) {
      checkArity("IF", types, 3);
      const k = types[0]!.kind;
      if (k !== "BOOLEAN" && k !== "NULL")
        cannotApply("IF", types, "The condition must be BOOLEAN");
      return commonOf("IF", types.slice(1));
    },
  },
];
