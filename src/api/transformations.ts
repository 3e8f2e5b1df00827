/**
 * The logical plan a DataStream program builds: a DAG of transformations. Each node is data (ids,
 * names, parallelism, a partitioner or operator *spec*); user functions are referenced from specs
 * but never executed here. The graph layer turns this DAG into a StreamGraph and a JobGraph; the
 * runtime turns each {@link OperatorSpec} into a running operator.
 */
import type { Sink } from "./sink.ts";
import type { Source } from "./source.ts";
import type { WatermarkStrategy } from "./watermarks.ts";
import type { WindowOperatorSpec } from "./windowing/spec.ts";
import type { IntervalJoinOperatorSpec } from "./joins.ts";
import type { AsyncOperatorSpec } from "./async.ts";
import type { BroadcastProcessFunction, KeyedBroadcastProcessFunction } from "./broadcast.ts";
import type { MapStateDescriptor } from "./state.ts";
import type {
  CoFlatMapFunction,
  CoMapFunction,
  CoProcessFunction,
  FlatMapFunction,
  KeyedCoProcessFunction,
  KeyedProcessFunction,
  ProcessFunction,
  RichFunction,
} from "./functions.ts";

/** A key selector as a plain function (normalized from lambdas and KeySelector objects). */
export type KeyFn = (value: any) => unknown;

/** How records travel from one operator's subtasks to the next's. */
export type PartitionerSpec =
  | { readonly kind: "forward" }
  | { readonly kind: "rebalance" }
  | { readonly kind: "rescale" }
  | { readonly kind: "shuffle" }
  | { readonly kind: "broadcast" }
  | { readonly kind: "global" }
  | { readonly kind: "hash"; readonly key: KeyFn }
  | {
      readonly kind: "custom";
      readonly key: KeyFn;
      readonly partition: (key: any, numPartitions: number) => number;
    };

/** How a one-input operator treats chaining. */
export type ChainingStrategy = "ALWAYS" | "HEAD" | "NEVER";

/** What a one- or two-input operator does. The runtime maps each kind to an operator class. */
export type OperatorSpec =
  | {
      readonly kind: "map";
      readonly fn: (value: any) => unknown;
      readonly rich: RichFunction | null;
    }
  | { readonly kind: "flatMap"; readonly fn: FlatMapFunction<any, any> }
  | {
      readonly kind: "filter";
      readonly fn: (value: any) => boolean;
      readonly rich: RichFunction | null;
    }
  | { readonly kind: "process"; readonly fn: ProcessFunction<any, any> }
  | {
      readonly kind: "keyedProcess";
      readonly fn: KeyedProcessFunction<any, any, any> | ProcessFunction<any, any>;
    }
  | {
      readonly kind: "reduce";
      readonly key: KeyFn;
      readonly fn: (a: any, b: any) => unknown;
      readonly rich: RichFunction | null;
    }
  | { readonly kind: "timestamps"; readonly strategy: WatermarkStrategy<any> }
  | { readonly kind: "sink"; readonly sink: Sink<any> }
  | { readonly kind: "collect"; readonly collectId: string }
  | { readonly kind: "coMap"; readonly fn: CoMapFunction<any, any, any> }
  | { readonly kind: "coFlatMap"; readonly fn: CoFlatMapFunction<any, any, any> }
  | { readonly kind: "coProcess"; readonly fn: CoProcessFunction<any, any, any> }
  | {
      readonly kind: "keyedCoProcess";
      readonly fn: KeyedCoProcessFunction<any, any, any, any> | CoProcessFunction<any, any, any>;
    }
  | {
      /** Non-keyed side + broadcast side (input 2); `descriptors` are the declared broadcast states. */
      readonly kind: "broadcastProcess";
      readonly fn: BroadcastProcessFunction<any, any, any>;
      readonly descriptors: readonly MapStateDescriptor<unknown, unknown>[];
    }
  | {
      /** Keyed side + broadcast side (input 2, not keyed). */
      readonly kind: "keyedBroadcastProcess";
      readonly fn: KeyedBroadcastProcessFunction<any, any, any, any>;
      readonly descriptors: readonly MapStateDescriptor<unknown, unknown>[];
    }
  | WindowOperatorSpec
  | IntervalJoinOperatorSpec
  | AsyncOperatorSpec;

/** The kinds of operator specs. */
export type OperatorKind = OperatorSpec["kind"];

