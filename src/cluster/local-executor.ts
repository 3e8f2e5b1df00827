/**
 * The "local" execution target: a JobManager in the calling thread and one TaskManager (one slot)
 * per worker thread. Each worker re-loads the job module to rebuild the graph; subtasks exchange
 * binary buffers over MessagePorts with credit-based flow control.
 */
import { MessageChannel, type MessagePort } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import { getLauncherContext } from "../api/launcher.ts";
import type { CollectHandler, JobClient, JobPlan, PipelineExecutor } from "../api/executor.ts";
import { InvalidJobError } from "../core/errors.ts";
import { DataInputView, TypeRegistry } from "../core/serialization.ts";
import type { VertexMetrics } from "../runtime/deployment.ts";
import { compilePlan, createSplits } from "./compile.ts";
import { JobMaster, type AttemptContext, type JobBackend } from "./job-master.ts";
import { prepareFaultTolerance } from "./fault-tolerance.ts";
import type { ExecutionGraph } from "../graph/execution-graph.ts";
import type { DeploymentCheckpointing } from "../runtime/deployment.ts";

/** What every attempt of a job deploys. */
interface AttemptJob {
  readonly moduleUrl: string;
  readonly fingerprint: string;
  readonly splits: Map<number, unknown[][]>;
  readonly plan: JobPlan;
  readonly graph: ExecutionGraph;
  readonly registry: TypeRegistry;
  readonly onCollect: CollectHandler;
  readonly checkpointing: DeploymentCheckpointing | null;
}
import type { WorkerInit } from "./protocol.ts";
import { WorkerTaskManager, type JobManagerGateway, type TaskManager } from "./task-manager.ts";

const READY_TIMEOUT_MS = 60_000;

/** Results of finished `execute()` calls of this process, by execution index. */
const completed: WorkerInit["previousResults"] = [];

/** Whether `path` is named like a test file of node's test runner (`x.test.ts`, `test-x.js`...). */
function isTestFile(path: string | undefined): boolean {
  if (!path) return false;
  const base = path.split(/[\\/]/).pop() ?? "";
  return /^(test|test-.+|.+[.\-_]test)\.[cm]?[jt]s$/.test(base);
}

/** The module that workers re-load: the launcher's, else the main module. */
export function resolveJobModule(): string {
  const launcher = getLauncherContext();
  if (launcher.moduleUrl) return launcher.moduleUrl;
  if (process.env.NODE_TEST_CONTEXT && isTestFile(process.argv[1])) {
    throw new InvalidJobError(
      "cannot run a job on worker threads from inside a test file: workers re-load the job module. " +
        "Put the job in its own module and run it with runJobModule(), or use the 'thread' target " +
        "(StreamExecutionEnvironment.getExecutionEnvironment({ target: 'thread' }))",
    );
  }
  const main = process.argv[1];
  if (!main) {
    throw new InvalidJobError(
      "cannot determine the job module: run the job as `strom run job.ts` or `node job.ts`",
    );
  }
  return pathToFileURL(main).href;
}

/** Sums per-vertex counters of several TaskManagers. */
function sumMetrics(all: VertexMetrics[]): VertexMetrics {
  const out: VertexMetrics = {};
  for (const m of all) {
    for (const [k, v] of Object.entries(m)) {
      const a = (out[Number(k)] ??= { recordsIn: 0, sourceRecordsOut: 0, sinkRecordsIn: 0 });
      a.recordsIn += v.recordsIn;
      a.sourceRecordsOut += v.sourceRecordsOut;
      a.sinkRecordsIn += v.sinkRecordsIn;
    }
  }
  return out;
}

