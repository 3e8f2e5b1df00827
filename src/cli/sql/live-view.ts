/**
 * The interactive result view: a query's rows as a live table that is redrawn in place (ANSI
 * cursor-up and clear) as its changelog arrives, at most every {@link REDRAW_INTERVAL_MS}, with a
 * `rows: N, changes: M, status: RUNNING` line; once the query ends, the whole final table stays
 * on screen with status FINISHED (or CANCELLED / FAILED). Results without a job (SHOW,
 * DESCRIBE) print as a plain box.
 */
import {
  MaterializedTable,
  renderLiveArea,
  type LiveState,
  type LiveStatus,
  type TerminalSize,
} from "./live-table.ts";
import type { QueryContext, ResultView } from "./session.ts";
import { cellRows, renderBox, rowsInSet } from "./tableau.ts";

/** The shortest time between two redraws of a live table (at most ~10 a second). */
export const REDRAW_INTERVAL_MS = 100;

/** The terminal the view draws on. */
export interface LiveTerminal {
  /** Writes text (with ANSI sequences). */
  write(text: string): void;
  /** The terminal's size now. */
  size(): TerminalSize;
}

/** The time source of the redraw throttle (the SQL client's own: the CLI may read the clock). */
export interface RedrawClock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  after(ms: number, fn: () => void): () => void;
}

/** The system clock and timers. */
export const SYSTEM_REDRAW_CLOCK: RedrawClock = {
  now: () => performance.now(),
  after: (ms, fn) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

const HIDE_CURSOR = "\x1b[?25l";
const SHOW_CURSOR = "\x1b[?25h";
const CLEAR_TO_END = "\x1b[0J";

/** Draws query results on a terminal, the live table redrawn in place. */
export class LiveView implements ResultView {
  private readonly terminal: LiveTerminal;
  private readonly clock: RedrawClock;

  /** A view on `terminal`, its redraws paced by `clock`. */
  constructor(terminal: LiveTerminal, clock: RedrawClock = SYSTEM_REDRAW_CLOCK) {
    this.terminal = terminal;
    this.clock = clock;
  }

  /** Shows the rows of `query`. */
  async show(query: QueryContext): Promise<void> {
    const { result, values } = query;
    if (!query.fromJob) {
      const rows = await result.collect();
      const lines =
        query.statement.kind === "explain"
          ? rows.map((r) => String(r[0]))
          : [
              ...renderBox(
                result.columns.map((c) => c.name),
                cellRows(rows, result.columns, values),
              ),
              rowsInSet(rows.length),
            ];
      this.terminal.write(lines.join("\n") + "\n");
      return;
    }
    await this.live(query);
  }

  private async live(query: QueryContext): Promise<void> {
    const table = new MaterializedTable();
    const area = new RedrawArea(this.terminal);
    let status: LiveStatus = "RUNNING";
    const state = (): LiveState => ({
      columns: query.result.columns,
      table,
      status,
      values: query.values,
    });
    let lastDraw = -Infinity;
    const pending: { cancel: (() => void) | null } = { cancel: null };
    const drawNow = (): void => {
      pending.cancel = null;
      lastDraw = this.clock.now();
      area.draw(renderLiveArea(state(), this.terminal.size()));
    };
    const requestDraw = (): void => {
      if (pending.cancel !== null) return;
      const wait = lastDraw + REDRAW_INTERVAL_MS - this.clock.now();
      if (wait <= 0) drawNow();
      else pending.cancel = this.clock.after(wait, drawNow);
    };
    let badChange: unknown = null;
    this.terminal.write(HIDE_CURSOR);
    try {
      drawNow();
      await query.result.changelog(
        (batch) => {
          if (badChange !== null) return;
          try {
            table.apply(batch);
          } catch (e) {
            badChange = e;
            void query.result.cancel();
            return;
          }
          requestDraw();
        },
        { retain: false },
      );
      status = badChange !== null ? "FAILED" : query.cancelled() ? "CANCELLED" : "FINISHED";
    } catch (e) {
      status = "FAILED";
      throw e;
    } finally {
      pending.cancel?.();
      area.draw(renderLiveArea(state()));
      this.terminal.write(SHOW_CURSOR);
    }
    if (badChange !== null) throw badChange;
  }
}

/** The lines last drawn at the bottom of the terminal, replaced by each {@link draw}. */
class RedrawArea {
  private readonly terminal: LiveTerminal;
  private drawn = 0;

  constructor(terminal: LiveTerminal) {
    this.terminal = terminal;
  }

  /** Replaces the area with `lines` (the cursor ends on the line after them). */
  draw(lines: readonly string[]): void {
    const up = this.drawn > 0 ? `\x1b[${this.drawn}A\r${CLEAR_TO_END}` : "";
    this.terminal.write(up + lines.join("\n") + "\n");
    this.drawn = lines.length;
  }
}
