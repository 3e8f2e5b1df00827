/**
 * Operator fusion. After a task's operators are open, each run of chained, fusable operators
 * (maps, filters, and a final sink writer) gets one generated function that does their per-record
 * work in a single body. Every generated function has its own call-site feedback, so the calls to
 * the user's functions are monomorphic and V8 can inline them: a fused chain costs close to a
 * hand-written loop. Semantics are unchanged: each user call keeps its own error wrapping,
 * watermarks, watermark status and end-of-input still travel operator by operator.
 */
import { ChainOutput, type Output } from "./output.ts";
import type { FusionStep, StreamOperator } from "./operators/operator.ts";
import { SinkOperator } from "./operators/sinks.ts";

/** An output whose `collect` is generated code. */
class FusedOutput implements Output<unknown> {
  /** The generated record path. */
  readonly collect: (value: unknown, timestamp: number) => void;
  private readonly first: ChainOutput;
  constructor(collect: (value: unknown, timestamp: number) => void, first: ChainOutput) {
    this.collect = collect;
    this.first = first;
  }
  collectSide(): void {}
  emitWatermark(watermark: number): void {
    this.first.emitWatermark(watermark);
  }
  emitWatermarkStatus(idle: boolean): void {
    this.first.emitWatermarkStatus(idle);
  }
}

interface Segment {
  steps: { step: FusionStep; op: StreamOperator<unknown> }[];
  /** What receives records after the last step, or null when the segment ends in a sink. */
  tail: Output<unknown> | null;
}

function segmentAfter(op: StreamOperator<unknown>): Segment | null {
  const steps: Segment["steps"] = [];
  let out: Output<unknown> | null = op.getOutput();
  while (out instanceof ChainOutput) {
    const next = out.op as unknown as StreamOperator<unknown>;
    const step = next.fusionStep();
    if (!step) break;
    steps.push({ step, op: next });
    if (step.kind === "sink") {
      out = null;
      break;
    }
    out = next.getOutput();
  }
  if (steps.length === 0) return null;
  return { steps, tail: out };
}

function generate(seg: Segment): (value: unknown, timestamp: number) => void {
  const names: string[] = [];
  const values: unknown[] = [];
  const bind = (v: unknown): string => {
    names.push(`p${names.length}`);
    values.push(v);
    return names[names.length - 1]!;
  };
  let body = "";
  for (const { step, op } of seg.steps) {
    const o = bind(op);
    switch (step.kind) {
      case "map": {
        const f = bind(step.fn);
        body += `try { v = ${f}(v); } catch (e) { throw ${o}.userError(e); }\n`;
        break;
      }
      case "filter": {
        const f = bind(step.fn);
        body += `{ let keep; try { keep = ${f}(v); } catch (e) { throw ${o}.userError(e); } if (!keep) return; }\n`;
        break;
      }
      case "sink": {
        const w = bind(step.writer);
        body += `${o}.setTimestamp(ts); ${o}.recordsIn++; try { ${w}.write(v, ${o}); } catch (e) { throw ${o}.userError(e); }\n`;
        break;
      }
    }
  }
  if (seg.tail instanceof ChainOutput) body += `${bind(seg.tail.op)}.processElement(v, ts);\n`;
  else if (seg.tail) body += `${bind(seg.tail)}.collect(v, ts);\n`;
  const factory = new Function(
    ...names,
    `"use strict";\nreturn function fusedChain(v, ts) {\n${body}};`,
  ) as (...args: unknown[]) => (value: unknown, timestamp: number) => void;
  return factory(...values);
}

let generationAllowed: boolean | null = null;

/** Whether code generation is allowed in this isolate (it may be disabled by a flag); asked once. */
function canGenerate(): boolean {
  if (generationAllowed === null) {
    try {
      generationAllowed = new Function("return true")() === true;
    } catch {
      generationAllowed = false;
    }
  }
  return generationAllowed;
}

/** Installs fused record paths on `operators` (in chain order), where possible. */
export function installFusedOutputs(operators: readonly StreamOperator<unknown>[]): void {
  if (!canGenerate()) return;
  const fused = new Set<StreamOperator<unknown>>();
  for (const op of operators) {
    if (fused.has(op) || op instanceof SinkOperator) continue;
    const seg = segmentAfter(op);
    if (!seg) continue;
    for (const s of seg.steps) fused.add(s.op);
    op.replaceOutput(new FusedOutput(generate(seg), op.getOutput() as ChainOutput));
  }
}
