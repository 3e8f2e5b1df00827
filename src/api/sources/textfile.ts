/**
 * A bounded source of the lines of UTF-8 text files (`env.readTextFile(path)`). Each file is one
 * split whose position is the byte offset of the next unread line, so a restored reader resumes
 * mid-file. Files are read in 64 KiB chunks with synchronous reads (never whole), lines are cut on
 * `\n` (a trailing `\r` is dropped) and decoded one by one, so multi-byte characters that straddle
 * a chunk boundary decode correctly.
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import {
  Boundedness,
  type InputStatus,
  type ReaderOutput,
  type Source,
  type SourceReader,
  type SourceReaderContext,
} from "../source.ts";
import { SplitQueueReader } from "./split-reader.ts";

/** Bytes read from a file per read call. */
export const TEXT_FILE_CHUNK_SIZE = 64 * 1024;
/** Most chunks read in one `pollNext` call (bounds the work per call when lines are very long). */
const MAX_READS_PER_POLL = 16;
const LF = 0x0a;
const CR = 0x0d;

/** One file to read; `offset` is the byte offset of its next unread line. */
export interface TextFileSplit {
  /** Absolute path of the file. */
  path: string;
  /** Byte offset of the next unread line. */
  offset: number;
}

/**
 * A bounded source of the lines of a UTF-8 text file, or of every regular file of a directory
 * (not recursive; names starting with `.` or `_` are skipped; files are taken in sorted order).
 */
export class TextFileSource implements Source<string, TextFileSplit> {
  /** The file or directory to read. */
  readonly path: string;

  /** Reads the file or directory at `path`. */
  constructor(path: string) {
    if (typeof path !== "string" || path === "") {
      throw new TypeError("TextFileSource: expected a non-empty file or directory path");
    }
    this.path = path;
  }

  /** Always bounded. */
  getBoundedness(): Boundedness {
    return Boundedness.BOUNDED;
  }

  /**
   * One split per file, independent of the parallelism. Throws an Error naming the path when it
   * does not exist (or is neither a file nor a directory).
   */
  createSplits(_parallelism: number): TextFileSplit[] {
    const root = nodePath.resolve(this.path);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(root);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Error(
        `TextFileSource: cannot read '${this.path}'` +
          (code === "ENOENT" ? ": no such file or directory" : `: ${(e as Error).message}`),
        { cause: e },
      );
    }
    if (stat.isFile()) return [{ path: root, offset: 0 }];
    if (!stat.isDirectory()) {
      throw new Error(`TextFileSource: '${this.path}' is neither a file nor a directory`);
    }
    const names = fs
      .readdirSync(root)
      .filter((name) => !name.startsWith(".") && !name.startsWith("_"))
      .sort();
    const splits: TextFileSplit[] = [];
    for (const name of names) {
      const file = nodePath.join(root, name);
      let isFile = false;
      try {
        isFile = fs.statSync(file).isFile(); // follows symbolic links
      } catch {
        // A dangling link or a file removed meanwhile: skip it.
      }
      if (isFile) splits.push({ path: file, offset: 0 });
    }
    return splits;
  }

  /** A reader emitting the lines of its assigned files, file by file. */
  createReader(_context: SourceReaderContext): SourceReader<string, TextFileSplit> {
    return new TextFileReader();
  }
}

/** Reads files line by line. */
class TextFileReader extends SplitQueueReader<string, TextFileSplit> {
  // State of the current file (the head of `splits`), while it is open.
  private fd = -1;
  /** Buffered bytes; `buf[pos..len)` are unread and start at the file offset `splits[0].offset`. */
  private buf: Buffer = Buffer.allocUnsafe(TEXT_FILE_CHUNK_SIZE);
  private pos = 0;
  private len = 0;
  /** Where to look for the next `\n` (`pos <= scan <= len`), so long lines are scanned once. */
  private scan = 0;
  /** File offset of the next read. */
  private readAt = 0;
  private eof = false;
  /** Chunks read in the current `pollNext` call. */
  private reads = 0;
  /** The split whose file was read to the end (it leaves the queue at once). */
  private finished: TextFileSplit | null = null;

  protected copySplit(s: TextFileSplit): TextFileSplit {
    if (typeof s.path !== "string" || !Number.isSafeInteger(s.offset) || s.offset < 0) {
      throw new RangeError(`TextFileSource: invalid split ${JSON.stringify(s)}`);
    }
    return { path: s.path, offset: s.offset };
  }

  protected isFinished(split: TextFileSplit): boolean {
    return split === this.finished;
  }

  /** Like the base poll, reading at most {@link MAX_READS_PER_POLL} chunks. */
  override pollNext(output: ReaderOutput<string>): InputStatus {
    this.reads = 0;
    return super.pollNext(output);
  }

  protected emitFrom(split: TextFileSplit, output: ReaderOutput<string>, budget: number): number {
    if (this.fd < 0) this.openFile(split);
    let emitted = 0;
    while (emitted < budget) {
      const nl = this.len > this.scan ? this.buf.indexOf(LF, this.scan) : -1;
      if (nl >= 0 && nl < this.len) {
        output.collect(this.decodeLine(this.pos, nl));
        emitted++;
        split.offset += nl + 1 - this.pos;
        this.pos = this.scan = nl + 1;
        continue;
      }
      this.scan = this.len;
      if (!this.eof) {
        if (this.reads >= MAX_READS_PER_POLL) break;
        this.reads++;
        this.readChunk();
        continue;
      }
      // End of file: the last line may lack its `\n`; a final `\n` does not start an empty line.
      if (this.pos < this.len) {
        output.collect(this.decodeLine(this.pos, this.len));
        emitted++;
        split.offset += this.len - this.pos;
        this.pos = this.len;
      }
      this.closeFile();
      this.finished = split;
      break;
    }
    return emitted;
  }

  /** Closes the open file and drops the splits. */
  override close(): void {
    this.closeFile();
    super.close();
  }

  /** Decodes `buf[start..end)` as one line, without a trailing `\r`. */
  private decodeLine(start: number, end: number): string {
    if (end > start && this.buf[end - 1] === CR) end--;
    return this.buf.toString("utf8", start, end);
  }

  private openFile(split: TextFileSplit): void {
    this.fd = fs.openSync(split.path, "r");
    this.pos = this.len = this.scan = 0;
    this.readAt = split.offset;
    this.eof = false;
  }

  /** Reads the next chunk behind the unread bytes, making room (or growing) as needed. */
  private readChunk(): void {
    if (this.pos > 0) {
      this.buf.copyWithin(0, this.pos, this.len);
      this.len -= this.pos;
      this.scan -= this.pos;
      this.pos = 0;
    }
    if (this.buf.length - this.len < TEXT_FILE_CHUNK_SIZE) {
      // A line longer than the buffer: grow it to hold the line plus one more chunk.
      const bigger = Buffer.allocUnsafe(
        Math.max(this.buf.length * 2, this.len + TEXT_FILE_CHUNK_SIZE),
      );
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    const n = fs.readSync(this.fd, this.buf, this.len, TEXT_FILE_CHUNK_SIZE, this.readAt);
    if (n === 0) this.eof = true;
    this.len += n;
    this.readAt += n;
  }

  private closeFile(): void {
    if (this.fd >= 0) {
      const fd = this.fd;
      this.fd = -1;
      fs.closeSync(fd);
    }
    this.pos = this.len = this.scan = 0;
    if (this.buf.length > TEXT_FILE_CHUNK_SIZE) this.buf = Buffer.allocUnsafe(TEXT_FILE_CHUNK_SIZE);
  }
}
