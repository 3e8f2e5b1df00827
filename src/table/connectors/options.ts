/**
 * Connector and format options (Flink's `ConfigOption` and `FactoryUtil` validation): each
 * option has a key, a type (string, int, double, boolean, duration, enum), an optional default
 * and a description. {@link validateOptions} checks a table's WITH options against a factory's
 * required and optional options and returns them typed; an unknown key, a missing required key
 * or a bad value is a {@link OptionValidationError} naming the key, the value, the valid choices
 * and where the option was written.
 *
 * A key may hold the placeholder `#` (`fields.#.kind`): it stands for each physical column name.
 */
import { parseDuration } from "../../core/duration.ts";
import { StromError } from "../../core/errors.ts";
import type { SourcePos } from "../sql/errors.ts";

/** The value types of options. */
export type OptionType = "string" | "int" | "double" | "boolean" | "duration" | "enum";

/** The JS type of an option's value (durations in milliseconds). */
export type OptionValue<K extends OptionType> = K extends "string" | "enum"
  ? string
  : K extends "boolean"
    ? boolean
    : number;

/** One option of a connector or format. */
export interface ConfigOption<T = unknown> {
  /** The key (`#` stands for a column name). */
  readonly key: string;
  /** The value type. */
  readonly type: OptionType;
  /** The default, if any. */
  readonly default?: T;
  /** For enums: the allowed values (matched case-insensitively). */
  readonly values?: readonly string[];
  /** What the option does. */
  readonly description: string;
}

/** A string option. */
export function stringOption(key: string, description: string, def?: string): ConfigOption<string> {
  return { key, type: "string", description, ...(def !== undefined ? { default: def } : {}) };
}
/** An integer option (a safe integer). */
export function intOption(key: string, description: string, def?: number): ConfigOption<number> {
  return { key, type: "int", description, ...(def !== undefined ? { default: def } : {}) };
}
/** A floating-point option. */
export function doubleOption(key: string, description: string, def?: number): ConfigOption<number> {
  return { key, type: "double", description, ...(def !== undefined ? { default: def } : {}) };
}
/** A boolean option (`true` / `false`, any case). */
export function booleanOption(
  key: string,
  description: string,
  def?: boolean,
): ConfigOption<boolean> {
  return { key, type: "boolean", description, ...(def !== undefined ? { default: def } : {}) };
}
/** A duration option (`100ms`, `10 s`, `1min`, `2h`, `1d`, or plain milliseconds), in ms. */
export function durationOption(
  key: string,
  description: string,
  def?: number,
): ConfigOption<number> {
  return { key, type: "duration", description, ...(def !== undefined ? { default: def } : {}) };
}
/** An option taking one of `values` (case-insensitive; the value is returned as listed). */
export function enumOption(
  key: string,
  values: readonly string[],
  description: string,
  def?: string,
): ConfigOption<string> {
  return { key, type: "enum", values, description, ...(def !== undefined ? { default: def } : {}) };
}

/** An option is unknown, missing or has a bad value. */
export class OptionValidationError extends StromError {}

/** Parses an option value; throws a plain Error with the reason (without the key). */
export function parseOptionValue(option: ConfigOption, text: string): unknown {
  const s = text.trim();
  switch (option.type) {
    case "string":
      return text;
    case "int": {
      if (!/^[+-]?\d+$/.test(s) || !Number.isSafeInteger(Number(s))) {
        throw new Error("expected an integer");
      }
      return Number(s);
    }
    case "double": {
      const n = Number(s);
      if (s === "" || !Number.isFinite(n)) throw new Error("expected a number");
      return n;
    }
    case "boolean": {
      const b = s.toLowerCase();
      if (b === "true") return true;
      if (b === "false") return false;
      throw new Error("expected true or false");
    }
    case "duration": {
      try {
        return parseDuration(s).toMillis();
      } catch {
        throw new Error("expected a duration like 500ms, 10s, 1min, 2h or 1d");
      }
    }
    case "enum": {
      const v = option.values?.find((x) => x.toLowerCase() === s.toLowerCase());
      if (v === undefined) throw new Error(`expected one of ${option.values?.join(", ")}`);
      return v;
    }
  }
}

/** The validated options of one table (or one format of a table). */
export class ValidatedOptions {
  /** The options as written. */
  readonly raw: Readonly<Record<string, string>>;
  private readonly values: ReadonlyMap<string, unknown>;

