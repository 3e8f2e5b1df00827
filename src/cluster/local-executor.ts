/**
 * The "local" execution target: a JobManager in the calling thread and one TaskManager slot per
 * worker thread. Each worker re-loads the job module to rebuild the graph; subtasks exchange
 * binary buffers over MessagePorts with credit-based flow control.
 */
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import { getLauncherContext } from "../api/launcher.ts";
import type { CollectHandler, JobClient, JobPlan, PipelineExecutor } from "../api/executor.ts";
import { InvalidJobError } from "../core/errors.ts";
import { DataInputView, TypeRegistry } from "../core/serialization.ts";
import type { VertexMetrics } from "../runtime/deployment.ts";
import { compilePlan, createSplits } from "./compile.ts";
import { JobMaster } from "./job-master.ts";
import { fromErrorInfo, type FromWorker, type ToWorker, type WorkerInit } from "./protocol.ts";

const WORKER_URL = new URL("./worker-main.ts", import.meta.url);
const READY_TIMEOUT_MS = 60_000;

/** Results of finished `execute()` calls of this process, by execution index. */
const completed: WorkerInit["previousResults"] = [];

/** The module that workers re-load: the launcher's, else the main module. */
export function resolveJobModule(): string {
  const launcher = getLauncherContext();
  if (launcher.moduleUrl) return launcher.moduleUrl;
  if (process.env.NODE_TEST_CONTEXT) {
    throw new InvalidJobError(
      "cannot run a job on worker threads from inside a test file: workers re-load the job module. " +
        "Put the job in its own module and run it with runJobModule(), or use the 'thread' target " +
        "(StreamExecutionEnvironment.getExecutionEnvironment({ target: 'thread' }))",
    );
  }
  const main = process.argv[1];
  if (!main)
    throw new InvalidJobError(
      "cannot determine the job module: run the job as `strom run job.ts` or `node job.ts`",
    );
  return pathToFileURL(main).href;
}

/** Runs jobs on worker threads, one per slot. */
export class LocalExecutor implements PipelineExecutor {
  /** Compiles the plan, starts the workers and returns the job's client. */
  async submit(plan: JobPlan, onCollect: CollectHandler): Promise<JobClient> {
    const moduleUrl = resolveJobModule();
    const { graph, fingerprint } = compilePlan(plan);
    const splits = await createSplits(graph);
    const master = new JobMaster(plan.jobName, graph);
    const registry = new TypeRegistry();
    for (const [name, ctor] of Object.entries(plan.config.registeredTypes))
      registry.register(name, ctor);
    const n = graph.numSlots;
    const peers: [number, MessagePort][][] = Array.from({ length: n }, () => []);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const { port1, port2 } = new MessageChannel();
        peers[i]!.push([j, port1]);
        peers[j]!.push([i, port2]);
      }
    }
    const workers: Worker[] = [];
    let ready = 0;
    let started = false;
    let stopping = false;
    let metricsSeq = 0;
    const metricsWaiters = new Map<
      number,
      { pending: number; acc: VertexMetrics; resolve: (m: VertexMetrics) => void }
    >();
    const readyTimer = setTimeout(() => {
      if (!started)
        master.fail(
          new Error(`workers did not rebuild the job within ${READY_TIMEOUT_MS / 1000} s`),
          `re-loading ${moduleUrl}`,
        );
    }, READY_TIMEOUT_MS);
    readyTimer.unref();

    const post = (w: Worker, msg: ToWorker) => w.postMessage(msg);
    for (let slot = 0; slot < n; slot++) {
      const init: WorkerInit = {
        moduleUrl,
        launcher: { ...getLauncherContext(), moduleUrl },
        executionIndex: plan.executionIndex,
        previousResults: completed.slice(0, plan.executionIndex),
        slot,
        fingerprint,
        splits: [...splits.entries()],
        peers: peers[slot]!,
      };
      const worker = new Worker(WORKER_URL, {
        workerData: init,
        transferList: peers[slot]!.map(([, p]) => p),
        argv: process.argv.slice(2),
      });
      workers.push(worker);
      worker.on("message", (msg: FromWorker) => {
        switch (msg.type) {
          case "ready":
            if (++ready === n) {
              started = true;
              clearTimeout(readyTimer);
              for (const w of workers) post(w, { type: "start" });
            }
            break;
          case "failed":
            master.fail(fromErrorInfo(msg.error), msg.where);
            break;
          case "taskFinished":
            master.taskFinished(msg.accumulators);
            break;
          case "collect": {
            const input = new DataInputView(msg.bytes, registry);
            const count = input.readUint32();
            const records: unknown[] = new Array(count);
            for (let i = 0; i < count; i++) records[i] = input.readValue();
            onCollect(msg.collectId, records);
            break;
          }
          case "metrics": {
            const w = metricsWaiters.get(msg.id);
            if (!w) break;
            for (const [k, m] of Object.entries(msg.metrics)) {
              const a = (w.acc[Number(k)] ??= {
                recordsIn: 0,
                sourceRecordsOut: 0,
                sinkRecordsIn: 0,
              });
              a.recordsIn += m.recordsIn;
              a.sourceRecordsOut += m.sourceRecordsOut;
              a.sinkRecordsIn += m.sinkRecordsIn;
            }
            if (--w.pending === 0) {
              metricsWaiters.delete(msg.id);
              w.resolve(w.acc);
            }
            break;
          }
          case "cancelled":
            break;
        }
      });
      worker.on("error", (e) => master.fail(e, `worker of slot ${slot}`));
      worker.on("exit", (code) => {
        if (!stopping && code !== 0)
          master.fail(new Error(`worker of slot ${slot} exited with code ${code}`), `slot ${slot}`);
      });
    }

    master.attach(
      {
        stop: async () => {
          stopping = true;
          clearTimeout(readyTimer);
          await Promise.all(workers.map((w) => w.terminate()));
        },
        metrics: () =>
          new Promise<VertexMetrics>((resolve) => {
            const id = ++metricsSeq;
            metricsWaiters.set(id, { pending: workers.length, acc: {}, resolve });
            for (const w of workers) post(w, { type: "metrics", id });
          }),
      },
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
}
