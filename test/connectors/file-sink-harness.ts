/**
 * Helpers of the FileSink tests: a SinkOperator opened with a minimal operator context (real
 * operator state backend, manual clock), copies of its operator state as a checkpoint would hold
 * them (and their round-robin split for a rescaled restore), and views of the files written.
 */
import { afterEach, beforeEach } from "node:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BasePathBucketAssigner, FileSink, SimpleStringEncoder, type Sink } from "strom";
import { ListStateDescriptor } from "../../src/api/state.ts";
import type { ManualTimerScheduler } from "../../src/core/time.ts";
import type { OperatorContext } from "../../src/runtime/operators/operator.ts";
import { SinkOperator } from "../../src/runtime/operators/sinks.ts";
import { OperatorStateBackend } from "../../src/runtime/state/operator-state.ts";

/** A fresh temporary directory per test (removed afterwards); call at module level. */
export function useTempDir(): () => string {
  let dir = "";
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "strom-file-sink-"));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => dir;
}

/** Operator list states as a checkpoint would hold them: name -> values (deep copies). */
export type StateCopy = Map<string, unknown[]>;

/** An opened sink operator and its operator state. */
export interface Harness {
  op: SinkOperator;
  state: OperatorStateBackend;
}

/** Where the operator runs and what it restores. */
export interface HarnessOptions {
  subtask?: number;
  parallelism?: number;
  checkpointing?: boolean;
  /** Restored operator state (the operator then runs with `isRestored`). */
  restored?: StateCopy;
}

/** A SinkOperator named "Files" set up with a minimal context and opened. */
export async function openSink(
  sink: Sink<unknown>,
  timers: ManualTimerScheduler,
  o: HarnessOptions = {},
): Promise<Harness> {
  const state = new OperatorStateBackend("Files");
  for (const [name, values] of o.restored ?? []) {
    state.getListState(new ListStateDescriptor<unknown>(name)).update(structuredClone(values));
  }
  const ctx = {
    operatorName: "Files",
    taskName: "Files (1/1)",
    jobName: "test",
    subtaskIndex: o.subtask ?? 0,
    parallelism: o.parallelism ?? 1,
    maxParallelism: 128,
    batch: false,
    timers,
    registerProcessingTimer: (time: number, cb: () => void) => timers.scheduleAt(time, cb),
    mailbox: { execute: (action: () => void) => action() },
    runtimeContext: {} as never,
    keys: [],
    autoWatermarkInterval: 200,
    keyedBackend: null,
    timeServiceManager: null,
    operatorState: state,
    collectToClient: () => {},
    isRestored: o.restored !== undefined,
    checkpointing: o.checkpointing ?? true,
  } satisfies OperatorContext;
  const op = new SinkOperator(sink);
  op.setup(ctx, {} as never);
  await op.open();
  return { op, state };
}

/** What a checkpoint would store of `state` (every list state, deep-copied). */
export function copyState(state: OperatorStateBackend): StateCopy {
  const out: StateCopy = new Map();
  for (const name of state.getRegisteredStateNames()) {
    out.set(name, structuredClone([...state.getListState(new ListStateDescriptor(name)).get()]));
  }
  return out;
}

/** Splits each list of `copy` round robin among `n` subtasks (SPLIT redistribution). */
export function splitState(copy: StateCopy, n: number): StateCopy[] {
  const out = Array.from({ length: n }, () => new Map() as StateCopy);
  for (const [name, values] of copy) {
    for (let i = 0; i < n; i++) out[i]!.set(name, []);
    values.forEach((v, i) => out[i % n]!.get(name)!.push(v));
  }
  return out;
}

/** Every file under `root` (relative paths, sorted), hidden ones included. */
export function listFiles(root: string): string[] {
  return (fs.readdirSync(root, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(root, f)).isFile())
    .sort();
}
const isHidden = (f: string) => path.basename(f).startsWith(".");
/** Committed (visible) files under `root`. */
export const visibleFiles = (root: string): string[] => listFiles(root).filter((f) => !isHidden(f));
/** In-progress or pending (hidden) files under `root`. */
export const hiddenFiles = (root: string): string[] => listFiles(root).filter(isHidden);

/** Lines of every visible file under `root`, sorted. */
export function visibleLines(root: string): string[] {
  return visibleFiles(root)
    .flatMap((f) => fs.readFileSync(path.join(root, f), "utf8").split("\n"))
    .filter((l) => l !== "")
    .sort();
}

/** Writes `values` through the operator (timestamp 0). */
export function write(op: SinkOperator, ...values: unknown[]): void {
  for (const v of values) op.processElement(v, 0);
}

/** A FileSink of text lines directly under `root`. */
export function simpleSink(root: string): Sink<unknown> {
  return FileSink.forRowFormat<unknown>(root, new SimpleStringEncoder())
    .withBucketAssigner(new BasePathBucketAssigner())
    .build() as unknown as Sink<unknown>;
}
