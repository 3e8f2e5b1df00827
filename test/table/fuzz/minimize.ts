/**
 * Shrinks a mismatching fuzz query by text edits that keep it mismatching: dropping a WHERE or
 * HAVING clause, keeping one side of a set operation, keeping one operand of a parenthesized
 * AND / OR. Edits that break the query make it plan-fail, which does not count as failing, so
 * they are simply not kept. Greedy, with a budget of tries.
 */
import type { FuzzQuery } from "./gen-query.ts";

/** The index of the parenthesis closing the one at `open`, skipping string literals; -1 if none. */
function closing(sql: string, open: number): number {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'") i = sql.indexOf("'", i + 1);
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
    if (i < 0) return -1;
  }
  return -1;
}

/** The index of the parenthesis opening the one at `close`; -1 if none. */
function opening(sql: string, close: number): number {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    const c = sql[i];
    if (c === "'") i = sql.lastIndexOf("'", i - 1);
    else if (c === ")") depth++;
    else if (c === "(" && --depth === 0) return i;
    if (i < 0) return -1;
  }
  return -1;
}

/** Where a clause starting at `from` ends: a newline or `)` at its own depth, or the end. */
function clauseEnd(sql: string, from: number): number {
  let depth = 0;
  for (let i = from; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'") i = sql.indexOf("'", i + 1);
    else if (c === "(") depth++;
    else if (c === ")" && --depth < 0) return i;
    else if (c === "\n" && depth === 0) return i;
    if (i < 0) return sql.length;
  }
  return sql.length;
}

/** Splits `text` at top-level occurrences of `sep`. */
function splitTop(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") i = text.indexOf("'", i + 1);
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (depth === 0 && text.startsWith(sep, i)) {
      parts.push(text.slice(start, i));
      start = i + sep.length;
    }
    if (i < 0) break;
  }
  parts.push(text.slice(start));
  return parts;
}

/** Smaller variants of `sql`, biggest cuts first. */
function* candidates(sql: string): Generator<string> {
  for (const m of sql.matchAll(/\n(UNION|INTERSECT|EXCEPT)( ALL)?\n\(/g)) {
    const lEnd = m.index - 1;
    if (sql[lEnd] !== ")") continue;
    const lStart = opening(sql, lEnd);
    const rStart = m.index + m[0].length - 1;
    const rEnd = closing(sql, rStart);
    if (lStart < 0 || rEnd < 0) continue;
    const before = sql.slice(0, lStart);
    const after = sql.slice(rEnd + 1);
    yield before + sql.slice(lStart + 1, lEnd) + after;
    yield before + sql.slice(rStart + 1, rEnd) + after;
  }
  for (const m of sql.matchAll(/\n(WHERE|HAVING) /g)) {
    yield sql.slice(0, m.index) + sql.slice(clauseEnd(sql, m.index + 1));
  }
  for (let i = sql.indexOf("("); i >= 0; i = sql.indexOf("(", i + 1)) {
    const end = closing(sql, i);
    if (end < 0) continue;
    const inner = sql.slice(i + 1, end);
    for (const sep of [" AND ", " OR "]) {
      const parts = splitTop(inner, sep);
      if (parts.length < 2) continue;
      for (const p of parts) yield `${sql.slice(0, i)}(${p})${sql.slice(end + 1)}`;
    }
  }
}

/** The smallest variant of `q` found that `fails` still holds for (at most `budget` tries). */
export async function minimize(
  q: FuzzQuery,
  fails: (q: FuzzQuery) => Promise<boolean>,
  budget = 80,
): Promise<FuzzQuery> {
  let best = q;
  let tries = 0;
  for (let progress = true; progress && tries < budget;) {
    progress = false;
    for (const sql of candidates(best.sql)) {
      if (++tries > budget) break;
      const c = { ...best, sql };
      if (await fails(c)) {
        best = c;
        progress = true;
        break;
      }
    }
  }
  return best;
}
