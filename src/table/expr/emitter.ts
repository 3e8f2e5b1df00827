/**
 * Translates one or more {@link RexNode}s into straight-line JavaScript: every node becomes a
 * local variable computed from its operands' locals, null checks appear only where a value can be
 * NULL (from the types' `nullable` and what each operator may return), and the lazy forms (AND,
 * OR, CASE, COALESCE, IF) evaluate later operands inside `if` blocks only when needed. Values
 * that have no source form (a RegExp, a Decimal, a cast function) go into the context array `c`;
 * runtime helpers are `h.<name>` (helpers.ts). Equal deterministic subexpressions at the top level
 * are computed once.
 *
 * `codegen.ts` wraps the emitted statements into functions.
 */
import type { LogicalType } from "../types/logical-type.ts";
import { typesEqual } from "../types/logical-type.ts";
import { typeToString } from "../types/type-print.ts";
import { DEFAULT_TIME_ZONE } from "../types/time-zone.ts";
import { systemTimerScheduler } from "../../core/time.ts";
import { SqlValidationError } from "./errors.ts";
import { lookupScalar } from "./operators.ts";
import type { CallSite, ScalarFunctionDef } from "./operators.ts";
import { castCode } from "./cast-code.ts";
import { coerceCode, valueCode } from "./repr.ts";
import type { RexCall, RexCase, RexCast, RexFieldAccess, RexNode } from "./rex.ts";
import { isDeterministic, rexToString } from "./rex.ts";

/** A computed value: its code (a local or a literal) and whether it can be NULL. */
export interface Val {
  /** A local variable name or a literal. */
  readonly code: string;
  /** Whether the value can be NULL at run time. */
  readonly nullable: boolean;
}

const NULL_VAL: Val = { code: "null", nullable: true };

/** Options of code generation. */
export interface EmitOptions {
  /** Session time zone (IANA name) for TIMESTAMP_LTZ conversions. Default 'UTC'. */
  readonly timeZone?: string;
  /**
   * The clock of CURRENT_TIMESTAMP, NOW(), UNIX_TIMESTAMP() and friends: epoch milliseconds.
   * Default: the system clock of `core/time.ts`.
   */
  readonly clock?: () => number;
  /**
   * BATCH evaluates CURRENT_TIMESTAMP, CURRENT_DATE, LOCALTIMESTAMP... once per compiled query
   * (pass a clock fixed at the query's start so that every subtask agrees); STREAMING (the
   * default) per record, as Flink does.
   */
  readonly runtimeMode?: "STREAMING" | "BATCH";
  /**
   * The current watermark of the operator evaluating the code (ms; `-Infinity` before the first),
   * read by CURRENT_WATERMARK. Without it a CURRENT_WATERMARK call is refused when compiled.
   */
  readonly currentWatermark?: () => number;
}

function flag<S>(f: boolean | ((s: S) => boolean) | undefined, s: S): boolean {
  return typeof f === "function" ? f(s) : f === true;
}

/** Emits the statements of expressions; see the module doc. */
export class CodeEmitter {
  /** The context array: values the generated code reads as `c[i]`. */
  readonly constants: unknown[] = [];
  private readonly constIndex = new Map<unknown, number>();
  private readonly lines: string[] = [];
  private readonly inputVars = new Map<number, string>();
  private readonly memo = new Map<string, Val>();
  private readonly inputCode: (index: number) => string;
  private readonly timeZone: string;
  private readonly clock: () => number;
  private readonly currentWatermark: (() => number) | undefined;
  private readonly runtimeMode: "STREAMING" | "BATCH";
  private indent = 1;
  private nesting = 0;
  private vars = 0;

  /** `inputCode(i)` is the source that reads input field `i` (e.g. `row[i + 1]`). */
  constructor(inputCode: (index: number) => string, options: EmitOptions = {}) {
    this.inputCode = inputCode;
    this.timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
    this.clock = options.clock ?? (() => systemTimerScheduler.now());
    this.currentWatermark = options.currentWatermark;
    this.runtimeMode = options.runtimeMode ?? "STREAMING";
  }

  /** Puts a value in the context array (once per distinct value) and returns `c[i]`. */
  constant(value: unknown): string {
    let i = this.constIndex.get(value);
    if (i === undefined) {
      i = this.constants.length;
      this.constants.push(value);
      this.constIndex.set(value, i);
    }
    return `c[${i}]`;
  }

  /** Appends a statement at the current indentation. */
  line(statement: string): void {
    this.lines.push("  ".repeat(this.indent) + statement);
  }

  /** The input loads (`const in0 = row[1];`) followed by the emitted statements. */
  statements(): string {
    const loads = [...this.inputVars]
      .sort((a, b) => a[0] - b[0])
      .map(([i, name]) => `  const ${name} = ${this.inputCode(i)};`);
    return [...loads, ...this.lines].join("\n");
  }

  private fresh(): string {
    return `v${this.vars++}`;
  }

