/**
 * Rows `[kind, ...fields]` as plain objects keyed by column name, for the conversions to
 * DataStreams. The converter is generated once per table (`new Function`): an object literal with
 * the columns in order gets one hidden class, instead of a shape change per assigned property.
 */
import type { Row } from "../runtime/row.ts";

/** A function from a row to `{ [column]: value }` for the given column names. */
export function rowToObject(names: readonly string[]): (row: Row) => Record<string, unknown> {
  if (names.includes("__proto__")) {
    // An object literal would set the prototype: define the properties one by one instead.
    return (row) => {
      const o: Record<string, unknown> = {};
      names.forEach((n, i) =>
        Object.defineProperty(o, n, {
          value: row[i + 1],
          enumerable: true,
          writable: true,
          configurable: true,
        }),
      );
      return o;
    };
  }
  const fields = names.map((n, i) => `${JSON.stringify(n)}: row[${i + 1}]`);
  return new Function("row", `"use strict";\nreturn { ${fields.join(", ")} };`) as (
    row: Row,
  ) => Record<string, unknown>;
}

/** Names of the row kinds as `toChangelogStream` reports them. */
const KIND_NAMES = ["+I", "-U", "+U", "-D"];

/** A function from a row to `{ kind: "+I" | "-U" | "+U" | "-D", row: { [column]: value } }`. */
export function rowToChange(
  names: readonly string[],
): (row: Row) => { kind: string; row: Record<string, unknown> } {
  const toObject = rowToObject(names);
  if (names.includes("__proto__")) {
    return (row) => ({ kind: KIND_NAMES[row[0] as number]!, row: toObject(row) });
  }
  const fields = names.map((n, i) => `${JSON.stringify(n)}: row[${i + 1}]`);
  return new Function(
    "K",
    `"use strict";\nreturn function change(row) { return { kind: K[row[0]], row: { ${fields.join(", ")} } }; };`,
  )(KIND_NAMES) as (row: Row) => { kind: string; row: Record<string, unknown> };
}
