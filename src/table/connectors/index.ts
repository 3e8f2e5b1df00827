/**
 * The connector framework of the SQL layer and the built-in connectors: `datagen`,
 * `filesystem` (CSV / JSON lines), `print`, `blackhole` and the `values` test connector.
 */
export * from "./options.ts";
export * from "./factory.ts";
export * from "./lookup.ts";
export { builtinConnectorRegistry, defaultConnectorRegistry } from "./builtin.ts";
export { DATAGEN_CONNECTOR } from "./datagen.ts";
export { SeededRandom } from "./datagen-values.ts";
export { FILESYSTEM_CONNECTOR, PartFileSink, type PartFileCommittable } from "./filesystem.ts";
export {
  FileRowSource,
  FormatParseError,
  listFiles,
  skippedLineCount,
  type FileLineSplit,
} from "./filesystem-source.ts";
export {
  BLACKHOLE_CONNECTOR,
  BlackholeSink,
  PRINT_CONNECTOR,
  PrintRowSink,
  formatPrintRow,
  printPrefix,
} from "./print.ts";
export { VALUES_CONNECTOR, registerValuesData, unregisterValuesData } from "./values.ts";
