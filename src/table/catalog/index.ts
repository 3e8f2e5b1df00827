/**
 * Strom's SQL catalog: the catalog model (tables, views, functions, databases), the `Catalog`
 * contract with an in-memory and a file-backed implementation, the session's `CatalogManager`
 * (current catalog and database, temporary objects, name resolution), DDL execution
 * (`executeDdl`), types from the parser's AST (`logicalTypeOf`) and function loading.
 */
export * from "./objects.ts";
export * from "./errors.ts";
export { functionKey, type Catalog } from "./catalog.ts";
export { InMemoryCatalog } from "./in-memory-catalog.ts";
export { FileCatalog, encodeName, writeFileAtomic } from "./file-catalog.ts";
export {
  CatalogManager,
  type CatalogManagerOptions,
  type ResolvedObject,
} from "./catalog-manager.ts";
export { CatalogScope, type CatalogScopeOptions } from "./catalog-scope.ts";
export { logicalTypeOf } from "./type-from-ast.ts";
export {
  columnFromAst,
  columnsFromAst,
  expressionText,
  primaryKeyFromAst,
  validateSchema,
  watermarkFromAst,
  type ExpressionTyper,
  type SchemaContext,
} from "./schema.ts";
export { SourceText } from "./source-text.ts";
export {
  createTableDdl,
  createViewDdl,
  parseTableDdl,
  parseViewDdl,
  tableFromStatement,
  viewFromStatement,
} from "./table-ddl.ts";
export { mergeLike } from "./ddl-like.ts";
export { executeDdl, executeDdlScript, isDdlStatement } from "./ddl.ts";
export type { DdlOptions, DdlResult, TableResult } from "./ddl-support.ts";
export { describeTable, DESCRIBE_COLUMNS } from "./ddl-show.ts";
export {
  functionFromStatement,
  loadFunction,
  parseFunctionIdentifier,
  resolveFunctionModule,
  type FunctionReference,
  type LoadFunctionOptions,
} from "./function-loader.ts";
