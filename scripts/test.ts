/**
 * Runs the test suite (`npm test`): Node's test runner, with the same Node binary, over every
 * `test/**\/*.test.ts` file, two files at a time and 120 s per test.
 *
 *   npm test                                   all tests
 *   npm test -- test/core                      the tests under a folder (or one file)
 *   npm test -- keygroups                      the test files whose path contains "keygroups"
 *   npm test -- --test-name-pattern=watermark  any option goes through to `node --test`
 *   npm run test:large                         the long tests (`test/**\/*.large.ts`, run by CI
 *                                              after the others), one file at a time
 *
 * Exits with the test runner's exit code.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TEST_DIR = join(ROOT, "test");
/** `--large` selects the long tests, which have a suffix of their own. */
const LARGE = process.argv.includes("--large");
const TEST_SUFFIX = LARGE ? ".large.ts" : ".test.ts";
const DEFAULT_OPTIONS = LARGE
  ? ["--test-concurrency=1", "--test-timeout=1800000"]
  : ["--test-concurrency=2", "--test-timeout=120000"];
/** Options of `node` that take their value as the next argument (when written without "="). */
const OPTIONS_WITH_VALUE = new Set([
  "--test-name-pattern",
  "--test-skip-pattern",
  "--test-reporter",
  "--test-reporter-destination",
  "--test-concurrency",
  "--test-timeout",
  "--test-shard",
  "--import",
  "--require",
  "-r",
  "--conditions",
  "-C",
]);

/** Every test file under `dir`, sorted, as paths relative to the repository root. */
function findTests(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith(TEST_SUFFIX)) found.push(full);
    }
  };
  if (existsSync(dir)) walk(dir);
  return found.map((f) => relative(ROOT, f).split(sep).join("/")).sort();
}

/** Splits the CLI arguments into `node` options and file filters. */
function parseArgs(args: readonly string[]): { options: string[]; filters: string[] } {
  const options: string[] = [];
  const filters: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--" || arg === "--large") continue;
    if (arg.startsWith("-")) {
      options.push(arg);
      if (!arg.includes("=") && OPTIONS_WITH_VALUE.has(arg) && i + 1 < args.length) {
        options.push(args[++i]!);
      }
    } else {
      filters.push(arg);
    }
  }
  return { options, filters };
}

/** The test files selected by the filters: paths (files or folders) or substrings of paths. */
function selectTests(filters: readonly string[]): string[] {
  const all = findTests(TEST_DIR);
  if (filters.length === 0) return all;
  const selected = new Set<string>();
  for (const filter of filters) {
    // Under npm the cwd is the package root; INIT_CWD is where `npm test` was typed.
    const asPath = resolve(process.env["INIT_CWD"] ?? process.cwd(), filter);
    if (existsSync(asPath) && statSync(asPath).isDirectory()) {
      for (const f of findTests(asPath)) selected.add(f);
    } else if (existsSync(asPath)) {
      selected.add(relative(ROOT, asPath).split(sep).join("/"));
    } else {
      for (const f of all) if (f.includes(filter)) selected.add(f);
    }
  }
  return [...selected].sort();
}

function main(): void {
  const { options, filters } = parseArgs(process.argv.slice(2));
  const files = selectTests(filters);
  if (files.length === 0) {
    console.error(
      filters.length === 0
        ? `no test files (*${TEST_SUFFIX}) under test/`
        : `no test files match: ${filters.join(" ")}`,
    );
    process.exitCode = 1;
    return;
  }
  const reporter = options.some((o) => o === "--test-reporter" || o.startsWith("--test-reporter="))
    ? []
    : ["--test-reporter=spec"];
  const child = spawn(
    process.execPath,
    ["--test", ...DEFAULT_OPTIONS, ...reporter, ...options, ...files],
    {
      cwd: ROOT,
      stdio: "inherit",
      // Node's compile cache: every test process loads the same modules (mostly type stripping).
      env: {
        ...process.env,
        NODE_COMPILE_CACHE:
          process.env["NODE_COMPILE_CACHE"] ?? join(tmpdir(), "strom-compile-cache"),
      },
    },
  );
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  child.on("error", (error) => {
    console.error(`cannot start the test runner: ${error.message}`);
    process.exitCode = 1;
  });
  child.on("exit", (code, signal) => {
    process.off("SIGINT", forward);
    process.off("SIGTERM", forward);
    process.exitCode = code ?? (signal !== null ? 1 : 0);
  });
}

main();