  private open(header: string): void {
    this.line(`${header} {`);
    this.indent++;
    this.nesting++;
  }

  private close(count = 1): void {
    for (let i = 0; i < count; i++) {
      this.indent--;
      this.nesting--;
      this.line("}");
    }
  }

  private elseBranch(): void {
    this.indent--;
    this.line("} else {");
    this.indent++;
  }

  /** Emits `node` and returns its value. */
  emit(node: RexNode): Val {
    switch (node.kind) {
      case "input": {
        let name = this.inputVars.get(node.index);
        if (name === undefined) {
          name = `in${node.index}`;
          this.inputVars.set(node.index, name);
        }
        return { code: name, nullable: node.type.nullable };
      }
      case "literal":
        return {
          code: valueCode(node.value, (v) => this.constant(v)),
          nullable: node.value === null,
        };
      default:
        return this.memoized(node);
    }
  }

  private memoized(node: RexNode): Val {
    // values computed at the top level are in scope everywhere after them
    const key = isDeterministic(node)
      ? `${rexToString(node)}:${typeToString(node.type)}`
      : undefined;
    if (key !== undefined) {
      const hit = this.memo.get(key);
      if (hit !== undefined) return hit;
    }
    let v: Val;
    switch (node.kind) {
      case "call":
        v = this.emitCall(node);
        break;
      case "cast":
        v = this.emitCast(node);
        break;
      case "case":
        v = this.emitCase(node);
        break;
      case "fieldAccess":
        v = this.emitFieldAccess(node);
        break;
      default:
        throw new SqlValidationError(`Unexpected expression node ${(node as RexNode).kind}`);
    }
    if (key !== undefined && this.nesting === 0) this.memo.set(key, v);
    return v;
  }

  /** `value` (of `from`) converted to the representation of `to`, keeping NULL. */
  private convert(value: Val, from: LogicalType, to: LogicalType): string {
    if (value.code === "null") return "null";
    const code = coerceCode(value.code, from, to, (v) => this.constant(v));
    if (code === value.code || !value.nullable) return code;
    return `(${value.code} === null ? null : ${code})`;
  }

  /** Emits `target = code`, re-raising errors with the expression text when `throws`. */
  private assign(
    target: string,
    code: string,
    throws: boolean,
    textRef: () => string,
    declare: boolean,
  ): void {
    if (!throws) {
      this.line(declare ? `const ${target} = ${code};` : `${target} = ${code};`);
      return;
    }
    if (declare) this.line(`let ${target};`);
    this.line(`try { ${target} = ${code}; } catch (e) { throw h.fail(e, ${textRef()}); }`);
  }

  private site(def: ScalarFunctionDef, node: RexCall, argNullable: boolean[]): CallSite {
    let text: string | undefined;
    let textRef: string | undefined;
    const getText = () => (text ??= rexToString(node));
    const getTextRef = () => (textRef ??= this.constant(getText()));
    return {
      name: def.name,
      operands: node.operands,
      argTypes: node.operands.map((o) => o.type),
      argNullable,
      resultType: node.type,
      get text() {
        return getText();
      },
      get textRef() {
        return getTextRef();
      },
      timeZone: this.timeZone,
      clock: this.clock,
      currentWatermark: this.currentWatermark,
      runtimeMode: this.runtimeMode,
      constant: (v) => this.constant(v),
    };
  }

  private callCode(def: ScalarFunctionDef, args: readonly Val[], site: CallSite): string {
    const codes = args.map((a) => a.code);
    if (def.inline !== undefined) return def.inline(codes, site);
    const fn = def.bind !== undefined ? def.bind(site) : def.impl;
    return `${this.constant(fn)}(${codes.join(", ")})`;
  }

  private emitCall(node: RexCall): Val {
    const def = lookupScalar(node.op);
    if (def === undefined) throw new SqlValidationError(`No such function or operator: ${node.op}`);
    if (def.lazy) return this.emitLazy(def.name, node);
    const args = node.operands.map((o) => this.emit(o));
    const strict = def.nullPolicy === "strict";
    if (strict && args.some((a) => a.code === "null")) return NULL_VAL;
    const site = this.site(def, node, strict ? args.map(() => false) : args.map((a) => a.nullable));
    const code = this.callCode(def, args, site);
    const throws = def.inline === undefined || flag(def.throws, site);
    const mayBeNull = flag(def.mayReturnNull, site);
    const v = this.fresh();
    const guards = strict ? args.filter((a) => a.nullable).map((a) => `${a.code} !== null`) : [];
    if (guards.length === 0) {
      this.assign(v, code, throws, () => site.textRef, true);
      return { code: v, nullable: strict ? mayBeNull : node.type.nullable || mayBeNull };
    }
    this.line(`let ${v} = null;`);
    this.open(`if (${guards.join(" && ")})`);
    this.assign(v, code, throws, () => site.textRef, false);
    this.close();
    return { code: v, nullable: true };
  }

