/**
 * Restoring operator state from a checkpoint or savepoint, at any parallelism: keyed state and
 * timers move by key group (each new subtask takes the key groups it owns from every old file
 * that has them); list state is redistributed round robin (kept as is when the parallelism did not
 * change), union list state goes to every subtask, broadcast state comes from old subtask 0, and
 * source split states are redistributed like list state.
 */
import { InvalidJobError } from "../../core/errors.ts";
import { keyToMapKey, type KeyGroupRange } from "../../core/keygroups.ts";
import type { TypeRegistry } from "../../core/serialization.ts";
import type { OperatorStateBackend, OperatorStateSnapshot } from "../state/operator-state.ts";
import type { InternalTimeServiceManager } from "../state/timers.ts";
import type { KeyedEntry, SnapshotableKeyedBackend, StateMeta, TimerEntry } from "./snapshot.ts";
import type { StateFile } from "./state-file.ts";
import { openStateFile, readChannelState, type CompletedCheckpointRef } from "./storage.ts";
import type { GateRecords } from "./unaligned.ts";

/** What one operator restores from: the file chains of its old subtasks. */
export interface OperatorRestoreData {
  /** Stable operator id. */
  readonly operatorId: string;
  /** Parallelism when the state was taken. */
  readonly oldParallelism: number;
  /** Per old subtask, its files (a full file, then deltas). */
  readonly chains: StateFile[][];
  /** Per old subtask, the in-flight input it stored (unaligned checkpoints), or null. */
  readonly inflight: (GateRecords[] | null)[];
}

/** Restore data of the operators of a job, by operator id. */
export type RestoreData = Map<string, OperatorRestoreData>;

/** An operator of the new job: its id, name and max parallelism. */
export interface RestoreTarget {
  /** Stable operator id. */
  readonly operatorId: string;
  /** Name (for messages). */
  readonly name: string;
  /** Max parallelism of the new job's operator. */
  readonly maxParallelism: number;
  /** Parallelism of the new job's operator. */
  readonly parallelism?: number;
}

/**
 * Checks that a checkpoint fits the new job: every operator with state must still exist (unless
 * `allowNonRestoredState`), and max parallelism must not change. Returns the operator ids of
 * `targets` that have state to restore.
 */
export function matchOperators(
  ref: CompletedCheckpointRef,
  targets: readonly RestoreTarget[],
  allowNonRestoredState: boolean,
): Set<string> {
  const byId = new Map(targets.map((t) => [t.operatorId, t]));
  const matched = new Set<string>();
  const missing: string[] = [];
  for (const op of ref.metadata.operators) {
    const t = byId.get(op.operatorId);
    if (t === undefined) {
      missing.push(`'${op.name}' (id ${op.operatorId})`);
      continue;
    }
    if (t.maxParallelism !== op.maxParallelism) {
      throw new InvalidJobError(
        `cannot restore '${t.name}' from ${ref.directory}: its max parallelism changed from ${op.maxParallelism} to ${t.maxParallelism} (key groups cannot be re-partitioned)`,
      );
    }
    if (
      t.parallelism !== undefined &&
      t.parallelism !== op.parallelism &&
      op.subtasks.some((s) => s.inflight !== undefined)
    ) {
      throw new InvalidJobError(
        `cannot restore '${t.name}' from ${ref.directory} at parallelism ${t.parallelism}: the checkpoint is unaligned and holds in-flight data of ${op.parallelism} subtasks; restore it at parallelism ${op.parallelism}, or rescale from a savepoint (savepoints are always aligned)`,
      );
    }
    matched.add(op.operatorId);
  }
  if (missing.length > 0 && !allowNonRestoredState) {
    throw new InvalidJobError(
      `cannot restore from ${ref.directory}: it has state for operator(s) ${missing.join(", ")} that the job no longer has. ` +
        "Give the operators their old uid(), or pass --allow-non-restored-state to skip that state",
    );
  }
  return matched;
}

/** Reads the state files of the operators in `operatorIds`. */
export async function loadRestoreData(
  ref: CompletedCheckpointRef,
  operatorIds: ReadonlySet<string>,
  registry: TypeRegistry,
): Promise<RestoreData> {
  const out: RestoreData = new Map();
  for (const op of ref.metadata.operators) {
    if (!operatorIds.has(op.operatorId)) continue;
    const chains: StateFile[][] = [];
    const inflight: (GateRecords[] | null)[] = [];
    const subtasks = [...op.subtasks].sort((a, b) => a.subtask - b.subtask);
    for (const st of subtasks) {
      const chain: StateFile[] = [];
      for (const f of st.files) chain.push(await openStateFile(ref.directory, f, registry));
      chains.push(chain);
      inflight[st.subtask] = st.inflight
        ? await readChannelState(ref.directory, st.inflight, registry)
        : null;
    }
    out.set(op.operatorId, {
      operatorId: op.operatorId,
      oldParallelism: op.parallelism,
      chains,
      inflight,
    });
  }
  return out;
}

