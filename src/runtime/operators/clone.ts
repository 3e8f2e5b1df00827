/**
 * Per-subtask copies of user function objects. In Flink every parallel instance deserializes its
 * own copy of a function, so instance fields are never shared between subtasks. Worker threads
 * get that for free (each re-builds the job); when several subtasks of one operator share a
 * thread (the "thread" target), each gets a deep copy made here. Closures cannot be copied and
 * stay shared; so do objects with ES private (#) fields, which cannot be copied either.
 */

/** A deep copy of `value` that keeps prototypes, so methods keep working on the copy. */
export function cloneFunctionObject<T>(value: T): T {
  return cloneValue(value, new Map()) as T;
}

function cloneValue(v: unknown, seen: Map<object, unknown>): unknown {
  if (typeof v !== "object" || v === null) return v;
  const done = seen.get(v);
  if (done !== undefined) return done;
  if (Array.isArray(v)) {
    const a: unknown[] = [];
    seen.set(v, a);
    for (let i = 0; i < v.length; i++) a[i] = cloneValue(v[i], seen);
    return a;
  }
  if (v instanceof Map) {
    const m = new Map();
    seen.set(v, m);
    for (const [k, x] of v) m.set(cloneValue(k, seen), cloneValue(x, seen));
    return m;
  }
  if (v instanceof Set) {
    const s = new Set();
    seen.set(v, s);
    for (const x of v) s.add(cloneValue(x, seen));
    return s;
  }
  if (v instanceof Date) return new Date(v.getTime());
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    return (v as unknown as { slice(): unknown }).slice();
  }
  if (v instanceof RegExp) return new RegExp(v.source, v.flags);
  if (v instanceof Promise || v instanceof WeakMap || v instanceof WeakSet || v instanceof Error)
    return v;
  const copy = Object.create(Object.getPrototypeOf(v) as object | null) as Record<
    PropertyKey,
    unknown
  >;
  seen.set(v, copy);
  for (const key of Reflect.ownKeys(v)) {
    const d = Object.getOwnPropertyDescriptor(v, key)!;
    if ("value" in d) d.value = cloneValue(d.value, seen);
    Object.defineProperty(copy, key, d);
  }
  return copy;
}
