/**
 * The entry point of a DataStream program: configure the job, create sources, then `execute()`.
 */
import { toMillis, type DurationLike } from "../core/duration.ts";
import { InvalidJobError } from "../core/errors.ts";
import {
  defaultExecutionConfig,
  type ExecutionConfig,
  type RuntimeExecutionMode,
  type StateBackendKind,
} from "./config.ts";
import { DataStream, type SingleOutputStreamOperator, type StreamHost } from "./datastream.ts";
import {
  findExecutor,
  getPlanCapture,
  nextExecutionIndex,
  type JobClient,
  type JobExecutionResult,
  type JobPlan,
} from "./executor.ts";
import { getLauncherContext } from "./launcher.ts";
import { CheckpointingMode } from "./checkpointing.ts";
import { CheckpointConfig } from "./checkpoint-config.ts";
import { validateRestartStrategy } from "./restart-strategies.ts";
import type { RestartStrategySettings } from "./checkpointing.ts";
import type { Source } from "./source.ts";
import { CollectionSource } from "./sources/collection.ts";
import { NumberSequenceSource } from "./sources/sequence.ts";
import { TextFileSource } from "./sources/textfile.ts";
import { SourceTransformation, type Transformation } from "./transformations.ts";
import { collectBarrierOf, parseCollectId, type CollectHandlers } from "./collect-barrier.ts";
import { WatermarkStrategy } from "./watermarks.ts";

/** Handlers for `executeAndCollect` sinks registered in the current plan. */
type CollectRegistry = Map<string, CollectHandlers>;

/** Builds and runs streaming and batch jobs. */
export class StreamExecutionEnvironment implements StreamHost {
  private readonly config: ExecutionConfig;
  private transformations: Transformation[] = [];
  private collectors: CollectRegistry = new Map();
  private collectSeq = 0;

  private constructor(config: ExecutionConfig) {
    this.config = config;
  }

  /**
   * The environment for this program. Defaults come from the launcher (`strom run --parallelism`)
   * and can be overridden with `options` or the setters.
   */
  static getExecutionEnvironment(
    options: Partial<ExecutionConfig> = {},
  ): StreamExecutionEnvironment {
    const launcher = getLauncherContext();
    const config: ExecutionConfig = { ...defaultExecutionConfig() };
    if (launcher.parallelism !== undefined) config.parallelism = launcher.parallelism;
    if (launcher.target !== undefined) config.target = launcher.target;
    if (launcher.progressInterval !== undefined)
      config.progressInterval = launcher.progressInterval;
    config.checkpointing = { ...config.checkpointing };
    if (launcher.checkpointDir !== undefined)
      config.checkpointing.directory = launcher.checkpointDir;
    if (launcher.checkpointInterval !== undefined)
      config.checkpointing.interval = launcher.checkpointInterval;
    if (launcher.stateBackend !== undefined) config.stateBackend = launcher.stateBackend;
    if (launcher.restore !== undefined) {
      config.restore = {
        path: launcher.restore,
        allowNonRestoredState: launcher.allowNonRestoredState ?? false,
      };
    }
    Object.assign(config, options);
    validateParallelism(config.parallelism, "parallelism");
    return new StreamExecutionEnvironment(config);
  }

  /**
   * Takes a checkpoint every `interval` (exactly-once by default). A checkpoint interval set
   * by the launcher (`strom run --checkpoint-interval`) takes precedence.
   */
  enableCheckpointing(
    interval: DurationLike,
    mode: CheckpointingMode = CheckpointingMode.EXACTLY_ONCE,
  ): this {
    const ms = toMillis(interval, "checkpoint interval", 1);
    const launcher = getLauncherContext();
    this.config.checkpointing.interval = launcher.checkpointInterval ?? ms;
    this.config.checkpointing.mode = mode;
    return this;
  }

  /** The checkpoint settings, with Flink's setters. */
  getCheckpointConfig(): CheckpointConfig {
    return new CheckpointConfig(this.config.checkpointing);
  }

  /**
   * The keyed state backend: "hashmap" (JS maps on the heap, the default) or "disk" (the embedded
   * on-disk store, for state larger than memory). `directory` is where the disk backend works.
   */
  setStateBackend(backend: StateBackendKind, directory?: string): this {
    if (backend !== "hashmap" && backend !== "disk") {
      throw new InvalidJobError(
        `unknown state backend '${String(backend)}': use "hashmap" or "disk"`,
      );
    }
    this.config.stateBackend = getLauncherContext().stateBackend ?? backend;
    if (directory !== undefined) this.config.stateDirectory = directory;
    return this;
  }

