/**
 * The REST endpoints of a strom process (Flink's names and shapes, synchronous where Flink's are
 * asynchronous): job overview and details, cancel, savepoint, stop with a savepoint.
 */
import { isAbsolute, resolve } from "node:path";
import { describeError } from "../../core/errors.ts";
import { jobJson, type JobRegistry, type TrackedJob } from "./jobs.ts";

/** An error answered with `status` and `{"errors": [message]}`. */
export class RestError extends Error {
  /** The HTTP status. */
  readonly status: number;
  /** Creates an error answered with `status`. */
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** What a handler answers: a status and a JSON body. */
export interface RestReply {
  /** The HTTP status. */
  readonly status: number;
  /** The JSON body. */
  readonly body: unknown;
}

/** One parsed request. */
export interface RestRequest {
  /** The HTTP method. */
  readonly method: string;
  /** The path, split at "/" without empty parts. */
  readonly segments: readonly string[];
  /** The query parameters. */
  readonly query: URLSearchParams;
  /** The JSON body (an empty object when there was none). */
  readonly body: Record<string, unknown>;
}

/** Settings of the handlers. */
export interface HandlerOptions {
  /** Where savepoints go when a request names no directory (null: a directory is required). */
  readonly defaultSavepointDir: string | null;
}

function findJob(jobs: JobRegistry, id: string): TrackedJob {
  const job = jobs.get(id);
  if (job === undefined) {
    throw new RestError(404, `no job with id '${id}' in strom process ${process.pid}`);
  }
  return job;
}

function requireRunning(job: TrackedJob, action: string): void {
  if (job.state !== "RUNNING") {
    throw new RestError(
      409,
      `cannot ${action} job '${job.master.jobName}' (${job.master.jobId}): it is ${job.state}`,
    );
  }
  if (job.master.getCheckpointCoordinator() === null && action !== "cancel") {
    throw new RestError(
      409,
      `cannot ${action} job '${job.master.jobName}' (${job.master.jobId}): it runs without checkpointing; start it with --checkpoint-interval (or env.enableCheckpointing)`,
    );
  }
}

function targetDirectory(body: Record<string, unknown>, field: string, opts: HandlerOptions) {
  const value = body[field];
  if (value === undefined || value === null) {
    if (opts.defaultSavepointDir !== null) return opts.defaultSavepointDir;
    throw new RestError(
      400,
      `no savepoint directory given, and the job has no default (it was started without --checkpoint-dir): name one (strom savepoint <id> <dir>, strom stop <id> --savepoint-dir <dir>, or "${field}" in the request)`,
    );
  }
  if (typeof value !== "string" || value === "") {
    throw new RestError(400, `"${field}" must be a directory path, got ${JSON.stringify(value)}`);
  }
  return isAbsolute(value) ? value : resolve(value);
}

async function savepoint(
  job: TrackedJob,
  dir: string,
  stop: boolean,
  drain = false,
): Promise<RestReply> {
  try {
    if (!stop) return { status: 200, body: { location: await job.master.triggerSavepoint(dir) } };
    const location = await job.master.stopWithSavepoint(dir, drain);
    job.stoppedWithSavepoint = location;
    return { status: 200, body: { location } };
  } catch (e) {
    throw new RestError(
      500,
      `savepoint of job '${job.master.jobName}' (${job.master.jobId}) into ${dir} failed: ${describeError(e)}`,
    );
  }
}

/** Answers one request. Throws a {@link RestError} for bad requests. */
export async function handle(
  req: RestRequest,
  jobs: JobRegistry,
  opts: HandlerOptions,
): Promise<RestReply> {
  const [first, id, sub, ...rest] = req.segments;
  if (first !== "jobs" || rest.length > 0) {
    throw new RestError(404, `unknown endpoint /${req.segments.join("/")}`);
  }
  const m = req.method;
  if (id === undefined || (id === "overview" && sub === undefined)) {
    if (m !== "GET") throw new RestError(405, `use GET for /jobs${id ? "/overview" : ""}`);
    return { status: 200, body: { jobs: jobs.all().map(jobJson) } };
  }
  const job = findJob(jobs, id);
  if (sub === undefined && m === "GET") return { status: 200, body: jobJson(job) };
  if (sub === undefined && m === "PATCH") {
    const mode = req.query.get("mode") ?? "cancel";
    if (mode !== "cancel") throw new RestError(400, `unsupported mode '${mode}': use mode=cancel`);
    requireRunning(job, "cancel");
    await job.master.cancel();
    return { status: 202, body: {} };
  }
  if (sub === "savepoints" && m === "POST") {
    requireRunning(job, "take a savepoint of");
    const dir = targetDirectory(req.body, "target-directory", opts);
    return savepoint(job, dir, req.body["cancel-job"] === true);
  }
  if (sub === "stop" && m === "POST") {
    requireRunning(job, "stop");
    const drain = req.body.drain === true;
    return savepoint(job, targetDirectory(req.body, "targetDirectory", opts), true, drain);
  }
  throw new RestError(405, `${m} is not supported on /${req.segments.join("/")}`);
}
