/**
 * The built-in connectors (`datagen`, `filesystem`, `print`, `blackhole`, `values`, `nexmark`)
 * and formats (`csv`, `json`), and the process-wide default registry that CREATE TABLE and the
 * planner use unless given another. Register your own with `defaultConnectorRegistry().register(factory)`.
 */
import { CSV_FORMAT } from "../formats/csv.ts";
import { JSON_FORMAT } from "../formats/json.ts";
import { DATAGEN_CONNECTOR } from "./datagen.ts";
import { ConnectorRegistry } from "./factory.ts";
import { FILESYSTEM_CONNECTOR } from "./filesystem.ts";
import { NEXMARK_CONNECTOR } from "./nexmark.ts";
import { BLACKHOLE_CONNECTOR, PRINT_CONNECTOR } from "./print.ts";
import { VALUES_CONNECTOR } from "./values.ts";

/** A new registry holding the built-in connectors and formats. */
export function builtinConnectorRegistry(): ConnectorRegistry {
  return new ConnectorRegistry()
    .register(DATAGEN_CONNECTOR)
    .register(FILESYSTEM_CONNECTOR)
    .register(PRINT_CONNECTOR)
    .register(BLACKHOLE_CONNECTOR)
    .register(VALUES_CONNECTOR)
    .register(NEXMARK_CONNECTOR)
    .registerFormat(CSV_FORMAT)
    .registerFormat(JSON_FORMAT);
}

let defaultRegistry: ConnectorRegistry | null = null;

/** The process-wide registry (built-ins plus whatever was registered into it). */
export function defaultConnectorRegistry(): ConnectorRegistry {
  defaultRegistry ??= builtinConnectorRegistry();
  return defaultRegistry;
}