  /** A local environment with the given default parallelism. */
  static createLocalEnvironment(
    parallelism?: number,
    options: Partial<ExecutionConfig> = {},
  ): StreamExecutionEnvironment {
    const env = StreamExecutionEnvironment.getExecutionEnvironment(options);
    if (parallelism !== undefined) env.setParallelism(parallelism);
    return env;
  }

  /** Sets the default parallelism of operators. */
  setParallelism(parallelism: number): this {
    validateParallelism(parallelism, "parallelism");
    this.config.parallelism = parallelism;
    return this;
  }

  /** Default parallelism of operators. */
  getParallelism(): number {
    return this.config.parallelism;
  }

  /** Sets the default max parallelism (the number of key groups; an upper bound for rescaling). */
  setMaxParallelism(maxParallelism: number): this {
    if (!Number.isInteger(maxParallelism) || maxParallelism < 1 || maxParallelism > 32768) {
      throw new RangeError(`max parallelism must be an integer in 1..32768, got ${maxParallelism}`);
    }
    this.config.maxParallelism = maxParallelism;
    return this;
  }

  /** Default max parallelism. */
  getMaxParallelism(): number {
    return this.config.maxParallelism;
  }

  /** Streaming, batch, or automatic (batch when every source is bounded). */
  setRuntimeMode(mode: RuntimeExecutionMode): this {
    if (mode !== "STREAMING" && mode !== "BATCH" && mode !== "AUTOMATIC") {
      throw new RangeError(
        `unknown runtime mode '${String(mode)}': use STREAMING, BATCH or AUTOMATIC`,
      );
    }
    this.config.runtimeMode = mode;
    return this;
  }

  /** Max ms a partly filled network buffer waits before it is sent (latency vs throughput). */
  setBufferTimeout(ms: number): this {
    this.config.bufferTimeout = ms;
    return this;
  }

  /** Turns operator chaining off for the whole job. */
  disableOperatorChaining(): this {
    this.config.chaining = false;
    return this;
  }

  /**
   * How often watermark generators' `onPeriodicEmit` runs (a `Duration` or ms; default 200 ms).
   * 0 disables periodic emission (punctuated generators, which emit in `onEvent`, still work).
   * Also settable as `getConfig().autoWatermarkInterval` (ms).
   */
  setAutoWatermarkInterval(interval: DurationLike): this {
    this.config.autoWatermarkInterval = toMillis(interval, "autoWatermarkInterval");
    return this;
  }

  /** The interval of periodic watermarks, ms (0: periodic emission is off). */
  getAutoWatermarkInterval(): number {
    return this.config.autoWatermarkInterval;
  }

  /**
   * Registers a class so its instances keep their prototype when they cross worker threads. The
   * name defaults to the class name and must be unique in the job.
   */
  registerType(ctor: new (...args: any[]) => unknown, name: string = ctor.name): this {
    const existing = this.config.registeredTypes[name];
    if (existing && existing !== ctor)
      throw new InvalidJobError(`a different class is already registered as '${name}'`);
    this.config.registeredTypes[name] = ctor;
    return this;
  }

  /**
   * How the job restarts after a failure (see {@link RestartStrategies}); without a call the
   * default applies: exponential delay when checkpointing is on, else no restart.
   */
  setRestartStrategy(settings: RestartStrategySettings): this {
    this.config.restartStrategy = validateRestartStrategy(settings);
    return this;
  }

  /** The restart strategy set with {@link setRestartStrategy}, or null for the default. */
  getRestartStrategy(): RestartStrategySettings | null {
    return this.config.restartStrategy;
  }

  /** The job's settings (mutable until execute). */
  getConfig(): ExecutionConfig {
    return this.config;
  }

  /** A stream of the given elements (a non-parallel source, so their order is kept). */
  fromElements<T>(...elements: T[]): SingleOutputStreamOperator<T> {
    return this.fromCollection(elements);
  }

  /** A stream of an array's elements (non-parallel, order kept). */
  fromCollection<T>(elements: readonly T[]): SingleOutputStreamOperator<T> {
    return this.fromSource(
      new CollectionSource<T>([...elements]),
      WatermarkStrategy.noWatermarks(),
      "Collection Source",
    ).setParallelism(1);
  }

