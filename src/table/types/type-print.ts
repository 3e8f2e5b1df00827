/**
 * Printing of logical types in Flink's form: `INT NOT NULL`, `DECIMAL(10, 2)`, `STRING` for
 * `VARCHAR(2147483647)`, `BYTES` for `VARBINARY(2147483647)`, `TIMESTAMP_LTZ(3)`,
 * `INTERVAL DAY(2) TO SECOND(3)`, `ROW<\`a\` INT, \`b\` STRING 'a description'>`.
 */
import { MAX_LENGTH } from "./logical-type.ts";
import type { DayTimeIntervalType, LogicalType, YearMonthIntervalType } from "./logical-type.ts";

/** Quotes an identifier with backticks (doubling backticks inside), as Flink does in types. */
export function quoteIdentifier(name: string): string {
  return "`" + name.replace(/`/g, "``") + "`";
}

/** Quotes a string literal with single quotes (doubling quotes inside). */
export function quoteString(text: string): string {
  return "'" + text.replace(/'/g, "''") + "'";
}

function yearMonthToString(t: YearMonthIntervalType): string {
  switch (t.resolution) {
    case "YEAR":
      return `INTERVAL YEAR(${t.yearPrecision})`;
    case "YEAR_TO_MONTH":
      return `INTERVAL YEAR(${t.yearPrecision}) TO MONTH`;
    case "MONTH":
      return "INTERVAL MONTH";
  }
}

function dayTimeToString(t: DayTimeIntervalType): string {
  const d = t.dayPrecision;
  const f = t.fractionalPrecision;
  switch (t.resolution) {
    case "DAY":
      return `INTERVAL DAY(${d})`;
    case "DAY_TO_HOUR":
      return `INTERVAL DAY(${d}) TO HOUR`;
    case "DAY_TO_MINUTE":
      return `INTERVAL DAY(${d}) TO MINUTE`;
    case "DAY_TO_SECOND":
      return `INTERVAL DAY(${d}) TO SECOND(${f})`;
    case "HOUR":
      return "INTERVAL HOUR";
    case "HOUR_TO_MINUTE":
      return "INTERVAL HOUR TO MINUTE";
    case "HOUR_TO_SECOND":
      return `INTERVAL HOUR TO SECOND(${f})`;
    case "MINUTE":
      return "INTERVAL MINUTE";
    case "MINUTE_TO_SECOND":
      return `INTERVAL MINUTE TO SECOND(${f})`;
    case "SECOND":
      return `INTERVAL SECOND(${f})`;
  }
}

function bareTypeToString(t: LogicalType): string {
  switch (t.kind) {
    case "DECIMAL":
      return `DECIMAL(${t.precision}, ${t.scale})`;
    case "CHAR":
    case "BINARY":
      return `${t.kind}(${t.length})`;
    case "VARCHAR":
      return t.length === MAX_LENGTH ? "STRING" : `VARCHAR(${t.length})`;
    case "VARBINARY":
      return t.length === MAX_LENGTH ? "BYTES" : `VARBINARY(${t.length})`;
    case "TIME":
    case "TIMESTAMP":
    case "TIMESTAMP_LTZ":
      return `${t.kind}(${t.precision})`;
    case "INTERVAL_YEAR_MONTH":
      return yearMonthToString(t);
    case "INTERVAL_DAY_TIME":
      return dayTimeToString(t);
    case "ARRAY":
    case "MULTISET":
      return `${t.kind}<${typeToString(t.element)}>`;
    case "MAP":
      return `MAP<${typeToString(t.key)}, ${typeToString(t.value)}>`;
    case "ROW": {
      const fields = t.fields.map((f) => {
        const desc = f.description === undefined ? "" : " " + quoteString(f.description);
        return `${quoteIdentifier(f.name)} ${typeToString(f.type)}${desc}`;
      });
      return `ROW<${fields.join(", ")}>`;
    }
    default:
      return t.kind;
  }
}

/** Prints a type the way Flink prints it (e.g. in `DESCRIBE` output and error messages). */
export function typeToString(type: LogicalType): string {
  const s = bareTypeToString(type);
  const t = type.nullable || type.kind === "NULL" ? s : s + " NOT NULL";
  return "timeAttr" in type && type.timeAttr !== undefined ? `${t} *${type.timeAttr}*` : t;
}
