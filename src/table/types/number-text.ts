/**
 * Text forms of approximate numbers as Java prints and parses them, which is what Flink's CAST
 * between FLOAT/DOUBLE and strings uses: `Double.toString` (`1.0`, `0.001`, `1.0E7`, `1.0E-4`,
 * `NaN`, `Infinity`) with the shortest digits that read back, `Float.toString` likewise at single
 * precision, and `Double.parseDouble` (optional sign, `NaN`, `Infinity`, an `f`/`d` suffix).
 */

/** Java's `Double.toString` of a number. */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return "NaN";
  if (d === Infinity) return "Infinity";
  if (d === -Infinity) return "-Infinity";
  if (d === 0) return Object.is(d, -0) ? "-0.0" : "0.0";
  const a = Math.abs(d);
  if (a >= 1e-3 && a < 1e7) {
    const s = String(d); // shortest round-trip digits, plain notation in this range
    return s.includes(".") ? s : s + ".0";
  }
  const [mantissa, exp] = d.toExponential().split("e") as [string, string];
  const m = mantissa.includes(".") ? mantissa : mantissa + ".0";
  return `${m}E${exp.startsWith("+") ? exp.slice(1) : exp}`;
}

/** The double with the fewest decimal digits that rounds to the float `f` (its Java digits). */
export function shortestFloatDigits(f: number): number {
  if (!Number.isFinite(f) || f === 0) return f;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
}

/** Java's `Float.toString` of a FLOAT value. */
export function javaFloatToString(f: number): string {
  return javaDoubleToString(shortestFloatDigits(Math.fround(f)));
}

const DOUBLE_TEXT = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;

/** Java's `Double.parseDouble` (trimmed, decimal forms only); undefined when malformed. */
export function parseJavaDouble(text: string): number | undefined {
  const s = text.trim();
  if (!DOUBLE_TEXT.test(s)) return undefined;
  const body = /[fFdD]$/.test(s) ? s.slice(0, -1) : s;
  if (body.endsWith("NaN")) return NaN;
  return Number(body);
}
