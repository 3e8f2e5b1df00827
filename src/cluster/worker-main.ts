/**
 * Entry point of a TaskManager slot (a worker thread). It re-loads the job module with a plan
 * capture installed, so the module's `execute()` hands over its plan instead of running; it
 * rebuilds the same graphs, checks the fingerprint, deploys the subtasks of its slot and reports to
 * the JobManager. Code after `await env.execute()` never runs here.
 */
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { JobExecutionResult, setPlanCapture, type JobPlan } from "../api/executor.ts";
import { setLauncherContext } from "../api/launcher.ts";
import { systemTimerScheduler } from "../core/time.ts";
import { DataOutputView } from "../core/serialization.ts";
import { Deployment } from "../runtime/deployment.ts";
import { compilePlan } from "./compile.ts";
import { loadJobRestore } from "./fault-tolerance.ts";
import { readMetadata } from "../runtime/checkpoint/storage.ts";
import { PortTransport } from "./port-transport.ts";
import { toErrorInfo, type FromWorker, type ToWorker, type WorkerInit } from "./protocol.ts";

const init = workerData as WorkerInit;
const port = parentPort!;
let deployment: Deployment | null = null;
let transport: PortTransport | null = null;
let captured = false;

function send(msg: FromWorker, transfer?: ArrayBuffer[]): void {
  port.postMessage(msg, transfer);
}

function failed(e: unknown, where: string): void {
  send({ type: "failed", error: toErrorInfo(e), where });
}

async function deploy(plan: JobPlan): Promise<void> {
  const { graph, fingerprint } = compilePlan(plan);
  if (fingerprint !== init.fingerprint) {
    throw new Error(
      `slot ${init.slot} rebuilt a different job graph from ${init.moduleUrl} (fingerprint ${fingerprint}, expected ${init.fingerprint}): ` +
        "a job module must build the same job in every worker; avoid randomness, clocks or environment checks while building the graph",
    );
  }
  const restore =
    init.restoreDir === null
      ? null
      : await loadJobRestore(graph, await readMetadata(init.restoreDir));
  transport = new PortTransport(new Map<number, MessagePort>(init.peers));
  deployment = new Deployment(
    {
      graph,
      slots: [init.slot],
      splits: new Map(init.splits),
      transport,
      timers: systemTimerScheduler,
      attemptNumber: init.attempt,
      checkpointing: init.checkpointing,
      restore,
    },
    {
      taskFinished: (vertexId, subtask, accumulators) =>
        send({ type: "taskFinished", vertexId, subtask, accumulators }),
      taskFailed: (vertexId, subtask, error) => {
        const v = graph.jobGraph.vertices[vertexId]!;
        failed(error, `task '${v.name}' (${subtask + 1}/${v.parallelism})`);
      },
      collect: (collectId, records) => {
        const out = new DataOutputView(64 * 1024, deployment!.registry);
        try {
          out.writeUint32(records.length);
          for (const r of records) out.writeValue(r);
        } catch (e) {
          throw new Error(
            `executeAndCollect(): a record cannot be sent to the client: ${(e as Error).message}`,
            { cause: e },
          );
        }
        const bytes = out.toUint8Array();
        send({ type: "collect", collectId, bytes }, [bytes.buffer as ArrayBuffer]);
      },
      checkpointAck: (vertexId, subtask, id, handles) =>
        send({ type: "ack", vertexId, subtask, id, handles }),
      checkpointDecline: (vertexId, subtask, id, reason) =>
        send({ type: "decline", vertexId, subtask, id, reason }),
      finalSnapshotTaken: (vertexId, subtask) => send({ type: "finalSnapshot", vertexId, subtask }),
    },
  );
  send({ type: "ready" });
}

/** A stop-with-drain arrived before the deployment existed. */
let endInputPending = false;

port.on("message", (msg: ToWorker) => {
  switch (msg.type) {
    case "start":
      deployment?.start();
      if (endInputPending) deployment?.endInput();
      break;
    case "shutdown":
      // The job is done: release every handle so the thread ends on its own, after its stdout
      // and stderr have been relayed to the main thread.
      void (deployment?.cancel() ?? Promise.resolve()).then(() => {
        transport?.close();
        port.close();
      });
      break;
    case "cancel":
      void (deployment?.cancel() ?? Promise.resolve()).then(() => send({ type: "cancelled" }));
      break;
    case "endInput":
      // Stop with drain may arrive while the job module is still loading: end input on start.
      if (deployment === undefined || deployment === null) endInputPending = true;
      else deployment.endInput();
      break;
    case "trigger":
      deployment?.triggerCheckpoint(msg.id, msg.timestamp, msg.savepoint);
      break;
    case "notify":
      void (
        deployment?.notifyCheckpoint(msg.id, msg.completed, msg.final) ?? Promise.resolve()
      ).then(() => send({ type: "notified", seq: msg.seq }));
      break;
    case "metrics":
      send({ type: "metrics", id: msg.id, metrics: deployment?.metrics() ?? {} });
      break;
  }
});

setLauncherContext(init.launcher);
setPlanCapture({
  capture(plan: JobPlan): Promise<JobExecutionResult> {
    if (plan.executionIndex < init.executionIndex) {
      const prev = init.previousResults[plan.executionIndex];
      return Promise.resolve(
        new JobExecutionResult(
          prev?.jobName ?? plan.jobName,
          prev?.netRuntime ?? 0,
          prev?.accumulators ?? {},
        ),
      );
    }
    if (plan.executionIndex === init.executionIndex && !captured) {
      captured = true;
      deploy(plan).catch((e: unknown) => failed(e, `slot ${init.slot}`));
    }
    // The awaiting module code must never continue in a worker.
    return new Promise<JobExecutionResult>(() => {});
  },
});

import(init.moduleUrl).then(
  () => {
    if (!captured) {
      failed(
        new Error(
          `the job module ${init.moduleUrl} finished loading in a worker without reaching execute() call #${init.executionIndex + 1}; ` +
            "build and execute the job at the module's top level (or run it with target 'thread')",
        ),
        `slot ${init.slot}`,
      );
    }
  },
  (e: unknown) => failed(e, `loading the job module ${init.moduleUrl} in slot ${init.slot}`),
);
