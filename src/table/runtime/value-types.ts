/** Registration of the SQL value classes with a job, for serialization across threads and checkpoints. */
import type { StreamHost } from "../../api/datastream.ts";
import { InvalidJobError } from "../../core/errors.ts";
import { Decimal } from "../types/decimal.ts";
import { Timestamp } from "../types/timestamp.ts";

/** The classes of SQL values, with the names they are registered under for serialization. */
const SQL_VALUE_CLASSES: readonly [string, new (...args: any[]) => unknown][] = [
  ["strom.sql.Decimal", Decimal],
  ["strom.sql.Timestamp", Timestamp],
];

/**
 * Registers the SQL value classes (Decimal, Timestamp) with the job, so rows and accumulators
 * holding them keep their class when they cross threads and in checkpoints. Idempotent; a class
 * the job registered itself under another name stays as it is.
 */
export function registerSqlValueTypes(host: StreamHost): void {
  const types = host.getConfig().registeredTypes;
  const registered = new Set(Object.values(types));
  for (const [name, ctor] of SQL_VALUE_CLASSES) {
    if (registered.has(ctor)) continue;
    if (types[name] !== undefined) {
      throw new InvalidJobError(`a different class is already registered as '${name}'`);
    }
    types[name] = ctor;
  }
}
