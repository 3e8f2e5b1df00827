/**
 * The interactive `strom sql` through a real pseudo-terminal: tmux runs the client, the tests
 * type with `send-keys` and read the screen with `capture-pane`. Covered: the prompt and
 * multi-line statements, the live table of a query (redrawn in place while an unbounded query
 * runs, the final rows left on screen), SET / HELP / errors, Ctrl-C cancelling a query but not
 * the client, and the history across sessions. Skipped when tmux is not installed, except on CI
 * (CI=true), where a missing tmux fails the file.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const NODE = join(ROOT, "node_modules", ".bin", "node");
const STROM = join(ROOT, "bin", "strom.js");
const TMP = mkdtempSync(join(tmpdir(), "strom-sql-tty-"));
const HAVE_TMUX = spawnSync("tmux", ["-V"]).status === 0;
if (!HAVE_TMUX && process.env.CI === "true") {
  // CI runs every integration test: .ci/run installs tmux.
  throw new Error("tmux is not installed: the interactive SQL client tests need it on CI");
}

let sessions = 0;
const servers = new Set<string>();

after(() => {
  for (const socket of servers) spawnSync("tmux", ["-L", socket, "kill-server"]);
  rmSync(TMP, { recursive: true, force: true });
});

/** `strom sql` in a tmux session of its own (its own server socket). */
class Terminal {
  private readonly socket: string;

  /** Starts `strom sql <args>` in a `columns` x `rows` terminal with STROM_HOME = `home`. */
  constructor(home: string, args: string[] = [], columns = 100, rows = 30) {
    this.socket = `strom-sql-test-${process.pid}-${++sessions}`;
    servers.add(this.socket);
    // The shell reports the exit code and keeps the pane open for the test to read it.
    const command = `'${NODE}' '${STROM}' sql ${args.join(" ")}; echo "EXIT CODE $?"; sleep 600`;
    const env: NodeJS.ProcessEnv = { ...process.env, STROM_HOME: home, TERM: "xterm-256color" };
    delete env.NODE_TEST_CONTEXT;
    execFileSync(
      "tmux",
      [
        "-L",
        this.socket,
        "new-session",
        "-d",
        "-s",
        "sql",
        "-x",
        `${columns}`,
        "-y",
        `${rows}`,
        command,
      ],
      { env, cwd: ROOT },
    );
  }

  /** Types keys: text as is (a trailing `;` escaped for tmux), or key names like Enter, C-c. */
  keys(...keys: string[]): void {
    const escaped = keys.map((k) => (k.endsWith(";") ? `${k.slice(0, -1)}\\;` : k));
    execFileSync("tmux", ["-L", this.socket, "send-keys", "-t", "sql", ...escaped]);
  }

  /** Types `line` and Enter. */
  line(line: string): void {
    this.keys(line, "Enter");
  }

  /** The screen and the scrollback, wrapped lines joined. */
  screen(): string {
    return execFileSync(
      "tmux",
      ["-L", this.socket, "capture-pane", "-p", "-J", "-S", "-500", "-t", "sql"],
      {
        encoding: "utf8",
      },
    );
  }

