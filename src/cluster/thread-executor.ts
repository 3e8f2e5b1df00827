/**
 * The "thread" execution target: every subtask of the job runs in the calling thread, with local
 * channels only. No module re-loading, so jobs may be built anywhere (tests, REPLs, functions).
 */
import type { CollectHandler, JobClient, JobPlan, PipelineExecutor } from "../api/executor.ts";
import { systemTimerScheduler, type TimerScheduler } from "../core/time.ts";
import { Deployment } from "../runtime/deployment.ts";
import { compilePlan, createSplits } from "./compile.ts";
import { loadJobRestore, prepareFaultTolerance } from "./fault-tolerance.ts";
import { JobMaster } from "./job-master.ts";

/** Runs jobs in the calling thread. */
export class ThreadExecutor implements PipelineExecutor {
  private readonly timers: TimerScheduler;
  /** Creates an executor using `timers` as the processing-time clock (the wall clock by default). */
  constructor(timers: TimerScheduler = systemTimerScheduler) {
    this.timers = timers;
  }
  /** Compiles, deploys and starts the job. */
  async submit(plan: JobPlan, onCollect: CollectHandler): Promise<JobClient> {
    const { graph } = compilePlan(plan);
    const ft = await prepareFaultTolerance(graph, plan.config, (m) =>
      process.stderr.write(`[strom] ${plan.jobName}: ${m}\n`),
    );
    const master = new JobMaster(plan.jobName, graph);
    const slots = Array.from({ length: graph.numSlots }, (_, i) => i);
    const vertexName = (vertexId: number, subtask: number) => {
      const v = graph.jobGraph.vertices[vertexId]!;
      return `task '${v.name}' (${subtask + 1}/${v.parallelism})`;
    };
    master.launch(
      async (ctx) => {
        const splits = await createSplits(graph);
        const restore = await loadJobRestore(graph, ctx.restore);
        const deployment = new Deployment(
          {
            graph,
            slots,
            splits,
            transport: null,
            timers: this.timers,
            attemptNumber: ctx.attempt,
            checkpointing: ft.root === null ? null : { mode: ft.checkpointing.mode, root: ft.root },
            restore,
          },
          {
            taskFinished: (_v, _s, acc) => ctx.taskFinished(acc),
            taskFailed: (vertexId, subtask, error) =>
              ctx.fail(error, vertexName(vertexId, subtask)),
            collect: (id, records) => onCollect(id, records),
            checkpointAck: (v, s, id, h) => ctx.checkpointAck(v, s, id, h),
            checkpointDecline: (v, s, id, r) => ctx.checkpointDecline(v, s, id, r),
            finalSnapshotTaken: (v, s) => ctx.finalSnapshotTaken(v, s),
          },
        );
        deployment.start();
        ctx.running();
        return {
          stop: () => deployment.cancel(),
          metrics: async () => deployment.metrics(),
          triggerCheckpoint: (id, ts, savepoint) => deployment.triggerCheckpoint(id, ts, savepoint),
          endInput: () => deployment.endInput(),
          notifyCheckpoint: (id, completed, final) =>
            deployment.notifyCheckpoint(id, completed, final),
        };
      },
      ft,
      plan.config.progressInterval,
    );
    // Timers of the runtime do not keep the process alive; a running job must.
    const keepAlive = setInterval(() => {}, 1 << 30);
    master.getJobExecutionResult().then(
      () => clearInterval(keepAlive),
      () => clearInterval(keepAlive),
    );
    return master;
  }
}
