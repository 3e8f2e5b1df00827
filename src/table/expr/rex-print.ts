/**
 * Text of literals in expression digests (EXPLAIN output), close to Flink's: numbers as written
 * (`1`, `1.50`, `1.5E0` for approximate numbers), strings quoted (`'it''s'`), `true`/`false`,
 * temporal values in their SQL text, and NULL with its type (`null:INT`).
 */
import { Decimal } from "../types/decimal.ts";
import type { LogicalType } from "../types/logical-type.ts";
import { javaDoubleToString } from "../types/number-text.ts";
import { typeToString } from "../types/type-print.ts";
import { toHex, valueToString } from "../types/format.ts";

/** A type without its NOT NULL suffix. */
function bare(type: LogicalType): string {
  const s = typeToString(type);
  return s.endsWith(" NOT NULL") ? s.slice(0, -" NOT NULL".length) : s;
}

/** The digest text of a literal value of `type`. */
export function literalToString(value: unknown, type: LogicalType): string {
  if (value === null) return type.kind === "NULL" ? "null" : `null:${bare(type)}`;
  switch (type.kind) {
    case "BOOLEAN":
      return value ? "true" : "false";
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "BIGINT":
      return String(value);
    case "FLOAT":
    case "DOUBLE": {
      const s = javaDoubleToString(value as number);
      return /[EN]/.test(s) || s.includes("Infinity") ? s : s + "E0";
    }
    case "DECIMAL":
      return (value as Decimal).toString();
    case "CHAR":
    case "VARCHAR":
      return `'${(value as string).replace(/'/g, "''")}'`;
    case "INTERVAL_YEAR_MONTH":
    case "INTERVAL_DAY_TIME":
      return `${String(value)}:${bare(type)}`;
    case "BINARY":
    case "VARBINARY":
      return `X'${toHex(value as Uint8Array)}'`;
    default:
      return valueToString(value, type) ?? "null";
  }
}