  private emitLazy(name: string, node: RexCall): Val {
    const ops = node.operands;
    switch (name) {
      case "AND":
      case "OR": {
        let acc = this.emit(ops[0]!);
        for (let i = 1; i < ops.length; i++) acc = this.junction(name === "AND", acc, ops[i]!);
        return acc;
      }
      case "COALESCE":
        return this.coalesce(node);
      case "IF":
        return this.conditional([{ when: ops[0]!, then: ops[1]! }], ops[2]!, node.type);
      default:
        throw new SqlValidationError(`No code generation for the special form ${name}`);
    }
  }

  /** Three-valued `a AND b` / `a OR b`, evaluating `b` only when `a` does not decide. */
  private junction(isAnd: boolean, a: Val, bNode: RexNode): Val {
    const decisive = isAnd ? "false" : "true";
    if (a.code === decisive) return a;
    const v = this.fresh();
    this.line(`let ${v} = ${a.code};`);
    let b: Val;
    if (!a.nullable) {
      this.open(`if (${isAnd ? "" : "!"}${v})`);
      b = this.emit(bNode);
      this.line(`${v} = ${b.code};`);
    } else {
      this.open(`if (${v} !== ${decisive})`);
      b = this.emit(bNode);
      if (b.nullable) {
        this.line(
          `${v} = ${b.code} === ${decisive} ? ${decisive} : ${v} === null ? null : ${b.code};`,
        );
      } else {
        this.line(`${v} = ${b.code} === ${decisive} ? ${decisive} : ${v};`);
      }
    }
    this.close();
    return { code: v, nullable: a.nullable || b.nullable };
  }

  private coalesce(node: RexCall): Val {
    const ops = node.operands;
    const first = this.emit(ops[0]!);
    if (!first.nullable)
      return { code: this.convert(first, ops[0]!.type, node.type), nullable: false };
    const v = this.fresh();
    this.line(`let ${v} = ${this.convert(first, ops[0]!.type, node.type)};`);
    let opened = 0;
    let nullable = true;
    for (let i = 1; i < ops.length && nullable; i++) {
      this.open(`if (${v} === null)`);
      opened++;
      const next = this.emit(ops[i]!);
      this.line(`${v} = ${this.convert(next, ops[i]!.type, node.type)};`);
      nullable = next.nullable;
    }
    this.close(opened);
    return { code: v, nullable };
  }

  /** CASE / IF: branches tried in order, only TRUE selects; the rest is evaluated lazily. */
  private conditional(
    branches: RexCase["branches"],
    otherwise: RexNode | null,
    type: LogicalType,
  ): Val {
    const v = this.fresh();
    this.line(`let ${v} = null;`);
    let opened = 0;
    let nullable = false;
    let decided = false;
    for (const b of branches) {
      const w = this.emit(b.when);
      if (w.code === "false" || w.code === "null") continue;
      if (w.code === "true") {
        const t = this.emit(b.then);
        this.line(`${v} = ${this.convert(t, b.then.type, type)};`);
        nullable ||= t.nullable;
        decided = true;
        break;
      }
      this.open(`if (${w.nullable ? `${w.code} === true` : w.code})`);
      const t = this.emit(b.then);
      this.line(`${v} = ${this.convert(t, b.then.type, type)};`);
      nullable ||= t.nullable;
      this.elseBranch();
      opened++;
    }
    if (!decided) {
      if (otherwise === null) nullable = true;
      else {
        const e = this.emit(otherwise);
        this.line(`${v} = ${this.convert(e, otherwise.type, type)};`);
        nullable ||= e.nullable;
      }
    }
    this.close(opened);
    return { code: v, nullable };
  }

  private emitCase(node: RexCase): Val {
    return this.conditional(node.branches, node.otherwise, node.type);
  }

  private emitFieldAccess(node: RexFieldAccess): Val {
    const row = this.emit(node.operand);
    if (row.code === "null") return NULL_VAL;
    const v = this.fresh();
    const get = `${row.code}[${node.index}]`;
    this.line(`const ${v} = ${row.nullable ? `${row.code} === null ? null : ${get}` : get};`);
    return { code: v, nullable: row.nullable || node.type.nullable };
  }

  private emitCast(node: RexCast): Val {
    const a = this.emit(node.operand);
    const from = node.operand.type;
    const to = node.type;
    if (a.code === "null") return NULL_VAL;
    if (typesEqual(from, to, true)) return a;
    const { code, throws, mayBeNull } = castCode(a.code, node, this.timeZone, (v) =>
      this.constant(v),
    );
    const v = this.fresh();
    const text = () => this.constant(rexToString(node));
    if (a.nullable) {
      this.line(`let ${v} = null;`);
      this.open(`if (${a.code} !== null)`);
      this.assign(v, code, throws, text, false);
      this.close();
    } else this.assign(v, code, throws, text, true);
    return { code: v, nullable: a.nullable || mayBeNull };
  }
}
