/**
 * Dependency rules for Strom's source tree (`npm run check:deps`).
 *
 * Checks, with no dependency beyond Node itself:
 *  1. layering: a file under `src/<layer>/` imports only its own layer and the layers listed
 *     for it in {@link LAYERS};
 *  2. connectors are isolated: `src/connectors/X/` never imports `src/connectors/Y/`;
 *  3. no import cycles among `src/` files (type-only imports are erased at run time and so
 *     do not count for cycles; they do count for layering);
 *  4. examples use the public API only, through the package name `strom`.
 *
 * Usage: `node scripts/check-deps.ts [root]` (root defaults to the repository). Exits 1 and
 * prints one line per violation when a rule is broken.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The layer table: each folder under `src/` and the other layers it may import (its own layer is
 * always allowed). To add a layer, add a line here. `src/index.ts` (the public entry) may import
 * anything, and no file in `src/` may import it.
 */
export const LAYERS: Readonly<Record<string, readonly string[]>> = {
  core: [],
  api: ["core"],
  graph: ["api", "core"],
  runtime: ["graph", "api", "core"],
  cluster: ["runtime", "graph", "api", "core"],
  connectors: ["api", "core"],
  cli: ["cluster", "table", "runtime", "graph", "api", "core", "connectors"],
  // Planned layers (rules in place before the folders exist).
  table: ["connectors", "api", "runtime", "graph", "core"],
  cep: ["api", "core"],
  gelly: ["api", "core"],
  web: ["cluster", "runtime", "graph", "api", "core"],
};

/** The package's own name: examples must import the API through it. */
const PACKAGE_NAME = "strom";
/** The public entry, reached from inside the package via {@link PACKAGE_NAME}. */
const ENTRY = "src/index.ts";
/** Pseudo-layer of the public entry. */
const ENTRY_LAYER = "index";
/** Folders scanned as examples. */
const EXAMPLE_DIRS = ["examples"];
/** Folders in which each sub-folder is an isolated unit that may not import its siblings. */
const ISOLATED_FOLDERS = ["connectors"];

const SOURCE_EXTENSIONS = [".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"];

/** One import found in a file. */
export interface ImportRef {
  /** The specifier as written. */
  specifier: string;
  /** True for `import type` / `export type` / `import("...")` used in a type position. */
  typeOnly: boolean;
  /** 1-based line of the specifier. */
  line: number;
}

/** The outcome of a check. */
export interface CheckResult {
  /** Human-readable violations, one per line, sorted. */
  violations: string[];
  /** Each cycle as a path of root-relative files, first file repeated at the end. */
  cycles: string[][];
}

/**
 * Replaces comments, the literal text of template strings and the bodies of regular expression
 * literals by spaces (newlines kept, so offsets and line numbers stay valid). Single- and
 * double-quoted strings are kept as they are: they hold the specifiers.
 */
