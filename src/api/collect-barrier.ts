/**
 * What a collect sink tells its client besides records: which subtask sent a batch, and where a
 * checkpoint's barrier passed it. A client that keeps each subtask's records apart can then cut
 * the collected changelog exactly at a savepoint (a job stopped with a savepoint and restored
 * from it continues after the cut: exactly-once collection).
 */

/** The marker a collect sink sends when checkpoint `checkpointId`'s barrier passes it. */
export interface CollectBarrier {
  readonly "@@stromCollectBarrier": number;
}

/** A marker for checkpoint `checkpointId`. */
export function collectBarrier(checkpointId: number): CollectBarrier {
  return { "@@stromCollectBarrier": checkpointId };
}

/** The checkpoint id of a marker batch (a batch of exactly one marker), or null for records. */
export function collectBarrierOf(records: readonly unknown[]): number | null {
  if (records.length !== 1) return null;
  const r = records[0];
  if (typeof r !== "object" || r === null || Array.isArray(r)) return null;
  const id = (r as Partial<CollectBarrier>)["@@stromCollectBarrier"];
  return typeof id === "number" ? id : null;
}

/** The collect id a sink's subtask sends with: the sink's id and the subtask index. */
export function subtaskCollectId(collectId: string, subtask: number): string {
  return `${collectId}#${subtask}`;
}

/** Splits what {@link subtaskCollectId} made (subtask 0 for a plain id). */
export function parseCollectId(id: string): { collectId: string; subtask: number } {
  const at = id.lastIndexOf("#");
  if (at < 0) return { collectId: id, subtask: 0 };
  return { collectId: id.slice(0, at), subtask: Number(id.slice(at + 1)) };
}

/** Receives a collect sink's records and barriers. */
export interface CollectHandlers {
  /** A batch of records of subtask `subtask`, in the order the subtask sent them. */
  records(records: unknown[], subtask: number): void;
  /** Checkpoint `checkpointId`'s barrier passed subtask `subtask` after its records so far. */
  barrier?(checkpointId: number, subtask: number): void;
}
