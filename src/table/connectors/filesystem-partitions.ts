/**
 * The directory layout of a partitioned `filesystem` table (`PARTITIONED BY (k1, k2)`), as
 * Flink's filesystem connector and Hive lay it out: a row goes to `<path>/k1=v1/k2=v2/`, the
 * partition columns' values are in the directory names and not in the files, and reading puts
 * them back from the names. Names and values are escaped as Hive does (`%` and two upper-case
 * hex digits for control characters, DEL and each of `"#%'*:=?\{[]^` and the slash); a NULL,
 * empty or blank value is the default partition (`partition.default-name`, `__DEFAULT_PARTITION__`), read as NULL.
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { hasTextForm, textConverter, valueToText } from "../formats/convert.ts";
import { FIELD, ROW, type LogicalType, type RowType } from "../types/logical-type.ts";
import type { Row } from "../runtime/row.ts";
import type { TableContext } from "./factory.ts";
import { listFiles } from "./filesystem-source.ts";
import { stringOption } from "./options.ts";

/** `partition.default-name`: the directory value of NULL and blank partition values. */
export const PARTITION_DEFAULT_NAME = stringOption(
  "partition.default-name",
  "The partition value written for a NULL or blank partition column (and read back as NULL).",
  "__DEFAULT_PARTITION__",
);

/** Where the partition columns of a table are and how their values are named. */
export interface PartitionLayout {
  /** The table, for messages. */
  readonly table: string;
  /** The partition columns, in PARTITIONED BY order. */
  readonly keys: readonly string[];
  /** Their positions among the physical columns. */
  readonly keyIndexes: readonly number[];
  /** Their types. */
  readonly keyTypes: readonly LogicalType[];
  /** Positions of the other physical columns (the ones the files hold), in order. */
  readonly dataIndexes: readonly number[];
  /** The ROW type of the columns the files hold. */
  readonly dataRowType: RowType;
  /** The value of NULL and blank partition values. */
  readonly defaultName: string;
}

/** The layout of a table's partitions, or null when the table is not partitioned. */
export function partitionLayout(ctx: TableContext): PartitionLayout | null {
  const keys = ctx.table.partitionKeys;
  if (keys.length === 0) return null;
  const fields = ctx.physicalRowType.fields;
  const keyIndexes = keys.map((k) => fields.findIndex((f) => f.name === k));
  const dataIndexes = fields.map((_, i) => i).filter((i) => !keyIndexes.includes(i));
  return {
    table: ctx.tableName,
    keys,
    keyIndexes,
    keyTypes: keyIndexes.map((i) => fields[i]?.type as LogicalType),
    dataIndexes,
    dataRowType: ROW(dataIndexes.map((i) => FIELD(fields[i]!.name, fields[i]!.type))),
    defaultName: ctx.options.get(PARTITION_DEFAULT_NAME)!,
  };
}

/**
 * Why a table cannot be partitioned as declared (a partition column that is not physical, of a
 * type without a text form, or no column left for the files), or null when it can.
 */
export function partitioningProblem(ctx: TableContext): string | null {
  const physical = ctx.physicalRowType.fields;
  for (const k of ctx.table.partitionKeys) {
    const field = physical.find((f) => f.name === k);
    if (field === undefined) {
      return `partition column '${k}' is not a physical column (computed and metadata columns cannot be partition columns)`;
    }
    if (!hasTextForm(field.type)) {
      return `partition column '${k}' has type ${field.type.kind}, which cannot be a directory name`;
    }
  }
  if (physical.length <= ctx.table.partitionKeys.length) {
    return "every column is a partition column: the files would hold nothing (keep at least one column out of PARTITIONED BY)";
  }
  return null;
}

const HEX = "0123456789ABCDEF";

/** ASCII codes Hive escapes in path names: control characters, DEL and `"#%'*:=?\{[]^` and `/`. */
const ESCAPE = new Uint8Array(128);
for (let c = 0; c < 0x20; c++) ESCAPE[c] = 1;
for (const ch of "\"#%'*/:=?\\{[]^\x7f") ESCAPE[ch.charCodeAt(0)] = 1;

const mustEscape = (code: number): boolean => code < 128 && ESCAPE[code] === 1;

/** Escapes a partition name or value for a directory name (Hive's / Flink's escapePathName). */
export function escapePartitionName(s: string): string {
  let i = 0;
  while (i < s.length && !mustEscape(s.charCodeAt(i))) i++;
  if (i === s.length) return s;
  let out = s.slice(0, i);
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += mustEscape(c) ? `%${HEX[c >> 4]}${HEX[c & 15]}` : s[i];
  }
  return out;
}

/** Undoes {@link escapePartitionName}: `%XX` becomes the character; any other `%` stays. */
export function unescapePartitionName(s: string): string {
  if (!s.includes("%")) return s;
  return s.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}

/** The (unescaped) text of one partition value: the default name for NULL or blank text. */
export function partitionValueText(value: unknown, type: LogicalType, defaultName: string): string {
  if (value === null || value === undefined) return defaultName;
  const text = valueToText(value, type);
  return text.trim() === "" ? defaultName : text;
}

/**
 * A function giving the relative directory `k1=v1/k2=v2` of a runtime row `[kind, f0, ...]`. It
 * remembers the last row's values: consecutive rows of one partition cost a comparison.
 */
