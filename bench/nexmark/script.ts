/**
 * The Nexmark SQL scripts: the source table (generated, or read from a JSON-lines file), the
 * `person` / `auction` / `bid` views and one query file, with their `${NAME}` placeholders
 * filled in; and registering `count_char`, the scalar function q14 calls (udf.ts).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TableEnvironment } from "../../src/index.ts";
import { countChar } from "./udf.ts";

/** This folder. */
export const NEXMARK_DIR = dirname(fileURLToPath(import.meta.url));

/** The query names q0 to q22. */
export const QUERIES: readonly string[] = Array.from({ length: 23 }, (_, i) => `q${i}`);

/** Where a script's events come from. */
export type EventInput =
  | { readonly kind: "generator"; readonly events: number }
  | { readonly kind: "file"; readonly path: string };

/** `text` with every `${NAME}` replaced by `vars[NAME]` (an unknown name is an error). */
export function substitute(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Z_]+)\}/g, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`Nexmark script: no value for \${${name}}`);
    return value;
  });
}

/** The text of a query file (`q5` → queries/q5.sql). */
export function queryText(query: string): string {
  if (!QUERIES.includes(query)) {
    throw new Error(`unknown Nexmark query '${query}' (expected one of q0..q22)`);
  }
  return readFileSync(join(NEXMARK_DIR, "queries", `${query}.sql`), "utf8");
}

/** The whole script of a query: source table, views, query. */
export function nexmarkScript(
  query: string,
  input: EventInput,
  vars: Readonly<Record<string, string>> = {},
): string {
  const ddl =
    input.kind === "generator"
      ? substitute(readFileSync(join(NEXMARK_DIR, "ddl-nexmark.sql"), "utf8"), {
          EVENTS: String(input.events),
        })
      : substitute(readFileSync(join(NEXMARK_DIR, "ddl-file.sql"), "utf8"), {
          INPUT: input.path,
        });
  const views = readFileSync(join(NEXMARK_DIR, "views.sql"), "utf8");
  const all = { SIDE_INPUT: sideInputFile(), ...vars };
  return `${ddl}\n${views}\n${substitute(queryText(query), all)}`;
}

/** Q13's side input: `key,value` for the keys 0..9999 (written once to the temporary directory). */
export function sideInputFile(): string {
  const path = join(tmpdir(), "strom-nexmark-side-input.csv");
  if (!existsSync(path)) {
    const lines = Array.from({ length: 10_000 }, (_, k) => `${k},side-${k}\n`);
    writeFileSync(path, lines.join(""));
  }
  return path;
}

/** Registers q14's `count_char(STRING, STRING) -> BIGINT` (udf.ts) in a table environment. */
export function registerCountChar(tEnv: TableEnvironment): void {
  tEnv.createTemporarySystemFunction("count_char", countChar);
}
