/**
 * The reading side of the `filesystem` connector: a bounded source of rows decoded from the
 * lines of a file, or of every file of a directory (names starting with `.` or `_` are skipped,
 * as the FileSink's unfinished parts are; files are read in name order). Each file is a split
 * whose position is the byte offset and the number of the next line, so a restored reader
 * resumes mid-file and still names lines correctly.
 *
 * A partitioned table's files are found in its partition directories instead, and each row gets
 * its partition columns from its file's directory names (see filesystem-partitions.ts).
 *
 * A malformed line fails the job with `file <path>, line <n>: <cause>`. With the format's
 * `ignore-parse-errors` (the user's explicit choice to lose such lines) it is skipped instead
 * and counted: the count is reported on stderr when the reader closes and kept per table
 * ({@link skippedLineCount}). Empty lines hold no record and are skipped.
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { PlacedError } from "../../core/errors.ts";
import {
  Boundedness,
  type ReaderOutput,
  type Source,
  type SourceReader,
  type SourceReaderContext,
} from "../../api/source.ts";
import { SplitQueueReader } from "../../api/sources/split-reader.ts";
import { FormatError, type RowDecoder } from "../formats/format.ts";
import { RowKind, type Row } from "../runtime/row.ts";
import { Timestamp } from "../types/timestamp.ts";
import type { PartitionedReading } from "./filesystem-partitions.ts";

const CHUNK = 64 * 1024;
const LF = 0x0a;
const CR = 0x0d;

/** A malformed record in a file; the message names the file and the line. */
export class FormatParseError extends PlacedError {}

/** One file to read and where its next line starts. */
export interface FileLineSplit {
  /** Absolute path of the file. */
  path: string;
  /** Byte offset of the next unread line. */
  offset: number;
  /** Number of lines already read (the next line is `line + 1`). */
  line: number;
}

const skipped = new Map<string, number>();

/** How many malformed lines readers of `table` skipped in this process (ignore-parse-errors). */
export function skippedLineCount(table: string): number {
  return skipped.get(table) ?? 0;
}

/** Lists the files of a path: the file itself, or a directory's visible regular files, sorted. */
export function listFiles(path: string, table: string): string[] {
  const root = nodePath.resolve(path);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(
      `filesystem table '${table}': cannot read '${path}'` +
        (code === "ENOENT" ? ": no such file or directory" : `: ${(e as Error).message}`),
      { cause: e },
    );
  }
  if (stat.isFile()) return [root];
  if (!stat.isDirectory())
    throw new Error(`filesystem table '${table}': '${path}' is neither a file nor a directory`);
  return fs
    .readdirSync(root)
    .filter((n) => !n.startsWith(".") && !n.startsWith("_"))
    .sort()
    .map((n) => nodePath.join(root, n))
    .filter((f) => {
      try {
        return fs.statSync(f).isFile();
      } catch {
        return false;
      }
    });
}

/** A bounded source of the rows decoded from the lines of files. */
export class FileRowSource implements Source<Row, FileLineSplit> {
  /** The file or directory. */
  readonly path: string;
  /** The table, for messages. */
  readonly table: string;
  /** Makes a decoder per reader. */
  readonly decoder: () => RowDecoder;
  /** Metadata keys appended to each row, in order. */
  readonly metadataKeys: readonly string[];
  /** For a partitioned table: its files and how rows get their partition columns. */
  readonly partitions: PartitionedReading | null;

  /**
   * Reads `path` with decoders from `decoder`, appending `metadataKeys` values; `partitions`
   * lists a partitioned table's files and completes its rows.
   */
  constructor(
    path: string,
    table: string,
    decoder: () => RowDecoder,
    metadataKeys: readonly string[] = [],
    partitions: PartitionedReading | null = null,
  ) {
    this.path = path;
    this.table = table;
    this.decoder = decoder;
    this.metadataKeys = metadataKeys;
    this.partitions = partitions;
  }

  /** Always bounded. */
  getBoundedness(): Boundedness {
    return Boundedness.BOUNDED;
  }

  /** One split per file; throws naming the path when it cannot be read. */
  createSplits(_parallelism: number): FileLineSplit[] {
    const files = this.partitions?.files() ?? listFiles(this.path, this.table);
    return files.map((path) => ({ path, offset: 0, line: 0 }));
  }

  /** A reader of the assigned files. */
  createReader(_context: SourceReaderContext): SourceReader<Row, FileLineSplit> {
    return new FileRowReader(this.decoder(), this.table, this.metadataKeys, this.partitions);
  }
}