/** Common fields of every plan node. */
export abstract class Transformation<_T = unknown> {
  /** Position in the environment's list of transformations (set on registration): stable for a deterministic program. */
  id = -1;
  /** Display name. */
  name: string;
  /** User-assigned stable id (for state matching across job versions). */
  uid: string | null = null;
  /** Parallelism, or -1 for the environment default. */
  parallelism: number;
  /** Max parallelism (key groups), or -1 for the environment default. */
  maxParallelism = -1;
  /** Chaining behaviour. */
  chaining: ChainingStrategy = "ALWAYS";
  /** Slot sharing group name. */
  slotSharingGroup = "default";

  /** Creates a node named `name` with `parallelism` (-1: default). */
  constructor(name: string, parallelism: number) {
    this.name = name;
    this.parallelism = parallelism;
  }

  /** Direct inputs of this node. */
  abstract inputs(): Transformation[];
}

/** Reads from a {@link Source}. */
export class SourceTransformation<T> extends Transformation<T> {
  /** The source. */
  readonly source: Source<T, any>;
  /** Event-time strategy applied at the source. */
  readonly watermarks: WatermarkStrategy<T>;
  /** Creates a source node. */
  constructor(
    name: string,
    source: Source<T, any>,
    watermarks: WatermarkStrategy<T>,
    parallelism: number,
  ) {
    super(name, parallelism);
    this.source = source;
    this.watermarks = watermarks;
  }
  /** Sources have no inputs. */
  inputs(): Transformation[] {
    return [];
  }
}

/** Applies a one-input operator. */
export class OneInputTransformation<I, O> extends Transformation<O> {
  /** The upstream node. */
  readonly input: Transformation<I>;
  /** What the operator does. */
  readonly operator: OperatorSpec;
  /** Key selector when the operator runs on a keyed stream. */
  readonly key: KeyFn | null;
  /** Creates the node. */
  constructor(
    input: Transformation<I>,
    name: string,
    operator: OperatorSpec,
    parallelism: number,
    key: KeyFn | null,
  ) {
    super(name, parallelism);
    this.input = input;
    this.operator = operator;
    this.key = key;
  }
  /** The single input. */
  inputs(): Transformation[] {
    return [this.input];
  }
}

/** Applies a two-input operator to connected streams. */
export class TwoInputTransformation<I1, I2, O> extends Transformation<O> {
  /** First input. */
  readonly input1: Transformation<I1>;
  /** Second input. */
  readonly input2: Transformation<I2>;
  /** What the operator does. */
  readonly operator: OperatorSpec;
  /** Key selectors when both inputs are keyed. */
  readonly key1: KeyFn | null;
  /** Key selector of the second input. */
  readonly key2: KeyFn | null;
  /** Creates the node. */
  constructor(
    input1: Transformation<I1>,
    input2: Transformation<I2>,
    name: string,
    operator: OperatorSpec,
    parallelism: number,
    key1: KeyFn | null,
    key2: KeyFn | null,
  ) {
    super(name, parallelism);
    this.input1 = input1;
    this.input2 = input2;
    this.operator = operator;
    this.key1 = key1;
    this.key2 = key2;
  }
  /** Both inputs. */
  inputs(): Transformation[] {
    return [this.input1, this.input2];
  }
}

/** Changes how records are distributed to the next operator (virtual: no operator of its own). */
export class PartitionTransformation<T> extends Transformation<T> {
  /** Upstream node. */
  readonly input: Transformation<T>;
  /** The distribution. */
  readonly partitioner: PartitionerSpec;
  /** Creates the node. */
  constructor(input: Transformation<T>, partitioner: PartitionerSpec) {
    super(`Partition(${partitioner.kind})`, input.parallelism);
    this.input = input;
    this.partitioner = partitioner;
  }
  /** The single input. */
  inputs(): Transformation[] {
    return [this.input];
  }
}

/** Merges streams of the same type (virtual). */
export class UnionTransformation<T> extends Transformation<T> {
  /** The merged inputs. */
  readonly unioned: Transformation<T>[];
  /** Creates the node. */
  constructor(inputs: Transformation<T>[]) {
    super("Union", -1);
    this.unioned = inputs;
  }
  /** All merged inputs. */
  inputs(): Transformation[] {
    return this.unioned;
  }
}

/** Selects a side output of its input (virtual). */
export class SideOutputTransformation<T> extends Transformation<T> {
  /** Upstream node producing the side output. */
  readonly input: Transformation<unknown>;
  /** The side output's tag id. */
  readonly tagId: string;
  /** Creates the node. */
  constructor(input: Transformation<unknown>, tagId: string) {
    super(`SideOutput(${tagId})`, input.parallelism);
    this.input = input;
    this.tagId = tagId;
  }
  /** The single input. */
  inputs(): Transformation[] {
    return [this.input];
  }
}