/** Runs jobs on worker threads, one slot per worker. */
export class LocalExecutor implements PipelineExecutor {
  /** Compiles the plan, starts one TaskManager per slot and returns the job's client. */
  async submit(plan: JobPlan, onCollect: CollectHandler): Promise<JobClient> {
    const moduleUrl = resolveJobModule();
    const { graph, fingerprint } = compilePlan(plan);
    const ft = await prepareFaultTolerance(graph, plan.config, (m) =>
      process.stderr.write(`[strom] ${plan.jobName}: ${m}\n`),
    );
    const master = new JobMaster(plan.jobName, graph);
    const registry = TypeRegistry.from(plan.config.registeredTypes);
    master.launch(
      async (ctx) => {
        const splits = await createSplits(graph);
        return this.deployAttempt(ctx, {
          moduleUrl,
          fingerprint,
          splits,
          plan,
          graph,
          registry,
          onCollect,
          checkpointing: ft.root === null ? null : { mode: ft.checkpointing.mode, root: ft.root },
        });
      },
      ft,
      plan.config.progressInterval,
    );
    master.getJobExecutionResult().then(
      (r) => {
        completed[plan.executionIndex] = {
          jobName: r.jobName,
          netRuntime: r.netRuntime,
          accumulators: { ...r.accumulators },
        };
      },
      () => {},
    );
    return master;
  }

  /** Starts one TaskManager per slot for one attempt of the job. */
  private deployAttempt(ctx: AttemptContext, job: AttemptJob): JobBackend {
    const { graph, moduleUrl, plan } = job;
    const n = graph.numSlots;
    const peers: [number, MessagePort][][] = Array.from({ length: n }, () => []);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const { port1, port2 } = new MessageChannel();
        peers[i]!.push([j, port1]);
        peers[j]!.push([i, port2]);
      }
    }
    const taskManagers: TaskManager[] = [];
    let ready = 0;
    let started = false;
    const readyTimer = setTimeout(() => {
      if (!started) {
        ctx.fail(
          new Error(`workers did not rebuild the job within ${READY_TIMEOUT_MS / 1000} s`),
          `re-loading ${moduleUrl}`,
        );
      }
    }, READY_TIMEOUT_MS);
    readyTimer.unref();
    const jm: JobManagerGateway = {
      slotReady: () => {
        if (++ready === n) {
          started = true;
          clearTimeout(readyTimer);
          for (const tm of taskManagers) tm.start();
          ctx.running();
        }
      },
      slotFailed: (_slot, error, where) => ctx.fail(error, where),
      taskFinished: (acc) => ctx.taskFinished(acc),
      collected: (collectId, bytes) => {
        const input = new DataInputView(bytes, job.registry);
        const count = input.readUint32();
        const records: unknown[] = new Array(count);
        for (let i = 0; i < count; i++) records[i] = input.readValue();
        job.onCollect(collectId, records);
      },
      checkpointAck: (v, s, id, h) => ctx.checkpointAck(v, s, id, h),
      checkpointDecline: (v, s, id, r) => ctx.checkpointDecline(v, s, id, r),
      finalSnapshotTaken: (v, s) => ctx.finalSnapshotTaken(v, s),
    };
    for (let slot = 0; slot < n; slot++) {
      const init: WorkerInit = {
        moduleUrl,
        launcher: { ...getLauncherContext(), moduleUrl },
        executionIndex: plan.executionIndex,
        previousResults: completed.slice(0, plan.executionIndex),
        slot,
        fingerprint: job.fingerprint,
        splits: [...job.splits.entries()],
        peers: peers[slot]!,
        attempt: ctx.attempt,
        restoreDir: ctx.restore?.directory ?? null,
        checkpointing: job.checkpointing,
      };
      taskManagers.push(new WorkerTaskManager(init, jm));
    }
    return {
      stop: async (graceful) => {
        clearTimeout(readyTimer);
        await Promise.all(taskManagers.map((tm) => tm.stop(graceful)));
      },
      metrics: async () => sumMetrics(await Promise.all(taskManagers.map((tm) => tm.metrics()))),
      endInput: () => {
        for (const tm of taskManagers) tm.endInput();
      },
      triggerCheckpoint: (id, ts, savepoint) => {
        for (const tm of taskManagers) tm.triggerCheckpoint(id, ts, savepoint);
      },
      notifyCheckpoint: async (id, completed, final) => {
        await Promise.all(taskManagers.map((tm) => tm.notifyCheckpoint(id, completed, final)));
      },
    };
  }
}