class FileRowReader extends SplitQueueReader<Row, FileLineSplit> {
  private readonly decoder: RowDecoder;
  private readonly table: string;
  private readonly metadataKeys: readonly string[];
  private readonly partitions: PartitionedReading | null;
  /** Completes the decoded fields of the open file's rows (partitioned tables). */
  private complete: ((decoded: unknown[]) => unknown[]) | null = null;
  private fd = -1;
  private buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  private len = 0;
  private readAt = 0;
  private eof = false;
  private metadata: unknown[] = [];
  private finished: FileLineSplit | null = null;
  private skippedHere = 0;
  private firstSkipped = "";

  constructor(
    decoder: RowDecoder,
    table: string,
    metadataKeys: readonly string[],
    partitions: PartitionedReading | null,
  ) {
    super();
    this.decoder = decoder;
    this.table = table;
    this.metadataKeys = metadataKeys;
    this.partitions = partitions;
  }

  protected copySplit(s: FileLineSplit): FileLineSplit {
    if (
      typeof s.path !== "string" ||
      !Number.isSafeInteger(s.offset) ||
      s.offset < 0 ||
      !Number.isSafeInteger(s.line)
    ) {
      throw new RangeError(`filesystem source: invalid split ${JSON.stringify(s)}`);
    }
    return { path: s.path, offset: s.offset, line: s.line };
  }

  protected isFinished(split: FileLineSplit): boolean {
    return split === this.finished;
  }

  protected emitFrom(split: FileLineSplit, output: ReaderOutput<Row>, budget: number): number {
    if (this.fd < 0) this.open(split);
    let lines = 0;
    let emitted = 0;
    while (lines < budget) {
      const nl = this.len > this.pos ? this.buf.indexOf(LF, this.pos) : -1;
      let end: number;
      if (nl >= 0 && nl < this.len) end = nl;
      else if (!this.eof) {
        this.readChunk();
        continue;
      } else if (this.pos < this.len) end = this.len;
      else {
        this.close0();
        this.finished = split;
        break;
      }
      const next = end === this.len ? end : end + 1;
      const lineEnd = end > this.pos && this.buf[end - 1] === CR ? end - 1 : end;
      let text = this.buf.toString("utf8", this.pos, lineEnd);
      if (split.offset === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      split.offset += next - this.pos;
      split.line++;
      this.pos = next;
      lines++;
      if (text.length === 0) continue;
      const row = this.decode(text, split);
      if (row !== null) {
        output.collect(row);
        emitted++;
      }
    }
    return emitted;
  }

  private decode(text: string, split: FileLineSplit): Row | null {
    let fields: unknown[] | null;
    try {
      fields = this.decoder.decode(text);
    } catch (e) {
      const cause = e instanceof Error ? e.message : String(e);
      const place = `file ${split.path}, line ${split.line}`;
      if (!(e instanceof FormatError) || !this.decoder.ignoreParseErrors) {
        throw new FormatParseError(`${place}: ${cause} (table '${this.table}')`, { cause: e });
      }
      if (this.skippedHere++ === 0) this.firstSkipped = `${place}: ${cause}`;
      skipped.set(this.table, (skipped.get(this.table) ?? 0) + 1);
      return null;
    }
    if (fields === null) return null;
    if (this.complete !== null) fields = this.complete(fields);
    const row: Row = [RowKind.INSERT, ...fields];
    for (const m of this.metadata) row.push(m);
    return row;
  }

  private open(split: FileLineSplit): void {
    if (this.partitions !== null) this.complete = this.partitions.rowOf(split.path);
    this.fd = fs.openSync(split.path, "r");
    this.pos = this.len = 0;
    this.readAt = split.offset;
    this.eof = false;
    if (this.metadataKeys.length > 0) {
      const st = fs.fstatSync(this.fd);
      const values: Record<string, unknown> = {
        "file.path": split.path,
        "file.name": nodePath.basename(split.path),
        "file.size": st.size,
        "file.modification-time": new Timestamp(Math.floor(st.mtimeMs)),
      };
      this.metadata = this.metadataKeys.map((k) => values[k] ?? null);
    }
  }

  private readChunk(): void {
    if (this.pos > 0) {
      this.buf.copyWithin(0, this.pos, this.len);
      this.len -= this.pos;
      this.pos = 0;
    }
    if (this.buf.length - this.len < CHUNK) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + CHUNK));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    const n = fs.readSync(this.fd, this.buf, this.len, CHUNK, this.readAt);
    if (n === 0) this.eof = true;
    this.len += n;
    this.readAt += n;
  }

  private close0(): void {
    if (this.fd >= 0) {
      const fd = this.fd;
      this.fd = -1;
      fs.closeSync(fd);
    }
    this.pos = this.len = 0;
  }

  override close(): void {
    this.close0();
    super.close();
    if (this.skippedHere > 0) {
      process.stderr.write(
        `filesystem source of table '${this.table}' skipped ${this.skippedHere} malformed line(s) ` +
          `(ignore-parse-errors is set); the first: ${this.firstSkipped}\n`,
      );
      this.skippedHere = 0;
    }
  }
}
