/**
 * The `values` test connector (Flink's `TestValuesTableFactory`, reading side): a table over rows
 * registered in this process with {@link registerValuesData}. Options: `data-id` (the id that
 * call returned; without it the table is empty), `changelog-mode` (`I` by default, or a
 * comma-separated subset of `I,UB,UA,D`: with `UB` a retract changelog, with `UA`/`D` but no
 * `UB` an upsert changelog, which needs a primary key), and `bounded` (default false, as Flink:
 * it only declares the table bounded or not; the source ends after its rows either way).
 *
 * Ids are handed out in registration order (`values-0`, `values-1`...), so a job module that
 * registers its data at the top level gets the same ids in every worker that re-loads it. Rows
 * are checked when the source is created: their kinds against the changelog mode, their width
 * and values against the physical columns.
 */
import { DdlValidationError } from "../catalog/errors.ts";
import {
  ChangelogMode,
  ROW_KIND_NAMES,
  formatRow,
  kindOf,
  type Row,
  type RowKind,
} from "../runtime/row.ts";
import { fromValues } from "../runtime/values.ts";
import { FIELD, ROW } from "../types/logical-type.ts";
import { describeInvalidValue } from "../types/values.ts";
import type { DynamicTableFactory, SourceContext, TableContext } from "./factory.ts";
import { booleanOption, invalidOption, stringOption } from "./options.ts";
import { LOOKUP_OPTIONS, type LookupContext, type LookupTableSource } from "./lookup.ts";
import { arraysEqual, rowIdentity, valuesEqual } from "../runtime/value-keys.ts";

const DATA_ID = stringOption("data-id", "Id of rows registered with registerValuesData().");
const CHANGELOG_MODE = stringOption(
  "changelog-mode",
  "Row kinds of the data: I, or a subset of I,UB,UA,D.",
  "I",
);
const BOUNDED = booleanOption("bounded", "Declares the table bounded.", false);

const KIND_CODES: Record<string, RowKind> = { I: 0, UB: 1, UA: 2, D: 3 };

const registry = new Map<string, readonly Row[]>();
let nextId = 0;

/**
 * Registers rows `[kind, f0, f1, ...]` (use `insertRows` from `runtime/row.ts` for inserts) and
 * returns the id to use as `'data-id'`.
 */
export function registerValuesData(rows: readonly Row[]): string {
  rows.forEach((r, i) => kindOf(r, `registerValuesData: row ${i}`));
  const id = `values-${nextId++}`;
  registry.set(id, rows);
  return id;
}

/** Forgets registered rows. */
export function unregisterValuesData(id: string): void {
  registry.delete(id);
}

function parseMode(ctx: TableContext): { mode: ChangelogMode; kinds: ReadonlySet<RowKind> } {
  const text = ctx.options.get(CHANGELOG_MODE)!;
  const kinds = new Set<RowKind>();
  for (const part of text.split(",")) {
    const code = KIND_CODES[part.trim().toUpperCase()];
    if (code === undefined) {
      invalidOption(
        ctx.options,
        CHANGELOG_MODE.key,
        "'values'",
        ctx.tableName,
        `'${part.trim()}' is not one of I, UB, UA, D`,
      );
    }
    kinds.add(code);
  }
  if (kinds.has(1)) return { mode: ChangelogMode.RETRACT, kinds };
  if (kinds.has(2) || kinds.has(3)) {
    if (ctx.table.schema.primaryKey === undefined) {
      invalidOption(
        ctx.options,
        CHANGELOG_MODE.key,
        "'values'",
        ctx.tableName,
        "an upsert changelog (UA or D without UB) needs a PRIMARY KEY",
      );
    }
    return { mode: ChangelogMode.UPSERT, kinds };
  }
  return { mode: ChangelogMode.INSERT_ONLY, kinds };
}

function dataOf(ctx: TableContext): readonly Row[] {
  const id = ctx.options.get(DATA_ID);
  if (id === undefined) return [];
  const rows = registry.get(id);
  if (rows === undefined) {
    throw new DdlValidationError(
      `values table '${ctx.tableName}': no rows are registered under data-id '${id}' (registerValuesData returns the id)`,
    );
  }
  return rows;
}

