/**
 * The JSON functions, with Flink's semantics (see `json-path.ts` for paths and modes).
 *
 * Call encoding — the planner maps the special syntax to these calls; every keyword is an
 * upper-case string literal (a planner may omit trailing arguments to get the defaults):
 *
 * - `JSON_VALUE(json, path, returning, onEmpty, onEmptyDefault, onError, onErrorDefault)`:
 *   `returning` is the RETURNING type as a type string literal (`'INT'`, `'DECIMAL(10, 2)'`) or
 *   a NULL literal for the default STRING; `onEmpty` / `onError` are `'NULL'`, `'ERROR'` or
 *   `'DEFAULT'`; `onEmptyDefault` / `onErrorDefault` are the DEFAULT expressions (a NULL literal
 *   when the behaviour is not DEFAULT), converted to the RETURNING type. Defaults: NULL ON EMPTY,
 *   NULL ON ERROR. Arities 2, 3, 5 and 7.
 * - `JSON_QUERY(json, path, wrapper, onEmpty, onError)`: `wrapper` is `'WITHOUT'`,
 *   `'CONDITIONAL'` or `'UNCONDITIONAL'` (ARRAY WRAPPER); `onEmpty` / `onError` are `'NULL'`,
 *   `'EMPTY ARRAY'`, `'EMPTY OBJECT'` or `'ERROR'`. Defaults: WITHOUT, NULL, NULL.
 * - `JSON_EXISTS(json, path [, onError])`: `onError` is `'TRUE'`, `'FALSE'` (default),
 *   `'UNKNOWN'` or `'ERROR'`.
 * - `IS JSON(kind, x)`: `kind` is `'VALUE'`, `'SCALAR'`, `'ARRAY'` or `'OBJECT'`; NULL is not
 *   JSON (FALSE). `IS NOT JSON` is `NOT(IS JSON(...))`.
 * - `JSON_STRING(x)`: the JSON text of any value (NULL for NULL).
 * - `JSON_OBJECT(k1, v1, ..., kn, vn, onNull)` and `JSON_ARRAY(v1, ..., vn, onNull)`: `onNull`
 *   is `'NULL'` (NULL ON NULL) or `'ABSENT'` (ABSENT ON NULL) — a BOOLEAN literal is accepted
 *   too (TRUE means NULL ON NULL). Flink's defaults, which the planner supplies: NULL ON NULL
 *   for JSON_OBJECT, ABSENT ON NULL for JSON_ARRAY. A value that is itself a JSON_OBJECT or
 *   JSON_ARRAY call is inserted as JSON, not as a string. Keys are sorted in the output.
 *
 * Empty and error: a JSON null or a missing match is empty; invalid JSON is an error in strict
 * mode and empty in lax mode; JSON_VALUE on an array or object is empty in lax mode and an error
 * in strict mode (JSON_QUERY on a scalar likewise); a value that does not convert to the
 * RETURNING type is an error. An ERROR behaviour raises a {@link SqlJsonError}.
 */
import { SqlJsonError } from "./json-error.ts";
import { SqlValidationError } from "../expr/errors.ts";
import type { CallSite, ScalarFunctionDef } from "../expr/operators.ts";
import { castFunction } from "../types/cast.ts";
import * as T from "../types/logical-type.ts";
import type { LogicalType } from "../types/logical-type.ts";
import { parseType } from "../types/type-parse.ts";
import { typeToString } from "../types/type-print.ts";
import { isConstructed } from "../types/type-families.ts";
import { expectArgs, fn, keywordAt, literalAt, str, stringType } from "./define.ts";
import type { Operands, Types } from "./define.ts";
import { compileJsonPath, evaluateJsonPath } from "./json-path.ts";
import type { JsonPath } from "./json-path.ts";
import { JSON_CONSTRUCTORS } from "./json-construct.ts";
import { JsonNumber, isContainer, parseJson, scalarText, stringifyJson } from "./json-value.ts";
import type { JsonValue } from "./json-value.ts";

export { SqlJsonError } from "./json-error.ts";

type Outcome =
  { kind: "value"; value: JsonValue } | { kind: "empty" } | { kind: "error"; error: Error };

