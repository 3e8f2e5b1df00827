/**
 * Strom's public API. Jobs import everything from "strom"; nothing else is a supported entry point.
 */
import { registerLocalExecutors } from "./cluster/register.ts";

registerLocalExecutors();

export { StreamExecutionEnvironment } from "./api/environment.ts";
export { RuntimeExecutionMode, type ExecutionConfig } from "./api/config.ts";
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
export {
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
