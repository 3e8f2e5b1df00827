/**
 * The `filesystem` connector: bounded reading of CSV or JSON-lines files, and exactly-once
 * writing of them. Options: `path` (a file or directory to read; a directory to write),
 * `format` (`csv` | `json`, with the format's `csv.*` / `json.*` options), `sink.parallelism`,
 * and the partition options. A partitioned table (PARTITIONED BY) keeps its rows in partition
 * directories `k1=v1/k2=v2` (filesystem-partitions.ts), written by the sink of
 * filesystem-partitioned-sink.ts with partition commit (filesystem-partition-commit.ts).
 *
 * The sink is a two-phase-committing sink: each parallel writer appends lines to a hidden part
 * file `.part-<uuid>-<subtask>-<n>.inprogress`; a checkpoint (or the end of input) closes and
 * fsyncs it, and committing renames it to `part-<uuid>-<subtask>-<n>`, so readers (which skip
 * hidden files) only ever see committed data, and a restore never duplicates or loses lines. It
 * accepts inserts only: any other row kind fails the job naming the row.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as nodePath from "node:path";
import type {
  Committer,
  PrecommittingSinkWriter,
  SinkInitContext,
  TwoPhaseCommittingSink,
} from "../../api/sink.ts";
import { DdlValidationError } from "../catalog/errors.ts";
import type { RowEncoder } from "../formats/format.ts";
import { TableRuntimeError } from "../runtime/errors.ts";
import { ChangelogMode, RowKind, formatRow, type Row } from "../runtime/row.ts";
import { sourceStream } from "../runtime/values.ts";
import type {
  DynamicTableFactory,
  DynamicTableSink,
  ScanTableSource,
  SourceContext,
  TableContext,
} from "./factory.ts";
import { FileRowSource } from "./filesystem-source.ts";
import { intOption, stringOption } from "./options.ts";
import { LOOKUP_OPTIONS } from "./lookup.ts";
import { LOOKUP_RELOAD_TTL, filesystemLookup } from "./filesystem-lookup.ts";
import { PARTITION_OPTIONS, partitionCommitOf } from "./filesystem-partition-commit.ts";
import { partitionedSink } from "./filesystem-partitioned-sink.ts";
import { partitionLayout, partitioningProblem, tableFiles } from "./filesystem-partitions.ts";
import {
  BIGINT,
  FIELD,
  ROW,
  STRING,
  TIMESTAMP_LTZ,
  notNull,
  type LogicalType,
} from "../types/logical-type.ts";

const PATH = stringOption("path", "The file or directory to read, or the directory to write.");
const SINK_PARALLELISM = intOption("sink.parallelism", "Parallelism of the sink.");

/** A closed part file waiting to be made visible. */
export interface PartFileCommittable {
  /** The directory. */
  readonly directory: string;
  /** The visible name. */
  readonly name: string;
}

const hiddenName = (name: string) => `.${name}.inprogress`;

/** Writes the lines of one subtask into part files. */
class PartFileWriter implements PrecommittingSinkWriter<Row, PartFileCommittable> {
  private readonly directory: string;
  private readonly encoder: RowEncoder;
  private readonly table: string;
  private readonly prefix: string;
  private counter = 0;
  private fd = -1;
  private name = "";
  private buffer = "";

  constructor(directory: string, encoder: RowEncoder, table: string, subtask: number) {
    this.directory = directory;
    this.encoder = encoder;
    this.table = table;
    this.prefix = `part-${randomUUID()}-${subtask}-`;
  }

  write(row: Row): void {
    if (row[0] !== RowKind.INSERT) {
      throw new TableRuntimeError(
        `filesystem sink of table '${this.table}' accepts only inserts (+I), got ${formatRow(row)}`,
      );
    }
    this.buffer += this.encoder.encode(row.slice(1)) + "\n";
    if (this.buffer.length >= 65536) this.flush();
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    if (this.fd < 0) {
      fs.mkdirSync(this.directory, { recursive: true });
      this.name = this.prefix + this.counter++;
      this.fd = fs.openSync(nodePath.join(this.directory, hiddenName(this.name)), "w");
    }
    fs.writeSync(this.fd, this.buffer);
    this.buffer = "";
  }

  prepareCommit(): PartFileCommittable[] {
    this.flush();
    if (this.fd < 0) return [];
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.fd = -1;
    return [{ directory: this.directory, name: this.name }];
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}

/** Renames part files to their visible names (idempotent). */
class PartFileCommitter implements Committer<PartFileCommittable> {
  private readonly table: string;
  constructor(table: string) {
    this.table = table;
  }

  commit(committables: PartFileCommittable[]): void {
    for (const c of committables) {
      const hidden = nodePath.join(c.directory, hiddenName(c.name));
      const visible = nodePath.join(c.directory, c.name);
      try {
        fs.renameSync(hidden, visible);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT" || !fs.existsSync(visible)) {
          throw new TableRuntimeError(
            `filesystem sink of table '${this.table}': cannot commit '${visible}': ${(e as Error).message}`,
            { cause: e },
          );
        }
      }
    }
  }
}

/** The exactly-once sink writing part files under a directory. */
export class PartFileSink implements TwoPhaseCommittingSink<Row, PartFileCommittable> {
  /** The directory. */
  readonly directory: string;
  /** The table, for messages. */
  readonly table: string;
  /** Makes an encoder per writer. */
  readonly encoder: () => RowEncoder;

  /** Writes lines made by `encoder` into part files under `directory`. */
  constructor(directory: string, table: string, encoder: () => RowEncoder) {
    this.directory = nodePath.resolve(directory);
    this.table = table;
    this.encoder = encoder;
  }

