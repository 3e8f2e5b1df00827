/**
 * docs/sql.md stays true to the code: every registered built-in function, operator and
 * aggregate is named in its "Built-in functions" section, every option of the built-in
 * connectors and formats in "Connectors", and every TableConfig key in "Configuration". The
 * lists come from the registries (scripts/sql-reference.ts); the doc names each in a code span.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { collectSqlReference, SYNTAX_ONLY_NAMES } from "../../scripts/sql-reference.ts";

const DOC = readFileSync(new URL("../../docs/sql.md", import.meta.url), "utf8");
const ref = collectSqlReference();

/** The text of the `## title` section, up to the next level-2 heading. */
function section(title: string): string {
  const start = DOC.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `docs/sql.md has no section '## ${title}'`);
  const end = DOC.indexOf("\n## ", start + 1);
  return DOC.slice(start, end < 0 ? DOC.length : end);
}

/** The code spans of a text (`...`), with table-escaped pipes unescaped. */
function codeSpans(text: string): string[] {
  return [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!.replaceAll("\\|", "|"));
}

/** Words and operator symbols of a text, upper case. */
function tokens(text: string): string[] {
  return (text.match(/[A-Za-z0-9_$.#-]+|[<>=!|%*+/-]+/g) ?? []).map((t) => t.toUpperCase());
}

/** Whether `want` occurs in `have` in order (not necessarily adjacent). */
function inOrder(have: readonly string[], want: readonly string[]): boolean {
  let i = 0;
  for (const t of have) if (t === want[i]) i++;
  return i === want.length;
}

const functionSpans = codeSpans(section("Built-in functions"));

/** Whether a span shows a call of `name` (`NAME(`) or is the name itself (`CURRENT_DATE`). */
function namesFunction(span: string, name: string): boolean {
  const escaped = name.replace(/[$]/g, "\\$");
  return (
    new RegExp(`(^|[^A-Za-z0-9_])${escaped}\\s*\\(`, "i").test(span) ||
    span.trim().toUpperCase() === name
  );
}

test("every registered scalar function is documented in docs/sql.md", () => {
  const missing = ref.functions.filter(
    (name) => !SYNTAX_ONLY_NAMES.has(name) && !functionSpans.some((s) => namesFunction(s, name)),
  );
  assert.deepEqual(missing, [], `functions missing from docs/sql.md: ${missing.join(", ")}`);
});

test("every registered operator is documented in docs/sql.md", () => {
  const spanTokens = functionSpans.map((s) => tokens(s.replaceAll("[", " ").replaceAll("]", " ")));
  const missing = ref.operators.filter(
    (op) => !SYNTAX_ONLY_NAMES.has(op) && !spanTokens.some((t) => inOrder(t, tokens(op))),
  );
  assert.deepEqual(missing, [], `operators missing from docs/sql.md: ${missing.join(", ")}`);
});

test("every aggregate function is documented in docs/sql.md", () => {
  const missing = ref.aggregates.filter(
    (name) => !functionSpans.some((s) => namesFunction(s, name)),
  );
  assert.deepEqual(missing, [], `aggregates missing from docs/sql.md: ${missing.join(", ")}`);
});

test("every connector and format option is documented in docs/sql.md", () => {
  const spans = new Set(codeSpans(section("Connectors")).map((s) => s.trim()));
  const missing = ref.options.filter((o) => !spans.has(o.key)).map((o) => `${o.owner}: ${o.key}`);
  assert.deepEqual(missing, [], `options missing from docs/sql.md: ${missing.join(", ")}`);
});

test("every TableConfig key is documented in docs/sql.md", () => {
  const spans = new Set(codeSpans(section("Configuration")).map((s) => s.trim()));
  const missing = ref.configKeys.filter((k) => !spans.has(k));
  assert.deepEqual(
    missing,
    [],
    `configuration keys missing from docs/sql.md: ${missing.join(", ")}`,
  );
});

test("the reference lists are not empty (the registries were read)", () => {
  assert.ok(ref.functions.length > 100);
  assert.ok(ref.operators.includes("LIKE"));
  assert.ok(ref.aggregates.includes("COUNT"));
  assert.ok(ref.options.some((o) => o.owner === "datagen" && o.key === "fields.#.kind"));
  assert.ok(ref.configKeys.includes("execution.runtime-mode"));
});
