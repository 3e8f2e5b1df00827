#!/usr/bin/env node
// The `strom` command: runs the TypeScript CLI through Node's native type stripping.
import { main } from "../src/cli/main.ts";

main(process.argv.slice(2)).then((code) => process.exit(code));
