/**
 * `CREATE TABLE t (...) WITH (...) LIKE base (options)` with Flink's merging rules. Each table
 * feature (CONSTRAINTS, DISTRIBUTION, PARTITIONS, GENERATED, METADATA, OPTIONS, WATERMARKS) is
 * INCLUDING, EXCLUDING or OVERWRITING; the defaults are INCLUDING ALL OVERWRITING OPTIONS, and
 * the options apply in order (`INCLUDING ALL EXCLUDING OPTIONS`). Physical columns of the base
 * always come first and cannot be redefined; a computed or metadata column, watermark or option
 * defined again is an error unless its feature is OVERWRITING; a primary key, partitioning or
 * distribution defined again is an error unless its feature is EXCLUDING.
 */
import type { CreateTableStatement, LikeOption } from "../sql/ast-ddl.ts";
import { DdlValidationError, at } from "./errors.ts";
import type { CatalogTable, ColumnSpec, TableSchema, WatermarkSpec } from "./objects.ts";
import {
  columnFromAst,
  primaryKeyFromAst,
  validatePartitionKeys,
  validateSchema,
  watermarkFromAst,
  type SchemaContext,
} from "./schema.ts";
import { distributionFromAst, optionsFromProperties, schemaPositions } from "./table-ddl.ts";

type Feature = Exclude<LikeOption["feature"], "ALL">;
type Strategy = LikeOption["strategy"];

const FEATURES: readonly Feature[] = [
  "CONSTRAINTS",
  "DISTRIBUTION",
  "PARTITIONS",
  "GENERATED",
  "METADATA",
  "OPTIONS",
  "WATERMARKS",
];
/** Features without entries to merge: OVERWRITING does not apply. */
const NOT_OVERWRITABLE = new Set<Feature>(["CONSTRAINTS", "DISTRIBUTION", "PARTITIONS"]);

function strategies(stmt: CreateTableStatement): Map<Feature, Strategy> {
  const s = new Map<Feature, Strategy>(FEATURES.map((f) => [f, "INCLUDING"]));
  s.set("OPTIONS", "OVERWRITING");
  const pos = stmt.like!.pos;
  for (const o of stmt.like!.options) {
    if (o.feature === "ALL") {
      for (const f of FEATURES) {
        s.set(
          f,
          o.strategy === "OVERWRITING" && NOT_OVERWRITABLE.has(f) ? "INCLUDING" : o.strategy,
        );
      }
    } else {
      if (o.strategy === "OVERWRITING" && NOT_OVERWRITABLE.has(o.feature)) {
        throw new DdlValidationError(
          `Illegal merging strategy OVERWRITING for ${o.feature}${at(pos)}`,
        );
      }
      s.set(o.feature, o.strategy);
    }
  }
  return s;
}

