/**
 * Per-subtask copies of user function objects. In Flink every parallel instance deserializes its
 * own copy of a function, so instance fields are never shared between subtasks. Worker threads
 * get that for free (each re-builds the job); when several subtasks of one operator share a
 * thread (the "thread" target), each gets a deep copy made here. Closures cannot be copied and
 * stay shared; so do objects that cannot be copied faithfully: instances of classes with ES
 * private (#) members, and objects holding built-ins with internal state (URL, Intl formatters,
 * ...). Those are shared by the subtasks of the thread, as closures are.
 */

/** Built-ins the copy handles itself. */
const COPYABLE_TAGS = new Set([
  "[object Object]",
  "[object Array]",
  "[object Map]",
  "[object Set]",
  "[object Date]",
  "[object RegExp]",
]);

function hasPrivateMembers(proto: object | null): boolean {
  for (let p = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    const ctor = (p as { constructor?: unknown }).constructor;
    if (typeof ctor !== "function") continue;
    let src: string;
    try {
      src = Function.prototype.toString.call(ctor);
    } catch {
      return true;
    }
    if (src.includes("[native code]"))
      return (
        p !== Map.prototype &&
        p !== Set.prototype &&
        p !== Array.prototype &&
        p !== Date.prototype &&
        p !== RegExp.prototype
      );
    // Private members are accessed as `.#x` (or `#x in o`) and declared as `#x =`, `#x;`, `#x(`;
    // a `#` inside a string or template (`${a}#${b}`) is none of these.
    if (/\.\s*#[A-Za-z_$]|#[A-Za-z_$][\w$]*\s*(?:[=;(]|in\s)/.test(src)) return true;
  }
  return false;
}

/** Whether `value` (and everything it holds) can be deep-copied faithfully. */
export function isCopyable(value: unknown, seen: Set<object> = new Set()): boolean {
  if (typeof value !== "object" || value === null || seen.has(value)) return true;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return true;
  const tag = Object.prototype.toString.call(value);
  if (!COPYABLE_TAGS.has(tag)) return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  if (
    proto !== null &&
    proto !== Object.prototype &&
    proto !== Array.prototype &&
    hasPrivateMembers(proto)
  )
    return false;
  if (value instanceof Map) {
    for (const [k, v] of value) if (!isCopyable(k, seen) || !isCopyable(v, seen)) return false;
    return true;
  }
  if (value instanceof Set) {
    for (const v of value) if (!isCopyable(v, seen)) return false;
    return true;
  }
  for (const key of Reflect.ownKeys(value)) {
    const d = Object.getOwnPropertyDescriptor(value, key)!;
    if ("value" in d && !isCopyable(d.value, seen)) return false;
  }
  return true;
}

/**
 * A deep copy of `value` that keeps prototypes, so methods keep working on the copy; `value`
 * itself when it cannot be copied faithfully (see {@link isCopyable}).
 */
export function cloneFunctionObject<T>(value: T): T {
  if (!isCopyable(value)) return value;
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
    Object.setPrototypeOf(m, Object.getPrototypeOf(v) as object);
    for (const [k, x] of Map.prototype.entries.call(v))
      Map.prototype.set.call(m, cloneValue(k, seen), cloneValue(x, seen));
    return copyOwn(v, m, seen);
  }
  if (v instanceof Set) {
    const s = new Set();
    seen.set(v, s);
    Object.setPrototypeOf(s, Object.getPrototypeOf(v) as object);
    for (const x of Set.prototype.values.call(v)) Set.prototype.add.call(s, cloneValue(x, seen));
    return copyOwn(v, s, seen);
  }
  if (v instanceof Date) return new Date(v.getTime());
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    return (v as unknown as { slice(): unknown }).slice();
  }
  if (v instanceof RegExp) return new RegExp(v.source, v.flags);
  if (v instanceof Promise || v instanceof WeakMap || v instanceof WeakSet || v instanceof Error)
    return v;
  const copy = Object.create(Object.getPrototypeOf(v) as object | null) as object;
  seen.set(v, copy);
  return copyOwn(v, copy, seen);
}

function copyOwn(from: object, to: object, seen: Map<object, unknown>): object {
  for (const key of Reflect.ownKeys(from)) {
    const d = Object.getOwnPropertyDescriptor(from, key)!;
    if ("value" in d) d.value = cloneValue(d.value, seen);
    Object.defineProperty(to, key, d);
  }
  return to;
}
