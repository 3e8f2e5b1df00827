/**
 * What the SQL reference (docs/sql.md) must cover, read from the code itself: the registered
 * scalar functions and operators, the aggregate functions, the built-in connectors and formats
 * with their options, and the option keys of `TableConfig`. `test/table/docs-functions.test.ts`
 * checks that docs/sql.md names each of them, so the reference stays true.
 *
 * Usage: `node scripts/sql-reference.ts` prints the lists (functions, then options).
 */
import "../src/table/functions/index.ts";
import { OPTIONS } from "../src/table/api/table-config.ts";
import { builtinConnectorRegistry } from "../src/table/connectors/builtin.ts";
import type { ConfigOption } from "../src/table/connectors/options.ts";
import { lookupScalar, scalarNames } from "../src/table/expr/operators.ts";
import { AGGREGATE_FUNCTIONS } from "../src/table/planner/bind-expr.ts";

/** One option of a connector or format, as the reference lists it. */
export interface ReferenceOption {
  /** The connector (`datagen`) or format (`format csv`) it belongs to. */
  readonly owner: string;
  /** The key as written in WITH (format keys with their prefix: `csv.field-delimiter`). */
  readonly key: string;
  /** Whether it must be set. */
  readonly required: boolean;
  /** The value type. */
  readonly type: string;
  /** The default, as text, if any. */
  readonly default?: string;
  /** What it does. */
  readonly description: string;
}

/** Everything docs/sql.md has to name. */
export interface SqlReference {
  /** Registered scalar functions called by name (`UPPER`), sorted. */
  readonly functions: readonly string[];
  /** Registered operators (`+`, `IS NULL`, `LIKE`), sorted. */
  readonly operators: readonly string[];
  /** Aggregate functions the planner knows, sorted. */
  readonly aggregates: readonly string[];
  /** Connector and format options. */
  readonly options: readonly ReferenceOption[];
  /** Keys of TableConfig that Strom reads. */
  readonly configKeys: readonly string[];
}

/**
 * Names the registry holds for the constructor syntax (`ARRAY[...]`, `MAP[...]`, `ROW(...)`),
 * for `a[i]` and for unary minus: written as syntax, never called by these names.
 */
export const SYNTAX_ONLY_NAMES: ReadonlySet<string> = new Set([
  "ARRAY_VALUE",
  "MAP_VALUE",
  "ROW_VALUE",
  "ITEM",
  "UNARY_MINUS",
]);

function optionRow(
  owner: string,
  prefix: string,
  o: ConfigOption,
  required: boolean,
): ReferenceOption {
  return {
    owner,
    key: prefix + o.key,
    required,
    type: o.type === "enum" ? `enum (${o.values?.join(", ")})` : o.type,
    ...(o.default !== undefined ? { default: String(o.default) } : {}),
    description: o.description,
  };
}

/** Collects the reference lists from the registries. */
export function collectSqlReference(): SqlReference {
  const functions: string[] = [];
  const operators: string[] = [];
  for (const name of scalarNames()) {
    if (lookupScalar(name)!.kind === "function") functions.push(name);
    else operators.push(name);
  }
  const registry = builtinConnectorRegistry();
  const options: ReferenceOption[] = [];
  for (const id of registry.identifiers()) {
    const f = registry.get(id)!;
    for (const o of f.requiredOptions) options.push(optionRow(id, "", o, true));
    for (const o of f.optionalOptions) options.push(optionRow(id, "", o, false));
  }
  for (const id of registry.formatIdentifiers()) {
    const f = registry.getFormat(id)!;
    for (const o of f.requiredOptions) options.push(optionRow(`format ${id}`, `${id}.`, o, true));
    for (const o of f.optionalOptions) options.push(optionRow(`format ${id}`, `${id}.`, o, false));
  }
  return {
    functions,
    operators,
    aggregates: [...AGGREGATE_FUNCTIONS].sort(),
    options,
    configKeys: Object.values(OPTIONS).sort(),
  };
}

/** CLI entry: prints the lists. */
export function main(): void {
  const ref = collectSqlReference();
  console.log(`functions (${ref.functions.length}): ${ref.functions.join(", ")}`);
  console.log(`operators (${ref.operators.length}): ${ref.operators.join(", ")}`);
  console.log(`aggregates (${ref.aggregates.length}): ${ref.aggregates.join(", ")}`);
  console.log(`table config keys: ${ref.configKeys.join(", ")}`);
  console.log("options (owner | key | required | type | default | description):");
  for (const o of ref.options) {
    console.log(
      `  ${o.owner} | ${o.key} | ${o.required ? "required" : "optional"} | ${o.type} | ${o.default ?? ""} | ${o.description}`,
    );
  }
}

if (import.meta.main) main();
