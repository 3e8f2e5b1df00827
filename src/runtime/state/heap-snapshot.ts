/**
 * Canonical snapshots of the heap backend (see checkpoint/snapshot.ts): reading one key group of
 * every state table in canonical form, restoring canonical entries into a table, and keeping
 * restored entries of states that are not registered yet until their descriptor arrives.
 */
import { keyToMapKey } from "../../core/keygroups.ts";
import type { KeyedEntry, StateMeta } from "../checkpoint/snapshot.ts";
import { checkRestoredKind, fromCanonical, toCanonical } from "./canonical.ts";
import type { HeapState } from "./heap-states.ts";
import { VOID_NAMESPACE } from "./keyed-backend.ts";
import { UNDEFINED_VALUE, type StateEntry } from "./state-table.ts";

/** Restored entries of one state that is not registered yet, per absolute key group. */
export interface PendingState {
  /** What the snapshot said about the state. */
  readonly meta: StateMeta;
  /** Absolute key group -> entries. */
  readonly groups: Map<number, KeyedEntry[]>;
}

/** A reused entry object for the hot raw-table paths (visitors must copy what they keep). */
const scratch: { key: unknown; ns: unknown; value: unknown; t: number } = {
  key: undefined,
  ns: undefined,
  value: undefined,
  t: 0,
};

/**
 * Visits every entry of `state` in key group index `group` (of the owned range) canonically.
 * The entry object may be reused between calls: a visitor keeping it must copy it. With `run`,
 * a plain value table (no namespace, no TTL) is handed over whole instead, keys in map form.
 */
export function forEachHeapEntry(
  state: HeapState,
  group: number,
  now: number,
  visit: (entry: KeyedEntry) => void,
  run?: (entries: ReadonlyMap<unknown, unknown>, keyObjects: ReadonlyMap<unknown, unknown>) => void,
): void {
  const table = state.table;
  const d = state.descriptor;
  if (table.raw && !table.namespaced) {
    const m = table.rawGroups[group];
    if (m === undefined) return;
    const objs = table.keyObjects;
    if (run !== undefined) {
      run(m, objs);
      return;
    }
    const e = scratch;
    e.ns = undefined;
    e.t = 0;
    if (objs.size === 0) {
      // forEach: no [key, value] pair allocated per entry, as an iterator would.
      m.forEach((value, mk) => {
        e.key = mk;
        e.value = value;
        visit(e);
      });
    } else {
      for (const [mk, value] of m) {
        e.key = objs.has(mk) ? objs.get(mk) : mk;
        e.value = value;
        visit(e);
      }
    }
    return;
  }
  if (table.raw) {
    const g = table.rawNsGroups[group];
    if (g === undefined) return;
    const e = scratch;
    e.t = 0;
    for (const s of g.values()) {
      e.ns = s.ns;
      for (const [mk, v] of s.values) {
        e.key = s.objs !== null && s.objs.has(mk) ? s.objs.get(mk) : mk;
        e.value = v === UNDEFINED_VALUE ? undefined : v;
        visit(e);
      }
    }
    return;
  }
  const ttl = d.ttlConfig;
  const skipExpired =
    ttl !== null && ttl.cleanupInFullSnapshot && d.kind !== "list" && d.kind !== "map";
  const one = (e: StateEntry): void => {
    if (skipExpired && now - e.t >= ttl.ttl) return;
    const c = toCanonical(d, e.value, e.t);
    visit({ key: e.key, ns: state.namespaced ? e.ns : undefined, value: c.value, t: c.t });
  };
  if (!table.namespaced) {
    const m = table.groups[group];
    if (m !== undefined) for (const e of m.values()) one(e);
    return;
  }
  const g = table.nsGroups[group];
  if (g !== undefined) for (const m of g.values()) for (const e of m.values()) one(e);
}

/** Puts canonical `entry` into registered `state`'s table at key group index `group`. */
export function restoreHeapEntry(
  state: HeapState,
  group: number,
  entry: KeyedEntry,
  where: string,
): void {
  const table = state.table;
  const key = entry.key;
  const mk = keyToMapKey(key);
  if (table.raw && !table.namespaced) {
    if (entry.value === null || entry.value === undefined) return; // value state: no value
    let m = table.rawGroups[group];
    if (m === undefined) m = table.rawGroups[group] = new Map();
    if (mk !== key) table.keyObjects.set(mk, key);
    m.set(mk, entry.value);
    return;
  }
  const nsKey = state.namespaced ? state.namespaceKeyOf(entry.ns) : null;
  if (table.raw) {
    const s = table.slot(group, nsKey!, entry.ns, true)!;
    if (mk !== key) (s.objs ??= new Map()).set(mk, key);
    s.values.set(mk, entry.value === undefined ? UNDEFINED_VALUE : entry.value);
    return;
  }
  const value = fromCanonical(state.descriptor, entry.value, entry.t, where);
  const ns = state.namespaced ? entry.ns : VOID_NAMESPACE;
  table.put(group, mk, nsKey, { key, ns, value, t: entry.t });
}

/** Loads the pending restored entries of a state that has just been registered. */
export function loadPending(
  state: HeapState,
  pending: PendingState,
  rangeStart: number,
  operatorName: string,
): void {
  checkRestoredKind(state.descriptor, state.namespaced, pending.meta, operatorName);
  const where = `of operator '${operatorName}'`;
  for (const [kg, entries] of pending.groups) {
    for (const e of entries) restoreHeapEntry(state, kg - rangeStart, e, where);
  }
}
