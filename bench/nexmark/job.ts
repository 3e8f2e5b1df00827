/**
 * The job module of a Nexmark run above parallelism 1 (see run-query.ts): the launcher and every
 * worker thread run it, with the same settings from the environment.
 */
import { jobSettings, runDataStream, runSqlScript } from "./run-query.ts";

const run = jobSettings();
if (run.engine === "sql") {
  await runSqlScript(run, { kind: "generator", events: run.events }, "local");
} else {
  await runDataStream(run, "local");
}
