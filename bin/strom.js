#!/usr/bin/env node
// The `strom` command: runs the TypeScript CLI through Node's native type stripping.
import { enableCompileCache } from "node:module";

// Node's compile cache keeps compiled (type-stripped) modules on disk, for faster starts.
enableCompileCache?.();
const { exitSoon, main } = await import("../src/cli/main.ts");

// If the event loop ran empty before main() settled, something went wrong: never report success.
process.exitCode = 1;
main(process.argv.slice(2)).then(exitSoon);
