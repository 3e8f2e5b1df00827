/** The error of the record codec, and the slow pass that explains a failed write. */
import { StromError } from "../errors.ts";
import { MAX_DEPTH } from "./format.ts";
import { TypeRegistry } from "./type-registry.ts";
/** Thrown when a value cannot be written or an input cannot be read; `path` names the place. */
export class SerializationError extends StromError {
  /** Where in the value the problem is, e.g. `record.trade.tags[2]` (empty if unknown). */
  readonly path: string;

  /** Creates an error for the value at `path`. */
  constructor(message: string, path: string, options?: { cause?: unknown }) {
    super(message, options);
    this.path = path;
  }
}

// ---------------------------------------------------------------------------------------------
// The slow pass: after the fast writer failed, walk the value again, tracking the path and the
// ancestors, to say exactly where the problem is. It visits values in the writer's order.

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function propertyPath(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function describePrimitiveKey(k: unknown): string | null {
  switch (typeof k) {
    case "string":
      return JSON.stringify(k);
    case "number":
    case "boolean":
      return String(k);
    case "bigint":
      return `${k}n`;
    default:
      return k === null ? "null" : k === undefined ? "undefined" : null;
  }
}

function isNativeClass(ctor: unknown): boolean {
  return (
    typeof ctor === "function" &&
    /\{\s*\[native code\]\s*\}\s*$/.test(Function.prototype.toString.call(ctor))
  );
}

function constructorOf(o: object): unknown {
  try {
    return (o as { constructor?: unknown }).constructor;
  } catch {
    return undefined;
  }
}

const BINARY_VIEWS = new Set<string>([
  "Int8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float16Array",
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
  "DataView",
  "ArrayBuffer",
  "SharedArrayBuffer",
]);

function unsupportedObjectMessage(o: object, path: string): string {
  const ctor = constructorOf(o);
  const name = typeof ctor === "function" ? ctor.name : "";
  if (name !== "" && isNativeClass(ctor)) {
    if (BINARY_VIEWS.has(name)) {
      return `cannot serialize a ${name} at ${path}: only Uint8Array and Buffer are supported as binary data`;
    }
    return `cannot serialize a ${name} at ${path}`;
  }
  if (name === "")
    return `cannot serialize an instance of an anonymous class at ${path}: register the class with env.registerType(...)`;
  return `cannot serialize an instance of class ${name} at ${path}: register it with env.registerType(${name})`;
}

interface Ancestor {
  readonly value: object;
  readonly path: string;
}

interface Problem {
  readonly message: string;
  readonly path: string;
}

function problem(message: string, path: string): Problem {
  return { message, path };
}

function findProblem(
  v: unknown,
  path: string,
  ancestors: Ancestor[],
  registry: TypeRegistry,
): Problem | null {
  switch (typeof v) {
    case "function":
      return problem(`cannot serialize a function at ${path}`, path);
    case "symbol":
      return problem(`cannot serialize a symbol at ${path}`, path);
    case "object":
      break;
    default:
      return null;
  }
  if (v === null) return null;
  for (const a of ancestors) {
    if (a.value === v)
      return problem(`cannot serialize a cyclic structure: ${path} refers back to ${a.path}`, path);
  }
  if (ancestors.length >= MAX_DEPTH) {
    return problem(
      `cannot serialize a value nested deeper than ${MAX_DEPTH} levels at ${path}`,
      path,
    );
  }
  ancestors.push({ value: v, path });
  try {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const found = findProblem(v[i], `${path}[${i}]`, ancestors, registry);
        if (found !== null) return found;
      }
      return null;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) {
      const rec = v as Record<string, unknown>;
      for (const k in rec) {
        const found = findProblem(rec[k], propertyPath(path, k), ancestors, registry);
        if (found !== null) return found;
      }
      return null;
    }
    if (proto === Date.prototype || proto === Uint8Array.prototype || proto === Buffer.prototype)
      return null;
    if (proto === Map.prototype) {
      let i = 0;
      for (const [key, value] of v as Map<unknown, unknown>) {
        const keyProblem = findProblem(key, `${path}.<key of entry ${i}>`, ancestors, registry);
        if (keyProblem !== null) return keyProblem;
        const described = describePrimitiveKey(key);
        const valuePath =
          described !== null ? `${path}.get(${described})` : `${path}.<value of entry ${i}>`;
        const valueProblem = findProblem(value, valuePath, ancestors, registry);
        if (valueProblem !== null) return valueProblem;
        i++;
      }
      return null;
    }
    if (proto === Set.prototype) {
      let i = 0;
      for (const e of v as Set<unknown>) {
        const found = findProblem(e, `${path}.<element ${i}>`, ancestors, registry);
        if (found !== null) return found;
        i++;
      }
      return null;
    }
    const type = registry.lookupProto(proto as object);
    if (type === undefined) return problem(unsupportedObjectMessage(v, path), path);
    const rec = v as Record<string, unknown>;
    const keys = type.needsOwnKeys ? Object.keys(v) : null;
    if (keys !== null) {
      for (const k of keys) {
        const found = findProblem(rec[k], propertyPath(path, k), ancestors, registry);
        if (found !== null) return found;
      }
    } else {
      for (const k in rec) {
        const found = findProblem(rec[k], propertyPath(path, k), ancestors, registry);
        if (found !== null) return found;
      }
    }
    return null;
  } finally {
    ancestors.pop();
  }
}

/** Builds the error for a value the fast writer rejected. */
export function explainFailure(value: unknown, registry: TypeRegistry): SerializationError {
  const found = findProblem(value, "record", [], registry);
  if (found === null)
    return new SerializationError("cannot serialize the record (unknown reason)", "record");
  return new SerializationError(found.message, found.path);
}
