/**
 * The writer of the {@link FileSink}: one hidden in-progress part file per bucket, written with
 * synchronous appends of buffered bytes. A part rolls (is synced, closed and queued for commit)
 * when the rolling policy says so, and every part rolls on `prepareCommit` (each checkpoint and
 * the end of input), so nothing stays open across a checkpoint and a restore has no in-progress
 * file to resume. Names include a random uid chosen per writer, so they never collide across
 * restarts, restores or rescaling.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as nodePath from "node:path";
import type { Cancellable, TimerScheduler } from "../../core/time.ts";
import type {
  PrecommittingSinkWriter,
  SinkInitContext,
  SinkWriterContext,
} from "../../api/sink.ts";
import type { BucketAssigner, BucketAssignerContext } from "./bucket-assigners.ts";
import { inProgressName, syncDirectory, type FileSinkCommittable } from "./file-committer.ts";
import type { OutputFileConfig } from "./output-file-config.ts";
import type { PartFileInfo, RollingPolicy } from "./rolling-policies.ts";

/** Buffered bytes of a part file written out once they exceed this. */
const WRITE_BUFFER_BYTES = 64 * 1024;

/** The settings a writer is created with. */
export interface FileWriterConfig<IN> {
  /** Absolute base directory. */
  readonly basePath: string;
  /** Turns records into bytes. */
  readonly encode: (element: IN) => string | Uint8Array;
  /** Chooses each record's bucket. */
  readonly bucketAssigner: BucketAssigner<IN>;
  /** Decides when parts roll. */
  readonly rollingPolicy: RollingPolicy<IN>;
  /** Part file naming. */
  readonly outputFileConfig: OutputFileConfig;
  /** How often open parts are checked for time-based rolling, ms. */
  readonly bucketCheckInterval: number;
}

/** An open in-progress part file. */
interface PartFile extends PartFileInfo {
  readonly bucketId: string;
  readonly name: string;
  readonly path: string;
  readonly fd: number;
  readonly creationTime: number;
  lastUpdateTime: number;
  size: number;
  chunks: (string | Uint8Array)[];
  buffered: number;
}

/** Writes one subtask's records into hidden part files and pre-commits them. */
export class FileSinkWriter<IN> implements PrecommittingSinkWriter<IN, FileSinkCommittable> {
  private readonly config: FileWriterConfig<IN>;
  private readonly timers: TimerScheduler;
  private readonly place: string;
  private readonly uid = randomUUID();
  private readonly subtask: number;
  private counter = 0;
  private readonly open = new Map<string, PartFile>();
  /** Parts rolled since the last pre-commit. */
  private rolled: FileSinkCommittable[] = [];
  private readonly knownDirs = new Set<string>();
  private timer: Cancellable | null = null;
  private closed = false;
  private readonly bucketContext: BucketAssignerContext;
  private current: SinkWriterContext | null = null;
  /** Bucket ids seen so far -> their checked, normalized form. */
  private readonly buckets = new Map<string, string>();

  /** A writer for subtask `init.subtaskIndex`. */
  constructor(config: FileWriterConfig<IN>, init: SinkInitContext) {
    this.config = config;
    this.timers = init.timers;
    this.subtask = init.subtaskIndex;
    this.place = `FileSink '${init.operatorName}' (subtask ${init.subtaskIndex + 1}/${init.parallelism}, ${config.basePath})`;
    const timers = this.timers;
    this.bucketContext = {
      currentProcessingTime: () => timers.now(),
      timestamp: () => (this.current ? this.current.timestamp() : null),
    };
    this.ensureDir(config.basePath);
    this.scheduleCheck();
  }

  /** Encodes the record into its bucket's part file (rolling it first when the policy says so). */
  write(element: IN, context: SinkWriterContext): void {
    if (this.closed) throw new Error(`${this.place}: write after close`);
    this.current = context;
    let bucketId: string;
    try {
      const raw = this.config.bucketAssigner.getBucketId(element, this.bucketContext);
      bucketId = this.buckets.get(raw) ?? this.checkBucket(raw);
    } catch (e) {
      throw new Error(`${this.place}: no bucket for record ${preview(element)}: ${reason(e)}`, {
        cause: e,
      });
    }
    let bytes: string | Uint8Array;
    try {
      bytes = this.config.encode(element);
      if (typeof bytes !== "string" && !(bytes instanceof Uint8Array)) {
        throw new TypeError(`the encoder returned ${typeof bytes}, not a string or Uint8Array`);
      }
    } catch (e) {
      throw new Error(`${this.place}: cannot encode record ${preview(element)}: ${reason(e)}`, {
        cause: e,
      });
    }
    const now = this.timers.now();
    let part = this.open.get(bucketId);
    if (part && this.config.rollingPolicy.shouldRollOnEvent(part, element)) {
      this.roll(part);
      part = undefined;
    }
    part ??= this.openPart(bucketId, now);
    const n = typeof bytes === "string" ? Buffer.byteLength(bytes) : bytes.byteLength;
    part.chunks.push(bytes);
    part.buffered += n;
    part.size += n;
    part.lastUpdateTime = now;
    if (part.buffered >= WRITE_BUFFER_BYTES) this.writeOut(part);
  }