/** Where restored state goes: one new subtask's backends. */
export interface RestoreInto {
  /** New subtask index. */
  readonly subtask: number;
  /** New parallelism. */
  readonly parallelism: number;
  /** Key groups of the new subtask (null when the operator is not keyed). */
  readonly keyGroupRange: KeyGroupRange | null;
  /** Keyed state backend (keyed operators). */
  readonly keyed: SnapshotableKeyedBackend | null;
  /** Timers (keyed operators). */
  readonly timers: InternalTimeServiceManager | null;
  /** Operator state. */
  readonly operatorState: OperatorStateBackend;
}

function intersects(a: KeyGroupRange, b: KeyGroupRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}

function nsMapKey(ns: unknown): unknown {
  if (ns === undefined) return "";
  const f = (ns as { namespaceKey?: () => unknown }).namespaceKey;
  return typeof f === "function" ? f.call(ns) : keyToMapKey(ns);
}

/** Fills `into` from `data`; returns the restored source split states (null: not a source). */
export function applyOperatorRestore(
  data: OperatorRestoreData,
  into: RestoreInto,
): { splits: unknown[] | null } {
  const range = into.keyGroupRange;
  if (range !== null) {
    for (const chain of data.chains) {
      const own = chain[0]?.header.keyGroupRange;
      if (!own || !intersects(own, range)) continue;
      restoreKeyed(chain, range, into);
    }
  }
  const sameParallelism = data.oldParallelism === into.parallelism;
  const sections = data.chains.map((c) =>
    c.length === 0
      ? { lists: [], broadcast: [], splits: null }
      : c[c.length - 1]!.readOperatorSection(),
  );
  const share = <T>(perOld: T[][]): T[] => {
    if (sameParallelism) return perOld[into.subtask] ?? [];
    const all = perOld.flat();
    return all.filter((_, i) => i % into.parallelism === into.subtask);
  };
  const lists = new Map<string, { distribution: "SPLIT" | "UNION"; perOld: unknown[][] }>();
  sections.forEach((s, old) => {
    for (const l of s.lists) {
      let e = lists.get(l.name);
      if (e === undefined) {
        e = { distribution: l.distribution, perOld: data.chains.map(() => []) };
        lists.set(l.name, e);
      }
      e.perOld[old] = l.values;
    }
  });
  const snapshot: OperatorStateSnapshot = {
    lists: [...lists].map(([name, e]) => ({
      name,
      distribution: e.distribution,
      values: e.distribution === "UNION" ? e.perOld.flat() : share(e.perOld),
    })),
    broadcast: sections[0]?.broadcast ?? [],
  };
  into.operatorState.restore(snapshot);
  const isSource = sections.some((s) => s.splits !== null);
  return { splits: isSource ? share(sections.map((s) => s.splits ?? [])) : null };
}

function restoreKeyed(chain: StateFile[], range: KeyGroupRange, into: RestoreInto): void {
  const keyed = into.keyed;
  const timers: TimerEntry[] = [];
  if (chain.length === 1) {
    chain[0]!.readKeyGroups(range, {
      entry: (meta, kg, e) => keyed?.restoreEntry(meta, kg, e),
      timer: (_kg, t) => timers.push(t),
    });
  } else {
    // A full file and deltas: the last write of each (state, key, namespace) wins, per key group.
    for (let kg = range.start; kg <= range.end; kg++) {
      const merged = new Map<string, { meta: StateMeta; e: KeyedEntry | null }>();
      const kgTimers: TimerEntry[] = [];
      chain.forEach((file, i) => {
        const last = i === chain.length - 1;
        file.readKeyGroups(
          { start: kg, end: kg },
          {
            entry: (meta, _kg, e, deleted) => {
              const k = `${meta.name}\u0000${String(keyToMapKey(e.key))}\u0000${String(nsMapKey(e.ns))}`;
              merged.set(k, { meta, e: deleted ? null : e });
            },
            timer: (_kg, t) => {
              if (last) kgTimers.push(t);
            },
          },
        );
      });
      for (const { meta, e } of merged.values()) if (e !== null) keyed?.restoreEntry(meta, kg, e);
      timers.push(...kgTimers);
    }
  }
  for (const t of timers) into.timers?.restoreTimer(t);
}