  /** A writer for one subtask. */
  createWriter(ctx: SinkInitContext): PrecommittingSinkWriter<Row, PartFileCommittable> {
    if (fs.existsSync(this.directory) && !fs.statSync(this.directory).isDirectory()) {
      throw new TableRuntimeError(
        `filesystem sink of table '${this.table}': '${this.directory}' is not a directory`,
      );
    }
    return new PartFileWriter(this.directory, this.encoder(), this.table, ctx.subtaskIndex);
  }

  /** The committer renaming part files. */
  createCommitter(): Committer<PartFileCommittable> {
    return new PartFileCommitter(this.table);
  }
}

function formatOf(ctx: TableContext): NonNullable<TableContext["format"]> {
  return ctx.format!;
}

function createSource(ctx: SourceContext): ScanTableSource {
  const { factory, options } = formatOf(ctx);
  const projection = ctx.projection ?? ctx.physicalRowType.fields.map((_, i) => i);
  const metadataKeys = ctx.metadataKeys ?? [];
  const fields = projection.map((i) => ctx.physicalRowType.fields[i]!);
  const metaTypes = metadataKeys.map((k) => FIELD(k, FILESYSTEM_METADATA[k] ?? STRING()));
  for (const k of metadataKeys) {
    if (!Object.hasOwn(FILESYSTEM_METADATA, k)) {
      throw new DdlValidationError(
        `filesystem table '${ctx.tableName}': unknown metadata key '${k}'`,
      );
    }
  }
  const path = ctx.options.get(PATH)!;
  const files = tableFiles(ctx, path, projection);
  const decoderCtx = {
    rowType: files.rowType,
    projection: files.projection,
    options,
    table: ctx.tableName,
  };
  return {
    bounded: true,
    changelogMode: ChangelogMode.INSERT_ONLY,
    producedType: ROW([...fields.map((f) => FIELD(f.name, f.type)), ...metaTypes]),
    produce: (env) => {
      const source = new FileRowSource(
        path,
        ctx.tableName,
        () => factory.createDecoder(decoderCtx),
        metadataKeys,
        files.partitions,
      );
      return sourceStream(env, source, `filesystem: ${ctx.tableName}`);
    },
  };
}

function createSink(ctx: TableContext): DynamicTableSink {
  const { factory, options } = formatOf(ctx);
  const path = ctx.options.get(PATH)!;
  const parallelism = ctx.options.get(SINK_PARALLELISM);
  const layout = partitionLayout(ctx);
  if (layout !== null) {
    return partitionedSink(ctx, layout, partitionCommitOf(ctx, layout), path, parallelism);
  }
  const encoderCtx = { rowType: ctx.physicalRowType, options, table: ctx.tableName };
  return {
    changelogMode: () => ChangelogMode.INSERT_ONLY,
    consume: (stream) => {
      const sink = stream
        .sinkTo(new PartFileSink(path, ctx.tableName, () => factory.createEncoder(encoderCtx)))
        .name(`filesystem: ${ctx.tableName}`);
      if (parallelism !== undefined) sink.setParallelism(parallelism);
      return sink;
    },
  };
}

/** The metadata the filesystem source can read, with types. */
const FILESYSTEM_METADATA: Readonly<Record<string, LogicalType>> = {
  "file.path": notNull(STRING()),
  "file.name": notNull(STRING()),
  "file.size": notNull(BIGINT()),
  "file.modification-time": notNull(TIMESTAMP_LTZ(3)),
};

/** The `filesystem` connector factory. */
export const FILESYSTEM_CONNECTOR: DynamicTableFactory = {
  identifier: "filesystem",
  requiredOptions: [PATH],
  optionalOptions: [SINK_PARALLELISM, LOOKUP_RELOAD_TTL, ...LOOKUP_OPTIONS, ...PARTITION_OPTIONS],
  usesFormat: true,
  supportsProjection: true,
  readableMetadata: FILESYSTEM_METADATA,
  validate(ctx) {
    const problem = partitioningProblem(ctx);
    if (problem !== null) {
      throw new DdlValidationError(
        `filesystem table '${ctx.tableName}': PARTITIONED BY (${ctx.table.partitionKeys.join(", ")}): ${problem}`,
      );
    }
    partitionCommitOf(ctx, partitionLayout(ctx));
    const p = ctx.options.get(SINK_PARALLELISM);
    if (p !== undefined && p < 1) {
      throw new DdlValidationError(
        `filesystem table '${ctx.tableName}': sink.parallelism must be ≥ 1, got ${p}`,
      );
    }
  },
  statistics: fileStatistics,
  createSource,
  createSink,
  createLookup: (ctx) => filesystemLookup(ctx, ctx.options.get(PATH)!),
};

/**
 * Row-count estimate of a filesystem table: the size of its files divided by an estimated line
 * width (per column: 8 bytes for numbers and times, the declared length up to 32 for strings, 16
 * otherwise, plus a separator; JSON lines also carry the column names). Unknown when the path
 * cannot be read.
 */
function fileStatistics(ctx: TableContext): { rowCount: number } | undefined {
  let bytes = 0;
  try {
    for (const f of tableFiles(ctx, ctx.options.get(PATH)!, []).files()) {
      bytes += fs.statSync(f).size;
    }
  } catch {
    return undefined;
  }
  const json = ctx.format?.factory.identifier === "json";
  let width = 1;
  for (const f of ctx.physicalRowType.fields) {
    const t = f.type;
    const length = "length" in t && typeof t.length === "number" ? t.length : 16;
    width += /CHAR|BINARY/.test(t.kind)
      ? Math.min(length, 32) + 1
      : /ROW|ARRAY|MAP/.test(t.kind)
        ? 16
        : 8;
    if (json) width += f.name.length + 4;
  }
  return { rowCount: Math.ceil(bytes / width) };
}
