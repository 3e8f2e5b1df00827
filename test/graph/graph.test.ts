/**
 * The graph layer on real programs: plans from `env.getPlan()` turned into a StreamGraph, a
 * JobGraph (chains) and an ExecutionGraph (subtasks and channels), and the graph fingerprint.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  DataGeneratorSource,
  InvalidJobError,
  OutputTag,
  ProcessFunction,
  WatermarkStrategy,
  type Collector,
  type ProcessContext,
  type StreamExecutionEnvironment,
} from "strom";
import { buildStreamGraph, type StreamGraph } from "../../src/graph/stream-graph.ts";
import { buildJobGraph, type JobGraph } from "../../src/graph/job-graph.ts";
import {
  buildExecutionGraph,
  consumersOf,
  inputKey,
  outputKey,
  type ExecutionGraph,
} from "../../src/graph/execution-graph.ts";
import { fingerprintJobGraph } from "../../src/graph/fingerprint.ts";
import { threadEnv } from "../api/harness.ts";

interface Compiled {
  sg: StreamGraph;
  jg: JobGraph;
  eg: ExecutionGraph;
  fingerprint: string;
}

function compile(env: StreamExecutionEnvironment, jobName = "graph-test"): Compiled {
  const plan = env.getPlan(jobName);
  const sg = buildStreamGraph(plan.jobName, plan.transformations, plan.config);
  const jg = buildJobGraph(sg);
  return { sg, jg, eg: buildExecutionGraph(jg), fingerprint: fingerprintJobGraph(jg) };
}

const vertexNames = (c: Compiled): string[] => c.jg.vertices.map((v) => v.name);
const noop = (): void => {};

/** source -> map -> filter -> sink, with hooks to configure each operator. */
function pipeline(
  env: StreamExecutionEnvironment,
  hooks: {
    map?: (op: import("strom").SingleOutputStreamOperator<number>) => void;
    filter?: (op: import("strom").SingleOutputStreamOperator<number>) => void;
    sink?: (op: import("strom").DataStreamSink<number>) => void;
  } = {},
): void {
  const map = env.fromSequence(1, 100).map((x) => x + 1);
  hooks.map?.(map);
  const filter = map.filter((x) => x % 2 === 0);
  hooks.filter?.(filter);
  const sink = filter.sinkTo(noop);
  hooks.sink?.(sink);
}

