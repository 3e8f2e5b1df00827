/**
 * Strom's SQL and Table API: `TableEnvironment`, results, and the pieces a user meets (types,
 * row kinds, errors). Import through the package: `import { TableEnvironment } from "strom"`.
 */
export { TableEnvironment, TableEnvironmentError } from "./api/table-environment.ts";
export type { TableEnvironmentSettings, ScriptStatement } from "./api/table-environment.ts";
export { TableResult, type ResultColumn, type ResultKind } from "./api/table-result.ts";
export { TableConfig, TableConfigError } from "./api/table-config.ts";
export { Table, GroupedTable } from "./api/table.ts";
export { StatementSet } from "./api/statement-set.ts";
export type { FromDataStreamOptions, StreamWatermarkOptions } from "./api/stream-watermark.ts";
export { isProctime, isRowtime } from "./types/time-attributes.ts";
export { ScalarFunction, type ScalarFunctionOptions } from "./api/user-functions.ts";
export {
  TableFunction,
  AggregateFunction,
  type UserFunctionOptions,
  type UserFunctionKind,
  type UserFunction,
} from "./api/user-table-functions.ts";
export { SqlPlanError } from "./planner/errors.ts";
export { SqlParseError } from "./sql/index.ts";
export { RowKind, applyChangelog, formatRow, type Row } from "./runtime/row.ts";
