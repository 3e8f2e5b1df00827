/**
 * Entry of a TaskManager slot's worker thread: turns on Node's compile cache (compiled,
 * type-stripped modules kept on disk), then loads the slot's code (`worker-main.ts`). Every
 * worker loads the same runtime and job modules, and stripping types is most of that time.
 */
import { enableCompileCache } from "node:module";

enableCompileCache?.();
await import("./worker-main.ts");