describe("chaining", () => {
  test("source -> map -> filter -> sink chains into one vertex", () => {
    const env = threadEnv(4);
    pipeline(env);
    const c = compile(env);
    assert.equal(c.sg.nodes.length, 4);
    assert.deepEqual(
      c.sg.edges.map((e) => e.partitioner.kind),
      ["forward", "forward", "forward"],
    );
    assert.deepEqual(vertexNames(c), ["Sequence Source -> Map -> Filter -> Sink"]);
    const [v] = c.jg.vertices;
    assert.equal(v!.parallelism, 4);
    assert.equal(v!.maxParallelism, 128);
    assert.equal(v!.isSource, true);
    assert.deepEqual(
      v!.nodes.map((n) => n.name),
      ["Sequence Source", "Map", "Filter", "Sink"],
    );
    assert.equal(v!.inputs.length + v!.outputs.length, 0);
    assert.equal(c.eg.channels.length, 0);
    assert.equal(c.eg.numSlots, 4);
  });

  test("keyBy breaks the chain: a hash edge between two vertices", () => {
    const env = threadEnv(3);
    env
      .fromSequence(1, 100)
      .map((x) => x)
      .keyBy((x) => x % 5)
      .reduce((a, b) => a + b)
      .sinkTo(noop);
    const c = compile(env);
    assert.deepEqual(vertexNames(c), ["Sequence Source -> Map", "Keyed Reduce -> Sink"]);
    const [up, down] = c.jg.vertices;
    assert.equal(up!.outputs.length, 1);
    const edge = up!.outputs[0]!;
    assert.equal(edge.partitioner.kind, "hash");
    assert.equal(edge.sourceVertex, 0);
    assert.equal(edge.targetVertex, 1);
    assert.equal(edge.targetName, "Keyed Reduce");
    assert.deepEqual(down!.inputs, [edge]);
    assert.equal(c.eg.channels.length, 9, "all-to-all: 3 x 3");
    // A keyed map (or any operator on a keyed stream) also starts a new vertex.
    const env2 = threadEnv(2);
    env2
      .fromSequence(1, 10)
      .keyBy((x) => x)
      .map((x) => x)
      .sinkTo(noop);
    assert.deepEqual(vertexNames(compile(env2)), ["Sequence Source", "Map -> Sink"]);
  });

  test("disableChaining isolates the operator", () => {
    const env = threadEnv(2);
    pipeline(env, { map: (m) => m.disableChaining() });
    assert.deepEqual(vertexNames(compile(env)), ["Sequence Source", "Map", "Filter -> Sink"]);
    const env2 = threadEnv(2);
    pipeline(env2, { sink: (s) => s.disableChaining() });
    assert.deepEqual(vertexNames(compile(env2)), ["Sequence Source -> Map -> Filter", "Sink"]);
  });

  test("startNewChain starts a chain that still chains with what follows", () => {
    const env = threadEnv(2);
    pipeline(env, { filter: (f) => f.startNewChain() });
    const c = compile(env);
    assert.deepEqual(vertexNames(c), ["Sequence Source -> Map", "Filter -> Sink"]);
    assert.equal(c.jg.vertices[0]!.outputs[0]!.partitioner.kind, "forward");
    assert.equal(c.eg.channels.length, 2, "forward is pointwise: one channel per subtask");
  });

  test("env.disableOperatorChaining gives every operator its own vertex", () => {
    const env = threadEnv(2).disableOperatorChaining();
    pipeline(env);
    const c = compile(env);
    assert.deepEqual(vertexNames(c), ["Sequence Source", "Map", "Filter", "Sink"]);
    assert.equal(c.eg.channels.length, 6);
  });

  test("a different parallelism breaks the chain and defaults to rebalance", () => {
    const env = threadEnv(4);
    pipeline(env, { map: (m) => m.setParallelism(2) });
    const c = compile(env);
    assert.deepEqual(vertexNames(c), ["Sequence Source", "Map", "Filter -> Sink"]);
    assert.deepEqual(
      c.jg.vertices.map((v) => v.parallelism),
      [4, 2, 4],
    );
    assert.deepEqual(
      c.jg.vertices.flatMap((v) => v.outputs.map((e) => e.partitioner.kind)),
      ["rebalance", "rebalance"],
    );
    assert.equal(c.eg.channels.length, 4 * 2 + 2 * 4);
    assert.equal(c.eg.numSlots, 4);
  });

  test("another slot sharing group breaks the chain", () => {
    const env = threadEnv(2);
    pipeline(env, { filter: (f) => f.slotSharingGroup("other") });
    assert.deepEqual(vertexNames(compile(env)), ["Sequence Source -> Map", "Filter", "Sink"]);
  });

  test("fan-out: several forward consumers chain into the producer's vertex", () => {
    const env = threadEnv(2);
    const src = env.fromSequence(1, 10);
    src.map((x) => x).sinkTo(noop);
    src.filter((x) => x > 1).sinkTo(noop);
    const c = compile(env);
    assert.equal(c.jg.vertices.length, 1);
    assert.deepEqual(
      c.jg.vertices[0]!.nodes.map((n) => n.name),
      ["Sequence Source", "Map", "Sink", "Filter", "Sink"],
    );
  });

  test("union: an operator with two inputs is a chain head", () => {
    const env = threadEnv(2);
    const a = env.fromSequence(1, 10);
    const b = env.fromElements(100, 200);
    a.union(b)
      .map((x) => x)
      .sinkTo(noop);
    const c = compile(env);
    assert.deepEqual(vertexNames(c), ["Sequence Source", "Collection Source", "Map -> Sink"]);
    const map = c.jg.vertices[2]!;
    assert.deepEqual(
      map.inputs.map((e) => [e.sourceName, e.partitioner.kind, e.typeNumber]),
      [
        ["Sequence Source", "forward", 1],
        ["Collection Source", "rebalance", 1],
      ],
    );
    // Forward 2 -> 2 is pointwise (2 channels); rebalance 1 -> 2 is all-to-all (2 channels).
    assert.equal(c.eg.channels.length, 4);
    assert.equal(c.eg.inputChannels.get(inputKey(2, 0))!.length, 2);
    assert.equal(c.eg.inputChannels.get(inputKey(2, 1))!.length, 2);
  });

  test("connect: the two inputs are input 1 and input 2 of one head", () => {
    const env = threadEnv(2);
    env
      .fromSequence(1, 10)
      .connect(env.fromElements("x"))
      .map({ map1: (n: number) => n, map2: (s: string) => s.length })
      .sinkTo(noop);
    const c = compile(env);
    const head = c.jg.vertices.find((v) => v.name.startsWith("Co-Map"))!;
    assert.equal(head.name, "Co-Map -> Sink");
    assert.deepEqual(
      head.inputs.map((e) => e.typeNumber),
      [1, 2],
    );
  });
});

