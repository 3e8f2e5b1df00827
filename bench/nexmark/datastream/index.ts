/**
 * Hand-written DataStream API versions of the Nexmark queries q0 to q8 (see each file): what a
 * Flink user would write with keyed state, timers and windows, giving the rows of the SQL
 * versions (bench/nexmark/queries) as plain arrays in the order of their output columns.
 */
import type { DataStream, NexmarkEvent } from "../../../src/index.ts";
import { q0 } from "./q0.ts";
import { q1 } from "./q1.ts";
import { q2 } from "./q2.ts";
import { q3 } from "./q3.ts";
import { q4 } from "./q4.ts";
import { q5 } from "./q5.ts";
import { q6 } from "./q6.ts";
import { q7 } from "./q7.ts";
import { q8 } from "./q8.ts";

/**
 * The queries by name ("q0".."q8"). Each takes the Nexmark event stream, with timestamps and
 * watermarks assigned (`NexmarkSource.watermarks()`), and returns its output rows.
 */
export const DATASTREAM_QUERIES: Readonly<
  Record<string, (events: DataStream<NexmarkEvent>) => DataStream<unknown[]>>
> = { q0, q1, q2, q3, q4, q5, q6, q7, q8 };
