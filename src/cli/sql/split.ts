/**
 * Splitting SQL text into statements for the SQL client. A script is cut at the top-level `;`
 * tokens of the SQL lexer (so `;` inside strings and comments does not count, and a client-side
 * `BEGIN STATEMENT SET; ... END;` block stays one statement), and each piece is parsed only when
 * its turn comes: the statements before a syntax error run, the error stops the script. Errors
 * always point at the line and column of the whole text.
 */
import {
  formatSourceExcerpt,
  parseStatements,
  SqlParseError,
  tokenize,
  type SourcePos,
  type Token,
} from "../../table/sql/index.ts";
import type { Statement } from "../../table/sql/ast-statement.ts";

/** One statement of a script, not parsed yet. */
export interface ScriptChunk {
  /** The statement's text without the trailing `;`, trimmed. */
  readonly text: string;
  /** Offset of the chunk's first character in the script. */
  readonly start: number;
  /** Offset just after the chunk (after its `;`, if any). */
  readonly end: number;
}

/** A command the client handles itself, without the SQL parser. */
export type ClientCommand = "HELP" | "QUIT" | "CLEAR";

/** Words of the client's own commands (`EXIT` is `QUIT`). */
const CLIENT_COMMANDS: Readonly<Record<string, ClientCommand>> = {
  HELP: "HELP",
  QUIT: "QUIT",
  EXIT: "QUIT",
  CLEAR: "CLEAR",
};

/** The client command `text` names (`help`, `QUIT`, `exit`...), or null for SQL. */
export function clientCommand(text: string): ClientCommand | null {
  const word = text.trim().replace(/;$/, "").trim().toUpperCase();
  return CLIENT_COMMANDS[word] ?? null;
}

/** Whether `tokens[i..]` start with the words `words`. */
function wordsAt(tokens: readonly Token[], i: number, words: readonly string[]): boolean {
  return words.every((w, k) => tokens[i + k]?.type === "word" && tokens[i + k]!.upper === w);
}

/** Offsets just after each statement-ending `;` among `tokens`. */
function statementEnds(tokens: readonly Token[]): { ends: number[]; openSet: boolean } {
  const ends: number[] = [];
  let statementStart = true;
  let inSet = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === "eof") break;
    const isSemicolon = t.type === "symbol" && t.text === ";";
    if (statementStart && !isSemicolon) {
      inSet = wordsAt(tokens, i, ["BEGIN", "STATEMENT", "SET"]);
      statementStart = false;
    }
    if (!isSemicolon) continue;
    if (inSet) {
      // Only a lone `END;` closes a client-side statement set; the `;` after BEGIN and after
      // each INSERT belong to it.
      const prev = tokens[i - 1];
      const beforePrev = tokens[i - 2];
      const loneEnd =
        prev?.type === "word" &&
        prev.upper === "END" &&
        beforePrev?.type === "symbol" &&
        beforePrev.text === ";";
      if (!loneEnd) continue;
      inSet = false;
    }
    ends.push(t.end);
    statementStart = true;
  }
  return { ends, openSet: inSet };
}

/** The chunks of `script` between `ends`, dropping empty ones; the tail from the last end on. */
function cut(script: string, ends: readonly number[], tailStart: number): ScriptChunk[] {
  const chunks: ScriptChunk[] = [];
  const push = (start: number, end: number): void => {
    const text = script.slice(start, end).trim().replace(/;$/, "").trim();
    if (text !== "") chunks.push({ text, start, end });
  };
  let start = 0;
  for (const end of ends) {
    if (end > tailStart) break;
    push(start, end);
    start = end;
  }
  push(start, script.length);
  return chunks;
}

/**
 * The statements of `script`, in order. Text the lexer cannot read (an unterminated string, say)
 * ends the list with one chunk from the last `;` before it to the end, whose parse reports the
 * error once the statements before it have run.
 */
export function splitScript(script: string): ScriptChunk[] {
  try {
    return cut(script, statementEnds(tokenize(script)).ends, script.length);
  } catch (e) {
    if (!(e instanceof SqlParseError)) throw e;
    try {
      const ends = statementEnds(tokenize(script.slice(0, e.offset))).ends;
      return cut(script, ends, e.offset);
    } catch {
      return cut(script, [], 0);
    }
  }
}

/**
 * Whether interactive input `text` holds complete statements: it ends with a statement-ending
 * `;` (outside strings, comments and an open statement set). Text the lexer rejects counts as
 * complete when the problem is not an open string or comment, so the error shows at once.
 */
export function isComplete(text: string): boolean {
  if (clientCommand(text) !== null) return true;
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (e) {
    if (!(e instanceof SqlParseError)) throw e;
    return !/unterminated/i.test(e.reason);
  }
  const real = tokens.filter((t) => t.type !== "eof");
  if (real.length === 0) return false;
  const last = real[real.length - 1]!;
  if (!(last.type === "symbol" && last.text === ";")) return false;
  return !statementEnds(tokens).openSet;
}

/**
 * A statement that cannot run: its message already names the place, and `excerpt` shows the
 * line with a caret (or is empty when no place is known).
 */
export class ScriptError extends Error {
  /** The source line and caret, or "". */
  readonly excerpt: string;

  /** An error with `message` and `excerpt`, caused by `cause`. */
  constructor(message: string, excerpt: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.excerpt = excerpt;
  }
}

/**
 * Parses one chunk of `script` with positions in the whole script (the text before the chunk is
 * blanked, newlines kept). Returns null for a chunk that holds no statement; throws a
 * {@link ScriptError} for a syntax error, whose excerpt is the script's line.
 */
export function parseChunk(script: string, chunk: ScriptChunk): Statement | null {
  const blanked = script.slice(0, chunk.start).replace(/[^\n]/g, " ");
  let statements: Statement[];
  try {
    statements = parseStatements(blanked + script.slice(chunk.start, chunk.end));
  } catch (e) {
    if (!(e instanceof SqlParseError)) throw e;
    const pos: SourcePos = { line: e.line, column: e.column, offset: e.offset };
    throw new ScriptError(
      `SQL parse error at line ${e.line}, column ${e.column}: ${e.reason}`,
      formatSourceExcerpt(script, pos),
      e,
    );
  }
  if (statements.length > 1) {
    // statementEnds cut at every top-level `;`, so this means the splitter and the parser
    // disagree: never run half of what was meant.
    throw new ScriptError(
      `internal error: the text at offset ${chunk.start} holds ${statements.length} statements`,
      "",
    );
  }
  return statements[0] ?? null;
}

/**
 * The excerpt of `script` at `line`/`column` (1-based) for errors of later phases that carry a
 * position (planning errors), or "" when the position is unknown or outside the script.
 */
export function excerptAt(script: string, line: number, column: number): string {
  if (line < 1 || column < 1 || line > script.split("\n").length) return "";
  return formatSourceExcerpt(script, { line, column, offset: 0 });
}
