/**
 * Collection functions and value constructors: CARDINALITY (elements of an ARRAY, entries of a
 * MAP, elements with their duplicates of a MULTISET), ELEMENT (the only element of an array,
 * NULL when empty, an error when there are more), ARRAY_CONTAINS (NULL elements can be found;
 * NULL when the array is NULL), MAP_KEYS / MAP_VALUES (in the map's order), and the
 * constructors the planner calls for `ARRAY[...]` (ARRAY_VALUE), `MAP[...]` (MAP_VALUE, a later
 * duplicate key wins) and `ROW(...)` (ROW_VALUE, fields EXPR$0, EXPR$1, ...), whose arguments
 * are converted to the common type.
 */
import { SqlValidationError } from "../expr/errors.ts";
import type { ScalarFunctionDef } from "../expr/operators.ts";
import { coerceValue } from "../expr/repr.ts";
import { cannotApply } from "../expr/typing.ts";
import { valueKey, valuesEqual } from "../types/compare.ts";
import * as T from "../types/logical-type.ts";
import type { LogicalType } from "../types/logical-type.ts";
import { commonType, comparisonType } from "../types/type-rules.ts";
import { any, expectArgs, fn, nullableIf } from "./define.ts";

const isArray = (t: LogicalType) => t.kind === "NULL" || t.kind === "ARRAY";
const isMap = (t: LogicalType) => t.kind === "NULL" || t.kind === "MAP";

const CARDINALITY = fn({
  name: "CARDINALITY",
  inferType(types) {
    expectArgs("CARDINALITY", types, [(t) => isArray(t) || isMap(t) || t.kind === "MULTISET"]);
    return nullableIf(T.notNull(T.INT()), types);
  },
  bind(site) {
    const k = site.argTypes[0]!.kind;
    if (k === "ARRAY") return (a: unknown[]) => a.length;
    if (k === "MAP") return (m: Map<unknown, unknown>) => m.size;
    return (m: Map<unknown, number>) => {
      let n = 0;
      for (const c of m.values()) n += c;
      return n;
    };
  },
});

const ELEMENT = fn({
  name: "ELEMENT",
  mayReturnNull: true,
  inferType(types) {
    expectArgs("ELEMENT", types, [isArray]);
    const t = types[0]!;
    return t.kind === "ARRAY" ? T.asNullable(t.element) : T.STRING();
  },
  impl(a: unknown[]) {
    if (a.length > 1)
      throw new RangeError(`ELEMENT needs an array of at most one element, got ${a.length}`);
    return a.length === 0 ? null : a[0];
  },
});

const ARRAY_CONTAINS = fn({
  name: "ARRAY_CONTAINS",
  nullPolicy: "custom",
  inferType(types) {
    expectArgs("ARRAY_CONTAINS", types, [isArray, any]);
    const [a, v] = types as [LogicalType, LogicalType];
    if (
      a.kind === "ARRAY" &&
      v.kind !== "NULL" &&
      comparisonType(a.element, v, "equality") === null
    ) {
      cannotApply("ARRAY_CONTAINS", types, "The needle must compare with the array's elements");
    }
    return T.withNullability(T.BOOLEAN(), a.nullable);
  },
  bind(site) {
    const [a, v] = site.argTypes as [LogicalType, LogicalType];
    const element = a.kind === "ARRAY" ? a.element : v;
    const cmp =
      v.kind === "NULL" || a.kind !== "ARRAY" ? element : comparisonType(element, v, "equality")!;
    const toCmp = (x: unknown, t: LogicalType) =>
      x === null || t.kind === "NULL" ? x : coerceValue(x, t, cmp);
    return (arr: unknown[] | null, needle: unknown) => {
      if (arr === null) return null;
      const n = toCmp(needle, v);
      for (const e of arr) {
        const x = toCmp(e, element);
        if (
          x === null
            ? n === null
            : n !== null && valuesEqual(x, n) && !(typeof x === "number" && Number.isNaN(x))
        )
          return true;
      }
      return false;
    };
  },
});

function mapPart(name: string, keys: boolean): ScalarFunctionDef {
  return fn({
    name,
    inferType(types) {
      expectArgs(name, types, [isMap]);
      const t = types[0]!;
      if (t.kind !== "MAP") return T.ARRAY(T.STRING());
      return nullableIf(T.notNull(T.ARRAY(keys ? t.key : t.value)), types);
    },
    impl: (m: Map<unknown, unknown>) => (keys ? [...m.keys()] : [...m.values()]),
  });
}

function commonOf(name: string, types: readonly LogicalType[]): LogicalType {
  if (types.every((t) => t.kind === "NULL")) return T.NULL();
  const c = commonType(types);
  if (c === null) cannotApply(name, types, "The elements have no common type");
  return c;
}

function converters(types: readonly LogicalType[], to: LogicalType): ((v: unknown) => unknown)[] {
  return types.map((t) =>
    t.kind === "NULL" || to.kind === "NULL"
      ? (v: unknown) => v
      : (v: unknown) => (v === null ? null : coerceValue(v, t, to)),
  );
}

const ARRAY_VALUE = fn({
  name: "ARRAY_VALUE",
  nullPolicy: "custom",
  inferType(types) {
    expectArgs("ARRAY_VALUE", types, [any], 1, true);
    return T.notNull(T.ARRAY(commonOf("ARRAY", types)));
  },
  bind(site) {
    const convs = converters(site.argTypes, (site.resultType as T.CollectionType).element);
    return (...args: unknown[]) => args.map((v, i) => convs[i]!(v));
  },
});

const MAP_VALUE = fn({
  name: "MAP_VALUE",
  nullPolicy: "custom",
  inferType(types) {
    if (types.length === 0 || types.length % 2 !== 0) {
      throw new SqlValidationError(`MAP needs key-value pairs, got ${types.length} arguments`);
    }
    const keys = types.filter((_, i) => i % 2 === 0);
    const values = types.filter((_, i) => i % 2 === 1);
    return T.notNull(T.MAP(commonOf("MAP", keys), commonOf("MAP", values)));
  },
  bind(site) {
    const t = site.resultType as T.MapType;
    const kc = converters(
      site.argTypes.filter((_, i) => i % 2 === 0),
      t.key,
    );
    const vc = converters(
      site.argTypes.filter((_, i) => i % 2 === 1),
      t.value,
    );
    return (...args: unknown[]) => {
      const out = new Map<unknown, unknown>();
      const seen = new Map<unknown, unknown>();
      for (let i = 0; i < args.length; i += 2) {
        const k = kc[i / 2]!(args[i]);
        const id = valueKey(k);
        const existing = seen.has(id) ? seen.get(id) : k;
        seen.set(id, existing);
        out.set(existing, vc[i / 2]!(args[i + 1]));
      }
      return out;
    };
  },
});

const ROW_VALUE = fn({
  name: "ROW_VALUE",
  nullPolicy: "custom",
  inferType(types) {
    expectArgs("ROW_VALUE", types, [any], 1, true);
    return T.notNull(
      T.ROW(types.map((t, i) => [`EXPR$${i}`, t.kind === "NULL" ? T.STRING() : t] as const)),
    );
  },
  impl: (...args: unknown[]) => args,
});

/** The collection function definitions. */
export const COLLECTION_FUNCTIONS: readonly ScalarFunctionDef[] = [
  CARDINALITY,
  ELEMENT,
  ARRAY_CONTAINS,
  mapPart("MAP_KEYS", true),
  mapPart("MAP_VALUES", false),
  ARRAY_VALUE,
  MAP_VALUE,
  ROW_VALUE,
];