export function stripComments(source: string): string {
  const out = source.split("");
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to; k++) if (out[k] !== "\n") out[k] = " ";
  };
  /** Brace depth at which each open template `${` expression started. */
  const templateStack: number[] = [];
  let depth = 0;
  let lastSignificant = "";
  let lastWord = "";
  let i = 0;
  const n = source.length;

  /** Scans template text from i (just after "`" or "}") to its end or the next "${". */
  const scanTemplate = (): void => {
    const start = i;
    while (i < n) {
      const c = source[i];
      if (c === "\\") {
        i += 2;
      } else if (c === "`") {
        blank(start, i);
        i++;
        lastSignificant = "`";
        return;
      } else if (c === "$" && source[i + 1] === "{") {
        blank(start, i);
        i += 2;
        templateStack.push(depth);
        depth++;
        lastSignificant = "{";
        return;
      } else {
        i++;
      }
    }
    blank(start, n);
  };

  while (i < n) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === "/" && next === "/") {
      const end = source.indexOf("\n", i);
      const stop = end === -1 ? n : end;
      blank(i, stop);
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end === -1 ? n : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '"' || c === "'") {
      i++;
      while (i < n && source[i] !== c && source[i] !== "\n") i += source[i] === "\\" ? 2 : 1;
      i++;
      lastSignificant = c;
      lastWord = "";
    } else if (c === "`") {
      i++;
      scanTemplate();
      lastWord = "";
    } else if (c === "/" && startsRegex(lastSignificant, lastWord)) {
      const start = i;
      i++;
      let inClass = false;
      while (i < n && source[i] !== "\n") {
        const r = source[i];
        if (r === "\\") i++;
        else if (r === "[") inClass = true;
        else if (r === "]") inClass = false;
        else if (r === "/" && !inClass) break;
        i++;
      }
      blank(start + 1, Math.min(i, n));
      i++;
      lastSignificant = "/";
      lastWord = "";
    } else if (c === "{") {
      depth++;
      i++;
      lastSignificant = c;
      lastWord = "";
    } else if (c === "}") {
      depth--;
      i++;
      if (templateStack.length > 0 && templateStack[templateStack.length - 1] === depth) {
        templateStack.pop();
        scanTemplate();
      } else {
        lastSignificant = c;
      }
      lastWord = "";
    } else if (/[\w$]/.test(c)) {
      const start = i;
      while (i < n && /[\w$]/.test(source[i]!)) i++;
      lastWord = source.slice(start, i);
      lastSignificant = "a";
    } else {
      if (!/\s/.test(c)) {
        lastSignificant = c;
        lastWord = "";
      }
      i++;
    }
  }
  return out.join("");
}

const REGEX_PRECEDING_WORDS = new Set([
  "return",
  "typeof",
  "instanceof",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "case",
  "do",
  "else",
  "yield",
  "await",
]);

/** Whether a "/" after the given token starts a regular expression (rather than a division). */
function startsRegex(lastSignificant: string, lastWord: string): boolean {
  if (lastSignificant === "a") return REGEX_PRECEDING_WORDS.has(lastWord);
  if (lastSignificant === "") return true;
  return !")]}\"'`/".includes(lastSignificant);
}

