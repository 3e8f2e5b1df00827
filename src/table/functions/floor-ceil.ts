/**
 * FLOOR and CEIL (alias CEILING) in both forms: on numbers (`FLOOR(x)`: integral types unchanged,
 * DECIMAL(p, s) to DECIMAL(p, 0), FLOAT/DOUBLE by `Math.floor`/`Math.ceil`) and on points in
 * time (`FLOOR(x, 'DAY')`, the planner's form of `FLOOR(x TO DAY)`): DATE, TIME, TIMESTAMP and
 * TIMESTAMP_LTZ (rounded in the session time zone, with the offset of the original instant, as
 * Flink does) to MILLENNIUM .. MILLISECOND; weeks start on Sunday; the ceiling of a value on a
 * boundary is the value itself.
 */
import { SqlValidationError } from "../expr/errors.ts";
import type { ScalarFunctionDef } from "../expr/operators.ts";
import { cannotApply } from "../expr/typing.ts";
import { Decimal } from "../types/decimal.ts";
import { MILLIS_PER_DAY } from "../types/datetime.ts";
import * as T from "../types/logical-type.ts";
import type { LogicalType } from "../types/logical-type.ts";
import { Timestamp } from "../types/timestamp.ts";
import {
  expectArgs,
  fn,
  keywordAt,
  nullableIf,
  num,
  siteKeyword,
  str,
  withAliases,
} from "./define.ts";
import type { Operands } from "./define.ts";
import { floorDate, floorLocalMillis, floorUnits } from "./time-units.ts";
import type { FloorUnit } from "./time-units.ts";
import { resolveZone } from "./zones.ts";

const TIME_KINDS = new Set(["DATE", "TIME", "TIMESTAMP", "TIMESTAMP_LTZ"]);

function numericFn(t: LogicalType, floor: boolean): (v: any) => unknown {
  switch (t.kind) {
    case "DECIMAL":
      return (v: Decimal) => v.setScale(0, floor ? "FLOOR" : "CEILING");
    case "FLOAT":
    case "DOUBLE":
      return floor ? Math.floor : Math.ceil;
    default:
      return (v) => v;
  }
}

function temporalFn(
  t: LogicalType,
  unit: FloorUnit,
  floor: boolean,
  timeZone: string,
): (v: any) => unknown {
  switch (t.kind) {
    case "DATE":
      return (d: number) => floorDate(d, unit, floor);
    case "TIME":
      return (ms: number) => floorLocalMillis(ms, false, unit, floor) % MILLIS_PER_DAY;
    case "TIMESTAMP":
      return (ts: Timestamp) =>
        Timestamp.fromMillis(floorLocalMillis(ts.millis, ts.nanos > 0, unit, floor));
    default: {
      const zone = resolveZone(timeZone);
      return (ts: Timestamp) => {
        const offset = zone.offsetAt(ts.millis);
        return Timestamp.fromMillis(
          floorLocalMillis(ts.millis + offset, ts.nanos > 0, unit, floor) - offset,
        );
      };
    }
  }
}

function checkUnit(name: string, unit: string, t: LogicalType): FloorUnit {
  if (t.kind !== "NULL" && !(floorUnits(t) as readonly string[]).includes(unit)) {
    throw new SqlValidationError(`${name}: cannot round a ${t.kind} to ${unit}`);
  }
  return unit as FloorUnit;
}

function floorCeil(name: string, floor: boolean): ScalarFunctionDef {
  return fn({
    name,
    inferType(types, operands?: Operands) {
      if (types.length === 1) {
        expectArgs(name, types, [num]);
        const t = types[0]!;
        if (t.kind === "NULL") return T.DOUBLE();
        return t.kind === "DECIMAL" ? nullableIf(T.notNull(T.DECIMAL(t.precision, 0)), types) : t;
      }
      expectArgs(name, types, [(t) => t.kind === "NULL" || TIME_KINDS.has(t.kind), str]);
      if (operands !== undefined)
        checkUnit(name, keywordAt(name, operands, 1, "time unit"), types[0]!);
      const t = types[0]!;
      if (t.kind === "NULL") cannotApply(name, types);
      return nullableIf(t, types);
    },
    bind(site) {
      const t = site.argTypes[0]!;
      if (site.argTypes.length === 1) return numericFn(t, floor);
      const unit = checkUnit(name, siteKeyword(site, 1, "time unit"), t);
      const f = temporalFn(t, unit, floor, site.timeZone);
      return (v: unknown) => f(v);
    },
  });
}

/** The FLOOR/CEIL function definitions. */
export const FLOOR_CEIL_FUNCTIONS: readonly ScalarFunctionDef[] = [
  floorCeil("FLOOR", true),
  ...withAliases(floorCeil("CEIL", false), "CEILING"),
];
