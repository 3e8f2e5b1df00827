/**
 * Rows and changelogs of the SQL runtime. A row flowing through the runtime is a JS array
 * `[kind, f0, f1, ...]`: index 0 is the {@link RowKind} (0 = +I, 1 = -U, 2 = +U, 3 = -D) and
 * the fields follow at 1..n ("field i" is `row[i + 1]`). A dynamic table is the changelog of its
 * rows; every plan edge has a {@link ChangelogMode} saying which kinds may travel on it.
 */
import { ChangelogError } from "./errors.ts";
import { arraysEqual, groupingKey, rowIdentity, valuesEqual } from "./value-keys.ts";
import { keyToMapKey } from "../../core/keygroups.ts";

/** The kind of a change: insert, update-before (retract), update-after, delete. */
export type RowKind = 0 | 1 | 2 | 3;
/** The row kinds as constants (Flink's `RowKind`). */
export const RowKind = {
  /** `+I`: a new row. */
  INSERT: 0,
  /** `-U`: the old content of an updated row (a retraction). */
  UPDATE_BEFORE: 1,
  /** `+U`: the new content of an updated row. */
  UPDATE_AFTER: 2,
  /** `-D`: a deleted row (a retraction). */
  DELETE: 3,
} as const;

/** The short names of the row kinds, by kind: `+I`, `-U`, `+U`, `-D`. */
export const ROW_KIND_NAMES: readonly string[] = ["+I", "-U", "+U", "-D"];

/** A runtime row: `[kind, ...fields]` (see the module comment). */
export type Row = unknown[];

/** Which row kinds travel on a plan edge. Plain data, so it can live in a plan. */
export interface ChangelogMode {
  /** The mode's name. */
  readonly name: "INSERT_ONLY" | "RETRACT" | "UPSERT";
  /** The row kinds that may occur. */
  readonly kinds: readonly RowKind[];
  /** Whether changes are keyed (UPSERT: `+U` replaces the row of its key, no `-U`). */
  readonly keyed: boolean;
}

/** The three changelog modes of Flink's planner. */
export const ChangelogMode = {
  /** Only `+I`: an append-only table. */
  INSERT_ONLY: { name: "INSERT_ONLY", kinds: [0], keyed: false } as ChangelogMode,
  /** `+I -U +U -D`: every update retracts the old row first. */
  RETRACT: { name: "RETRACT", kinds: [0, 1, 2, 3], keyed: false } as ChangelogMode,
  /** `+I +U -D` with a key: `+U` replaces the row of its key, `-D` deletes it. */
  UPSERT: { name: "UPSERT", kinds: [0, 2, 3], keyed: true } as ChangelogMode,
} as const;

/** Whether `kind` may occur in `mode`. */
export function modeContains(mode: ChangelogMode, kind: RowKind): boolean {
  return mode.kinds.includes(kind);
}

/** Whether `mode` carries inserts only. */
export function isInsertOnly(mode: ChangelogMode): boolean {
  return mode.kinds.length === 1 && mode.kinds[0] === RowKind.INSERT;
}

/** Whether a row of this kind adds to its table (`+I`, `+U`). */
export function isAccumulate(kind: number): boolean {
  return kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER;
}

/** Whether a row of this kind removes from its table (`-U`, `-D`). */
export function isRetract(kind: number): boolean {
  return kind === RowKind.UPDATE_BEFORE || kind === RowKind.DELETE;
}

/** Whether `v` is a row kind (0..3). */
export function isRowKind(v: unknown): v is RowKind {
  return v === 0 || v === 1 || v === 2 || v === 3;
}

/**
 * The kind of `row`, checked: throws a {@link ChangelogError} naming `place` when `row` is not an
 * array starting with a row kind.
 */
export function kindOf(row: unknown, place: string): RowKind {
  if (!Array.isArray(row) || !isRowKind(row[0])) {
    throw new ChangelogError(
      `${place}: expected a row [kind, ...fields] with kind 0..3 (+I -U +U -D), got ${formatValue(row)}`,
    );
  }
  return row[0];
}

/** Throws a {@link ChangelogError} naming `place` when `row`'s kind is not allowed in `mode`. */
export function checkRowKind(row: Row, mode: ChangelogMode, place: string): RowKind {
  const kind = kindOf(row, place);
  if (!mode.kinds.includes(kind)) {
    throw new ChangelogError(
      `${place}: a ${ROW_KIND_NAMES[kind]} row in a ${mode.name} changelog: ${formatRow(row)}`,
    );
  }
  return kind;
}

/** The fields of a row (a copy without the kind). */
export function rowFields(row: Row): unknown[] {
  return row.slice(1);
}

/** `row` with another kind: `row` itself when the kind is already `kind`, else a copy. */
export function withKind(row: Row, kind: RowKind): Row {
  if (row[0] === kind) return row;
  const copy = row.slice();
  copy[0] = kind;
  return copy;
}

