/**
 * Lookups in a `filesystem` table (the right side of a lookup join): the table's files are read
 * whole into a map by the key columns on the first lookup, and read again on the first lookup
 * after `lookup.join.cache.ttl` (processing time, default 60 minutes), as Flink's filesystem
 * lookup does. Suitable for small dimension tables. A partitioned table's rows get their
 * partition columns from the directory names, as when it is read.
 */
import * as fs from "node:fs";
import { rowIdentity } from "../runtime/value-keys.ts";
import type { LookupContext, LookupRows, LookupTableSource } from "./lookup.ts";
import { tableFiles } from "./filesystem-partitions.ts";
import { durationOption } from "./options.ts";

/** `lookup.join.cache.ttl`: how long the files read for lookups are used before re-reading. */
export const LOOKUP_RELOAD_TTL = durationOption(
  "lookup.join.cache.ttl",
  "How long a lookup join uses the files it read before reading them again.",
  60 * 60 * 1000,
);

/** The lookup source of a filesystem table at `path`. */
export function filesystemLookup(ctx: LookupContext, path: string): LookupTableSource {
  const format = ctx.format!;
  const ttl = ctx.options.get(LOOKUP_RELOAD_TTL)!;
  const table = tableFiles(
    ctx,
    path,
    ctx.physicalRowType.fields.map((_, i) => i),
  );
  const load = (): Map<unknown, unknown[][]> => {
    const decoder = format.factory.createDecoder({
      rowType: table.rowType,
      projection: table.projection,
      options: format.options,
      table: ctx.tableName,
    });
    const index = new Map<unknown, unknown[][]>();
    for (const file of table.files()) {
      const complete = table.partitions?.rowOf(file) ?? null;
      for (const line of fs.readFileSync(file, "utf8").split(/\r?\n/)) {
        if (line.length === 0) continue;
        let decoded: unknown[] | null;
        try {
          decoded = decoder.decode(line);
        } catch (e) {
          if (decoder.ignoreParseErrors) continue;
          throw e;
        }
        if (decoded === null) continue;
        const row = complete === null ? decoded : complete(decoded);
        const id = rowIdentity([0, ...ctx.keys.map((k) => row[k])]);
        let list = index.get(id);
        if (list === undefined) index.set(id, (list = []));
        list.push(row);
      }
    }
    return index;
  };
  return {
    createFunction(context) {
      let index: Map<unknown, unknown[][]> | null = null;
      let loadedAt = 0;
      return {
        lookup(key): LookupRows {
          const now = context.now();
          if (index === null || now - loadedAt >= ttl) {
            index = load();
            loadedAt = now;
          }
          return index.get(rowIdentity([0, ...key])) ?? [];
        },
      };
    },
  };
}