  /** Wraps parsed values by key (see {@link validateOptions}). */
  constructor(raw: Readonly<Record<string, string>>, values: ReadonlyMap<string, unknown>) {
    this.raw = raw;
    this.values = values;
  }

  /** The value of an option (its default when not set), or undefined. */
  get<T>(option: ConfigOption<T>, column?: string): T | undefined {
    const key = column === undefined ? option.key : option.key.replace("#", column);
    return (this.values.has(key) ? this.values.get(key) : option.default) as T | undefined;
  }

  /** Whether the option was written. */
  has(option: ConfigOption, column?: string): boolean {
    const key = column === undefined ? option.key : option.key.replace("#", column);
    return Object.hasOwn(this.raw, key);
  }
}

/** What {@link validateOptions} checks against. */
export interface OptionSpec {
  /** Who the options are for, in messages: `'datagen'`, `the format 'csv'`. */
  readonly owner: string;
  /** The table, in messages (`cat.db.t`). */
  readonly table: string;
  /** Options that must be set. */
  readonly required: readonly ConfigOption[];
  /** Options that may be set. */
  readonly optional: readonly ConfigOption[];
  /** Column names that replace `#` in keys. */
  readonly columns?: readonly string[];
  /** Keys that are handled elsewhere (e.g. `connector`, or the format's keys), skipped here. */
  readonly skip?: (key: string) => boolean;
  /** Where each key was written, for messages. */
  readonly positions?: ReadonlyMap<string, SourcePos>;
}

function expand(
  options: readonly ConfigOption[],
  columns: readonly string[],
): Map<string, ConfigOption> {
  const out = new Map<string, ConfigOption>();
  for (const o of options) {
    if (!o.key.includes("#")) out.set(o.key, o);
    else for (const c of columns) out.set(o.key.replace("#", c), o);
  }
  return out;
}

const where = (pos: SourcePos | undefined) =>
  pos === undefined ? "" : ` (line ${pos.line}, column ${pos.column})`;

/**
 * Checks `options` against `spec` and returns them typed. Throws an {@link OptionValidationError}:
 * "Unsupported options found for 'datagen' of table 'cat.db.t'. Unsupported options: ...
 * Supported options: ...", "One or more required options are missing ...", or "Invalid value
 * 'x' for option 'rows-per-second' ...: expected an integer".
 */
export function validateOptions(
  options: Readonly<Record<string, string>>,
  spec: OptionSpec,
): ValidatedOptions {
  const columns = spec.columns ?? [];
  const required = expand(spec.required, columns);
  const all = new Map([...required, ...expand(spec.optional, columns)]);
  const skip = spec.skip ?? (() => false);
  const unknown = Object.keys(options).filter((k) => !skip(k) && !all.has(k));
  if (unknown.length > 0) {
    const supported = [...all.keys()].sort();
    throw new OptionValidationError(
      `Unsupported options found for ${spec.owner} of table '${spec.table}'.\n\n` +
        `Unsupported options:\n\n${unknown
          .sort()
          .map((k) => k + where(spec.positions?.get(k)))
          .join("\n")}\n\n` +
        `Supported options:\n\n${supported.join("\n")}`,
    );
  }
  const missing = [...required.keys()].filter((k) => !Object.hasOwn(options, k));
  if (missing.length > 0) {
    throw new OptionValidationError(
      `One or more required options are missing for ${spec.owner} of table '${spec.table}'.\n\n` +
        `Missing required options are:\n\n${missing.sort().join("\n")}`,
    );
  }
  const values = new Map<string, unknown>();
  for (const [key, text] of Object.entries(options)) {
    const option = all.get(key);
    if (option === undefined) continue;
    try {
      values.set(key, parseOptionValue(option, text));
    } catch (e) {
      throw new OptionValidationError(
        `Invalid value '${text}' for option '${key}' of ${spec.owner} in table '${spec.table}'` +
          `${where(spec.positions?.get(key))}: ${(e as Error).message}`,
      );
    }
  }
  return new ValidatedOptions(options, values);
}

/** Throws an {@link OptionValidationError} for a value that parsed but is out of range. */
export function invalidOption(
  options: ValidatedOptions,
  key: string,
  owner: string,
  table: string,
  reason: string,
): never {
  const value = options.raw[key];
  throw new OptionValidationError(
    `Invalid value${value !== undefined ? ` '${value}'` : ""} for option '${key}' of ${owner} in table '${table}': ${reason}`,
  );
}
