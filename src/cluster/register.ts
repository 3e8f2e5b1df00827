/** Registers the built-in executors ("local" worker threads, "thread" in the calling thread). */
import { registerExecutorFactory } from "../api/executor.ts";
import { LocalExecutor } from "./local-executor.ts";
import { ThreadExecutor } from "./thread-executor.ts";

let registered = false;

/** Registers the local executors once. */
export function registerLocalExecutors(): void {
  if (registered) return;
  registered = true;
  const local = new LocalExecutor();
  const thread = new ThreadExecutor();
  registerExecutorFactory((target) =>
    target === "local" ? local : target === "thread" ? thread : null,
  );
}
