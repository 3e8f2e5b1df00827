/**
 * Literals of the AST as typed constants of the expression IR, with Flink's literal types: an
 * integer literal is INT, or BIGINT when it does not fit, or DECIMAL beyond 64 bits; `1.50` is
 * DECIMAL(3, 2); `1e3` is DOUBLE; `'abc'` is CHAR(3); temporal literals take the precision of
 * their fraction digits; an INTERVAL is months or milliseconds.
 */
import { literal, literalOf, nullLiteral, type RexLiteral } from "../expr/rex.ts";
import type { IntervalExpr, LiteralExpr } from "../sql/ast-expr.ts";
import type { IntervalQualifier, TimeUnit } from "../sql/ast-types.ts";
import { parseDate, parseTime, parseTimestamp } from "../types/datetime.ts";
import { Decimal } from "../types/decimal.ts";
import {
  BOOLEAN,
  BYTES,
  DATE,
  DECIMAL,
  DOUBLE,
  INTERVAL_DAY_TIME,
  INTERVAL_YEAR_MONTH,
  notNull,
  TIME,
  TIMESTAMP,
  TIMESTAMP_LTZ,
} from "../types/index.ts";
import { SqlPlanError } from "./errors.ts";

const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;
const LONG_MIN = -9223372036854775808n;
const LONG_MAX = 9223372036854775807n;

/** The typed constant of literal `e`. */
export function bindLiteral(e: LiteralExpr): RexLiteral {
  switch (e.type) {
    case "integer": {
      const v = BigInt(e.value);
      if (v >= INT_MIN && v <= INT_MAX) return literalOf(Number(v));
      if (v >= LONG_MIN && v <= LONG_MAX) return literalOf(v);
      const digits = e.value.replace(/^[-+]/, "").length;
      if (digits > 38) throw new SqlPlanError(`Numeric literal '${e.text}' is out of range`, e.pos);
      return literal(Decimal.parse(e.value), notNull(DECIMAL(digits, 0)));
    }
    case "decimal": {
      const text = e.value.replace(/^\+/, "");
      const unsigned = text.replace(/^-/, "");
      const [int = "", frac = ""] = unsigned.split(".");
      const scale = frac.length;
      const precision = Math.max(int.replace(/^0+/, "").length + scale, scale, 1);
      if (precision > 38) {
        throw new SqlPlanError(`Numeric literal '${e.text}' is out of range`, e.pos);
      }
      return literal(Decimal.parse(text), notNull(DECIMAL(precision, scale)));
    }
    case "approx":
      return literal(Number(e.value), notNull(DOUBLE()));
    case "string":
      return literalOf(e.value);
    case "binary":
      return literal(hexBytes(e.value, e), notNull(BYTES()));
    case "boolean":
      return literal(e.value.toUpperCase() === "TRUE", notNull(BOOLEAN()));
    case "null":
      return nullLiteral();
    case "unknown":
      return nullLiteral(BOOLEAN());
    case "date": {
      const d = parseDate(e.value.trim());
      if (d === undefined) throw new SqlPlanError(`Illegal DATE literal '${e.value}'`, e.pos);
      return literal(d, notNull(DATE()));
    }
    case "time": {
      const t = parseTime(e.value.trim());
      if (t === undefined) throw new SqlPlanError(`Illegal TIME literal '${e.value}'`, e.pos);
      return literal(t, notNull(TIME(fractionDigits(e.value))));
    }
    case "timestamp":
    case "timestampLtz": {
      const ts = parseTimestamp(e.value.trim());
      if (ts === undefined) {
        throw new SqlPlanError(`Illegal TIMESTAMP literal '${e.value}'`, e.pos);
      }
      const p = fractionDigits(e.value);
      return literal(ts, notNull(e.type === "timestamp" ? TIMESTAMP(p) : TIMESTAMP_LTZ(p)));
    }
  }
}

function fractionDigits(text: string): number {
  const m = /\.(\d+)\s*$/.exec(text);
  return m === null ? 0 : Math.min(9, m[1]!.length);
}

function hexBytes(hex: string, e: LiteralExpr): Uint8Array {
  const h = hex.replace(/\s+/g, "");
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) {
    throw new SqlPlanError(`Illegal binary literal '${e.text}'`, e.pos);
  }
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const MS: Record<Exclude<TimeUnit, "YEAR" | "MONTH">, number> = {
  DAY: 86_400_000,
  HOUR: 3_600_000,
  MINUTE: 60_000,
  SECOND: 1000,
};
const DAY_TIME_UNITS: TimeUnit[] = ["DAY", "HOUR", "MINUTE", "SECOND"];

/** An INTERVAL literal: months (YEAR/MONTH qualifiers) or milliseconds. */
export function bindInterval(e: IntervalExpr): RexLiteral {
  const q = e.qualifier;
  const text = e.value.trim();
  const sign = (e.negative ? -1 : 1) * (text.startsWith("-") ? -1 : 1);
  const body = text.replace(/^[-+]/, "");
  const bad = (): never => {
    throw new SqlPlanError(`Illegal interval literal '${e.value}' for ${qualifierText(q)}`, e.pos);
  };
  if (q.start === "YEAR" || q.start === "MONTH") {
    let months: number;
    if (q.start === "YEAR" && q.end === "MONTH") {
      const m = /^(\d+)-(\d{1,2})$/.exec(body) ?? bad();
      months = Number(m[1]) * 12 + Number(m[2]);
    } else {
      if (!/^\d+$/.test(body)) bad();
      months = Number(body) * (q.start === "YEAR" ? 12 : 1);
    }
    return literal(sign * months, notNull(INTERVAL_YEAR_MONTH()));
  }
  const first = DAY_TIME_UNITS.indexOf(q.start);
  const last = q.end === undefined ? first : DAY_TIME_UNITS.indexOf(q.end);
  if (first < 0 || last < first) bad();
  // Fields in order: DAY, then ' ' HOUR, ':' MINUTE, ':' SECOND(.fraction).
  const parts = body.split(/[ :]/);
  if (parts.length !== last - first + 1) bad();
  let millis = 0;
  for (let i = 0; i < parts.length; i++) {
    const unit = DAY_TIME_UNITS[first + i] as keyof typeof MS;
    const p = parts[i]!;
    if (unit === "SECOND") {
      if (!/^\d+(\.\d+)?$/.test(p)) bad();
      millis += Math.round(Number(p) * 1000);
    } else {
      if (!/^\d+$/.test(p)) bad();
      millis += Number(p) * MS[unit];
    }
  }
  return literal(sign * millis, notNull(INTERVAL_DAY_TIME()));
}

function qualifierText(q: IntervalQualifier): string {
  return q.end === undefined ? q.start : `${q.start} TO ${q.end}`;
}