  /** Writes the buffered bytes of every open part to its file. */
  flush(_endOfInput: boolean): void {
    for (const part of this.open.values()) this.writeOut(part);
  }

  /** Rolls every open part; returns all parts rolled since the last call (synced, closed). */
  prepareCommit(): FileSinkCommittable[] {
    for (const part of [...this.open.values()]) this.roll(part);
    const out = this.rolled;
    this.rolled = [];
    const dirs = new Set(out.map((c) => nodePath.join(this.config.basePath, c.bucketId)));
    for (const dir of dirs) syncDirectory(dir);
    return out;
  }

  /** Stops the periodic check and closes open parts without committing them (they stay hidden). */
  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.timer = null;
    for (const part of this.open.values()) {
      try {
        fs.closeSync(part.fd);
      } catch {
        // Already closed: nothing left to release.
      }
    }
    this.open.clear();
  }

  /** Checks a new bucket id (see {@link checkBucketId}) and remembers its normalized form. */
  private checkBucket(raw: string): string {
    const bucket = checkBucketId(raw);
    if (this.buckets.size >= 10_000) this.buckets.clear();
    this.buckets.set(raw, bucket);
    return bucket;
  }

  private openPart(bucket: string, now: number): PartFile {
    const dir = nodePath.join(this.config.basePath, bucket);
    this.ensureDir(dir);
    const { partPrefix, partSuffix } = this.config.outputFileConfig;
    const name = `${partPrefix}-${this.uid}-${this.subtask}-${this.counter++}${partSuffix}`;
    const path = nodePath.join(dir, inProgressName(name));
    let fd: number;
    try {
      fd = fs.openSync(path, "wx");
    } catch (e) {
      throw new Error(`${this.place}: cannot create part file '${path}': ${reason(e)}`, {
        cause: e,
      });
    }
    const part: PartFile = {
      bucketId: bucket,
      name,
      path,
      fd,
      creationTime: now,
      lastUpdateTime: now,
      size: 0,
      chunks: [],
      buffered: 0,
    };
    this.open.set(bucket, part);
    return part;
  }

  /** Writes out, syncs and closes `part`, and queues it for the next pre-commit. */
  private roll(part: PartFile): void {
    this.writeOut(part);
    try {
      fs.fsyncSync(part.fd);
      fs.closeSync(part.fd);
    } catch (e) {
      throw new Error(`${this.place}: cannot sync part file '${part.path}': ${reason(e)}`, {
        cause: e,
      });
    }
    this.open.delete(part.bucketId);
    this.rolled.push({ bucketId: part.bucketId, name: part.name, size: part.size });
  }

  private writeOut(part: PartFile): void {
    if (part.buffered === 0) return;
    const data =
      part.chunks.length === 1 && typeof part.chunks[0] !== "string"
        ? part.chunks[0]!
        : Buffer.concat(part.chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c)));
    part.chunks = [];
    part.buffered = 0;
    try {
      let off = 0;
      while (off < data.byteLength) off += fs.writeSync(part.fd, data, off);
    } catch (e) {
      throw new Error(`${this.place}: cannot write part file '${part.path}': ${reason(e)}`, {
        cause: e,
      });
    }
  }

  /** Rolls parts due by processing time, then re-arms itself. */
  private scheduleCheck(): void {
    if (this.closed) return;
    const interval = this.config.bucketCheckInterval;
    this.timer = this.timers.scheduleAt(this.timers.now() + interval, () => {
      if (this.closed) return;
      const now = this.timers.now();
      for (const part of [...this.open.values()]) {
        if (this.config.rollingPolicy.shouldRollOnProcessingTime(part, now)) this.roll(part);
      }
      this.scheduleCheck();
    });
  }

  private ensureDir(dir: string): void {
    if (this.knownDirs.has(dir)) return;
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new Error(`${this.place}: cannot create directory '${dir}': ${reason(e)}`, {
        cause: e,
      });
    }
    this.knownDirs.add(dir);
  }
}

/** Checks a bucket id is a relative path inside the base directory; returns it normalized. */
function checkBucketId(bucketId: unknown): string {
  if (typeof bucketId !== "string") {
    throw new TypeError(`the bucket assigner returned ${typeof bucketId}, not a string`);
  }
  if (bucketId === "") return "";
  const parts = bucketId.split(/[/\\]/);
  if (
    nodePath.isAbsolute(bucketId) ||
    bucketId.includes("\0") ||
    parts.some((p) => p === ".." || p === ".")
  ) {
    throw new Error(
      `bucket id '${bucketId}' must be a relative path inside the base directory (no '..', '.' or leading '/')`,
    );
  }
  return parts.filter((p) => p !== "").join(nodePath.sep);
}

/** A short text form of a record for error messages. */
function preview(v: unknown): string {
  let s: string;
  try {
    s = typeof v === "string" ? JSON.stringify(v) : String(v);
  } catch {
    s = `<${typeof v}>`;
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** The message of a caught error, for the message of the error wrapping it. */
function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
