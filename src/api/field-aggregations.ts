/**
 * The field aggregations of keyed and windowed streams (`sum`, `min`, `max`, `minBy`, `maxBy`) as
 * reduce functions over a property name or tuple index.
 */

function getField(v: unknown, field: string | number): unknown {
  return (v as Record<string | number, unknown>)[field];
}

function withField<T>(v: T, field: string | number, x: unknown): T {
  if (Array.isArray(v)) {
    const c = v.slice();
    c[field as number] = x;
    return c as T;
  }
  if (v !== null && typeof v === "object") {
    const c = Object.assign(
      Object.create(Object.getPrototypeOf(v) as object) as object,
      v,
    ) as Record<string | number, unknown>;
    c[field] = x;
    return c as T;
  }
  throw new TypeError(
    `cannot aggregate field '${field}' of a ${typeof v}: records must be objects or tuples`,
  );
}

function numericField(v: unknown, field: string | number): number {
  const x = getField(v, field);
  if (typeof x !== "number")
    throw new TypeError(`aggregation field '${field}' is not a number (got ${typeof x})`);
  return x;
}

/** A reduce function implementing `sum`/`min`/`max` on a field. */
export function fieldAggregation<T>(
  field: string | number,
  op: "sum" | "min" | "max",
): (a: T, b: T) => T {
  return (a, b) => {
    const x = numericField(a, field);
    const y = numericField(b, field);
    const r = op === "sum" ? x + y : op === "min" ? Math.min(x, y) : Math.max(x, y);
    return withField(a, field, r);
  };
}

/** A reduce function implementing `minBy`/`maxBy` on a field. */
export function byAggregation<T>(
  field: string | number,
  op: "min" | "max",
  first: boolean,
): (a: T, b: T) => T {
  return (a, b) => {
    const x = numericField(a, field);
    const y = numericField(b, field);
    if (x === y) return first ? a : b;
    return (op === "min" ? y < x : y > x) ? b : a;
  };
}
