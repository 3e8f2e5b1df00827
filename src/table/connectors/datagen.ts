/**
 * The `datagen` connector (Flink's options): generated rows, random or sequential per field.
 *
 * - `rows-per-second` (default 10000): the total rate over all parallel readers;
 * - `number-of-rows`: makes the table bounded with this many rows (else it is unbounded, unless
 *   a sequence field ends first: the table then has as many rows as its shortest sequence);
 * - `scan.parallelism`: the source's parallelism;
 * - `seed` (Strom's addition): makes the random values deterministic; without it they differ
 *   from run to run. The values of row `i` depend only on the seed and `i`, so they do not
 *   change with the parallelism, after a restore, or with a projection;
 * - per physical column `x`: `fields.x.kind` = `random` (default) | `sequence`;
 *   `fields.x.min` / `fields.x.max` (numeric random fields, default the type's range; FLOAT and
 *   DOUBLE default to positive values, DECIMAL to non-negative ones, as Flink);
 *   `fields.x.length` (strings, bytes: default 100 or the type's length; collections: default
 *   3), `fields.x.var-len` (random lengths in [1, length] for VARCHAR/VARBINARY);
 *   `fields.x.max-past` (DATE/TIMESTAMP/TIMESTAMP_LTZ: up to this far before the reader's start
 *   time, default 0); `fields.x.start` / `fields.x.end` (sequence fields: integers, inclusive;
 *   TINYINT..BIGINT, FLOAT, DOUBLE, DECIMAL, VARCHAR/STRING); `fields.x.null-rate` (0..1).
 *
 * Random strings are lower-case alphanumeric. The source builds on the DataStream API's
 * `DataGeneratorSource`, so its position (the next row index per split) is checkpointed.
 */
import { webcrypto } from "node:crypto";
import { DataGeneratorSource, RateLimiterStrategy } from "../../api/sources/datagen.ts";
import type { SourceReaderContext } from "../../api/source.ts";
import { physicalColumns } from "../catalog/objects.ts";
import { textConverter } from "../formats/convert.ts";
import { ChangelogMode, RowKind, type Row } from "../runtime/row.ts";
import { sourceStream } from "../runtime/values.ts";
import { Decimal } from "../types/decimal.ts";
import { ROW, FIELD, type LogicalType } from "../types/logical-type.ts";
import { typeToString } from "../types/type-print.ts";
import type {
  DynamicTableFactory,
  ScanTableSource,
  SourceContext,
  TableContext,
} from "./factory.ts";
import {
  booleanOption,
  doubleOption,
  durationOption,
  enumOption,
  intOption,
  invalidOption,
  stringOption,
  type ConfigOption,
} from "./options.ts";
import {
  SeededRandom,
  randomGenerator,
  sequenceGenerator,
  type FieldGenerator,
  type RandomSpec,
} from "./datagen-values.ts";

const ROWS_PER_SECOND = intOption(
  "rows-per-second",
  "Rows generated per second (in total).",
  10000,
);
const NUMBER_OF_ROWS = intOption("number-of-rows", "Total rows; makes the table bounded.");
const PARALLELISM = intOption("scan.parallelism", "Parallelism of the source.");
const SEED = intOption("seed", "Seed of the random values (Strom): deterministic data.");
const KIND = enumOption(
  "fields.#.kind",
  ["random", "sequence"],
  "Generator of the field.",
  "random",
);
const MIN = stringOption("fields.#.min", "Smallest random value (numeric fields).");
const MAX = stringOption("fields.#.max", "Largest random value (numeric fields).");
const MAX_PAST = durationOption(
  "fields.#.max-past",
  "Largest distance into the past (temporal fields).",
);
const LENGTH = intOption("fields.#.length", "Length of strings and bytes, size of collections.");
const VAR_LEN = booleanOption("fields.#.var-len", "Random lengths up to fields.#.length.", false);
const START = stringOption("fields.#.start", "First value of a sequence (inclusive).");
const END = stringOption("fields.#.end", "Last value of a sequence (inclusive).");
const NULL_RATE = doubleOption("fields.#.null-rate", "Probability of NULL (0..1).", 0);

