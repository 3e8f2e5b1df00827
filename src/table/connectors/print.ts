/**
 * The `print` and `blackhole` sink connectors. `print` writes each row to stdout (or stderr with
 * `standard-error`) as Flink does: `+I[1, a]`, prefixed with `print-identifier` and, when the sink
 * runs in parallel, the subtask number (`id:2> -U[1, a]`). Values print as CAST(x AS STRING)
 * would, NULL as `null`. `blackhole` discards every row (for benchmarks). Both accept every row
 * kind.
 */
import type { Sink, SinkWriter } from "../../api/sink.ts";
import { ROW_KIND_NAMES, type Row } from "../runtime/row.ts";
import { valueToString } from "../types/format.ts";
import type { LogicalType } from "../types/logical-type.ts";
import type { DynamicTableFactory, TableContext } from "./factory.ts";
import { booleanOption, intOption, invalidOption, stringOption } from "./options.ts";

const PRINT_IDENTIFIER = stringOption("print-identifier", "Prefix of each printed line.");
const STANDARD_ERROR = booleanOption(
  "standard-error",
  "Prints to stderr instead of stdout.",
  false,
);
const SINK_PARALLELISM = intOption("sink.parallelism", "Parallelism of the sink.");

/** A row as the print connector prints it: `+I[1, a, null]`. */
export function formatPrintRow(row: Row, types: readonly LogicalType[]): string {
  let s = `${ROW_KIND_NAMES[row[0] as number] ?? `?${String(row[0])}`}[`;
  for (let i = 1; i < row.length; i++) {
    if (i > 1) s += ", ";
    const v = row[i];
    s += v === null || v === undefined ? "null" : valueToString(v, types[i - 1]!);
  }
  return s + "]";
}

/** The line prefix of one print writer (`id:2> `, `id> `, `2> ` or nothing). */
export function printPrefix(
  identifier: string | undefined,
  subtask: number,
  parallelism: number,
): string {
  const parts: string[] = [];
  if (identifier) parts.push(identifier);
  if (parallelism > 1) parts.push(String(subtask + 1));
  return parts.length > 0 ? `${parts.join(":")}> ` : "";
}

/** Prints rows, one line each, buffered per batch. */
export class PrintRowSink implements Sink<Row> {
  /** The column types, to print values. */
  readonly types: readonly LogicalType[];
  /** The line prefix. */
  readonly identifier: string | undefined;
  /** Prints to stderr. */
  readonly stdErr: boolean;

  /** A sink printing rows of `types`. */
  constructor(types: readonly LogicalType[], identifier: string | undefined, stdErr: boolean) {
    this.types = types;
    this.identifier = identifier;
    this.stdErr = stdErr;
  }

  /** A writer for one subtask. */
  createWriter(ctx: { subtaskIndex: number; parallelism: number }): SinkWriter<Row> {
    const prefix = printPrefix(this.identifier, ctx.subtaskIndex, ctx.parallelism);
    const types = this.types;
    const stream = this.stdErr ? process.stderr : process.stdout;
    let buffer = "";
    return {
      write(row: Row) {
        buffer += prefix + formatPrintRow(row, types) + "\n";
        if (buffer.length > 16384) {
          stream.write(buffer);
          buffer = "";
        }
      },
      flush(): Promise<void> | void {
        if (!buffer) return;
        const text = buffer;
        buffer = "";
        return new Promise<void>((resolve, reject) =>
          stream.write(text, (e) => (e ? reject(e) : resolve())),
        );
      },
    };
  }
}

function sinkParallelism(ctx: TableContext): number | undefined {
  const p = ctx.options.get(SINK_PARALLELISM);
  if (p !== undefined && p < 1) {
    invalidOption(
      ctx.options,
      SINK_PARALLELISM.key,
      "'print'",
      ctx.tableName,
      "expected a parallelism ≥ 1",
    );
  }
  return p;
}

/** The `print` connector factory. */
export const PRINT_CONNECTOR: DynamicTableFactory = {
  identifier: "print",
  requiredOptions: [],
  optionalOptions: [PRINT_IDENTIFIER, STANDARD_ERROR, SINK_PARALLELISM],
  validate: (ctx) => void sinkParallelism(ctx),
  createSink(ctx) {
    const types = ctx.physicalRowType.fields.map((f) => f.type);
    const sink = new PrintRowSink(
      types,
      ctx.options.get(PRINT_IDENTIFIER),
      ctx.options.get(STANDARD_ERROR)!,
    );
    const parallelism = sinkParallelism(ctx);
    return {
      changelogMode: (requested) => requested,
      consume: (stream) => {
        const s = stream.sinkTo(sink).name(`print: ${ctx.tableName}`);
        if (parallelism !== undefined) s.setParallelism(parallelism);
        return s;
      },
    };
  },
};

/** Discards rows. */
export class BlackholeSink implements Sink<Row> {
  /** A writer that does nothing. */
  createWriter(): SinkWriter<Row> {
    return { write() {}, flush() {} };
  }
}

/** The `blackhole` connector factory. */
export const BLACKHOLE_CONNECTOR: DynamicTableFactory = {
  identifier: "blackhole",
  requiredOptions: [],
  optionalOptions: [],
  createSink(ctx) {
    return {
      changelogMode: (requested) => requested,
      consume: (stream) => stream.sinkTo(new BlackholeSink()).name(`blackhole: ${ctx.tableName}`),
    };
  },
};
