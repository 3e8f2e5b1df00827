/**
 * Canonical snapshots of the disk backend: reading a key group (one range scan), restoring
 * entries (into a registered state's table, or under a pending key until the state is
 * registered), moving pending entries into a state when it registers, and reading the change log.
 */
import { keyToMapKey } from "../../../core/keygroups.ts";
import type { KeyedEntry, StateMeta } from "../../checkpoint/snapshot.ts";
import { checkRestoredKind, fromCanonical, toCanonical } from "../canonical.ts";
import type { HeapState } from "../heap-states.ts";
import { VOID_NAMESPACE } from "../keyed-backend.ts";
import type { MapKey, NsKey, StateEntry } from "../state-table.ts";
import { LoggedKey, type Logged } from "./change-log.ts";
import { decodeMapKey, PENDING_FLAG, stateIdOf } from "./codec.ts";
import type { DiskContext, DiskStateTable, StoredRecord } from "./disk-table.ts";

/** A restored state that is not registered yet. */
export interface DiskPending {
  /** What the snapshot said about it. */
  readonly meta: StateMeta;
  /** Its state id. */
  readonly sid: number;
  /** Next sequence number of its pending keys. */
  seq: number;
}

/** The registered and pending states of a disk backend, by state id. */
export interface DiskStates {
  /** Registered states by id. */
  readonly byId: Map<number, HeapState>;
  /** Pending states by id. */
  readonly pendingById: Map<number, DiskPending>;
}

/** Pending records are `[key, ns, value, t]` in canonical form. */
type PendingRecord = [key: unknown, ns: unknown, value: unknown, t: number];

/** A {@link KeyedEntry} that can be filled again. */
interface MutableEntry {
  key: unknown;
  ns: unknown;
  value: unknown;
  t: number;
}

/** The canonical form of `e` of `state`, in `into` (reused) or a new object. */
function canonicalEntry(state: HeapState, e: StateEntry, into: MutableEntry | false): KeyedEntry {
  const d = state.descriptor;
  let value: unknown;
  let t: number;
  if (d.kind === "list" || d.kind === "map") {
    const c = toCanonical(d, e.value, e.t);
    value = c.value;
    t = c.t;
  } else {
    value = e.value;
    t = d.ttlConfig !== null ? e.t : 0;
  }
  const ns = state.namespaced ? e.ns : undefined;
  if (into === false) return { key: e.key, ns, value, t };
  into.key = e.key;
  into.ns = ns;
  into.value = value;
  into.t = t;
  return into;
}

/**
 * Visits every entry of absolute key group `kg` (the cache must be flushed), in one entry object
 * filled again for every visit.
 */
export function forEachDiskEntry(
  ctx: DiskContext,
  states: DiskStates,
  kg: number,
  now: number,
  visit: (state: string, entry: KeyedEntry) => void,
): void {
  const out: MutableEntry = { key: undefined, ns: undefined, value: undefined, t: 0 };
  const values = ctx.values;
  for (const { key, value } of ctx.store.range(ctx.keys.groupPrefix(kg))) {
    const sid = stateIdOf(key);
    if ((sid & PENDING_FLAG) !== 0) {
      const p = states.pendingById.get(sid & ~PENDING_FLAG);
      if (p === undefined) continue;
      const rec = values.decode(value) as PendingRecord;
      out.key = rec[0];
      out.ns = rec[1];
      out.value = rec[2];
      out.t = rec[3];
      visit(p.meta.name, out);
      continue;
    }
    const state = states.byId.get(sid);
    if (state === undefined) continue;
    const table = state.table as unknown as DiskStateTable;
    const rec = values.decode(value) as StoredRecord;
    const mk = rec.length > 2 && rec[2] !== undefined ? null : decodeMapKey(key, state.namespaced);
    const entry = canonicalEntry(state, table.entryOf(rec, mk), out);
    const ttl = state.descriptor.ttlConfig;
    const kind = state.descriptor.kind;
    if (ttl !== null && ttl.cleanupInFullSnapshot && kind !== "list" && kind !== "map") {
      if (now - entry.t >= ttl.ttl) continue;
    }
    visit(state.descriptor.name, entry);
  }
}