describe("side outputs", () => {
  const a = new OutputTag<number>("a");
  const b = new OutputTag<number>("b");
  class Split extends ProcessFunction<number, number> {
    processElement(v: number, ctx: ProcessContext, out: Collector<number>): void {
      ctx.output(v % 2 ? a : b, v);
      out.collect(v);
    }
  }

  test("side-output edges carry their tag; same-parallelism consumers chain", () => {
    const env = threadEnv(4);
    const split = env.fromSequence(1, 10).process(new Split()).name("split");
    split.sinkTo(noop).name("main-sink");
    split
      .getSideOutput(a)
      .map((x) => x)
      .name("a-map")
      .sinkTo(noop)
      .name("a-sink");
    split
      .getSideOutput(b)
      .map((x) => x)
      .name("b-map")
      .setParallelism(2)
      .sinkTo(noop)
      .name("b-sink")
      .setParallelism(2);
    const c = compile(env);
    const tagOf = (target: string) =>
      c.sg.edges.find((e) => c.sg.nodes.find((n) => n.id === e.targetId)!.name === target)!
        .sideOutputTag;
    assert.equal(tagOf("main-sink"), null);
    assert.equal(tagOf("a-map"), "a");
    assert.equal(tagOf("b-map"), "b");
    assert.deepEqual(vertexNames(c), [
      "Sequence Source -> split -> main-sink -> a-map -> a-sink",
      "b-map -> b-sink",
    ]);
    const out = c.jg.vertices[0]!.outputs;
    assert.equal(out.length, 1);
    assert.equal(out[0]!.sideOutputTag, "b");
    assert.equal(out[0]!.partitioner.kind, "rebalance");
    assert.equal(out[0]!.sourceName, "split");
    assert.equal(c.eg.channels.length, 8);
  });
});

describe("stream graph", () => {
  test("virtual nodes vanish; parallelism and max parallelism are resolved", () => {
    const env = threadEnv(3).setMaxParallelism(64);
    const s = env.fromSequence(1, 10);
    s.rebalance()
      .union(s.shuffle())
      .map((x) => x)
      .setMaxParallelism(32)
      .sinkTo(noop)
      .setParallelism(1);
    const c = compile(env);
    assert.deepEqual(
      c.sg.nodes.map((n) => [n.name, n.parallelism, n.maxParallelism]),
      [
        ["Sequence Source", 3, 64],
        ["Map", 3, 32],
        ["Sink", 1, 64],
      ],
    );
    assert.deepEqual(
      c.sg.edges.map((e) => e.partitioner.kind),
      ["rebalance", "shuffle", "rebalance"],
    );
    // Node ids are the transformations' ids: stable for a deterministic program.
    const ids = c.sg.nodes.map((n) => n.id);
    assert.deepEqual(
      ids,
      [...ids].sort((x, y) => x - y),
    );
    assert.equal(c.jg.vertices.find((v) => v.name === "Map")!.maxParallelism, 32);
  });

  test("batch is decided from the runtime mode and the sources' boundedness", () => {
    const build = (mode: "STREAMING" | "BATCH" | "AUTOMATIC", unbounded: boolean) => {
      const env = threadEnv(2).setRuntimeMode(mode);
      env.fromSequence(1, 10).sinkTo(noop);
      if (unbounded)
        env
          .fromSource(
            new DataGeneratorSource((i) => i, Infinity),
            WatermarkStrategy.noWatermarks(),
            "g",
          )
          .sinkTo(noop);
      return () => compile(env).sg.batch;
    };
    assert.equal(build("STREAMING", false)(), false);
    assert.equal(build("BATCH", false)(), true);
    assert.equal(build("AUTOMATIC", false)(), true);
    assert.equal(build("AUTOMATIC", true)(), false);
    assert.equal(build("STREAMING", true)(), false);
    assert.throws(build("BATCH", true), InvalidJobError);
  });

  test("forward between different parallelisms is rejected at graph building", () => {
    const env = threadEnv(2);
    env.fromSequence(1, 10).forward().sinkTo(noop).setParallelism(3);
    assert.throws(() => compile(env), InvalidJobError);
  });

  test("vertices are in topological order", () => {
    const env = threadEnv(2);
    const x = env
      .fromSequence(1, 10)
      .map((v) => v)
      .setParallelism(3);
    const y = env.fromElements(1, 2, 3);
    const z = x
      .union(y)
      .keyBy((v) => v % 2)
      .reduce((p, q) => p + q);
    z.connect(y.rebalance())
      .map({ map1: (v: number) => v, map2: (v: number) => -v })
      .sinkTo(noop);
    z.global().sinkTo(noop).setParallelism(1);
    const c = compile(env);
    for (const v of c.jg.vertices) {
      for (const e of v.inputs) assert.ok(e.sourceVertex < e.targetVertex, `${e.sourceName} first`);
      assert.equal(c.jg.vertices.indexOf(v), v.id);
    }
    for (const [nodeId, vertexId] of c.jg.vertexOfNode)
      assert.ok(c.jg.vertices[vertexId]!.nodes.some((n) => n.id === nodeId));
    assert.equal(c.jg.vertexOfNode.size, c.sg.nodes.length);
  });
});