const EMPTY: Outcome = { kind: "empty" };

function errorOf(e: unknown): Outcome {
  return { kind: "error", error: e instanceof Error ? e : new Error(String(e)) };
}

/** A path getter: compiled once when the path is a literal. */
function pathGetter(site: CallSite): (spec: string) => JsonPath | Error {
  const compile = (spec: string) => {
    try {
      return compileJsonPath(spec);
    } catch (e) {
      return e as Error;
    }
  };
  const lit = literalAt(site.operands, 1);
  if (lit !== undefined && typeof lit.value === "string") {
    const compiled = compile(lit.value);
    return () => compiled;
  }
  return compile;
}

/** Flink's `jsonApiCommonSyntax`: the path's value on the document, empty, or an error. */
function query(json: string, path: JsonPath | Error): Outcome {
  if (path instanceof Error) return errorOf(path);
  let doc: JsonValue;
  try {
    doc = parseJson(json);
  } catch (e) {
    return path.mode === "lax" ? EMPTY : errorOf(e);
  }
  try {
    const r = evaluateJsonPath(path, doc);
    return r === undefined ? EMPTY : { kind: "value", value: r.value };
  } catch (e) {
    return errorOf(e);
  }
}

function fail(error: Error): never {
  throw error instanceof SqlJsonError ? error : new SqlJsonError(error.message, { cause: error });
}

const VALUE_BEHAVIOURS = ["NULL", "ERROR", "DEFAULT"];

