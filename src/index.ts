/**
 * Strom's public API. Jobs import everything from "strom"; nothing else is a supported entry point.
 */
import { registerLocalExecutors } from "./cluster/register.ts";

registerLocalExecutors();

export { StreamExecutionEnvironment } from "./api/environment.ts";
export { RuntimeExecutionMode, type ExecutionConfig } from "./api/config.ts";
export {
  RestartStrategies,
  EXPONENTIAL_DELAY_DEFAULTS,
  type ExponentialDelayRestartOptions,
} from "./api/restart-strategies.ts";
export {
  AsyncDataStream,
  RichAsyncFunction,
  AsyncTimeoutError,
  type AsyncFunction,
  type AsyncFunctionLambda,
  type AsyncReturn,
  type ResultFuture,
} from "./api/async.ts";
export {
  DataStream,
  SingleOutputStreamOperator,
  KeyedStream,
  ConnectedStreams,
  DataStreamSink,
  PrintSink,
  FunctionSink,
} from "./api/datastream.ts";
export {
  BroadcastStream,
  BroadcastConnectedStream,
  BroadcastProcessFunction,
  KeyedBroadcastProcessFunction,
  type BroadcastBaseContext,
  type BroadcastReadOnlyContext,
  type BroadcastContext,
  type KeyedBroadcastReadOnlyContext,
  type KeyedBroadcastContext,
  type KeyedBroadcastOnTimerContext,
  type KeyedStateFunction,
} from "./api/broadcast.ts";
export {
  OutputTag,
  AbstractRichFunction,
  RichMapFunction,
  RichFlatMapFunction,
  RichFilterFunction,
  RichReduceFunction,
  RichCoMapFunction,
  RichCoFlatMapFunction,
  ProcessFunction,
  CoProcessFunction,
  KeyedProcessFunction,
  KeyedCoProcessFunction,
  TimeDomain,
  type AggregateFunction,
  type KeyedProcessContext,
  type KeyedOnTimerContext,
  type Collector,
  type MapFunction,
  type FlatMapFunction,
  type FilterFunction,
  type ReduceFunction,
  type KeySelector,
  type Partitioner,
  type CoMapFunction,
  type CoFlatMapFunction,
  type RuntimeContext,
  type TaskInfo,
  type OpenContext,
  type RichFunction,
  type ProcessContext,
  type OnTimerContext,
  type TimerService,
} from "./api/functions.ts";
export {
  IntCounter,
  LongCounter,
  DoubleCounter,
  MaxAccumulator,
  ListAccumulator,
  Histogram,
  type Accumulator,
} from "./api/accumulators.ts";
export {
  ValueStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  AggregatingStateDescriptor,
  StateDescriptor,
  StateTtlConfig,
  TtlUpdateType,
  TtlStateVisibility,
  type State,
  type ValueState,
  type ListState,
  type MapState,
  type ReducingState,
  type AggregatingState,
  type BroadcastState,
  type ReadOnlyBroadcastState,
  type StateOfDescriptor,
  type KeyedStateStore,
  type OperatorStateStore,
  type CheckpointedFunction,
  type FunctionInitializationContext,
  type FunctionSnapshotContext,
} from "./api/state.ts";
export { JobExecutionResult, type JobClient } from "./api/executor.ts";
export {
  Boundedness,
  InputStatus,
  type Source,
  type SourceReader,
  type SourceReaderContext,
  type ReaderOutput,
} from "./api/source.ts";
export type { Sink, SinkWriter, SinkWriterContext, SinkInitContext } from "./api/sink.ts";
export type { PrecommittingSinkWriter, Committer, TwoPhaseCommittingSink } from "./api/sink.ts";
export {
  FileSink,
  RowFormatBuilder,
  DEFAULT_BUCKET_CHECK_INTERVAL_MS,
  type FileSinkSettings,
} from "./connectors/files/file-sink.ts";
export { NexmarkSource, type NexmarkSplit } from "./connectors/nexmark/source.ts";
export { NexmarkGenerator } from "./connectors/nexmark/generator.ts";
export {
  EventType as NexmarkEventType,
  NEXMARK_DEFAULTS,
  type NexmarkConfig,
  type NexmarkEvent,
  type Person as NexmarkPerson,
  type Auction as NexmarkAuction,
  type Bid as NexmarkBid,
} from "./connectors/nexmark/model.ts";
export { FileSinkWriter } from "./connectors/files/file-writer.ts";
export { FileCommitter, type FileSinkCommittable } from "./connectors/files/file-committer.ts";
export {
  SimpleStringEncoder,
  type Encoder,
  type StringCharset,
} from "./connectors/files/encoder.ts";
export {
  BasePathBucketAssigner,
  DateTimeBucketAssigner,
  DEFAULT_BUCKET_FORMAT,
  type BucketAssigner,
  type BucketAssignerContext,
  type BucketTimeZone,
} from "./connectors/files/bucket-assigners.ts";
export {
  DefaultRollingPolicy,
  DefaultRollingPolicyBuilder,
  OnCheckpointRollingPolicy,
  type RollingPolicy,
  type PartFileInfo,
} from "./connectors/files/rolling-policies.ts";
export {
  OutputFileConfig,
  OutputFileConfigBuilder,
} from "./connectors/files/output-file-config.ts";
export {
  Watermark,
  WatermarkStrategy,
  type WatermarkGenerator,
  type WatermarkOutput,
  type TimestampAssigner,
} from "./api/watermarks.ts";
export * from "./api/sources/index.ts";
export {
  StromError,
  InvalidJobError,
  UserFunctionError,
  JobExecutionError,
  JobCancelledError,
} from "./core/errors.ts";
export { runJobModule, type RunOptions } from "./cluster/run-module.ts";
export { ThreadExecutor } from "./cluster/thread-executor.ts";
export { ManualTimerScheduler, type Clock, type TimerScheduler } from "./core/time.ts";
export { Duration, parseDuration, type DurationLike } from "./core/duration.ts";
export { Window, TimeWindow, GlobalWindow, type MergeCallback } from "./api/windowing/windows.ts";
export {
  WindowAssigner,
  MergingWindowAssigner,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  SlidingEventTimeWindows,
  SlidingProcessingTimeWindows,
  EventTimeSessionWindows,
  ProcessingTimeSessionWindows,
  GlobalWindows,
  type WindowAssignerContext,
  type SessionWindowTimeGapExtractor,
} from "./api/windowing/assigners.ts";
export {
  Trigger,
  TriggerResult,
  EventTimeTrigger,
  ProcessingTimeTrigger,
  CountTrigger,
  PurgingTrigger,
  NeverTrigger,
  EndOfStreamTrigger,
  type TriggerContext,
  type OnMergeContext,
} from "./api/windowing/triggers.ts";
export {
  ContinuousEventTimeTrigger,
  ContinuousProcessingTimeTrigger,
  DeltaTrigger,
  type DeltaFunction,
} from "./api/windowing/continuous-triggers.ts";
export {
  CountEvictor,
  TimeEvictor,
  DeltaEvictor,
  TimestampedValue,
  EvictableElements,
  type Evictor,
  type EvictorContext,
  type RemovingIterator,
} from "./api/windowing/evictors.ts";
export {
  ProcessWindowFunction,
  ProcessAllWindowFunction,
  RichWindowFunction,
  RichAllWindowFunction,
  type WindowFunction,
  type AllWindowFunction,
  type ProcessWindowFunctionContext,
  type ProcessAllWindowFunctionContext,
} from "./api/windowing/window-functions.ts";
export { WindowedStream } from "./api/windowing/windowed-stream.ts";
export { AllWindowedStream } from "./api/windowing/all-windowed-stream.ts";
export {
  IntervalJoin,
  IntervalJoined,
  ProcessJoinFunction,
  type ProcessJoinContext,
  type ProcessJoinFunctionLambda,
} from "./api/joins.ts";
export {
  RichJoinFunction,
  RichFlatJoinFunction,
  RichCoGroupFunction,
  type JoinFunction,
  type FlatJoinFunction,
  type CoGroupFunction,
  type JoinFunctionLambda,
  type FlatJoinFunctionLambda,
  type CoGroupFunctionLambda,
  type JoinFunctionLike,
  type TaggedUnion,
} from "./api/join-functions.ts";
export {
  JoinedStreams,
  JoinWhere,
  JoinEqualTo,
  JoinWithWindow,
  CoGroupedStreams,
  CoGroupWhere,
  CoGroupEqualTo,
  CoGroupWithWindow,
} from "./api/window-joins.ts";
export {
  CheckpointingMode,
  isCheckpointListener,
  type CheckpointListener,
  type CheckpointSettings,
  type RestartStrategySettings,
  type RestoreSettings,
} from "./api/checkpointing.ts";
export { CheckpointConfig } from "./api/checkpoint-config.ts";
export type { StateBackendKind } from "./api/config.ts";
export {
  TableEnvironment,
  TableEnvironmentError,
  TableResult,
  Table,
  GroupedTable,
  StatementSet,
  ScalarFunction,
  type ScalarFunctionOptions,
  TableFunction,
  // The SQL user aggregate (the DataStream API's AggregateFunction is another interface).
  AggregateFunction as SqlAggregateFunction,
  type UserFunctionOptions,
  type UserFunctionKind,
  type UserFunction,
  TableConfig,
  TableConfigError,
  SqlPlanError,
  SqlParseError,
  RowKind,
  applyChangelog,
  formatRow,
  type TableEnvironmentSettings,
  type ScriptStatement,
  type FromDataStreamOptions,
  type StreamWatermarkOptions,
  isRowtime,
  isProctime,
  type ResultColumn,
  type ResultKind,
  type Row,
} from "./table/index.ts";