describe("execution graph", () => {
  /** An edge of `kind` from `up` producers to `down` consumers (the two never chain). */
  function twoVertices(
    up: number,
    down: number,
    partition: (s: import("strom").DataStream<number>) => import("strom").DataStream<number>,
  ): Compiled {
    const env = threadEnv(1);
    const src = env
      .fromSource(new DataGeneratorSource((i) => i, 10), WatermarkStrategy.noWatermarks(), "src")
      .setParallelism(up);
    partition(src)
      .map((x) => x)
      .setParallelism(down)
      .startNewChain()
      .sinkTo(noop)
      .setParallelism(down);
    const c = compile(env);
    assert.equal(c.jg.vertices.length, 2);
    return c;
  }

  const pairs = (c: Compiled) =>
    c.eg.channels.map((ch) => [ch.producerSubtask, ch.consumerSubtask]);

  test("all-to-all edges connect every producer to every consumer", () => {
    for (const [name, partition] of [
      ["rebalance", (s) => s.rebalance()],
      ["shuffle", (s) => s.shuffle()],
      ["broadcast", (s) => s.broadcast()],
      ["global", (s) => s.global()],
      ["hash", (s) => s.keyBy((x) => x)],
      [
        "custom",
        (s) =>
          s.partitionCustom(
            (k: number, n: number) => k % n,
            (x: number) => x,
          ),
      ],
    ] as [
      string,
      (s: import("strom").DataStream<number>) => import("strom").DataStream<number>,
    ][]) {
      const c = twoVertices(3, 4, partition);
      assert.equal(c.eg.channels.length, 12, name);
      for (let p = 0; p < 3; p++) {
        const out = c.eg.outputChannels.get(outputKey(c.jg.vertices[0]!.outputs[0]!.id, p))!;
        assert.deepEqual(
          out.map((ch) => [ch.consumerSubtask, ch.outputIndex]),
          [0, 1, 2, 3].map((i) => [i, i]),
          `${name}: output channels of producer ${p} in consumer order`,
        );
      }
      for (let s = 0; s < 4; s++)
        assert.equal(c.eg.inputChannels.get(inputKey(1, s))!.length, 3, name);
      assert.equal(c.eg.numSlots, 4);
    }
  });

  test("forward is one channel per subtask", () => {
    const c = twoVertices(4, 4, (s) => s.forward());
    assert.deepEqual(pairs(c), [
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });

  test("rescale is pointwise, both when scaling up and down", () => {
    assert.deepEqual(pairs(twoVertices(2, 4, (s) => s.rescale())), [
      [0, 0],
      [0, 1],
      [1, 2],
      [1, 3],
    ]);
    assert.deepEqual(pairs(twoVertices(4, 2, (s) => s.rescale())), [
      [0, 0],
      [1, 0],
      [2, 1],
      [3, 1],
    ]);
    // Uneven ratios: still a partition of the consumers (up) or producers (down).
    for (const [up, down] of [
      [3, 5],
      [5, 3],
      [2, 7],
      [7, 2],
      [1, 4],
      [4, 1],
    ] as const) {
      const c = twoVertices(up, down, (s) => s.rescale());
      const feeds = new Map<number, number[]>();
      const readers = new Map<number, number[]>();
      for (const [p, q] of pairs(c)) {
        feeds.set(p!, [...(feeds.get(p!) ?? []), q!]);
        readers.set(q!, [...(readers.get(q!) ?? []), p!]);
      }
      assert.equal(feeds.size, up, `${up}->${down}: every producer has a consumer`);
      assert.equal(readers.size, down, `${up}->${down}: every consumer has a producer`);
      if (up <= down) for (const r of readers.values()) assert.equal(r.length, 1);
      else for (const f of feeds.values()) assert.equal(f.length, 1);
      assert.equal(c.eg.channels.length, Math.max(up, down));
    }
  });

  test("consumersOf agrees with the channels", () => {
    const c = twoVertices(3, 5, (s) => s.rescale());
    const edge = c.jg.vertices[0]!.outputs[0]!;
    for (let p = 0; p < 3; p++) {
      assert.deepEqual(
        c.eg.outputChannels.get(outputKey(edge.id, p))!.map((ch) => ch.consumerSubtask),
        consumersOf(edge, p, 3, 5),
      );
    }
  });
});

describe("fingerprint", () => {
  /** The fingerprint of a small keyed job built with the given variations. */
  function job(
    opts: {
      parallelism?: number;
      mapParallelism?: number;
      mapBody?: (x: number) => number;
      keyBody?: (x: number) => number;
      name?: string;
      batch?: boolean;
      shuffle?: boolean;
    } = {},
  ): string {
    const env = threadEnv(opts.parallelism ?? 2);
    if (opts.batch) env.setRuntimeMode("BATCH");
    let s = env.fromSequence(1, 100).map(opts.mapBody ?? ((x) => x * 2));
    if (opts.mapParallelism) s = s.setParallelism(opts.mapParallelism);
    if (opts.name) s = s.name(opts.name);
    (opts.shuffle ? s.shuffle() : s)
      .keyBy(opts.keyBody ?? ((x) => x % 10))
      .reduce((a, b) => a + b)
      .sinkTo(noop);
    return compile(env).fingerprint;
  }

  test("is equal for two identical programs, and a hex digest", () => {
    assert.equal(job(), job());
    assert.match(job(), /^[0-9a-f]{16}$/);
  });

  test("differs when a lambda body, a parallelism, a name, a key or the mode changes", () => {
    const base = job();
    const variants: Record<string, string> = {
      "map body": job({ mapBody: (x) => x * 3 }),
      "env parallelism": job({ parallelism: 3 }),
      "operator parallelism": job({ mapParallelism: 4 }),
      name: job({ name: "renamed" }),
      "key selector": job({ keyBody: (x) => x % 11 }),
      "runtime mode": job({ batch: true }),
      partitioner: job({ shuffle: true }),
    };
    for (const [what, fp] of Object.entries(variants)) assert.notEqual(fp, base, what);
    assert.equal(new Set(Object.values(variants)).size, Object.keys(variants).length);
  });

  test("differs when the body of a function given as a flatMap lambda, a sink lambda or an object changes", () => {
    const fp = (build: (env: StreamExecutionEnvironment) => void): string => {
      const env = threadEnv(2);
      build(env);
      return compile(env).fingerprint;
    };
    const detected = {
      flatMapLambda:
        fp((env) =>
          env
            .fromSequence(1, 10)
            .flatMap((x: number, out: Collector<number>) => out.collect(x))
            .sinkTo(noop),
        ) !==
        fp((env) =>
          env
            .fromSequence(1, 10)
            .flatMap((x: number, out: Collector<number>) => out.collect(x + 1))
            .sinkTo(noop),
        ),
      sinkLambda:
        fp((env) => env.fromSequence(1, 10).sinkTo((x) => void console.log(x))) !==
        fp((env) => env.fromSequence(1, 10).sinkTo((x) => void console.error(x))),
      mapObject:
        fp((env) =>
          env
            .fromSequence(1, 10)
            .map({ map: (x: number) => x + 1 })
            .sinkTo(noop),
        ) !==
        fp((env) =>
          env
            .fromSequence(1, 10)
            .map({ map: (x: number) => x - 1 })
            .sinkTo(noop),
        ),
    };
    assert.deepEqual(detected, { flatMapLambda: true, sinkLambda: true, mapObject: true });
  });

  test("differs when a partitioning function changes (partitionCustom, keyBy before a sink)", () => {
    const fp = (build: (env: StreamExecutionEnvironment) => void): string => {
      const env = threadEnv(2);
      build(env);
      return compile(env).fingerprint;
    };
    const detected = {
      partitionCustom:
        fp((env) =>
          env
            .fromSequence(1, 10)
            .partitionCustom(
              (k: number, n: number) => k % n,
              (x: number) => x,
            )
            .sinkTo(noop),
        ) !==
        fp((env) =>
          env
            .fromSequence(1, 10)
            .partitionCustom(
              (_k: number, _n: number) => 0,
              (x: number) => x,
            )
            .sinkTo(noop),
        ),
      keyByBeforeSink:
        fp((env) =>
          env
            .fromSequence(1, 10)
            .keyBy((x) => x % 2)
            .sinkTo(noop),
        ) !==
        fp((env) =>
          env
            .fromSequence(1, 10)
            .keyBy((x) => x % 3)
            .sinkTo(noop),
        ),
    };
    assert.deepEqual(detected, { partitionCustom: true, keyByBeforeSink: true });
  });
});