export function partitionPathOf(layout: PartitionLayout): (row: Row) => string {
  const n = layout.keys.length;
  const prefixes = layout.keys.map((k, i) => `${i > 0 ? "/" : ""}${escapePartitionName(k)}=`);
  const positions = layout.keyIndexes.map((i) => i + 1);
  const last: unknown[] = new Array<unknown>(n).fill(undefined);
  let lastPath: string | null = null;
  return (row) => {
    if (lastPath !== null) {
      let same = true;
      for (let i = 0; i < n && same; i++) same = row[positions[i]!] === last[i];
      if (same) return lastPath;
    }
    let out = "";
    for (let i = 0; i < n; i++) {
      const value = row[positions[i]!];
      last[i] = value;
      const text = partitionValueText(value, layout.keyTypes[i]!, layout.defaultName);
      out += prefixes[i]! + escapePartitionName(text);
    }
    return (lastPath = out);
  };
}

/** The unescaped value texts of a relative partition directory (`k1=v1/k2=v2`), in key order. */
export function partitionTexts(layout: PartitionLayout, relative: string): string[] {
  const parts = relative.split(/[/\\]/);
  return layout.keys.map((k, i) => {
    const prefix = `${escapePartitionName(k)}=`;
    const part = parts[i];
    if (part === undefined || !part.startsWith(prefix)) {
      throw new Error(
        `filesystem table '${layout.table}': directory '${relative}' is not a partition directory (expected ${prefix}<value> at level ${i + 1})`,
      );
    }
    return unescapePartitionName(part.slice(prefix.length));
  });
}

/**
 * The typed partition values of a file of the table (its directory relative to `root`), in key
 * order; the default name reads as NULL. Throws naming the directory and the column when a value
 * does not fit the column's type.
 */
export function partitionValuesOf(layout: PartitionLayout, root: string, file: string): unknown[] {
  const relative = nodePath.relative(root, nodePath.dirname(file));
  const texts = partitionTexts(layout, relative);
  return texts.map((text, i) => {
    if (text === layout.defaultName) return null;
    try {
      return textConverter(layout.keyTypes[i]!)(text);
    } catch (e) {
      throw new Error(
        `filesystem table '${layout.table}': partition directory '${relative}': value '${text}' of partition column '${layout.keys[i]}': ${(e as Error).message}`,
        { cause: e },
      );
    }
  });
}

const visible = (name: string) => !name.startsWith(".") && !name.startsWith("_");

/**
 * The files of a partitioned table, sorted: the visible files (not starting with `.` or `_`) of
 * the directories `k1=*` / `k2=*` / ... under `root`. Files elsewhere are not the table's. A
 * missing root is an error naming it.
 */
export function listPartitionedFiles(layout: PartitionLayout, root: string): string[] {
  const base = nodePath.resolve(root);
  if (!fs.existsSync(base)) {
    throw new Error(
      `filesystem table '${layout.table}': cannot read '${root}': no such file or directory`,
    );
  }
  if (!fs.statSync(base).isDirectory()) {
    throw new Error(
      `filesystem table '${layout.table}': '${root}' must be a directory: the table is partitioned`,
    );
  }
  let dirs = [base];
  for (const key of layout.keys) {
    const prefix = `${escapePartitionName(key)}=`;
    const next: string[] = [];
    for (const dir of dirs) {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory() && e.name.startsWith(prefix)) next.push(nodePath.join(dir, e.name));
      }
    }
    dirs = next;
  }
  const files: string[] = [];
  for (const dir of dirs) {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isFile() && visible(e.name)) files.push(nodePath.join(dir, e.name));
    }
  }
  return files.sort();
}

/** How rows of a partitioned table are read: what to decode and how to complete the rows. */
export interface PartitionedReading {
  /** The row type the files hold (the format's row type). */
  readonly dataRowType: RowType;
  /** The projection of the files' columns to decode, in the order the rows need them. */
  readonly dataProjection: readonly number[];
  /** The files of the table. */
  files(): string[];
  /** For one file: a function turning its decoded fields into the projected row's fields. */
  rowOf(file: string): (decoded: unknown[]) => unknown[];
}

/**
 * The reading of a partitioned table at `root` producing the physical fields `projection` (in
 * that order): partition columns come from the directory names, the others from the files.
 */
export function partitionedReading(
  layout: PartitionLayout,
  root: string,
  projection: readonly number[],
): PartitionedReading {
  const dataProjection: number[] = [];
  const plan = projection.map((p) => {
    const key = layout.keyIndexes.indexOf(p);
    if (key >= 0) return { partition: true, index: key };
    dataProjection.push(layout.dataIndexes.indexOf(p));
    return { partition: false, index: dataProjection.length - 1 };
  });
  const base = nodePath.resolve(root);
  return {
    dataRowType: layout.dataRowType,
    dataProjection,
    files: () => listPartitionedFiles(layout, base),
    rowOf(file) {
      const values = partitionValuesOf(layout, base, file);
      return (decoded) => plan.map((s) => (s.partition ? values[s.index] : decoded[s.index]));
    },
  };
}

/** What reading a filesystem table takes, partitioned or not. */
export interface TableFiles {
  /** The row type the format decodes (the files' columns). */
  readonly rowType: RowType;
  /** The fields of `rowType` to decode. */
  readonly projection: readonly number[];
  /** For a partitioned table: how rows get their partition columns (else null). */
  readonly partitions: PartitionedReading | null;
  /** The files of the table. */
  files(): string[];
}

/** How to read the physical fields `projection` of a filesystem table at `path`. */
export function tableFiles(
  ctx: TableContext,
  path: string,
  projection: readonly number[],
): TableFiles {
  const layout = partitionLayout(ctx);
  if (layout === null) {
    return {
      rowType: ctx.physicalRowType,
      projection,
      partitions: null,
      files: () => listFiles(path, ctx.tableName),
    };
  }
  const reading = partitionedReading(layout, path, projection);
  return {
    rowType: reading.dataRowType,
    projection: reading.dataProjection,
    partitions: reading,
    files: () => reading.files(),
  };
}
