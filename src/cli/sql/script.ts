/**
 * Running a SQL script (`strom sql -f`, `-e`, or stdin): statement after statement, each parsed
 * when its turn comes. As in Flink's client the first error (a syntax error, a planning error, a
 * failed job) is printed and stops the script with exit code 1; what earlier statements printed
 * stays. `QUIT;` ends the script early with exit code 0.
 */
import { describeFailure, type Output, type ResultView, type SqlSession } from "./session.ts";
import { clientCommand, parseChunk, splitScript } from "./split.ts";
import { HELP_TEXT } from "./help.ts";

/** How a script ended. */
export type ScriptOutcome = "done" | "failed" | "cancelled" | "quit";

/** The exit code of a script's outcome: 0, 1 for an error, 130 for Ctrl-C. */
export function exitCodeOf(outcome: ScriptOutcome): number {
  switch (outcome) {
    case "done":
    case "quit":
      return 0;
    case "failed":
      return 1;
    case "cancelled":
      return 130;
  }
}

/**
 * Runs the statements of `script` in `session`, printing to `output` (query rows through
 * `view`). `interrupted` tells whether the user asked to stop (Ctrl-C): the running statement
 * is then cancelled by the caller, and the script stops after it.
 */
export async function runScript(
  session: SqlSession,
  script: string,
  output: Output,
  view: ResultView,
  interrupted: () => boolean = () => false,
): Promise<ScriptOutcome> {
  for (const chunk of splitScript(script)) {
    if (interrupted()) return "cancelled";
    const command = clientCommand(chunk.text);
    if (command === "QUIT") return "quit";
    if (command === "HELP") {
      output.out(HELP_TEXT);
      continue;
    }
    if (command === "CLEAR") continue;
    try {
      const statement = parseChunk(script, chunk);
      if (statement === null) continue;
      const cancelled = await session.execute(statement, output, view);
      if (cancelled || interrupted()) return "cancelled";
    } catch (e) {
      output.err(describeFailure(e, script));
      return "failed";
    }
  }
  return "done";
}
