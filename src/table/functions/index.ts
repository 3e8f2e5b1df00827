/**
 * The built-in scalar function library (Flink's system functions). Importing this module once
 * registers every function with the expression registry (`registerScalar`), so that
 * `call("UPPER", ...)`, the planner and the code generator find them:
 *
 * ```ts
 * import "./functions/index.ts";
 * ```
 *
 * Families: strings (`string.ts`, `regex.ts`, `encoding.ts`, `url.ts`, `hash.ts`), numbers
 * (`math.ts`, `floor-ceil.ts`, `random.ts`), time (`temporal.ts`, `temporal-convert.ts`,
 * `now.ts`), JSON (`json.ts`), collections and constructors (`collections.ts`), conditional and
 * type functions (`conditional.ts`). A name that is already registered is an error.
 */
import { registerScalar } from "../expr/operators.ts";
import type { ScalarFunctionDef } from "../expr/operators.ts";
import { COLLECTION_FUNCTIONS } from "./collections.ts";
import { CONDITIONAL_FUNCTIONS } from "./conditional.ts";
import { ENCODING_FUNCTIONS } from "./encoding.ts";
import { FLOOR_CEIL_FUNCTIONS } from "./floor-ceil.ts";
import { HASH_FUNCTIONS } from "./hash.ts";
import { JSON_FUNCTIONS } from "./json.ts";
import { MATH_FUNCTIONS } from "./math.ts";
import { NOW_FUNCTIONS } from "./now.ts";
import { RANDOM_FUNCTIONS } from "./random.ts";
import { REGEX_FUNCTIONS } from "./regex.ts";
import { STRING_FUNCTIONS } from "./string.ts";
import { TEMPORAL_CONVERSION_FUNCTIONS } from "./temporal-convert.ts";
import { TEMPORAL_FUNCTIONS } from "./temporal.ts";
import { URL_FUNCTIONS } from "./url.ts";
import { WATERMARK_FUNCTIONS } from "./watermark.ts";

/** Every built-in function definition of this library. */
export const BUILT_IN_FUNCTIONS: readonly ScalarFunctionDef[] = [
  ...STRING_FUNCTIONS,
  ...REGEX_FUNCTIONS,
  ...ENCODING_FUNCTIONS,
  ...URL_FUNCTIONS,
  ...HASH_FUNCTIONS,
  ...MATH_FUNCTIONS,
  ...FLOOR_CEIL_FUNCTIONS,
  ...RANDOM_FUNCTIONS,
  ...TEMPORAL_FUNCTIONS,
  ...TEMPORAL_CONVERSION_FUNCTIONS,
  ...NOW_FUNCTIONS,
  ...WATERMARK_FUNCTIONS,
  ...JSON_FUNCTIONS,
  ...COLLECTION_FUNCTIONS,
  ...CONDITIONAL_FUNCTIONS,
];

for (const def of BUILT_IN_FUNCTIONS) registerScalar(def);
