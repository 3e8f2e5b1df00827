/**
 * Drives one operator directly, outside a task: a context with a heap keyed backend (when keyed),
 * operator state, a manual clock, a mailbox the test runs by hand, and an output recording
 * records and watermarks. Used to check snapshot / restore of operators without the runtime.
 */
import type { RuntimeContext } from "../../src/api/functions.ts";
import type { KeyFn } from "../../src/api/transformations.ts";
import { computeKeyGroupRange } from "../../src/core/keygroups.ts";
import { ManualTimerScheduler } from "../../src/core/time.ts";
import type { OperatorContext, StreamOperator } from "../../src/runtime/operators/operator.ts";
import type { Output } from "../../src/runtime/output.ts";
import { HeapKeyedStateBackend } from "../../src/runtime/state/heap-backend.ts";
import { OperatorStateBackend } from "../../src/runtime/state/operator-state.ts";
import { InternalTimeServiceManager } from "../../src/runtime/state/timers.ts";

/** What the output received, in order. */
export type Emitted =
  | { readonly record: unknown; readonly ts: number }
  | { readonly watermark: number }
  | { readonly idle: boolean };

/** Options of {@link operatorHarness}. */
export interface HarnessOptions {
  /** Key selector (makes the operator keyed: it gets a heap backend). */
  readonly keyFn?: KeyFn;
  readonly parallelism?: number;
  readonly subtaskIndex?: number;
  readonly maxParallelism?: number;
  readonly batch?: boolean;
  readonly isRestored?: boolean;
  /** Pre-filled operator state (restore). */
  readonly operatorState?: OperatorStateBackend;
  /** Fills the keyed backend before open (restore). */
  readonly fillBackend?: (backend: HeapKeyedStateBackend) => void;
  readonly timers?: ManualTimerScheduler;
}

/** A set-up operator and the means to drive it. */
export interface Harness<Op extends StreamOperator<unknown>> {
  readonly op: Op;
  readonly ctx: OperatorContext;
  readonly backend: HeapKeyedStateBackend | null;
  readonly operatorState: OperatorStateBackend;
  readonly timers: ManualTimerScheduler;
  /** Everything emitted so far. */
  readonly out: Emitted[];
  /** The records emitted so far. */
  records(): unknown[];
  /** Runs the queued mails (and mails they post) until none is left. */
  runMails(): void;
  /** Makes `value`'s key current (when keyed); the caller then calls processElement. */
  setKey(value: unknown): void;
}

/** Sets up `op` with a test context (call `op.open()` yourself). */
export function operatorHarness<Op extends StreamOperator<unknown>>(
  op: Op,
  options: HarnessOptions = {},
): Harness<Op> {
  const parallelism = options.parallelism ?? 1;
  const subtaskIndex = options.subtaskIndex ?? 0;
  const maxParallelism = options.maxParallelism ?? 128;
  const timers = options.timers ?? new ManualTimerScheduler(0);
  const keyFn = options.keyFn ?? null;
  const backend =
    keyFn === null
      ? null
      : new HeapKeyedStateBackend({
          operatorName: "op",
          maxParallelism,
          keyGroupRange: computeKeyGroupRange(maxParallelism, parallelism, subtaskIndex),
          now: () => timers.now(),
        });
  if (backend !== null) options.fillBackend?.(backend);
  const timeServiceManager =
    backend === null
      ? null
      : new InternalTimeServiceManager(backend, {
          now: () => timers.now(),
          registerProcessingTimer: (t, cb) => timers.scheduleAt(t, cb),
        });
  const mails: (() => void)[] = [];
  const out: Emitted[] = [];
  const output: Output<unknown> = {
    collect: (record, ts) => out.push({ record, ts }),
    collectSide: () => {},
    emitWatermark: (watermark) => out.push({ watermark }),
    emitWatermarkStatus: (idle) => out.push({ idle }),
  };
  const operatorState = options.operatorState ?? new OperatorStateBackend("op");
  const ctx = {
    operatorName: "op",
    taskName: "task",
    jobName: "job",
    subtaskIndex,
    parallelism,
    maxParallelism,
    batch: options.batch ?? false,
    timers,
    registerProcessingTimer: (t: number, cb: () => void) =>
      timers.scheduleAt(t, () => mails.push(cb)),
    mailbox: { execute: (action: () => void) => mails.push(action) },
    runtimeContext: { getIndexOfThisSubtask: () => subtaskIndex } as unknown as RuntimeContext,
    keys: [keyFn],
    autoWatermarkInterval: 0,
    keyedBackend: backend,
    timeServiceManager,
    operatorState,
    collectToClient: () => {},
    isRestored: options.isRestored ?? false,
    checkpointing: true,
  } as unknown as OperatorContext;
  op.setup(ctx, output);
  return {
    op,
    ctx,
    backend,
    operatorState,
    timers,
    out,
    records: () => out.flatMap((e) => ("record" in e ? [e.record] : [])),
    runMails() {
      while (mails.length > 0) mails.shift()!();
    },
    setKey(value) {
      if (backend !== null && keyFn !== null) backend.setCurrentRecord(value, keyFn);
    },
  };
}