/** `import ... from "x"`, `export ... from "x"` (also `import type`, `export type`). */
const STATIC_FROM =
  /(?<![\w$.])(import|export)(\s+type)?(?=[\s{*])([\w$\s{},*]*?)\bfrom\s*(["'])([^"'\n]+)\4/g;
/** `import "x"` (side effect only). */
const SIDE_EFFECT = /(?<![\w$.])import\s*(["'])([^"'\n]+)\1/g;
/** `import("x")`, also in type positions such as `typeof import("x")`. */
const DYNAMIC = /(?<![\w$.])import\s*\(\s*(["'])([^"'\n]+)\1\s*[,)]/g;

/** Lists the imports of a source text (comments and template text are ignored). */
export function findImports(source: string): ImportRef[] {
  const code = stripComments(source);
  const lineAt = (offset: number): number => {
    let line = 1;
    for (let k = 0; k < offset; k++) if (code.charCodeAt(k) === 10) line++;
    return line;
  };
  const refs: { specifier: string; typeOnly: boolean; offset: number }[] = [];
  for (const m of code.matchAll(STATIC_FROM)) {
    const clause = m[3]!.trim();
    // `import type X from` / `export type { X } from`; `import type from "x"` imports a default named "type".
    const typeOnly = m[2] !== undefined && !(clause === "" && m[1] === "import");
    refs.push({ specifier: m[5]!, typeOnly, offset: m.index + m[0].lastIndexOf(m[5]!) });
  }
  for (const m of code.matchAll(SIDE_EFFECT)) {
    refs.push({ specifier: m[2]!, typeOnly: false, offset: m.index + m[0].indexOf(m[2]!) });
  }
  for (const m of code.matchAll(DYNAMIC)) {
    // In a type position (`typeof import("x")`, `: import("x").T`) nothing is loaded at run time.
    const before = code.slice(Math.max(0, m.index - 40), m.index);
    const typeOnly = /(\btypeof|[:<|&,]|\btype\s+[\w$]+\s*=)\s*$/.test(before);
    refs.push({ specifier: m[2]!, typeOnly, offset: m.index + m[0].indexOf(m[2]!) });
  }
  refs.sort((a, b) => a.offset - b.offset);
  return refs.map((r) => ({
    specifier: r.specifier,
    typeOnly: r.typeOnly,
    line: lineAt(r.offset),
  }));
}

/** All source files under `dir` (absolute paths, sorted); none if it does not exist. */
function listSources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && SOURCE_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) {
        found.push(full);
      }
    }
  };
  walk(dir);
  return found.sort();
}

/** Resolves a relative specifier to an existing file, or undefined. */
function resolveRelative(fromFile: string, specifier: string): string | undefined {
  const target = resolve(dirname(fromFile), specifier);
  const candidates = [target];
  if (target.endsWith(".js")) candidates.push(target.slice(0, -3) + ".ts");
  candidates.push(join(target, "index.ts"));
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** The layer of a root-relative `src/...` path, `index` for the entry, undefined for loose files. */
function layerOf(rel: string): string | undefined {
  if (rel === ENTRY) return ENTRY_LAYER;
  const parts = rel.split("/");
  return parts.length > 2 ? parts[1] : undefined;
}

/** For `src/connectors/kafka/x.ts` returns `connectors/kafka`; undefined outside isolated units. */
function isolatedUnitOf(rel: string): string | undefined {
  const parts = rel.split("/");
  if (parts.length > 3 && ISOLATED_FOLDERS.includes(parts[1]!)) return `${parts[1]}/${parts[2]}`;
  return undefined;
}

/** Runs every check on the tree at `root`. */
export function checkDeps(root: string): CheckResult {
  root = resolve(root);
  const toRel = (abs: string): string => relative(root, abs).split(sep).join("/");
  const srcDir = join(root, "src");
  const entryAbs = join(root, ...ENTRY.split("/"));
  const violations: string[] = [];
  /** Run-time import edges among src files, for cycle detection. */
  const graph = new Map<string, Set<string>>();

  for (const file of listSources(srcDir)) {
    const rel = toRel(file);
    const layer = layerOf(rel);
    const edges = new Set<string>();
    graph.set(rel, edges);
    if (layer === undefined) {
      violations.push(
        `${rel}: files in src/ belong in a layer folder (only ${ENTRY} may be loose)`,
      );
    } else if (layer !== ENTRY_LAYER && !(layer in LAYERS)) {
      violations.push(
        `${rel}: unknown layer '${layer}' (add it to LAYERS in scripts/check-deps.ts)`,
      );
    }
    for (const ref of findImports(readFileSync(file, "utf8"))) {
      let target: string | undefined;
      if (ref.specifier === PACKAGE_NAME) {
        target = entryAbs;
      } else if (ref.specifier.startsWith(`${PACKAGE_NAME}/`)) {
        violations.push(
          `${rel}:${ref.line} imports '${ref.specifier}': use relative imports in src/`,
        );
        continue;
      } else if (ref.specifier.startsWith(".")) {
        target = resolveRelative(file, ref.specifier);
        if (target === undefined) {
          violations.push(`${rel}:${ref.line} imports '${ref.specifier}': no such file`);
          continue;
        }
      } else {
        continue; // node: built-ins and packages
      }
      const targetRel = toRel(target);
      if (!targetRel.startsWith("src/")) {
        violations.push(`${rel} imports ${targetRel}: src/ may not depend on files outside src/`);
        continue;
      }
      if (!ref.typeOnly) edges.add(targetRel);
      const targetLayer = layerOf(targetRel);
      if (layer === undefined || targetLayer === undefined || layer === ENTRY_LAYER) continue;
      if (targetLayer === ENTRY_LAYER) {
        violations.push(
          `${rel} imports ${targetRel}: ${layer} may not depend on the public entry (import the module itself)`,
        );
      } else if (targetLayer !== layer && !(LAYERS[layer] ?? []).includes(targetLayer)) {
        violations.push(`${rel} imports ${targetRel}: ${layer} may not depend on ${targetLayer}`);
      } else {
        const unit = isolatedUnitOf(rel);
        const targetUnit = isolatedUnitOf(targetRel);
        if (unit !== undefined && targetUnit !== undefined && unit !== targetUnit) {
          violations.push(
            `${rel} imports ${targetRel}: src/${unit}/ may not depend on src/${targetUnit}/`,
          );
        }
      }
    }
  }

  for (const exampleDir of EXAMPLE_DIRS) {
    for (const file of listSources(join(root, exampleDir))) {
      const rel = toRel(file);
      for (const ref of findImports(readFileSync(file, "utf8"))) {
        if (ref.specifier.startsWith(`${PACKAGE_NAME}/`)) {
          violations.push(
            `${rel}:${ref.line} imports '${ref.specifier}': examples may only import '${PACKAGE_NAME}'`,
          );
        } else if (ref.specifier.startsWith(".")) {
          const target = resolve(dirname(file), ref.specifier);
          const targetRel = toRel(target);
          if (targetRel === "src" || targetRel.startsWith("src/")) {
            violations.push(
              `${rel} imports ${targetRel}: examples must import the public API as '${PACKAGE_NAME}', not from src/`,
            );
          }
        }
      }
    }
  }

  const cycles = findCycles(graph);
  for (const cycle of cycles) violations.push(`import cycle: ${cycle.join(" -> ")}`);
  return { violations: violations.sort(), cycles };
}

/**
 * Finds the strongly connected components of the graph (Tarjan) and returns one concrete cycle
 * per component that has one, starting at the component's first file in sort order.
 */
export function findCycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  const nodes = [...graph.keys()].sort();
  const successors = (v: string): string[] =>
    [...(graph.get(v) ?? [])].filter((w) => graph.has(w)).sort();

  // Iterative Tarjan, so deep import chains cannot overflow the stack.
  for (const start of nodes) {
    if (index.has(start)) continue;
    const work: { node: string; next: number; succ: string[] }[] = [];
    const enter = (v: string): void => {
      index.set(v, counter);
      low.set(v, counter);
      counter++;
      stack.push(v);
      onStack.add(v);
      work.push({ node: v, next: 0, succ: successors(v) });
    };
    enter(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      if (frame.next < frame.succ.length) {
        const w = frame.succ[frame.next++]!;
        if (!index.has(w)) enter(w);
        else if (onStack.has(w)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(w)!));
        continue;
      }
      work.pop();
      const v = frame.node;
      if (work.length > 0) {
        const parent = work[work.length - 1]!.node;
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        const selfLoop = component.length === 1 && (graph.get(v)?.has(v) ?? false);
        if (component.length > 1 || selfLoop) components.push(component.sort());
      }
    }
  }

  // A shortest cycle through each component's first file (BFS inside the component).
  return components
    .map((component) => {
      const members = new Set(component);
      const first = component[0]!;
      const previous = new Map<string, string>();
      const queue = [first];
      for (let q = 0; q < queue.length; q++) {
        const v = queue[q]!;
        for (const w of successors(v)) {
          if (!members.has(w)) continue;
          if (w === first) {
            const path = [first];
            for (
              let u: string | undefined = v;
              u !== undefined && u !== first;
              u = previous.get(u)
            ) {
              path.push(u);
            }
            return [first, ...path.slice(1).reverse(), first];
          }
          if (!previous.has(w)) {
            previous.set(w, v);
            queue.push(w);
          }
        }
      }
      return [first, first];
    })
    .sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** CLI entry: prints violations and returns the exit code. */
export function main(args: readonly string[]): number {
  const root = args[0] ?? fileURLToPath(new URL("..", import.meta.url));
  const { violations } = checkDeps(root);
  if (violations.length === 0) {
    console.log("check-deps: OK (layers, connector isolation, cycles, example imports)");
    return 0;
  }
  for (const v of violations) console.error(v);
  console.error(`check-deps: ${violations.length} violation(s)`);
  return 1;
}

if (import.meta.main) process.exitCode = main(process.argv.slice(2));
