/**
 * The SQL runtime: physical operators with changelog semantics that a SQL plan is translated
 * onto, built on the DataStream API. Rows are `[kind, ...fields]` (see `row.ts`).
 */
export {
  ChangelogMode,
  ROW_KIND_NAMES,
  RowKind,
  applyChangelog,
  checkRowKind,
  formatRow,
  formatValue,
  insertRows,
  isAccumulate,
  isInsertOnly,
  isRetract,
  isRowKind,
  kindOf,
  makeRow,
  modeContains,
  rowFields,
  rowsEqual,
  sameFields,
  sameTable,
  withKind,
  type Row,
} from "./row.ts";
export { ChangelogError, TableRuntimeError, UnsupportedPlanError } from "./errors.ts";
export {
  avg,
  count,
  countStar,
  firstValue,
  lastValue,
  listAgg,
  max,
  min,
  minMax,
  sum,
  sum0,
  type Comparator,
  type SqlAggFunction,
} from "./aggregates.ts";
export {
  aggFunctionByName,
  variance,
  type AggFunctionOptions,
  type VarianceKind,
} from "./aggregates-stats.ts";
export { Aggregation, type AggCall, type GroupAcc } from "./agg-calls.ts";
export {
  GROUP_STATE_NAME,
  distinct,
  groupAggregate,
  type GroupAggregateOptions,
} from "./group-aggregate.ts";
export { crossJoin, join, type CrossJoinOptions, type JoinOptions, type JoinType } from "./join.ts";
export { antiJoin, semiJoin, type SemiJoinOptions } from "./semi-join.ts";
export {
  isBoundedStream,
  limit,
  sortLimit,
  unboundedSortError,
  type LimitOptions,
  type SortLimitOptions,
} from "./sort-limit.ts";
export { except, intersect, unionAll, type SetOpKind } from "./set-ops.ts";
export { ValuesSource, fromValues, type FromValuesOptions, type ValuesSplit } from "./values.ts";
export { collectChangelog, collectTable, type CollectOptions } from "./collect.ts";
export {
  distinctMode,
  groupAggregateMode,
  joinMode,
  semiJoinMode,
  sortLimitMode,
  unionAllMode,
} from "./changelog-modes.ts";
export { END_OF_INPUT_TIME, resolveBatch, type OperatorOptions } from "./execution.ts";
export { registerSqlValueTypes } from "./value-types.ts";
export { compareSqlValues, groupingKey, hashableValue, rowIdentity } from "./value-keys.ts";
export {
  overWindow,
  unboundedOverError,
  type OverOptions,
  type OverCall,
  type OverFrame,
  type OverOrder,
  type FrameBound,
} from "./over.ts";
