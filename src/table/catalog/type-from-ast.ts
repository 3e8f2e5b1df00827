/**
 * From the parser's syntactic data types ({@link DataTypeNode}) to logical types
 * (`src/table/types/logical-type.ts`), with Flink SQL's defaults (`VARCHAR` = `STRING`,
 * `CHAR` = `CHAR(1)`, `DECIMAL` = `DECIMAL(10, 0)`, `TIMESTAMP` = `TIMESTAMP(6)`, `TIME` =
 * `TIME(0)`...). An invalid parameter (`CHAR(0)`, `DECIMAL(40, 2)`, `TIMESTAMP(10)`, duplicate
 * ROW field names) or a type Strom does not have (`RAW`) throws a {@link DdlValidationError}
 * naming the type and its place.
 */
import type { DataTypeNode, IntervalQualifier, ScalarTypeNode } from "../sql/ast-types.ts";
import { formatDataType } from "../sql/format-statement.ts";
import * as T from "../types/logical-type.ts";
import type { DayTimeResolution, LogicalType, YearMonthResolution } from "../types/logical-type.ts";
import { DdlValidationError, at } from "./errors.ts";

/** The logical type of a data type as written in SQL; throws a positioned error when invalid. */
export function logicalTypeOf(node: DataTypeNode): LogicalType {
  let type: LogicalType;
  try {
    type = bare(node);
  } catch (e) {
    if (e instanceof DdlValidationError) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    throw new DdlValidationError(`Invalid type ${formatDataType(node)}${at(node.pos)}: ${reason}`, {
      cause: e,
    });
  }
  if (!node.nullable) {
    if (type.kind === "NULL") {
      throw new DdlValidationError(`The NULL type cannot be NOT NULL${at(node.pos)}`);
    }
    return T.notNull(type);
  }
  return type;
}

function bare(node: DataTypeNode): LogicalType {
  switch (node.kind) {
    case "scalarType":
      return scalar(node);
    case "intervalType":
      return interval(node.qualifier);
    case "arrayType":
      return T.ARRAY(logicalTypeOf(node.element));
    case "multisetType":
      return T.MULTISET(logicalTypeOf(node.element));
    case "mapType":
      return T.MAP(logicalTypeOf(node.key), logicalTypeOf(node.value));
    case "rowType":
      return T.ROW(node.fields.map((f) => T.FIELD(f.name, logicalTypeOf(f.type), f.comment)));
    case "rawType":
      throw new DdlValidationError(
        `RAW types are not supported${at(node.pos)}: use a structured type (ROW, ARRAY, MAP) instead`,
      );
  }
}

function noParams(node: ScalarTypeNode): void {
  if (node.precision !== undefined || node.scale !== undefined) {
    throw new RangeError(`${node.name} takes no parameters`);
  }
}

function noScale(node: ScalarTypeNode): void {
  if (node.scale !== undefined) throw new RangeError(`${node.name} takes at most one parameter`);
}

function scalar(node: ScalarTypeNode): LogicalType {
  const p = node.precision;
  switch (node.name) {
    case "CHAR":
      noScale(node);
      return T.CHAR(p ?? 1);
    case "VARCHAR":
      noScale(node);
      // Flink's SQL type system: an unspecified VARCHAR / VARBINARY length is the largest.
      return p === undefined ? T.STRING() : T.VARCHAR(p);
    case "STRING":
      noParams(node);
      return T.STRING();
    case "BINARY":
      noScale(node);
      return T.BINARY(p ?? 1);
    case "VARBINARY":
      noScale(node);
      return p === undefined ? T.BYTES() : T.VARBINARY(p);
    case "BYTES":
      noParams(node);
      return T.BYTES();
    case "DECIMAL":
      return T.DECIMAL(p ?? 10, node.scale ?? 0);
    case "TIME":
      noScale(node);
      return T.TIME(p ?? T.DEFAULT_TIME_PRECISION);
    case "TIMESTAMP":
      noScale(node);
      return T.TIMESTAMP(p ?? T.DEFAULT_TIMESTAMP_PRECISION);
    case "TIMESTAMP_LTZ":
      noScale(node);
      return T.TIMESTAMP_LTZ(p ?? T.DEFAULT_TIMESTAMP_PRECISION);
    case "BOOLEAN":
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "BIGINT":
    case "FLOAT":
    case "DOUBLE":
    case "DATE":
      noParams(node);
      return { kind: node.name, nullable: true };
    case "NULL":
      noParams(node);
      return T.NULL();
  }
}

const YEAR_MONTH: Record<string, YearMonthResolution> = {
  YEAR: "YEAR",
  "YEAR TO MONTH": "YEAR_TO_MONTH",
  MONTH: "MONTH",
};

const DAY_TIME: Record<string, DayTimeResolution> = {
  DAY: "DAY",
  "DAY TO HOUR": "DAY_TO_HOUR",
  "DAY TO MINUTE": "DAY_TO_MINUTE",
  "DAY TO SECOND": "DAY_TO_SECOND",
  HOUR: "HOUR",
  "HOUR TO MINUTE": "HOUR_TO_MINUTE",
  "HOUR TO SECOND": "HOUR_TO_SECOND",
  MINUTE: "MINUTE",
  "MINUTE TO SECOND": "MINUTE_TO_SECOND",
  SECOND: "SECOND",
};

/**
 * Flink's interval types: `YEAR(p)`, `DAY(p1) TO SECOND(p2)`, `SECOND(p2)`... Only YEAR and DAY
 * take a leading precision; the fractional precision belongs to SECOND (alone or as the end).
 */
function interval(q: IntervalQualifier): LogicalType {
  const name = q.end === undefined ? q.start : `${q.start} TO ${q.end}`;
  const ym = YEAR_MONTH[name];
  if (ym !== undefined) {
    if (
      q.fractionalPrecision !== undefined ||
      (q.start === "MONTH" && q.startPrecision !== undefined)
    ) {
      throw new RangeError(
        `INTERVAL ${name} takes only a year precision: INTERVAL YEAR(p) [TO MONTH]`,
      );
    }
    return T.INTERVAL_YEAR_MONTH(ym, q.startPrecision ?? 2);
  }
  const dt = DAY_TIME[name];
  if (dt === undefined) throw new RangeError(`INTERVAL ${name} is not a valid interval type`);
  let fractional = q.fractionalPrecision;
  let day = 2;
  if (q.start === "SECOND") {
    // INTERVAL SECOND(p): p is the fractional precision (Flink's form).
    if (q.startPrecision !== undefined && fractional !== undefined) {
      throw new RangeError(
        "INTERVAL SECOND takes one precision (fractional digits): INTERVAL SECOND(p)",
      );
    }
    fractional ??= q.startPrecision;
  } else if (q.start === "DAY") {
    day = q.startPrecision ?? 2;
  } else if (q.startPrecision !== undefined) {
    throw new RangeError(
      `a precision on ${q.start} is not supported; only DAY(p) and SECOND(p) take one`,
    );
  }
  return T.INTERVAL_DAY_TIME(dt, day, fractional ?? 6);
}
