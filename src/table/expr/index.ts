/**
 * Strom's SQL expression layer: the typed expression IR (`rex.ts`), the operator registry
 * (`operators.ts`), constant folding (`fold.ts`) and the compiler to JavaScript functions
 * (`codegen.ts`). The planner builds `RexNode`s from the parser's AST and compiles them once per
 * query; runtime operators call the compiled functions per row.
 */
export * from "./rex.ts";
export { mapRex, remapInputs, rexChildren, rexEquals, visitRex } from "./rex-util.ts";
export * from "./operators.ts";
export * from "./errors.ts";
export { foldConstants } from "./fold.ts";
export {
  compileCalc,
  compileExpression,
  compileFilter,
  compileJoinCondition,
  compileProjection,
  type CalcFn,
  type Compiled,
  type CompileOptions,
  type ExpressionFn,
  type FilterFn,
  type JoinConditionFn,
  type ProjectionFn,
} from "./codegen.ts";
