/**
 * The commit side of the {@link FileSink}: a pre-committed part file is complete and durable under
 * its hidden in-progress name; committing renames it to its visible name. Renames are atomic and
 * the commit is idempotent (a file already renamed is left as it is), so a commit retried after a
 * restore never duplicates or loses data.
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import type { Committer } from "../../api/sink.ts";

/** One pre-committed part file: where it is and what it becomes. */
export interface FileSinkCommittable {
  /** The bucket (sub-directory of the base directory, "" for the base itself). */
  readonly bucketId: string;
  /** The visible file name, e.g. `part-<uid>-0-3`. */
  readonly name: string;
  /** Its size in bytes. */
  readonly size: number;
}

/** The hidden (in-progress) name of the part file called `name`. */
export function inProgressName(name: string): string {
  return `.${name}.inprogress`;
}

/** Renames pre-committed part files to their visible names. */
export class FileCommitter implements Committer<FileSinkCommittable> {
  private readonly basePath: string;
  private readonly sinkName: string;

  /** A committer for the part files under `basePath`; `sinkName` names the sink in errors. */
  constructor(basePath: string, sinkName: string) {
    this.basePath = basePath;
    this.sinkName = sinkName;
  }

  /** Makes every part file visible; throws naming the file when neither name exists. */
  commit(committables: FileSinkCommittable[]): void {
    const dirs = new Set<string>();
    for (const c of committables) {
      if (!c || typeof c.name !== "string" || typeof c.bucketId !== "string") {
        throw new TypeError(`${this.sinkName}: malformed committable ${JSON.stringify(c)}`);
      }
      const dir = nodePath.join(this.basePath, c.bucketId);
      const hidden = nodePath.join(dir, inProgressName(c.name));
      const visible = nodePath.join(dir, c.name);
      if (this.rename(hidden, visible)) {
        dirs.add(dir);
      } else if (!fs.existsSync(visible)) {
        throw new Error(
          `${this.sinkName}: cannot commit part file '${visible}': neither it nor its in-progress file '${hidden}' exists (was it deleted?)`,
        );
      }
    }
    for (const dir of dirs) syncDirectory(dir);
  }

  /** Renames `hidden` to `visible`; false when `hidden` does not exist (already committed?). */
  private rename(hidden: string, visible: string): boolean {
    try {
      fs.renameSync(hidden, visible);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw new Error(
        `${this.sinkName}: cannot commit part file '${hidden}' -> '${visible}': ${(e as Error).message}`,
        { cause: e },
      );
    }
  }
}

/** Makes a directory's entries (new or renamed files) durable; best effort where unsupported. */
export function syncDirectory(dir: string): void {
  let fd = -1;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // Some platforms cannot open or fsync a directory; the data itself is already synced.
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}
