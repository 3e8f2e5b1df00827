/**
 * The JSON path language of Flink's JSON functions (Jayway JsonPath behind SQL/JSON modes).
 *
 * A path spec is `[lax|strict] <path>` (case-insensitive mode, default strict). Paths start with
 * `$` (a path without it gets `$.` in front, as Jayway does) followed by steps: `.key`,
 * `['key']` / `["key"]`, `.*` / `[*]` (members or elements), `[n]` (negative from the end),
 * `[n, m]`, `[from:to]` slices and `..key` / `..*` (deep scan). Filters and functions are not
 * supported (an error naming them).
 *
 * A path is definite when it has only keys and single indexes. A definite path yields one value
 * (a JSON null is a value); any step that finds nothing (a missing key, an index out of range,
 * a key on a non-object) is an error in strict mode and an empty result in lax mode. An
 * indefinite path yields the list of its matches: misses in its definite prefix count as above,
 * misses after the first indefinite step are skipped.
 */
import { JsonNumber, isContainer } from "./json-value.ts";
import type { JsonObject, JsonValue } from "./json-value.ts";

/** One step of a path. */
export type PathStep =
  | { readonly kind: "key"; readonly name: string }
  | { readonly kind: "index"; readonly indexes: readonly number[] }
  | { readonly kind: "slice"; readonly from: number | null; readonly to: number | null }
  | { readonly kind: "wildcard" }
  | { readonly kind: "deep"; readonly name: string | null };

/** A compiled path spec. */
export interface JsonPath {
  /** `strict` or `lax`. */
  readonly mode: "strict" | "lax";
  /** The steps after `$`. */
  readonly steps: readonly PathStep[];
  /** Whether the path yields a single value (keys and single indexes only). */
  readonly definite: boolean;
  /** The spec as given, for messages. */
  readonly text: string;
}

/** A malformed or unsupported path. */
export class JsonPathError extends Error {}

/** A strict-mode evaluation error (nothing found where the path needs a value). */
export class JsonPathNotFound extends Error {}

const MODE = /^\s*(strict|lax)\s+([\s\S]+)$/i;

function isDefiniteStep(s: PathStep): boolean {
  return s.kind === "key" || (s.kind === "index" && s.indexes.length === 1);
}

function parseSteps(path: string, spec: string): PathStep[] {
  let p = path.trim();
  if (!p.startsWith("$")) p = "$." + p;
  const steps: PathStep[] = [];
  let i = 1;
  const bad = (why: string): never => {
    throw new JsonPathError(`Invalid JSON path '${spec}': ${why} at position ${i}`);
  };
  const name = (): string => {
    const m = /^[^.[\]\s()?@,'"*]+/.exec(p.slice(i));
    if (m === null) return bad("expected a key");
    i += m[0].length;
    return m[0];
  };
  const quoted = (): string => {
    const q = p[i]!;
    let out = "";
    i++;
    while (i < p.length && p[i] !== q) {
      if (p[i] === "\\" && i + 1 < p.length) i++;
      out += p[i];
      i++;
    }
    if (p[i] !== q) bad("unterminated quoted key");
    i++;
    return out;
  };
  const bracket = (): PathStep => {
    i++; // [
    while (p[i] === " ") i++;
    let step: PathStep;
    if (p[i] === "?") return bad("filters are not supported");
    if (p[i] === "*") {
      i++;
      step = { kind: "wildcard" };
    } else if (p[i] === "'" || p[i] === '"') {
      const keys = [quoted()];
      while (p[i] === " ") i++;
      if (p[i] === ",") return bad("several keys in one bracket are not supported");
      step = { kind: "key", name: keys[0]! };
    } else {
      const m = /^\s*(-?\d*)\s*(?::\s*(-?\d*)\s*)?((?:,\s*-?\d+\s*)*)/.exec(p.slice(i));
      if (m === null || m[0].trim().length === 0)
        return bad("expected an index, a slice, '*' or a quoted key");
      i += m[0].length;
      if (m[2] !== undefined) {
        step = {
          kind: "slice",
          from: m[1] === "" ? null : Number(m[1]),
          to: m[2] === "" ? null : Number(m[2]),
        };
      } else {
        if (m[1] === "") return bad("expected an index");
        const rest = (m[3] ?? "")
          .split(",")
          .map((x) => x.trim())
          .filter((x) => x.length > 0)
          .map(Number);
        step = { kind: "index", indexes: [Number(m[1]), ...rest] };
      }
    }
    while (p[i] === " ") i++;
    if (p[i] !== "]") bad("expected ']'");
    i++;
    return step;
  };
  while (i < p.length) {
    const c = p[i];
    if (c === "[") steps.push(bracket());
    else if (c === "." && p[i + 1] === ".") {
      i += 2;
      if (p[i] === "*") {
        i++;
        steps.push({ kind: "deep", name: null });
      } else if (p[i] === "[") {
        const s = bracket();
        if (s.kind !== "key") bad("only a key may follow '..'");
        steps.push({ kind: "deep", name: (s as { name: string }).name });
      } else steps.push({ kind: "deep", name: name() });
    } else if (c === ".") {
      i++;
      if (p[i] === "*") {
        i++;
        steps.push({ kind: "wildcard" });
      } else if (p[i] === "[") steps.push(bracket());
      else {
        const n = name();
        if (p[i] === "(") bad("functions are not supported");
        steps.push({ kind: "key", name: n });
      }
    } else bad(`unexpected '${c}'`);
  }
  return steps;
}

const CACHE = new Map<string, JsonPath>();

/** Compiles a path spec (cached); throws a {@link JsonPathError} when it is malformed. */
export function compileJsonPath(spec: string): JsonPath {
  let path = CACHE.get(spec);
  if (path !== undefined) return path;
  const m = MODE.exec(spec);
  const mode = m === null ? "strict" : (m[1]!.toLowerCase() as "strict" | "lax");
  const body = m === null ? spec : m[2]!;
  if (body.trim().length === 0) throw new JsonPathError(`Invalid JSON path '${spec}': empty path`);
  const steps = parseSteps(body, spec);
  path = { mode, steps, definite: steps.every(isDefiniteStep), text: spec };
  if (CACHE.size >= 256) CACHE.clear();
  CACHE.set(spec, path);
  return path;
}

function describe(v: JsonValue): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (v instanceof Map) return "an object";
  if (v instanceof JsonNumber) return `number ${v.text}`;
  return typeof v === "string" ? `string "${v}"` : String(v);
}

