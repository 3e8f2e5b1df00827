/**
 * The "thread" execution target: every subtask of the job runs in the calling thread, with local
 * channels only. No module re-loading, so jobs may be built anywhere (tests, REPLs, functions).
 */
import type { CollectHandler, JobClient, JobPlan, PipelineExecutor } from "../api/executor.ts";
import { systemTimerScheduler, type TimerScheduler } from "../core/time.ts";
import { Deployment } from "../runtime/deployment.ts";
import { compilePlan, createSplits } from "./compile.ts";
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
    const splits = await createSplits(graph);
    const master = new JobMaster(plan.jobName, graph);
    const slots = Array.from({ length: graph.numSlots }, (_, i) => i);
    const deployment = new Deployment(
      { graph, slots, splits, transport: null, timers: this.timers, attemptNumber: 0 },
      {
        taskFinished: (_v, _s, acc) => master.taskFinished(acc),
        taskFailed: (vertexId, subtask, error) =>
          master.fail(
            error,
            `task '${graph.jobGraph.vertices[vertexId]!.name}' (${subtask + 1}/${graph.jobGraph.vertices[vertexId]!.parallelism})`,
          ),
        collect: (id, records) => onCollect(id, records),
      },
    );
    master.attach(
      { stop: () => deployment.cancel(), metrics: async () => deployment.metrics() },
      plan.config.progressInterval,
    );
    // Timers of the runtime do not keep the process alive; a running job must.
    const keepAlive = setInterval(() => {}, 1 << 30);
    master.getJobExecutionResult().then(
      () => clearInterval(keepAlive),
      () => clearInterval(keepAlive),
    );
    deployment.start();
    return master;
  }
}
