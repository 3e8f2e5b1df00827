/** Comparators of runtime rows by ORDER BY keys (shared by sorting and window functions). */
import type { Row } from "../runtime/row.ts";
import { compareValues } from "../types/index.ts";
import type { Field, SortKey } from "./logical.ts";

/** Orders rows `[kind, ...fields]` by `keys` over `fields` (direction and NULL placement per key). */
export function rowComparator(
  keys: readonly SortKey[],
  fields: readonly Field[],
): (a: Row, b: Row) => number {
  const cmps = keys.map((key) => {
    const c = compareValues(fields[key.field]!.type, {
      descending: key.descending,
      nulls: key.nullsFirst ? "first" : "last",
    });
    const i = key.field + 1;
    return (a: Row, b: Row) => c(a[i], b[i]);
  });
  return (a: Row, b: Row): number => {
    for (const c of cmps) {
      const r = c(a, b);
      if (r !== 0) return r;
    }
    return 0;
  };
}