/** Restores `entry` into registered `state` at key group index `group`. */
export function restoreDiskEntry(
  state: HeapState,
  group: number,
  entry: KeyedEntry,
  where: string,
): void {
  const mk = keyToMapKey(entry.key);
  const nsKey = state.namespaced ? state.namespaceKeyOf(entry.ns) : null;
  const d = state.descriptor;
  if (d.kind === "value" && (entry.value === null || entry.value === undefined)) return;
  const value = fromCanonical(d, entry.value, entry.t, where);
  const ns = state.namespaced ? entry.ns : VOID_NAMESPACE;
  (state.table as unknown as DiskStateTable).restore(group, mk, nsKey, {
    key: entry.key,
    ns,
    value,
    t: entry.t,
  });
}

/** The store key and bytes of `entry` of pending state `p` in key group `kg`. */
export function pendingRecord(
  ctx: DiskContext,
  p: DiskPending,
  kg: number,
  entry: KeyedEntry,
): [Buffer, Buffer] {
  const rec: PendingRecord = [entry.key, entry.ns, entry.value, entry.t];
  return [ctx.keys.pendingKey(kg, p.sid, p.seq++), ctx.values.encode(rec)];
}

/** Moves the pending entries of `p` into `state`, which has just been registered. */
export function loadDiskPending(
  ctx: DiskContext,
  state: HeapState,
  p: DiskPending,
  operatorName: string,
  nextVersion: () => void,
): void {
  checkRestoredKind(state.descriptor, state.namespaced, p.meta, operatorName);
  const where = `of operator '${operatorName}'`;
  const prefix = Buffer.alloc(4);
  for (let g = 0; g < ctx.numGroups; g++) {
    prefix.writeUInt16BE(g + ctx.rangeStart, 0);
    prefix.writeUInt16BE(p.sid | PENDING_FLAG, 2);
    const keys: Buffer[] = [];
    const entries: KeyedEntry[] = [];
    for (const { key, value } of ctx.store.range(prefix)) {
      const [k, ns, v, t] = ctx.values.decode(value) as PendingRecord;
      keys.push(key);
      entries.push({ key: k, ns, value: v, t });
    }
    if (keys.length === 0) continue;
    ctx.store.write(() => {
      for (const k of keys) ctx.store.remove(k);
    });
    for (const e of entries) {
      nextVersion(); // not the current record's entries: the cache may evict them
      restoreDiskEntry(state, g, e, where);
    }
  }
}

/**
 * Visits the change log of absolute key group `kg`: every (state, key, namespace) written or
 * deleted since the last snapshot, with its entry now, or null when it is deleted (the cache must
 * be flushed). Entries come from the cache when they are cached, else from the store; the entry
 * object is filled again for every visit.
 */
export function forEachDiskChange(
  ctx: DiskContext,
  states: DiskStates,
  kg: number,
  visit: (state: string, key: unknown, ns: unknown, entry: KeyedEntry | null) => void,
): void {
  const group = kg - ctx.rangeStart;
  const out: MutableEntry = { key: undefined, ns: undefined, value: undefined, t: 0 };
  for (const state of states.byId.values()) {
    const table = state.table as unknown as DiskStateTable;
    const name = state.descriptor.name;
    const one = (ref: Logged, mk: MapKey, nsKey: NsKey | null, ns: unknown): void => {
      let e: StateEntry | null;
      let key: unknown;
      if (ref instanceof LoggedKey) {
        e = table.current(group, mk, nsKey);
        key = ref.key;
      } else {
        e = ref.e;
        key = ref.key;
      }
      visit(name, key, ns, e === null ? null : canonicalEntry(state, e, out));
    };
    const flat = table.changed.flat[group];
    if (flat !== undefined) flat.forEach((ref, mk) => one(ref, mk, null, undefined));
    const nested = table.changed.nested[group];
    if (nested === undefined) continue;
    for (const [nsKey, c] of nested) c.keys.forEach((ref, mk) => one(ref, mk, nsKey, c.ns));
  }
}