  /** Waits until the screen matches `pattern`; returns the screen. */
  async waitFor(
    pattern: RegExp | ((screen: string) => boolean),
    what: string,
    ms = 30_000,
  ): Promise<string> {
    const deadline = performance.now() + ms;
    for (;;) {
      const screen = this.screen();
      if (typeof pattern === "function" ? pattern(screen) : pattern.test(screen)) return screen;
      if (performance.now() > deadline)
        assert.fail(`no ${what} within ${ms} ms; the screen:\n${screen}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Ends the tmux server. */
  close(): void {
    spawnSync("tmux", ["-L", this.socket, "kill-server"]);
    servers.delete(this.socket);
  }
}

/** How often `needle` occurs in `text`. */
function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** Lines since the last occurrence of `marker` (the output of the last command). */
function after_(screen: string, marker: string): string {
  return screen.slice(screen.lastIndexOf(marker));
}

describe("interactive strom sql", { skip: HAVE_TMUX ? false : "tmux is not installed" }, () => {
  test("prompt, a multi-line query's live table with its final rows, SET, HELP, errors, QUIT", async () => {
    const t = new Terminal(join(TMP, "home-1"));
    try {
      await t.waitFor(/^strom> $/m, "prompt");
      t.line("SELECT name, COUNT(*) AS cnt");
      await t.waitFor(/^ {5}> $/m, "continuation prompt");
      t.line("FROM (VALUES ('Bob'), ('Alice'), ('Bob')) AS t(name) GROUP BY name;");
      let screen = await t.waitFor(/status: FINISHED/, "finished query");
      const table = [
        "+-------+-----+",
        "|  name | cnt |",
        "+-------+-----+",
        "|   Bob |   2 |",
        "| Alice |   1 |",
        "+-------+-----+",
        "rows: 2, changes: 4, status: FINISHED",
        "strom> ",
      ].join("\n");
      assert.ok(screen.includes(table), screen);
      t.line("SET 'execution.runtime-mode' = 'batch';");
      await t.waitFor(/\[INFO\] Execute statement succeeded\.\nstrom> $/m, "SET succeeded");
      t.line("SELECT 40 + 2 AS answer;");
      screen = await t.waitFor(/rows: 1, changes: 1, status: FINISHED\nstrom> $/m, "batch query");
      assert.match(after_(screen, "SELECT 40 + 2"), /\| {5}42 \|/);
      t.line("HELP;");
      await t.waitFor(/QUIT; or EXIT;/, "help text");
      t.line("SELECT nope;");
      screen = await t.waitFor(
        /Column 'nope' not found[^]*\nstrom> $/m,
        "the error, then the prompt",
      );
      assert.match(
        screen,
        /\[ERROR\] Could not execute SQL statement\. Reason:\nSQL validation failed at line 1, column 8/,
      );
      t.line("QUIT;");
      await t.waitFor(/Goodbye\.\nEXIT CODE 0/, "exit 0");
    } finally {
      t.close();
    }
  });

  test("an unbounded query's table is redrawn in place; Ctrl-C cancels it, not the client", async () => {
    const t = new Terminal(join(TMP, "home-2"));
    try {
      await t.waitFor(/^strom> $/m, "prompt");
      t.line(
        "CREATE TABLE gen (v INT) WITH ('connector' = 'datagen', 'rows-per-second' = '40', 'fields.v.min' = '1', 'fields.v.max' = '3');",
      );
      await t.waitFor(/succeeded\.\nstrom> $/m, "CREATE TABLE");
      t.line("SELECT v, COUNT(*) AS c FROM gen GROUP BY v;");
      const changes = (screen: string): number =>
        Number(/rows: \d+, changes: (\d+), status: RUNNING/.exec(screen)?.[1] ?? -1);
      const first = changes(
        await t.waitFor(/rows: 3, changes: \d+, status: RUNNING/, "running table"),
      );
      const later = await t.waitFor((s) => changes(s) > first + 10, "a redraw with more changes");
      // Redrawn in place: one table, one status line on the whole screen and scrollback.
      assert.equal(count(later, "status: RUNNING"), 1, later);
      assert.equal(count(later, "|  v |") + count(later, "| v |"), 1, later);
      t.keys("C-c");
      const screen = await t.waitFor(
        /status: CANCELLED\n\[INFO\] Statement cancelled\.\nstrom> $/m,
        "cancelled query",
      );
      assert.match(screen, /rows: 3, changes: \d+, status: CANCELLED/);
      // The client lives on.
      t.line("SELECT 'still here' AS msg;");
      await t.waitFor(
        /\| still here \|\n\+-+\+\nrows: 1, changes: 1, status: FINISHED\nstrom> $/m,
        "next query",
      );
      t.keys("C-d");
      await t.waitFor(/EXIT CODE 0/, "exit on Ctrl-D");
    } finally {
      t.close();
    }
  });

  test("the history is kept across sessions, a multi-line statement as one entry; Ctrl-C drops typed input", async () => {
    const home = join(TMP, "home-3");
    const t1 = new Terminal(home);
    try {
      await t1.waitFor(/^strom> $/m, "prompt");
      t1.line("SELECT 'one' AS a,");
      await t1.waitFor(/^ {5}> $/m, "continuation prompt");
      t1.line("  'two' AS b;");
      await t1.waitFor(/status: FINISHED\nstrom> $/m, "first query");
      t1.keys("SELECT 'dropped'");
      await t1.waitFor(/strom> SELECT 'dropped'$/m, "typed text");
      t1.keys("C-c");
      await t1.waitFor(/\^C\nstrom> $/m, "a fresh prompt");
      t1.line("SELECT 3 AS c;");
      await t1.waitFor(/\|\s+3 \|[^]*status: FINISHED\nstrom> $/m, "second query");
      t1.line("QUIT;");
      await t1.waitFor(/EXIT CODE 0/, "exit");
    } finally {
      t1.close();
    }
    assert.equal(
      readFileSync(join(home, "sql_history"), "utf8"),
      "SELECT 'one' AS a, 'two' AS b;\nSELECT 3 AS c;\nQUIT;\n",
    );
    const t2 = new Terminal(home);
    try {
      await t2.waitFor(/^strom> $/m, "prompt");
      t2.keys("Up", "Up", "Up");
      await t2.waitFor(
        /^strom> SELECT 'one' AS a, 'two' AS b;$/m,
        "the statement from the history",
      );
      t2.keys("Enter");
      const screen = await t2.waitFor(/status: FINISHED\nstrom> $/m, "the recalled query");
      assert.match(screen, /\| one \| two \|/);
      t2.line("EXIT;");
      await t2.waitFor(/EXIT CODE 0/, "exit");
    } finally {
      t2.close();
    }
  });
});
