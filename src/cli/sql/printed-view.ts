/**
 * The printed result formats of `strom sql` (scripts, pipes, and `--format` other than table in
 * a terminal):
 * - `table`: Flink's tableau box; complete results (batch mode, SHOW...) end with `N rows in
 *   set`, a streaming query prints each change with its `op` as it arrives;
 * - `csv`: the final rows (the changelog applied), no header, NULL as an empty field;
 * - `json`: the final rows, one JSON object per line;
 * - `changelog`: every change as it arrives, `+I,1,a`.
 */
import type { OutputFormat } from "./args.ts";
import { changelogLine, csvLine, jsonLine } from "./rows.ts";
import type { Output, QueryContext, ResultView } from "./session.ts";
import { cellRows, renderBox, rowsInSet, StreamingTableau } from "./tableau.ts";

/** Prints query results to `output` in `format`. */
export class PrintedView implements ResultView {
  private readonly format: OutputFormat;
  private readonly output: Output;

  /** A view printing in `format` to `output`. */
  constructor(format: OutputFormat, output: Output) {
    this.format = format;
    this.output = output;
  }

  /** Prints the rows of `query`. */
  async show(query: QueryContext): Promise<void> {
    const { result, values } = query;
    const columns = result.columns;
    switch (this.format) {
      case "csv":
        this.lines((await result.collect()).map((r) => csvLine(r, columns, values)));
        return;
      case "json":
        this.lines((await result.collect()).map((r) => jsonLine(r, columns)));
        return;
      case "changelog":
        await result.changelog(
          (batch) => this.lines(batch.map((r) => changelogLine(r, columns, values))),
          { retain: false },
        );
        return;
      case "table":
        if (query.statement.kind === "explain") {
          // The plan is text: printed as is, not in a box.
          const rows = await result.collect();
          this.lines(rows.map((r) => String(r[0])));
          return;
        }
        if (!query.fromJob || query.batch) {
          const rows = await result.collect();
          const names = columns.map((c) => c.name);
          this.lines([
            ...renderBox(names, cellRows(rows, columns, values)),
            rowsInSet(rows.length),
          ]);
          return;
        }
        await this.streamingTable(query);
        return;
    }
  }

  /** A streaming query's changes as table lines, printed as they arrive. */
  private async streamingTable(query: QueryContext): Promise<void> {
    const tableau = new StreamingTableau(query.result.columns, query.values);
    let total = 0;
    await query.result.changelog(
      (batch) => {
        if (batch.length === 0) return;
        const lines = total === 0 ? tableau.header() : [];
        for (const change of batch) lines.push(tableau.line(change));
        total += batch.length;
        this.lines(lines);
      },
      { retain: false },
    );
    this.lines(tableau.footer(total));
  }

  private lines(lines: readonly string[]): void {
    if (lines.length > 0) this.output.out(lines.join("\n") + "\n");
  }
}
