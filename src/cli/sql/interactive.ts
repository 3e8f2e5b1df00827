/**
 * The interactive SQL client: a `strom> ` prompt on a terminal (node:readline: line editing,
 * history across sessions), statements over several lines until a `;` (continuation prompt
 * `     > `), client commands (HELP, QUIT / EXIT, CLEAR), and the statements run one after the
 * other. While a statement runs, the prompt is gone and the keyboard is read raw: Ctrl-C cancels
 * the statement, never the client; at the prompt Ctrl-C drops the input typed so far. Ctrl-D on
 * an empty line or `QUIT;` leaves.
 */
import { createInterface, type Interface } from "node:readline";
import type { ReadStream, WriteStream } from "node:tty";
import { HELP_TEXT } from "./help.ts";
import { HISTORY_SIZE, historyEntry, loadHistory, saveHistory } from "./history.ts";
import { LiveView } from "./live-view.ts";
import { PrintedView } from "./printed-view.ts";
import { describeFailure, type Output, type ResultView, type SqlSession } from "./session.ts";
import { clientCommand, isComplete, parseChunk, splitScript } from "./split.ts";

/** The prompt of a new statement. */
export const PROMPT = "strom> ";
/** The prompt of a statement's further lines. */
export const CONTINUATION_PROMPT = "     > ";

const CTRL_C = "\x03";
const CLEAR_SCREEN = "\x1b[2J\x1b[H";

/** The terminal and the history file of an interactive session. */
export interface InteractiveOptions {
  readonly input: ReadStream;
  readonly output: WriteStream;
  readonly errors: WriteStream;
  /** The history file (see src/cli/sql/history.ts). */
  readonly historyPath: string;
}

/** Runs the interactive client until QUIT or Ctrl-D; resolves with the exit code (0). */
export async function runInteractive(
  session: SqlSession,
  options: InteractiveOptions,
): Promise<number> {
  const client = new InteractiveClient(session, options);
  return client.run();
}

class InteractiveClient {
  private readonly session: SqlSession;
  private readonly options: InteractiveOptions;
  private readonly history: string[];
  private readonly output: Output;
  private readonly view: ResultView;

  constructor(session: SqlSession, options: InteractiveOptions) {
    this.session = session;
    this.options = options;
    this.output = {
      out: (text) => options.output.write(text),
      err: (text) => options.errors.write(text),
    };
    try {
      this.history = loadHistory(options.historyPath);
    } catch (e) {
      this.output.err(`[WARNING] could not read the history: ${(e as Error).message}\n`);
      this.history = [];
    }
    const terminal = {
      write: (text: string) => options.output.write(text),
      size: () => ({ columns: options.output.columns || 80, rows: options.output.rows || 24 }),
    };
    this.view =
      session.format === "table" && options.output.isTTY
        ? new LiveView(terminal)
        : new PrintedView(session.format, this.output);
  }

  async run(): Promise<number> {
    const mode = this.session.batch ? "batch" : "streaming";
    this.output.out(
      `Strom SQL client (${mode} mode). End statements with ';'. HELP; for help, QUIT; to leave.\n\n`,
    );
    const input = new StatementInput(this.options, this.history, () => this.session.busy);
    // Ctrl-C typed while a statement runs reaches StatementInput as a key (the terminal is raw);
    // a SIGINT signal (kill -INT) cancels it as well, though the local runtime's own handler
    // then ends the process (src/cluster/job-master.ts).
    const onSignal = (): void => void this.session.cancel();
    process.on("SIGINT", onSignal);
    try {
      for (;;) {
        const text = await input.next();
        if (text === null) break;
        const failure = saveHistory(this.options.historyPath, input.statements());
        if (failure !== null) {
          this.output.err(`[WARNING] could not save the history: ${failure.message}\n`);
        }
        input.suspend(onSignal);
        const goOn = await this.runText(text);
        if (!goOn) break;
        input.prompt();
      }
    } finally {
      process.off("SIGINT", onSignal);
      input.close();
    }
    this.output.out("\nGoodbye.\n");
    return 0;
  }

  /** Runs the statements of `text`; false when the client should end (QUIT). */
  private async runText(text: string): Promise<boolean> {
    for (const chunk of splitScript(text)) {
      const command = clientCommand(chunk.text);
      if (command === "QUIT") return false;
      if (command === "HELP") {
        this.output.out(HELP_TEXT);
        continue;
      }
      if (command === "CLEAR") {
        this.output.out(CLEAR_SCREEN);
        continue;
      }
      try {
        const statement = parseChunk(text, chunk);
        if (statement === null) continue;
        const cancelled = await this.session.execute(statement, this.output, this.view);
        if (cancelled) return true;
      } catch (e) {
        this.output.err(describeFailure(e, text));
        return true;
      }
    }
    return true;
  }
}

