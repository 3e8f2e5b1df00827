/** Line formats of the SQL connectors: `csv` and `json` (JSON lines). */
export * from "./format.ts";
export { CSV_FORMAT, splitCsvLine } from "./csv.ts";
export { JSON_FORMAT } from "./json.ts";
export { textConverter, valueToText, type TextConverter } from "./convert.ts";
