/**
 * The final result of a changelog: rows added by INSERT / UPDATE_AFTER and removed by
 * UPDATE_BEFORE / DELETE, kept as a multiset of their canonical JSON texts, and written as JSON
 * lines of field arrays (TIMESTAMP values as `yyyy-MM-dd HH:mm:ss.SSS`, DECIMAL as numbers).
 */
import { writeFileSync } from "node:fs";
import type { Row } from "../../src/index.ts";

/** A field as plain JSON data. */
function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "object") {
    if (Array.isArray(v)) return v.map(plain);
    const millis = (v as { millis?: unknown }).millis;
    if (typeof millis === "number") {
      const iso = new Date(millis).toISOString();
      return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
    }
    return Number(String(v)); // Decimal
  }
  return v;
}

/** A multiset of rows, updated by changelog batches. */
export class FinalRows {
  private readonly counts = new Map<string, number>();

  /** Applies changelog rows `[kind, ...fields]` (kinds 0 +I, 1 -U, 2 +U, 3 -D). */
  apply(rows: readonly Row[]): void {
    for (const r of rows) {
      const key = JSON.stringify(r.slice(1).map(plain));
      const add = r[0] === 0 || r[0] === 2;
      const n = (this.counts.get(key) ?? 0) + (add ? 1 : -1);
      if (n === 0) this.counts.delete(key);
      else this.counts.set(key, n);
    }
  }

  /** Writes the rows as JSON lines (a negative count is an error: a retraction of nothing). */
  write(path: string): void {
    const out: string[] = [];
    for (const [key, n] of this.counts) {
      if (n < 0) throw new Error(`the changelog retracted a row it never added: ${key}`);
      for (let i = 0; i < n; i++) out.push(key);
    }
    writeFileSync(path, out.length === 0 ? "" : out.join("\n") + "\n");
  }
}