function checkRows(ctx: TableContext, rows: readonly Row[], kinds: ReadonlySet<RowKind>): void {
  const fields = ctx.physicalRowType.fields;
  rows.forEach((row, i) => {
    const where = `values table '${ctx.tableName}', row ${i} ${formatRow(row)}`;
    const kind = row[0] as RowKind;
    if (!kinds.has(kind)) {
      throw new DdlValidationError(
        `${where}: a ${ROW_KIND_NAMES[kind]} row, but changelog-mode is '${ctx.options.get(CHANGELOG_MODE)}'`,
      );
    }
    if (row.length !== fields.length + 1) {
      throw new DdlValidationError(
        `${where}: ${row.length - 1} field(s), the table has ${fields.length} physical column(s)`,
      );
    }
    fields.forEach((f, k) => {
      const why = describeInvalidValue(row[k + 1] ?? null, f.type);
      if (why !== undefined) throw new DdlValidationError(`${where}: column '${f.name}': ${why}`);
    });
  });
}

function createSource(ctx: SourceContext) {
  const { mode, kinds } = parseMode(ctx);
  const rows = dataOf(ctx);
  checkRows(ctx, rows, kinds);
  const projection = ctx.projection;
  const fields = ctx.physicalRowType.fields;
  const produced =
    projection === undefined ? rows : rows.map((r) => [r[0], ...projection.map((i) => r[i + 1])]);
  return {
    bounded: ctx.options.get(BOUNDED)!,
    changelogMode: mode,
    producedType: ROW(
      (projection ?? fields.map((_, i) => i)).map((i) => FIELD(fields[i]!.name, fields[i]!.type)),
    ),
    produce: (env: Parameters<typeof fromValues>[0]) =>
      fromValues(env, produced, { name: `values: ${ctx.tableName}` }),
  };
}

/** The `values` connector factory. */
export const VALUES_CONNECTOR: DynamicTableFactory = {
  identifier: "values",
  requiredOptions: [],
  optionalOptions: [DATA_ID, CHANGELOG_MODE, BOUNDED, ...LOOKUP_OPTIONS],
  supportsProjection: true,
  validate(ctx) {
    parseMode(ctx);
    dataOf(ctx);
  },
  statistics: (ctx) => ({ rowCount: dataOf(ctx).length }),
  createSource,
  createLookup,
};

/**
 * Lookup (a lookup join's right side): the table's rows after applying its changelog (`+I`/`+U`
 * add a row, `-U`/`-D` remove an equal one), by the values of the key columns.
 */
function createLookup(ctx: LookupContext): LookupTableSource {
  const { kinds } = parseMode(ctx);
  const rows = dataOf(ctx);
  checkRows(ctx, rows, kinds);
  return {
    createFunction() {
      // With a primary key a change replaces or deletes the row of its key.
      const names = ctx.physicalRowType.fields.map((f) => f.name);
      const pk = (ctx.table.schema.primaryKey?.columns ?? []).map((c) => names.indexOf(c) + 1);
      const same = (a: Row, b: Row) =>
        pk.length > 0 ? pk.every((i) => valuesEqual(a[i], b[i])) : arraysEqual(a, b, 1);
      const current: Row[] = [];
      for (const r of rows) {
        const i = current.findIndex((c) => same(c, r));
        if (i >= 0 && (pk.length > 0 || r[0] === 1 || r[0] === 3)) current.splice(i, 1);
        if (r[0] === 0 || r[0] === 2) current.push(r);
      }
      const index = new Map<unknown, (readonly unknown[])[]>();
      for (const r of current) {
        const id = rowIdentity([0, ...ctx.keys.map((k) => r[k + 1])]);
        let list = index.get(id);
        if (list === undefined) index.set(id, (list = []));
        list.push(r.slice(1));
      }
      return { lookup: (key) => index.get(rowIdentity([0, ...key])) ?? [] };
    },
  };
}