/** A row of `kind` with `fields`. */
export function makeRow(kind: RowKind, fields: readonly unknown[]): Row {
  const row: Row = new Array(fields.length + 1);
  row[0] = kind;
  for (let i = 0; i < fields.length; i++) row[i + 1] = fields[i];
  return row;
}

/** `+I` rows of the given field arrays. */
export function insertRows(rows: readonly (readonly unknown[])[]): Row[] {
  return rows.map((f) => makeRow(RowKind.INSERT, f));
}

/** Whether two rows have equal fields (kinds ignored). */
export function sameFields(a: Row, b: Row): boolean {
  return arraysEqual(a, b, 1);
}

/** A SQL value as Flink prints it inside a row (`null`, `12.30`, bytes as `[1, 2]`...). */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return v;
  if (typeof v === "bigint" || typeof v === "number" || typeof v === "boolean") return String(v);
  if (v instanceof Uint8Array) return `[${[...v].join(", ")}]`;
  if (Array.isArray(v)) return `[${v.map(formatValue).join(", ")}]`;
  if (v instanceof Map) {
    return `{${[...v].map(([k, x]) => `${formatValue(k)}=${formatValue(x)}`).join(", ")}}`;
  }
  return String(v);
}

/** A row as Flink prints it: `+I[a, 1]`. */
export function formatRow(row: Row): string {
  const kind = isRowKind(row[0]) ? ROW_KIND_NAMES[row[0]] : `?${String(row[0])}`;
  return `${kind}[${row.slice(1).map(formatValue).join(", ")}]`;
}

/**
 * Materializes a changelog into its final table: the field arrays of the rows that remain, in
 * the order they were first added.
 *
 * - Without `keyFields` the table is a multiset: `+I`/`+U` add a row, `-U`/`-D` remove one equal
 *   row (fields compared by value), and a retraction of a row that is not there throws a
 *   {@link ChangelogError} naming the row and its position.
 * - With `keyFields` (0-based field positions: an upsert key) the table holds one row per key:
 *   `+I`/`+U` put the row of its key, `-U`/`-D` remove the key, which must be there.
 */
export function applyChangelog(rows: readonly Row[], keyFields?: readonly number[]): unknown[][] {
  return keyFields === undefined ? applyMultiset(rows) : applyUpsert(rows, keyFields);
}

type MapKey = ReturnType<typeof keyToMapKey>;

function applyMultiset(rows: readonly Row[]): unknown[][] {
  const table = new Map<MapKey, { fields: unknown[]; count: number }>();
  rows.forEach((row, i) => {
    const kind = kindOf(row, `applyChangelog (row ${i})`);
    const id = rowIdentity(row);
    const entry = table.get(id);
    if (isAccumulate(kind)) {
      if (entry === undefined) table.set(id, { fields: row.slice(1), count: 1 });
      else entry.count++;
      return;
    }
    if (entry === undefined) {
      throw new ChangelogError(
        `applyChangelog: row ${i} ${formatRow(row)} retracts a row that is not in the table`,
      );
    }
    if (--entry.count === 0) table.delete(id);
  });
  const out: unknown[][] = [];
  for (const { fields, count } of table.values()) for (let c = 0; c < count; c++) out.push(fields);
  return out;
}

function applyUpsert(rows: readonly Row[], keyFields: readonly number[]): unknown[][] {
  const table = new Map<MapKey, unknown[]>();
  rows.forEach((row, i) => {
    const kind = kindOf(row, `applyChangelog (row ${i})`);
    const keyValues = keyFields.map((f) => {
      if (!Number.isInteger(f) || f < 0 || f + 1 >= row.length) {
        throw new ChangelogError(
          `applyChangelog: key field ${f} is not a field of row ${i} ${formatRow(row)}`,
        );
      }
      return row[f + 1];
    });
    const key = keyToMapKey(groupingKey(keyValues));
    if (isAccumulate(kind)) {
      table.set(key, row.slice(1));
      return;
    }
    const prev = table.get(key);
    if (prev === undefined) {
      throw new ChangelogError(
        `applyChangelog: row ${i} ${formatRow(row)} deletes key [${keyValues.map(formatValue).join(", ")}] that is not in the table`,
      );
    }
    table.delete(key);
  });
  return [...table.values()];
}

/** Whether two materialized tables hold the same rows with the same multiplicities. */
export function sameTable(a: readonly unknown[][], b: readonly unknown[][]): boolean {
  if (a.length !== b.length) return false;
  const counts = new Map<MapKey, number>();
  for (const r of a) {
    const k = rowIdentity([0, ...r]);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  for (const r of b) {
    const k = rowIdentity([0, ...r]);
    const c = counts.get(k);
    if (c === undefined) return false;
    if (c === 1) counts.delete(k);
    else counts.set(k, c - 1);
  }
  return counts.size === 0;
}

/** Whether two rows are equal, kinds included. */
export function rowsEqual(a: Row, b: Row): boolean {
  return a[0] === b[0] && a.length === b.length && valuesEqual(a.slice(1), b.slice(1));
}
