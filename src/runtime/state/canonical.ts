/**
 * Conversion between the values the state handles store and the canonical snapshot form (see
 * checkpoint/snapshot.ts), shared by the heap and the disk backend. Stored forms: value, reducing
 * and aggregating state keep the value (the accumulator); list state keeps an array, of
 * `{v, t}` elements when it has a time-to-live; map state keeps a Map from the user key's map
 * form to `{k, v, t}` items. Canonical forms: the value, an array of values, a Map from user key
 * to value, plus one last-access time per entry (the latest element time for lists and maps).
 */
import { keyToMapKey } from "../../core/keygroups.ts";
import type { StateDescriptor } from "../../api/state.ts";
import type { StateMeta } from "../checkpoint/snapshot.ts";
import type { MapKey } from "./state-table.ts";

/** An element of a list state with a time-to-live. */
interface Stamped {
  v: unknown;
  t: number;
}

/** An item of a map state. */
interface MapItem {
  k: unknown;
  v: unknown;
  t: number;
}

/** The canonical value and time of a stored value of `descriptor`'s state with entry time `t`. */
export function toCanonical(
  descriptor: StateDescriptor,
  stored: unknown,
  t: number,
): { value: unknown; t: number } {
  const ttl = descriptor.ttlConfig !== null;
  switch (descriptor.kind) {
    case "list": {
      if (!ttl) return { value: stored, t: 0 };
      let last = t;
      const values = (stored as Stamped[]).map((x) => {
        if (x.t > last) last = x.t;
        return x.v;
      });
      return { value: values, t: last };
    }
    case "map": {
      const out = new Map<unknown, unknown>();
      let last = ttl ? t : 0;
      for (const item of (stored as Map<MapKey, MapItem>).values()) {
        out.set(item.k, item.v);
        if (ttl && item.t > last) last = item.t;
      }
      return { value: out, t: last };
    }
    default:
      return { value: stored, t: ttl ? t : 0 };
  }
}

/** The stored form of canonical `value` (last access `t`) for `descriptor`'s state. */
export function fromCanonical(
  descriptor: StateDescriptor,
  value: unknown,
  t: number,
  where: string,
): unknown {
  const ttl = descriptor.ttlConfig !== null;
  switch (descriptor.kind) {
    case "list": {
      if (!Array.isArray(value))
        throw new Error(`restored list state '${descriptor.name}' ${where}: value is not an array`);
      return ttl ? value.map((v: unknown): Stamped => ({ v, t })) : value.slice();
    }
    case "map": {
      if (!(value instanceof Map))
        throw new Error(`restored map state '${descriptor.name}' ${where}: value is not a Map`);
      const m = new Map<MapKey, MapItem>();
      const itemT = ttl ? t : 0;
      for (const [k, v] of value) m.set(keyToMapKey(k), { k, v, t: itemT });
      return m;
    }
    default:
      return value;
  }
}

/** Throws unless the registered state `descriptor` (namespaced or not) matches restored `meta`. */
export function checkRestoredKind(
  descriptor: StateDescriptor,
  namespaced: boolean,
  meta: StateMeta,
  operatorName: string,
): void {
  if (descriptor.kind !== meta.kind || namespaced !== meta.namespaced) {
    const what = (kind: string, ns: boolean): string =>
      `${kind} state${ns ? " with namespace" : ""}`;
    throw new Error(
      `state '${meta.name}' of operator '${operatorName}' was restored as ${what(meta.kind, meta.namespaced)} but is registered as ${what(descriptor.kind, namespaced)}: a state name must keep its kind across versions of a job`,
    );
  }
}
