/** Errors of the command line. */

/** Thrown for bad command lines; printed without a stack (exit code 2). */
export class UsageError extends Error {}