const SEQUENCE_TYPES = new Set([
  "TINYINT",
  "SMALLINT",
  "INT",
  "BIGINT",
  "FLOAT",
  "DOUBLE",
  "DECIMAL",
  "VARCHAR",
]);
const NUMERIC_TYPES = new Set([
  "TINYINT",
  "SMALLINT",
  "INT",
  "BIGINT",
  "FLOAT",
  "DOUBLE",
  "DECIMAL",
  "INTERVAL_YEAR_MONTH",
  "INTERVAL_DAY_TIME",
]);
const LENGTH_TYPES = new Set([
  "CHAR",
  "VARCHAR",
  "BINARY",
  "VARBINARY",
  "ARRAY",
  "MAP",
  "MULTISET",
]);
const PAST_TYPES = new Set(["DATE", "TIMESTAMP", "TIMESTAMP_LTZ"]);
const INTEGRAL_RANGE: Record<string, readonly [bigint, bigint]> = {
  TINYINT: [-128n, 127n],
  SMALLINT: [-32768n, 32767n],
  INT: [-2147483648n, 2147483647n],
  BIGINT: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** One column's generator settings. */
type FieldPlan =
  | { readonly kind: "random"; readonly type: LogicalType; readonly spec: RandomSpec }
  | {
      readonly kind: "sequence";
      readonly type: LogicalType;
      readonly start: bigint;
      readonly count: number;
      readonly nullRate: number;
    };

/** Everything the source needs, checked. */
interface DatagenPlan {
  readonly fields: readonly FieldPlan[];
  readonly count: number;
  readonly rate: number;
  readonly parallelism?: number;
}

function compare(a: unknown, b: unknown): number {
  if (a instanceof Decimal && b instanceof Decimal) return a.compareTo(b);
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function planField(ctx: TableContext, name: string, type: LogicalType): FieldPlan {
  const o = ctx.options;
  const owner = "'datagen'";
  const bad = (key: string, reason: string): never =>
    invalidOption(o, key.replace("#", name), owner, ctx.tableName, reason);
  const notFor = (opt: ConfigOption, what: string) => {
    if (o.has(opt, name))
      bad(opt.key, `it does not apply to ${what} (column '${name}' is ${typeToString(type)})`);
  };
  const nullRate = o.get(NULL_RATE, name)!;
  if (!(nullRate >= 0 && nullRate <= 1)) bad(NULL_RATE.key, "expected a probability from 0 to 1");
  if (nullRate > 0 && !type.nullable) bad(NULL_RATE.key, `column '${name}' is NOT NULL`);
  if (o.get(KIND, name) === "sequence") {
    if (!SEQUENCE_TYPES.has(type.kind))
      bad(KIND.key, `a sequence cannot generate ${typeToString(type)}`);
    for (const opt of [MIN, MAX, LENGTH, VAR_LEN, MAX_PAST]) notFor(opt, "a sequence field");
    const bound = (opt: typeof START): bigint => {
      const text = o.get(opt, name);
      if (text === undefined)
        return bad(
          opt.key,
          `fields.${name}.start and fields.${name}.end are required for a sequence field`,
        );
      if (!/^\s*[+-]?\d+\s*$/.test(text)) return bad(opt.key, "expected an integer");
      const v = BigInt(text.trim());
      const range = INTEGRAL_RANGE[type.kind];
      if (range !== undefined && (v < range[0] || v > range[1]))
        bad(opt.key, `out of the range of ${type.kind}`);
      if (
        type.kind === "DECIMAL" &&
        (v < 0n ? -v : v) >= 10n ** BigInt(type.precision - type.scale)
      ) {
        bad(opt.key, `does not fit ${typeToString(type)}`);
      }
      if (type.kind === "VARCHAR" && String(v).length > type.length)
        bad(opt.key, `longer than ${typeToString(type)}`);
      return v;
    };
    const start = bound(START);
    const end = bound(END);
    if (end < start) bad(END.key, `the end is before the start (${start})`);
    if (end - start + 1n > BigInt(Number.MAX_SAFE_INTEGER))
      bad(END.key, "the sequence is too long");
    return { kind: "sequence", type, start, count: Number(end - start + 1n), nullRate };
  }
  for (const opt of [START, END]) notFor(opt, "a random field (set fields.#.kind = 'sequence')");
  if (!NUMERIC_TYPES.has(type.kind))
    for (const opt of [MIN, MAX]) notFor(opt, "non-numeric fields");
  if (!LENGTH_TYPES.has(type.kind)) notFor(LENGTH, "this type");
  if (type.kind !== "VARCHAR" && type.kind !== "VARBINARY") notFor(VAR_LEN, "fixed-length types");
  if (!PAST_TYPES.has(type.kind)) notFor(MAX_PAST, "non-temporal fields");
  const spec: { -readonly [K in keyof RandomSpec]: RandomSpec[K] } = { nullRate };
  for (const [opt, key] of [
    [MIN, "min"],
    [MAX, "max"],
  ] as const) {
    const text = o.get(opt, name);
    if (text === undefined) continue;
    try {
      spec[key] = textConverter(type)(text);
    } catch (e) {
      bad(opt.key, (e as Error).message);
    }
  }
  if (spec.min !== undefined && spec.max !== undefined && compare(spec.min, spec.max) > 0) {
    bad(MAX.key, "max is smaller than min");
  }
  const length = o.get(LENGTH, name);
  if (length !== undefined) {
    if (length < 0) bad(LENGTH.key, "expected a length ≥ 0");
    if ((type.kind === "CHAR" || type.kind === "BINARY") && length !== type.length) {
      bad(LENGTH.key, `${typeToString(type)} has a fixed length of ${type.length}`);
    }
    if ((type.kind === "VARCHAR" || type.kind === "VARBINARY") && length > type.length) {
      bad(LENGTH.key, `longer than ${typeToString(type)}`);
    }
    spec.length = length;
  }
  spec.varLen = o.get(VAR_LEN, name)!;
  const maxPast = o.get(MAX_PAST, name);
  if (maxPast !== undefined) spec.maxPast = maxPast;
  return { kind: "random", type, spec };
}

function plan(ctx: TableContext): DatagenPlan {
  const o = ctx.options;
  const fields = physicalColumns(ctx.table.schema).map((c) => planField(ctx, c.name, c.type));
  const rate = o.get(ROWS_PER_SECOND)!;
  if (rate <= 0)
    invalidOption(o, ROWS_PER_SECOND.key, "'datagen'", ctx.tableName, "expected a rate > 0");
  const rows = o.get(NUMBER_OF_ROWS);
  if (rows !== undefined && rows < 0) {
    invalidOption(o, NUMBER_OF_ROWS.key, "'datagen'", ctx.tableName, "expected a count ≥ 0");
  }
  const parallelism = o.get(PARALLELISM);
  if (parallelism !== undefined && parallelism < 1) {
    invalidOption(o, PARALLELISM.key, "'datagen'", ctx.tableName, "expected a parallelism ≥ 1");
  }
  let count = rows ?? Infinity;
  for (const f of fields) if (f.kind === "sequence") count = Math.min(count, f.count);
  return { fields, count, rate, ...(parallelism !== undefined ? { parallelism } : {}) };
}

function createSource(ctx: SourceContext): ScanTableSource {
  const p = plan(ctx);
  const projection = ctx.projection ?? p.fields.map((_, i) => i);
  const seedOption = ctx.options.get(SEED);
  const seed = seedOption ?? webcrypto.getRandomValues(new Uint32Array(1))[0]!;
  const producedType = ROW(
    projection.map((i) =>
      FIELD(ctx.physicalRowType.fields[i]!.name, ctx.physicalRowType.fields[i]!.type),
    ),
  );
  const name = `datagen: ${ctx.tableName}`;
  return {
    bounded: p.count !== Infinity,
    changelogMode: ChangelogMode.INSERT_ONLY,
    producedType,
    produce: (env) => {
      let now = 0;
      const clock = () => now;
      const gens: FieldGenerator[] = projection.map((i) => {
        const f = p.fields[i]!;
        return f.kind === "sequence"
          ? sequenceGenerator(f.type, f.start, f.nullRate)
          : randomGenerator(f.type, f.spec, clock);
      });
      const r = new SeededRandom();
      const generator = {
        open(context: SourceReaderContext): void {
          now = context.timers.now();
        },
        map(index: number): Row {
          const row: Row = new Array(gens.length + 1);
          row[0] = RowKind.INSERT;
          for (let k = 0; k < gens.length; k++) {
            r.reset(seed, index, projection[k]!);
            row[k + 1] = gens[k]!(r, index);
          }
          return row;
        },
      };
      const source = new DataGeneratorSource<Row>(
        generator,
        p.count,
        RateLimiterStrategy.perSecond(p.rate),
      );
      const stream = sourceStream(env, source, name);
      if (p.parallelism !== undefined) stream.setParallelism(p.parallelism);
      return stream;
    },
  };
}

/** The `datagen` connector factory. */
export const DATAGEN_CONNECTOR: DynamicTableFactory = {
  identifier: "datagen",
  requiredOptions: [],
  optionalOptions: [
    ROWS_PER_SECOND,
    NUMBER_OF_ROWS,
    PARALLELISM,
    SEED,
    KIND,
    MIN,
    MAX,
    MAX_PAST,
    LENGTH,
    VAR_LEN,
    START,
    END,
    NULL_RATE,
  ],
  supportsProjection: true,
  validate: (ctx) => void plan(ctx),
  statistics(ctx) {
    const count = plan(ctx).count;
    return count === Infinity ? undefined : { rowCount: count };
  },
  createSource,
};
