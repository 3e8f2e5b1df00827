/**
 * JSON_STRING, JSON_OBJECT and JSON_ARRAY (the call encoding is described in `json.ts`): SQL
 * values become JSON as `json-sql.ts` describes; a value that is itself a JSON_OBJECT or
 * JSON_ARRAY call is inserted as JSON; object keys come out sorted. The constructors are marked
 * not foldable, so that constant folding never turns a nested constructor into a plain string
 * literal (which would then be quoted).
 */
import type { CallSite, ScalarFunctionDef } from "../expr/operators.ts";
import { SqlValidationError } from "../expr/errors.ts";
import * as T from "../types/logical-type.ts";
import { typeToString } from "../types/type-print.ts";
import { any, expectArgs, fn, keywordAt, literalAt, str, stringType } from "./define.ts";
import type { Operands } from "./define.ts";
import { SqlJsonError } from "./json-error.ts";
import { sqlToJson } from "./json-sql.ts";
import { parseJson, stringifyJson } from "./json-value.ts";
import type { JsonValue } from "./json-value.ts";

const JSON_STRING = fn({
  name: "JSON_STRING",
  inferType(types) {
    expectArgs("JSON_STRING", types, [any]);
    return stringType(types[0]!.nullable);
  },
  bind(site) {
    const t = site.argTypes[0]!;
    return (v: unknown) => stringifyJson(sqlToJson(v, t));
  },
});

/** Whether ON NULL is NULL ON NULL, from the last operand. */
function nullOnNull(name: string, operands: Operands, i: number): boolean {
  const lit = literalAt(operands, i);
  if (lit !== undefined && typeof lit.value === "boolean") return lit.value;
  return keywordAt(name, operands, i, "ON NULL behaviour", ["NULL", "ABSENT"]) === "NULL";
}

/** Converts each value operand to JSON: nested JSON_OBJECT / JSON_ARRAY calls stay JSON. */
function jsonValuesOf(site: CallSite, indexes: readonly number[]): ((v: unknown) => JsonValue)[] {
  return indexes.map((i) => {
    const o = site.operands[i]!;
    if (o.kind === "call" && (o.op === "JSON_OBJECT" || o.op === "JSON_ARRAY"))
      return (v) => (v === null ? null : parseJson(v as string));
    const t = site.argTypes[i]!;
    return (v) => sqlToJson(v, t);
  });
}

const JSON_OBJECT = fn({
  name: "JSON_OBJECT",
  nullPolicy: "custom",
  // not folded at plan time: a folded nested constructor would become a plain string literal
  foldable: false,
  inferType(types, operands?: Operands) {
    if (types.length % 2 !== 1) {
      throw new SqlValidationError(
        `JSON_OBJECT needs key-value pairs and an ON NULL behaviour, got ${types.length} arguments`,
      );
    }
    for (let i = 0; i + 1 < types.length; i += 2)
      if (!str(types[i]!))
        throw new SqlValidationError(
          `JSON_OBJECT keys must be character strings, got ${typeToString(types[i]!)}`,
        );
    if (operands !== undefined) nullOnNull("JSON_OBJECT", operands, types.length - 1);
    return T.notNull(T.STRING());
  },
  bind(site) {
    const n = site.argTypes.length;
    const keepNull = nullOnNull("JSON_OBJECT", site.operands, n - 1);
    const values = jsonValuesOf(
      site,
      Array.from({ length: (n - 1) / 2 }, (_, k) => 2 * k + 1),
    );
    return (...args: unknown[]) => {
      const obj = new Map<string, JsonValue>();
      for (let k = 0; 2 * k + 1 < n; k++) {
        const key = args[2 * k];
        if (key === null) throw new SqlJsonError("JSON_OBJECT keys must not be NULL");
        const v = args[2 * k + 1];
        if (v === null && !keepNull) continue;
        obj.set(key as string, values[k]!(v));
      }
      return stringifyJson(obj);
    };
  },
});

const JSON_ARRAY = fn({
  name: "JSON_ARRAY",
  nullPolicy: "custom",
  // not folded at plan time: a folded nested constructor would become a plain string literal
  foldable: false,
  inferType(types, operands?: Operands) {
    if (types.length === 0)
      throw new SqlValidationError("JSON_ARRAY needs its ON NULL behaviour as the last argument");
    if (operands !== undefined) nullOnNull("JSON_ARRAY", operands, types.length - 1);
    return T.notNull(T.STRING());
  },
  bind(site) {
    const n = site.argTypes.length;
    const keepNull = nullOnNull("JSON_ARRAY", site.operands, n - 1);
    const values = jsonValuesOf(
      site,
      Array.from({ length: n - 1 }, (_, k) => k),
    );
    return (...args: unknown[]) => {
      const out: JsonValue[] = [];
      for (let k = 0; k < n - 1; k++) {
        const v = args[k];
        if (v === null && !keepNull) continue;
        out.push(values[k]!(v));
      }
      return stringifyJson(out);
    };
  },
});

/** JSON_STRING, JSON_OBJECT and JSON_ARRAY. */
export const JSON_CONSTRUCTORS: readonly ScalarFunctionDef[] = [
  JSON_STRING,
  JSON_OBJECT,
  JSON_ARRAY,
];
