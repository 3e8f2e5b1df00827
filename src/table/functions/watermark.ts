/**
 * CURRENT_WATERMARK(rowtime), as Flink defines it: the current watermark of the operator that
 * evaluates the call (read through `CallSite.currentWatermark`), typed as its rowtime argument
 * without the time attribute and nullable: NULL before the operator has seen a watermark.
 */
import { SqlValidationError } from "../expr/errors.ts";
import type { ScalarFunctionDef } from "../expr/operators.ts";
import { asNullable } from "../types/logical-type.ts";
import { isRowtimeType, materializedType } from "../types/time-attributes.ts";
import { Timestamp } from "../types/timestamp.ts";
import { typeToString } from "../types/type-print.ts";
import { fn } from "./define.ts";

const CURRENT_WATERMARK = fn({
  name: "CURRENT_WATERMARK",
  deterministic: false,
  nullPolicy: "custom",
  inferType(types) {
    const t = types[0];
    if (types.length !== 1 || t === undefined || !isRowtimeType(t)) {
      const got = types.map(typeToString).join(", ");
      throw new SqlValidationError(
        `CURRENT_WATERMARK() must be called with a single rowtime attribute argument (a column with a WATERMARK), but got (${got})`,
      );
    }
    return asNullable(materializedType(t));
  },
  bind(site) {
    const current = site.currentWatermark;
    if (current === undefined) {
      throw new SqlValidationError(
        `${site.text} is supported only in a SELECT list or a WHERE clause (not in a join condition, an aggregate's group key or FILTER, a window or a table function argument)`,
      );
    }
    return () => {
      const w = current();
      return Number.isFinite(w) ? Timestamp.fromMillis(Math.floor(w)) : null;
    };
  },
});

/** The watermark functions. */
export const WATERMARK_FUNCTIONS: readonly ScalarFunctionDef[] = [CURRENT_WATERMARK];
