/**
 * Positions in SQL text and the parse error that points at one. Every AST node carries a
 * {@link SourcePos}, so later phases (validator, planner) can report their own errors at the same
 * place with {@link formatSourceExcerpt}.
 */
import { StromError } from "../../core/errors.ts";

/** A place in SQL text: 1-based line and column, 0-based character offset. */
export interface SourcePos {
  /** 1-based line number. */
  readonly line: number;
  /** 1-based column number (in UTF-16 code units, tabs count as one). */
  readonly column: number;
  /** 0-based offset of the character in the whole text. */
  readonly offset: number;
}

/** The position of `offset` in `text` (line and column computed by scanning). */
export function positionAt(text: string, offset: number): SourcePos {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1, offset: end };
}

/**
 * The line of `text` that holds `pos`, followed by a line with a caret under its column. Tabs
 * before the column are kept so the caret lines up in a terminal.
 */
export function formatSourceExcerpt(text: string, pos: SourcePos): string {
  const lines = text.split("\n");
  const raw = lines[pos.line - 1] ?? "";
  const lineText = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
  let pad = "";
  for (let i = 0; i < pos.column - 1; i++) pad += lineText[i] === "\t" ? "\t" : " ";
  return `  ${lineText}\n  ${pad}^`;
}

/**
 * A syntax error in SQL text. The message reads
 * `SQL parse error at line L, column C: <reason>`, then the offending line and a caret under
 * the column.
 */
export class SqlParseError extends StromError {
  /** 1-based line of the error. */
  readonly line: number;
  /** 1-based column of the error. */
  readonly column: number;
  /** 0-based character offset of the error. */
  readonly offset: number;
  /** What went wrong, without the position (e.g. "unexpected keyword FROM, expected ')'"). */
  readonly reason: string;

  /** An error at `pos` of `sql` for `reason`. */
  constructor(sql: string, pos: SourcePos, reason: string) {
    super(
      `SQL parse error at line ${pos.line}, column ${pos.column}: ${reason}\n` +
        formatSourceExcerpt(sql, pos),
    );
    this.line = pos.line;
    this.column = pos.column;
    this.offset = pos.offset;
    this.reason = reason;
  }
}
