/** The error of the JSON functions. */
import { StromError } from "../../core/errors.ts";

/** A JSON function failed under an ERROR behaviour (Flink's `TableRuntimeException`). */
export class SqlJsonError extends StromError {}
