/** Errors of the table environment. */
import { StromError } from "../../core/errors.ts";

/** A statement or API call that cannot run (the message names the cause). */
export class TableEnvironmentError extends StromError {}