function returningType(operands: Operands, types: Types): LogicalType {
  if (types.length < 3) return T.STRING();
  const lit = literalAt(operands, 2);
  if (operands !== undefined && lit === undefined)
    throw new SqlValidationError("The RETURNING type of JSON_VALUE must be a type string literal");
  if (lit === undefined || lit.value === null) return T.STRING();
  let t: LogicalType;
  try {
    t = parseType(String(lit.value));
  } catch (e) {
    throw new SqlValidationError(`Invalid RETURNING type of JSON_VALUE: ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (isConstructed(t))
    throw new SqlValidationError(`JSON_VALUE cannot return ${typeToString(t)}; use JSON_QUERY`);
  return T.asNullable(t);
}

/** Converts a JSON scalar to the RETURNING type (a cast of its text, booleans as TRUE/FALSE). */
function scalarConverter(target: LogicalType): (v: string | boolean | JsonNumber) => unknown {
  if (target.kind === "CHAR" || target.kind === "VARCHAR") {
    const fit = castFunction(T.STRING(), target);
    return (v) => fit(scalarText(v));
  }
  if (target.kind === "BOOLEAN") {
    return (v) => {
      if (typeof v === "boolean") return v;
      if (typeof v === "string" && /^(true|false)$/i.test(v)) return v.toLowerCase() === "true";
      throw new SqlJsonError(
        `Cannot convert JSON ${typeof v === "string" ? `string "${v}"` : `number ${v.text}`} to BOOLEAN`,
      );
    };
  }
  const cast = castFunction(T.STRING(), target);
  return (v) => {
    if (typeof v === "boolean")
      throw new SqlJsonError(
        `Cannot convert JSON boolean ${v} to ${typeToString(T.notNull(target))}`,
      );
    return cast(scalarText(v));
  };
}

function defaultConverter(from: LogicalType, to: LogicalType): (v: unknown) => unknown {
  if (from.kind === "NULL" || T.typesEqual(from, to, true)) return (v) => v;
  const cast = castFunction(from, to);
  return (v) => (v === null ? null : cast(v));
}

const JSON_VALUE = fn({
  name: "JSON_VALUE",
  nullPolicy: "custom",
  mayReturnNull: true,
  inferType(types, operands?: Operands) {
    if (![2, 3, 5, 7].includes(types.length)) {
      throw new SqlValidationError(
        `Invalid number of arguments to 'JSON_VALUE': expected 2, 3, 5 or 7, got ${types.length}`,
      );
    }
    expectArgs("JSON_VALUE", types.slice(0, 2), [str, str]);
    if (operands !== undefined) {
      if (types.length >= 5)
        keywordAt("JSON_VALUE", operands, 3, "ON EMPTY behaviour", VALUE_BEHAVIOURS);
      if (types.length === 7)
        keywordAt("JSON_VALUE", operands, 5, "ON ERROR behaviour", VALUE_BEHAVIOURS);
    }
    return returningType(operands, types);
  },
  bind(site) {
    const n = site.argTypes.length;
    const target = site.resultType;
    const onEmpty =
      n >= 5
        ? keywordAt("JSON_VALUE", site.operands, 3, "ON EMPTY behaviour", VALUE_BEHAVIOURS)
        : "NULL";
    const onError =
      n === 7
        ? keywordAt("JSON_VALUE", site.operands, 5, "ON ERROR behaviour", VALUE_BEHAVIOURS)
        : "NULL";
    const emptyDefault = n >= 5 ? defaultConverter(site.argTypes[4]!, target) : () => null;
    const errorDefault = n === 7 ? defaultConverter(site.argTypes[6]!, target) : () => null;
    const convert = scalarConverter(target);
    const getPath = pathGetter(site);
    const onErr = (error: Error, dflt: unknown) => {
      if (onError === "ERROR") fail(error);
      return onError === "DEFAULT" ? errorDefault(dflt) : null;
    };
    return (
      json: string | null,
      path: string | null,
      _r: unknown,
      _e: unknown,
      de: unknown,
      _o: unknown,
      dr: unknown,
    ) => {
      if (json === null || path === null) return null;
      const p = getPath(path);
      const out = query(json, p);
      if (out.kind === "error") return onErr(out.error, dr);
      const strict = !(p instanceof Error) && p.mode === "strict";
      if (out.kind === "empty" || out.value === null || (!strict && isContainer(out.value))) {
        if (onEmpty === "ERROR")
          fail(new SqlJsonError("Empty result of JSON_VALUE function is not allowed"));
        if (onEmpty !== "DEFAULT") return null;
        try {
          return emptyDefault(de);
        } catch (e) {
          return onErr(e as Error, dr);
        }
      }
      if (isContainer(out.value)) {
        return onErr(
          new SqlJsonError(
            `Strict jsonpath mode requires scalar value, and the actual value is: '${stringifyJson(out.value)}'`,
          ),
          dr,
        );
      }
      try {
        return convert(out.value);
      } catch (e) {
        return onErr(e as Error, dr);
      }
    };
  },
});

const QUERY_BEHAVIOURS = ["NULL", "EMPTY ARRAY", "EMPTY OBJECT", "ERROR"];

function wrapperOf(operands: Operands): string {
  const raw = keywordAt("JSON_QUERY", operands, 2, "wrapper behaviour");
  const w = raw.replace(/\b(WITH|ARRAY|WRAPPER)\b/g, "").trim() || "UNCONDITIONAL";
  if (!["WITHOUT", "CONDITIONAL", "UNCONDITIONAL"].includes(w)) {
    throw new SqlValidationError(
      `Invalid wrapper behaviour '${raw}' for JSON_QUERY; expected WITHOUT, CONDITIONAL or UNCONDITIONAL`,
    );
  }
  return w;
}

const JSON_QUERY = fn({
  name: "JSON_QUERY",
  nullPolicy: "custom",
  mayReturnNull: true,
  inferType(types, operands?: Operands) {
    expectArgs("JSON_QUERY", types, [str, str, str, str, str], 2);
    if (operands !== undefined) {
      if (types.length >= 3) wrapperOf(operands);
      if (types.length >= 4)
        keywordAt("JSON_QUERY", operands, 3, "ON EMPTY behaviour", QUERY_BEHAVIOURS);
      if (types.length >= 5)
        keywordAt("JSON_QUERY", operands, 4, "ON ERROR behaviour", QUERY_BEHAVIOURS);
    }
    return stringType(true);
  },
  bind(site) {
    const n = site.argTypes.length;
    const wrapper = n >= 3 ? wrapperOf(site.operands) : "WITHOUT";
    const onEmpty =
      n >= 4
        ? keywordAt("JSON_QUERY", site.operands, 3, "ON EMPTY behaviour", QUERY_BEHAVIOURS)
        : "NULL";
    const onError =
      n >= 5
        ? keywordAt("JSON_QUERY", site.operands, 4, "ON ERROR behaviour", QUERY_BEHAVIOURS)
        : "NULL";
    const getPath = pathGetter(site);
    const fallback = (behaviour: string, error: Error) => {
      if (behaviour === "ERROR") fail(error);
      return behaviour === "EMPTY ARRAY" ? "[]" : behaviour === "EMPTY OBJECT" ? "{}" : null;
    };
    return (json: string | null, path: string | null) => {
      if (json === null || path === null) return null;
      const p = getPath(path);
      const out = query(json, p);
      if (out.kind === "error") return fallback(onError, out.error);
      const emptyError = new SqlJsonError("Empty result of JSON_QUERY function is not allowed");
      if (out.kind === "empty" || out.value === null) return fallback(onEmpty, emptyError);
      let value = out.value;
      if (wrapper === "UNCONDITIONAL" || (wrapper === "CONDITIONAL" && !Array.isArray(value)))
        value = [value];
      const strict = !(p instanceof Error) && p.mode === "strict";
      if (!isContainer(value)) {
        if (!strict) return fallback(onEmpty, emptyError);
        const text = stringifyJson(value);
        return fallback(
          onError,
          new SqlJsonError(
            `Strict jsonpath mode requires array or object value, and the actual value is: '${text}'`,
          ),
        );
      }
      return stringifyJson(value);
    };
  },
});

const EXISTS_BEHAVIOURS = ["TRUE", "FALSE", "UNKNOWN", "ERROR"];

const JSON_EXISTS = fn({
  name: "JSON_EXISTS",
  inferType(types, operands?: Operands) {
    expectArgs("JSON_EXISTS", types, [str, str, str], 2);
    const onError =
      types.length === 3 && operands !== undefined
        ? keywordAt("JSON_EXISTS", operands, 2, "ON ERROR behaviour", EXISTS_BEHAVIOURS)
        : "FALSE";
    return T.withNullability(
      T.BOOLEAN(),
      onError === "UNKNOWN" || types[0]!.nullable || types[1]!.nullable,
    );
  },
  mayReturnNull: (site) =>
    site.argTypes.length === 3 &&
    keywordAt("JSON_EXISTS", site.operands, 2, "ON ERROR behaviour", EXISTS_BEHAVIOURS) ===
      "UNKNOWN",
  bind(site) {
    const onError =
      site.argTypes.length === 3
        ? keywordAt("JSON_EXISTS", site.operands, 2, "ON ERROR behaviour", EXISTS_BEHAVIOURS)
        : "FALSE";
    const getPath = pathGetter(site);
    return (json: string, path: string) => {
      const out = query(json, getPath(path));
      if (out.kind !== "error") return out.kind === "value" && out.value !== null;
      if (onError === "ERROR") fail(out.error);
      return onError === "TRUE" ? true : onError === "FALSE" ? false : null;
    };
  },
});

const IS_JSON = fn({
  name: "IS JSON",
  kind: "operator",
  nullPolicy: "custom",
  inferType(types, operands?: Operands) {
    expectArgs("IS JSON", types, [str, str]);
    if (operands !== undefined)
      keywordAt("IS JSON", operands, 0, "JSON type", ["VALUE", "SCALAR", "ARRAY", "OBJECT"]);
    return T.notNull(T.BOOLEAN());
  },
  bind(site) {
    const kind = keywordAt("IS JSON", site.operands, 0, "JSON type", [
      "VALUE",
      "SCALAR",
      "ARRAY",
      "OBJECT",
    ]);
    return (_kind: string, x: string | null) => {
      if (x === null) return false;
      let v: JsonValue;
      try {
        v = parseJson(x);
      } catch {
        return false;
      }
      if (kind === "VALUE") return true;
      if (kind === "ARRAY") return Array.isArray(v);
      if (kind === "OBJECT") return v instanceof Map;
      return !isContainer(v);
    };
  },
});

/** The JSON function definitions. */
export const JSON_FUNCTIONS: readonly ScalarFunctionDef[] = [
  JSON_VALUE,
  JSON_QUERY,
  JSON_EXISTS,
  IS_JSON,
  ...JSON_CONSTRUCTORS,
];