/**
 * The lines typed at the prompt, gathered into complete statements (queued: a paste may hold
 * several). The readline history holds one entry per statement: after each line the history
 * array is set to the statements so far, the one being typed on top.
 */
type KeypressListener = (...args: unknown[]) => void;

class StatementInput {
  private readonly rl: Interface;
  private readonly input: ReadStream;
  private readonly history: string[];
  /** The history without the statement being typed. */
  private committed: string[];
  private readonly lines: string[] = [];
  private readonly ready: string[] = [];
  private closed = false;
  private wake: (() => void) | null = null;
  private readonly busy: () => boolean;
  /** readline's key listeners, off the input while a statement runs. */
  private keypressListeners: KeypressListener[] = [];
  /** The raw key reader while a statement runs. */
  private onRawData: ((data: Buffer | string) => void) | null = null;
  private typedAhead = "";

  constructor(options: InteractiveOptions, history: string[], busy: () => boolean) {
    this.input = options.input;
    this.history = history;
    this.committed = history.slice();
    this.busy = busy;
    this.rl = createInterface({
      input: options.input,
      output: options.output,
      terminal: true,
      history,
      historySize: HISTORY_SIZE,
      prompt: PROMPT,
    });
    this.rl.on("line", (line) => this.onLine(line));
    this.rl.on("SIGINT", () => {
      // Drop what was typed; a fresh prompt.
      const hadInput = this.lines.length > 0 || this.rl.line !== "";
      this.lines.length = 0;
      this.setHistory(this.committed);
      this.rl.write("", { ctrl: true, name: "e" });
      this.rl.write("", { ctrl: true, name: "u" });
      options.output.write(hadInput ? "^C\n" : "^C (QUIT; to leave)\n");
      this.prompt();
    });
    this.rl.on("close", () => {
      this.closed = true;
      this.wake?.();
    });
    this.rl.prompt();
  }

  private onLine(line: string): void {
    if (this.lines.length > 0 || line.trim() !== "") this.lines.push(line);
    const text = this.lines.join("\n");
    if (this.lines.length > 0 && isComplete(text)) {
      const entry = historyEntry(this.lines);
      this.committed = (
        this.committed[0] === entry ? this.committed : [entry, ...this.committed]
      ).slice(0, HISTORY_SIZE);
      this.setHistory(this.committed);
      this.lines.length = 0;
      this.ready.push(text);
      this.wake?.();
      return;
    }
    this.setHistory(
      this.lines.length > 0 ? [historyEntry(this.lines), ...this.committed] : this.committed,
    );
    if (this.ready.length === 0 && !this.busy()) this.prompt();
  }

  private setHistory(entries: readonly string[]): void {
    this.history.splice(0, this.history.length, ...entries.slice(0, HISTORY_SIZE));
  }

  /** The history entries of the statements entered, newest first (none being typed). */
  statements(): readonly string[] {
    return this.committed;
  }

  /** The next complete statement text, or null once the input has ended (Ctrl-D). */
  async next(): Promise<string | null> {
    while (this.ready.length === 0 && !this.closed) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
    return this.ready.shift() ?? null;
  }

  /**
   * Takes the keyboard from readline while a statement runs: the terminal stays raw, Ctrl-C
   * (a byte, not a signal) calls `onInterrupt`, other keys are kept for the next prompt.
   */
  suspend(onInterrupt: () => void): void {
    this.keypressListeners = this.input.listeners("keypress") as KeypressListener[];
    for (const l of this.keypressListeners) this.input.off("keypress", l);
    this.onRawData = (data: Buffer | string): void => {
      const text = data.toString();
      if (text.includes(CTRL_C)) {
        this.typedAhead = "";
        onInterrupt();
      } else {
        this.typedAhead += text;
      }
    };
    this.input.on("data", this.onRawData);
    this.input.resume();
  }

  /**
   * Gives the keyboard back to readline and shows the prompt (the continuation prompt inside a
   * statement); keys typed while the statement ran come first.
   */
  prompt(): void {
    if (this.onRawData !== null) {
      this.input.off("data", this.onRawData);
      this.onRawData = null;
      for (const l of this.keypressListeners) this.input.on("keypress", l);
      this.keypressListeners = [];
    }
    if (this.closed || this.ready.length > 0) return;
    this.rl.setPrompt(this.lines.length > 0 ? CONTINUATION_PROMPT : PROMPT);
    this.rl.prompt();
    if (this.typedAhead !== "") {
      this.input.unshift(Buffer.from(this.typedAhead));
      this.typedAhead = "";
    }
  }

  /** Stops reading the terminal. */
  close(): void {
    this.closed = true;
    this.rl.close();
    this.input.pause();
  }
}