function childrenOf(v: JsonValue): JsonValue[] {
  if (Array.isArray(v)) return v;
  if (v instanceof Map) return [...v.values()];
  return [];
}

function deepScan(v: JsonValue, name: string | null, out: JsonValue[]): void {
  if (v instanceof Map) {
    if (name === null) for (const c of v.values()) out.push(c);
    else if (v.has(name)) out.push(v.get(name)!);
    for (const c of v.values()) if (isContainer(c)) deepScan(c, name, out);
  } else if (Array.isArray(v)) {
    for (const c of v) {
      if (name === null) out.push(c);
      if (isContainer(c)) deepScan(c, name, out);
    }
  }
}

/**
 * Applies one step to every current value. `strictMiss` decides what a miss does: throw (a
 * strict definite prefix) or skip.
 */
function step(values: JsonValue[], s: PathStep, strictMiss: boolean, path: JsonPath): JsonValue[] {
  const out: JsonValue[] = [];
  const miss = (why: string) => {
    if (strictMiss) throw new JsonPathNotFound(`No results for path '${path.text}': ${why}`);
  };
  for (const v of values) {
    switch (s.kind) {
      case "key":
        if (v instanceof Map && v.has(s.name)) out.push((v as JsonObject).get(s.name)!);
        else
          miss(
            v instanceof Map
              ? `missing key '${s.name}'`
              : `expected an object with key '${s.name}' but found ${describe(v)}`,
          );
        break;
      case "index":
        if (!Array.isArray(v)) {
          miss(`expected an array but found ${describe(v)}`);
          break;
        }
        for (const n of s.indexes) {
          const k = n < 0 ? v.length + n : n;
          if (k >= 0 && k < v.length) out.push(v[k]!);
          else miss(`index ${n} out of range`);
        }
        break;
      case "slice": {
        if (!Array.isArray(v)) break;
        const len = v.length;
        const norm = (x: number | null, dflt: number) =>
          x === null ? dflt : x < 0 ? Math.max(0, len + x) : Math.min(x, len);
        const from = norm(s.from, 0);
        const to = norm(s.to, len);
        for (let k = from; k < to; k++) out.push(v[k]!);
        break;
      }
      case "wildcard":
        out.push(...childrenOf(v));
        break;
      case "deep":
        deepScan(v, s.name, out);
        break;
    }
  }
  return out;
}

/**
 * Evaluates a compiled path on a document. Returns `{ value }` — one value for a definite path,
 * the array of matches otherwise — or `undefined` when a lax path finds nothing. Throws a
 * {@link JsonPathNotFound} when a strict path finds nothing.
 */
export function evaluateJsonPath(path: JsonPath, doc: JsonValue): { value: JsonValue } | undefined {
  let values: JsonValue[] = [doc];
  let definitePrefix = true;
  try {
    for (const s of path.steps) {
      definitePrefix &&= isDefiniteStep(s);
      values = step(values, s, definitePrefix, path);
      if (definitePrefix && values.length === 0) return undefined;
    }
  } catch (e) {
    if (e instanceof JsonPathNotFound && path.mode === "lax") return undefined;
    throw e;
  }
  if (path.definite) return { value: values[0]! };
  return { value: values };
}
