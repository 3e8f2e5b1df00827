/**
 * Channel selectors: for each record, which of a producer's output channels (on one edge) receives
 * it. Hash partitioning goes through key groups so that state can later be rescaled.
 */
import { describeError, PartitionerError } from "../../core/errors.ts";
import { hashKey, murmurMix, operatorIndexForKeyGroup } from "../../core/keygroups.ts";
import type { PartitionerSpec } from "../../api/transformations.ts";

/** Selects the channel index for a record; {@link BROADCAST} means every channel. */
export interface ChannelSelector {
  /** The channel index for `value` (0..numChannels-1), or BROADCAST. */
  select(value: unknown): number;
}

/** Returned by broadcast selectors. */
export const BROADCAST = -1;

/** Parameters of a producer's side of an edge. */
export interface SelectorSetup {
  /** Number of output channels of this producer on the edge. */
  numChannels: number;
  /** Producer subtask index (seeds round-robin start and shuffling). */
  producerSubtask: number;
  /** Max parallelism of the consumer (the number of key groups). */
  consumerMaxParallelism: number;
  /** Name of the consumer, for errors. */
  consumerName: string;
}

class ForwardSelector implements ChannelSelector {
  select(): number {
    return 0;
  }
}

class RoundRobinSelector implements ChannelSelector {
  private next: number;
  private readonly n: number;
  constructor(n: number, start: number) {
    this.n = n;
    this.next = start % n;
  }
  select(): number {
    const c = this.next;
    this.next = c + 1 === this.n ? 0 : c + 1;
    return c;
  }
}

class ShuffleSelector implements ChannelSelector {
  private state: number;
  private readonly n: number;
  constructor(n: number, seed: number) {
    this.n = n;
    this.state = (seed * 0x9e3779b1 + 0x632be5ab) | 0 || 1;
  }
  select(): number {
    // xorshift32: deterministic per subtask, uniform enough for load spreading.
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x;
    return (x >>> 0) % this.n;
  }
}

class BroadcastSelector implements ChannelSelector {
  select(): number {
    return BROADCAST;
  }
}

class GlobalSelector implements ChannelSelector {
  select(): number {
    return 0;
  }
}

class KeyGroupSelector implements ChannelSelector {
  private readonly key: (v: unknown) => unknown;
  private readonly maxP: number;
  private readonly consumer: string;
  /** Channel of each key group (precomputed: the contiguous key-group ranges of the consumers). */
  private readonly channelOfKeyGroup: Int32Array;
  constructor(key: (v: unknown) => unknown, n: number, maxP: number, consumer: string) {
    this.key = key;
    this.maxP = maxP;
    this.consumer = consumer;
    this.channelOfKeyGroup = new Int32Array(maxP);
    for (let kg = 0; kg < maxP; kg++)
      this.channelOfKeyGroup[kg] = operatorIndexForKeyGroup(maxP, n, kg);
  }
  select(value: unknown): number {
    let k: unknown;
    try {
      k = this.key(value);
    } catch (e) {
      throw new PartitionerError(
        `the key selector of keyBy() before '${this.consumer}' threw: ${describeError(e)}`,
        { cause: e },
      );
    }
    let h: number;
    try {
      h = hashKey(k);
    } catch (e) {
      throw new PartitionerError(
        `invalid key from the key selector of keyBy() before '${this.consumer}': ${(e as Error).message}`,
        { cause: e },
      );
    }
    return this.channelOfKeyGroup[murmurMix(h) % this.maxP]!;
  }
}

class CustomSelector implements ChannelSelector {
  private readonly key: (v: unknown) => unknown;
  private readonly partition: (k: unknown, n: number) => number;
  private readonly n: number;
  private readonly consumer: string;
  constructor(
    key: (v: unknown) => unknown,
    partition: (k: unknown, n: number) => number,
    n: number,
    consumer: string,
  ) {
    this.key = key;
    this.partition = partition;
    this.n = n;
    this.consumer = consumer;
  }
  select(value: unknown): number {
    let p: number;
    try {
      p = this.partition(this.key(value), this.n);
    } catch (e) {
      throw new PartitionerError(
        `the custom partitioner before '${this.consumer}' threw: ${describeError(e)}`,
        { cause: e },
      );
    }
    if (!Number.isInteger(p) || p < 0 || p >= this.n) {
      throw new PartitionerError(
        `custom partitioner before '${this.consumer}' returned ${p}; expected an integer in [0, ${this.n})`,
      );
    }
    return p;
  }
}

/** Creates the selector for a partitioner spec. */
export function createSelector(spec: PartitionerSpec, setup: SelectorSetup): ChannelSelector {
  const n = setup.numChannels;
  switch (spec.kind) {
    case "forward":
      return new ForwardSelector();
    case "rebalance":
    case "rescale":
      return n === 1 ? new ForwardSelector() : new RoundRobinSelector(n, setup.producerSubtask);
    case "shuffle":
      return new ShuffleSelector(n, setup.producerSubtask + 1);
    case "broadcast":
      return new BroadcastSelector();
    case "global":
      return new GlobalSelector();
    case "hash":
      return new KeyGroupSelector(spec.key, n, setup.consumerMaxParallelism, setup.consumerName);
    case "custom":
      return new CustomSelector(spec.key, spec.partition, n, setup.consumerName);
    default: {
      const never: never = spec;
      throw new Error(`unknown partitioner ${(never as { kind: string }).kind}`);
    }
  }
}
