/**
 * Strom's SQL AST in one import: the {@link Statement}, {@link Query}, {@link TableRef},
 * {@link Expr} and {@link DataTypeNode} unions and their members. Every node is plain,
 * immutable data with a `kind` discriminant (data types, expressions, queries, table references
 * and statements each have their own kinds) and the {@link SourcePos} of its first token.
 */
export type { SourcePos } from "./errors.ts";
export type * from "./ast-types.ts";
export type * from "./ast-expr.ts";
export type * from "./ast-calls.ts";
export type * from "./ast-query.ts";
export type * from "./ast-ddl.ts";
export type * from "./ast-statement.ts";