/** The table `stmt` defines on top of `base` (its LIKE source). */
export function mergeLike(
  base: CatalogTable,
  stmt: CreateTableStatement,
  ctx: SchemaContext,
): CatalogTable {
  const s = strategies(stmt);
  const like = stmt.like!;
  const hint = (f: Feature) => `You might want to specify EXCLUDING ${f} or OVERWRITING ${f}`;
  const keep = (c: ColumnSpec) =>
    c.kind === "physical" ||
    (c.kind === "computed" && s.get("GENERATED") !== "EXCLUDING") ||
    (c.kind === "metadata" && s.get("METADATA") !== "EXCLUDING");
  const columns: ColumnSpec[] = base.schema.columns.filter(keep);
  for (const def of stmt.columns) {
    const col = columnFromAst(def, columns, ctx);
    const i = columns.findIndex((c) => c.name === col.name);
    if (i < 0) {
      columns.push(col);
      continue;
    }
    const old = columns[i]!;
    const feature: Feature | undefined =
      old.kind === "computed" ? "GENERATED" : old.kind === "metadata" ? "METADATA" : undefined;
    if (old.kind === "physical" || col.kind === "physical" || feature === undefined) {
      throw new DdlValidationError(
        `A column named '${col.name}' already exists in the base table${at(def.pos)}`,
      );
    }
    if (old.kind !== col.kind) {
      throw new DdlValidationError(
        `A ${old.kind} column named '${col.name}' already exists in the base table${at(def.pos)}`,
      );
    }
    if (s.get(feature) !== "OVERWRITING") {
      throw new DdlValidationError(
        `A ${old.kind} column named '${col.name}' already exists in the base table${at(def.pos)}. ${hint(feature)}`,
      );
    }
    columns[i] = col;
  }
  const watermarks: WatermarkSpec[] =
    s.get("WATERMARKS") === "EXCLUDING" ? [] : [...base.schema.watermarks];
  for (const def of stmt.watermarks) {
    const wm = watermarkFromAst(def, ctx);
    const i = watermarks.findIndex((w) => w.rowtime === wm.rowtime);
    if (i < 0) watermarks.push(wm);
    else if (s.get("WATERMARKS") === "OVERWRITING") watermarks[i] = wm;
    else {
      throw new DdlValidationError(
        `There already exists a watermark on column '${wm.rowtime}' in the base table${at(def.pos)}. ${hint("WATERMARKS")}`,
      );
    }
  }
  const basePk = s.get("CONSTRAINTS") === "INCLUDING" ? base.schema.primaryKey : undefined;
  if (stmt.primaryKey !== undefined && basePk !== undefined) {
    throw new DdlValidationError(
      `The base table already has a primary key${at(stmt.primaryKey.pos)}. You might want to specify EXCLUDING CONSTRAINTS`,
    );
  }
  const pk = stmt.primaryKey !== undefined ? primaryKeyFromAst(stmt.primaryKey) : basePk;
  const basePartitions = s.get("PARTITIONS") === "INCLUDING" ? base.partitionKeys : [];
  if (stmt.partitionedBy.length > 0 && basePartitions.length > 0) {
    throw new DdlValidationError(
      `The base table already has partitions defined${at(like.pos)}. You might want to specify EXCLUDING PARTITIONS`,
    );
  }
  const baseDistribution = s.get("DISTRIBUTION") === "INCLUDING" ? base.distribution : undefined;
  if (stmt.distribution !== undefined && baseDistribution !== undefined) {
    throw new DdlValidationError(
      `The base table already has a distribution defined${at(stmt.distribution.pos)}. You might want to specify EXCLUDING DISTRIBUTION`,
    );
  }
  const distribution =
    stmt.distribution !== undefined ? distributionFromAst(stmt.distribution) : baseDistribution;
  const options: Record<string, string> =
    s.get("OPTIONS") === "EXCLUDING" ? {} : { ...base.options };
  for (const [k, v] of Object.entries(optionsFromProperties(stmt.options))) {
    if (Object.hasOwn(options, k) && s.get("OPTIONS") === "INCLUDING") {
      const p = stmt.options.find((o) => o.key === k)?.pos;
      throw new DdlValidationError(
        `There already exists an option ['${k}' -> '${options[k]}'] in the base table${at(p)}. ${hint("OPTIONS")}`,
      );
    }
    options[k] = v;
  }
  const schema: TableSchema = {
    columns,
    watermarks,
    ...(pk !== undefined ? { primaryKey: pk } : {}),
  };
  const checked = validateSchema(schema, { ...schemaPositions(stmt), statement: stmt.pos });
  const partitionKeys =
    stmt.partitionedBy.length > 0 ? [...stmt.partitionedBy] : [...basePartitions];
  validatePartitionKeys(checked, partitionKeys, stmt.pos);
  return {
    kind: "table",
    schema: checked,
    options,
    ...(stmt.comment !== undefined ? { comment: stmt.comment } : {}),
    partitionKeys,
    ...(distribution !== undefined ? { distribution } : {}),
  };
}