  /** A parallel stream of the numbers `from..to` (inclusive). */
  fromSequence(from: number, to: number): SingleOutputStreamOperator<number> {
    return this.fromSource(
      new NumberSequenceSource(from, to),
      WatermarkStrategy.noWatermarks(),
      "Sequence Source",
    );
  }

  /** The lines of a text file, or of every file in a directory. */
  readTextFile(path: string): SingleOutputStreamOperator<string> {
    return this.fromSource(
      new TextFileSource(path),
      WatermarkStrategy.noWatermarks(),
      `Text File Source(${path})`,
    );
  }

  /** A stream read by `source`, with event time from `watermarkStrategy`. */
  fromSource<T>(
    source: Source<T, any>,
    watermarkStrategy: WatermarkStrategy<T>,
    sourceName: string,
  ): SingleOutputStreamOperator<T> {
    if (
      !source ||
      typeof source.createReader !== "function" ||
      typeof source.createSplits !== "function"
    ) {
      throw new TypeError(
        `fromSource('${sourceName}'): expected a Source with createSplits() and createReader()`,
      );
    }
    const t = new SourceTransformation<T>(sourceName, source, watermarkStrategy, -1);
    return DataStream.wrapOperator<T>(this, this.addTransformation(t));
  }

  /** Registers a plan node; called by streams. Returns the node. */
  addTransformation<X extends Transformation>(t: X): X {
    t.id = this.transformations.length;
    this.transformations.push(t);
    return t;
  }

  /**
   * Registers the handler of a collect sink and returns its id: a function of each batch of
   * records, or {@link CollectHandlers} to learn each batch's subtask and where checkpoint
   * barriers passed it.
   */
  registerCollector(handler: ((records: unknown[]) => void) | CollectHandlers): string {
    const id = `collect-${this.collectSeq++}`;
    this.collectors.set(id, typeof handler === "function" ? { records: handler } : handler);
    return id;
  }

  /** The plan of the program so far. */
  getPlan(jobName = "Strom Job", executionIndex = 0): JobPlan {
    return {
      jobName,
      transformations: [...this.transformations],
      config: { ...this.config, registeredTypes: { ...this.config.registeredTypes } },
      executionIndex,
    };
  }

  /** Runs the job and resolves when it ends (never, for an unbounded job, until cancelled). */
  async execute(jobName = "Strom Job"): Promise<JobExecutionResult> {
    const client = await this.executeAsync(jobName);
    return client.getJobExecutionResult();
  }

  /** Submits the job and resolves with a client to await or cancel it. */
  async executeAsync(jobName = "Strom Job"): Promise<JobClient> {
    if (this.transformations.length === 0) {
      throw new InvalidJobError(
        "no operators defined in the job: add a source and a sink before execute()",
      );
    }
    const interval = this.config.autoWatermarkInterval;
    if (typeof interval !== "number" || !Number.isFinite(interval) || interval < 0) {
      throw new InvalidJobError(
        `autoWatermarkInterval must be a number of milliseconds >= 0 (0 turns periodic watermarks off), got ${String(interval)}`,
      );
    }
    const plan = this.getPlan(jobName, nextExecutionIndex());
    const collectors = this.collectors;
    this.transformations = [];
    this.collectors = new Map();
    const capture = getPlanCapture();
    if (capture) {
      // A worker thread re-loading the module: hand the plan over; code after execute() must not run here.
      const result = capture.capture(plan);
      const never = () => new Promise<string>(() => {});
      return {
        jobId: "captured",
        getJobExecutionResult: () => result,
        cancel: async () => {},
        triggerSavepoint: never,
        stopWithSavepoint: never,
      };
    }
    const executor = findExecutor(plan.config.target);
    return executor.submit(plan, (id, records) => {
      const { collectId, subtask } = parseCollectId(id);
      const h = collectors.get(collectId);
      if (!h) throw new Error(`internal error: no collector '${collectId}'`);
      const barrier = collectBarrierOf(records);
      if (barrier === null) h.records(records, subtask);
      else h.barrier?.(barrier, subtask);
    });
  }
}

function validateParallelism(p: number, what: string): void {
  if (!Number.isInteger(p) || p < 1)
    throw new RangeError(`${what} must be a positive integer, got ${p}`);
}
