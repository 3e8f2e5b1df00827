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
import { decodeKey, PENDING_FLAG, stateIdOf } from "./codec.ts";
import type { DiskContext, DiskStateTable } from "./disk-table.ts";

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

/** The canonical entry of a stored record of registered `state`. */
function canonicalOf(state: HeapState, key: Buffer, value: Buffer, ctx: DiskContext): KeyedEntry {
  const table = state.table as unknown as DiskStateTable;
  const mk = decodeKey(key, state.namespaced).mapKey;
  const e = table.entryOf(ctx.values.decode(value) as never, mk);
  const c = toCanonical(state.descriptor, e.value, e.t);
  return { key: e.key, ns: state.namespaced ? e.ns : undefined, value: c.value, t: c.t };
}

/** Visits every entry of absolute key group `kg` (the cache must be flushed). */
export function forEachDiskEntry(
  ctx: DiskContext,
  states: DiskStates,
  kg: number,
  now: number,
  visit: (state: string, entry: KeyedEntry) => void,
): void {
  for (const { key, value } of ctx.store.range(ctx.keys.groupPrefix(kg))) {
    const sid = stateIdOf(key);
    if ((sid & PENDING_FLAG) !== 0) {
      const p = states.pendingById.get(sid & ~PENDING_FLAG);
      if (p === undefined) continue;
      const [k, ns, v, t] = ctx.values.decode(value) as PendingRecord;
      visit(p.meta.name, { key: k, ns, value: v, t });
      continue;
    }
    const state = states.byId.get(sid);
    if (state === undefined) continue;
    const entry = canonicalOf(state, key, value, ctx);
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
      for (const k of keys) ctx.store.removeQuiet(k);
    });
    for (const e of entries) {
      nextVersion(); // not the current record's entries: the cache may evict them
      restoreDiskEntry(state, g, e, where);
    }
  }
}

/**
 * Visits the change log of absolute key group `kg`: every (state, key, namespace) written or
 * deleted since the last snapshot, with its entry now, or null when it is deleted.
 */
export function forEachDiskChange(
  ctx: DiskContext,
  states: DiskStates,
  kg: number,
  visit: (state: string, key: unknown, ns: unknown, entry: KeyedEntry | null) => void,
): void {
  for (const [key, userKey, ns] of ctx.store.changed(ctx.keys.groupPrefix(kg))) {
    const state = states.byId.get(stateIdOf(key));
    if (state === undefined) continue;
    const bytes = ctx.store.get(key);
    visit(
      state.descriptor.name,
      userKey,
      ns,
      bytes === undefined ? null : canonicalOf(state, key, bytes, ctx),
    );
  }
}
