/**
 * Name resolution in a query block: the relations of its FROM clause, each with an alias and
 * fields at an offset in the block's combined row. Identifiers are case-sensitive, as in Flink.
 */
import type { SourcePos } from "../sql/errors.ts";
import type { LogicalType } from "../types/logical-type.ts";
import { SqlPlanError } from "./errors.ts";
import type { Field } from "./logical.ts";

/** One relation of a FROM clause. */
export interface ScopeEntry {
  /** Its alias (or table name), or null for an unnamed subquery. */
  readonly alias: string | null;
  /** Its fields. */
  readonly fields: readonly Field[];
  /** Where its fields start in the combined row. */
  readonly offset: number;
  /**
   * Positions of fields that only a qualified name (`t.k`, `t.*`) reaches: the copies of the
   * columns a JOIN ... USING / NATURAL JOIN merged into one (see join-using.ts).
   */
  readonly hidden?: ReadonlySet<number>;
}

/** A resolved column reference. */
export interface ColumnRef {
  /** Index in the combined row. */
  readonly index: number;
  readonly name: string;
  readonly type: LogicalType;
  /** Remaining name parts: nested field access on a ROW column. */
  readonly rest: readonly string[];
}

/** The relations visible in a query block. */
export class Scope {
  /** The relations, in FROM order. */
  readonly entries: readonly ScopeEntry[];
  /** A scope over `entries`. */
  constructor(entries: readonly ScopeEntry[]) {
    this.entries = entries;
  }

  /** A scope of one relation. */
  static of(alias: string | null, fields: readonly Field[]): Scope {
    return new Scope([{ alias, fields, offset: 0 }]);
  }

  /** The combined row's fields. */
  get fields(): Field[] {
    return this.entries.flatMap((e) => e.fields);
  }

  /** Resolves a column name (optionally qualified by a relation alias). */
  resolve(parts: readonly string[], pos: SourcePos): ColumnRef {
    if (parts.length >= 2) {
      const entry = this.entries.filter((e) => e.alias === parts[0]);
      if (entry.length > 1) {
        throw new SqlPlanError(`Table alias '${parts[0]}' is ambiguous`, pos);
      }
      if (entry.length === 1) {
        const e = entry[0]!;
        const i = e.fields.findIndex((f) => f.name === parts[1]);
        if (i < 0) {
          throw new SqlPlanError(
            `Column '${parts[1]}' not found in table '${parts[0]}'${this.suggest(parts[1]!, e.fields)}`,
            pos,
          );
        }
        const f = e.fields[i]!;
        return { index: e.offset + i, name: f.name, type: f.type, rest: parts.slice(2) };
      }
    }
    const name = parts[0]!;
    const hits: ColumnRef[] = [];
    for (const e of this.entries) {
      e.fields.forEach((f, i) => {
        if (f.name === name && e.hidden?.has(i) !== true) {
          hits.push({ index: e.offset + i, name, type: f.type, rest: parts.slice(1) });
        }
      });
    }
    if (hits.length > 1) {
      throw new SqlPlanError(`Column '${name}' is ambiguous`, pos);
    }
    if (hits.length === 0) {
      if (parts.length >= 2) {
        throw new SqlPlanError(`Table '${parts[0]}' not found`, pos);
      }
      throw new SqlPlanError(
        `Column '${name}' not found in any table${this.suggest(name, this.fields)}`,
        pos,
      );
    }
    return hits[0]!;
  }

  /** The fields of `*` or `alias.*`. */
  star(qualifier: readonly string[], pos: SourcePos): { index: number; field: Field }[] {
    const entries =
      qualifier.length === 0
        ? this.entries
        : this.entries.filter((e) => e.alias === qualifier[qualifier.length - 1]);
    if (entries.length === 0) {
      throw new SqlPlanError(
        `Unknown table '${qualifier.join(".")}' in ${qualifier.join(".")}.*`,
        pos,
      );
    }
    return entries.flatMap((e) =>
      e.fields
        .map((field, i) => ({ index: e.offset + i, field }))
        .filter((_, i) => qualifier.length > 0 || e.hidden?.has(i) !== true),
    );
  }

  private suggest(name: string, fields: readonly Field[]): string {
    const lower = name.toLowerCase();
    const same = fields.find((f) => f.name.toLowerCase() === lower);
    return same !== undefined ? ` (did you mean '${same.name}'? names are case-sensitive)` : "";
  }
}
