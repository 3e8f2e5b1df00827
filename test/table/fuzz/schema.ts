/**
 * The tables of the randomized differential test (test/table/sql-fuzz.test.ts): one script that
 * PostgreSQL runs as it is and Strom loads as in-memory tables (golden-runner's `load`), and the
 * column types the query generator sees. The data has NULLs in every nullable column, duplicate
 * rows and keys, negative numbers, empty strings and DOUBLE values that are exact binary
 * fractions (so sums do not depend on the order of addition), and BIGINT values past 2^53
 * (held as JavaScript bigints, so joins and groups mix them with numbers).
 */
import type { Ty } from "./gen-expr.ts";

/** The CREATE TABLE and INSERT statements, valid in both engines. */
export const FUZZ_SCHEMA = `
CREATE TABLE t1 (
  k INT NOT NULL,
  a INT,
  b INT,
  s VARCHAR(8),
  d DECIMAL(8, 2),
  f DOUBLE PRECISION,
  p BOOLEAN,
  g BIGINT
);
INSERT INTO t1 VALUES
  (1, 1, 10, 'a', 1.50, 0.5, TRUE, 9007199254740993),
  (2, 1, NULL, 'b', -2.25, -1.25, FALSE, -9007199254740992),
  (3, 2, 20, '', 0.00, 0.0, NULL, 0),
  (3, 2, 20, '', 0.00, 0.0, NULL, 0),
  (4, NULL, 20, 'a', NULL, 2.75, TRUE, NULL),
  (5, -3, -5, NULL, 100.10, NULL, FALSE, 1),
  (6, 0, 0, 'ab', -0.01, -8.5, TRUE, 42),
  (7, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (8, 4, 10, 'B', 1.50, 0.5, FALSE, 9007199254740993),
  (9, 5, -5, 'b ', 7.25, 1024.0, TRUE, -1),
  (1, 1, 10, 'a', 1.50, 0.5, TRUE, 9007199254740993),
  (10, 1, 10, 'a', 1.50, 0.5, FALSE, 2),
  (11, -1, 30, 'c', -7.00, -0.75, FALSE, 4503599627370496),
  (12, 2, NULL, 'ab', 2.50, 3.5, NULL, -42);

CREATE TABLE t2 (
  x INT NOT NULL,
  y INT,
  s VARCHAR(8),
  d DECIMAL(6, 1),
  f DOUBLE PRECISION
);
INSERT INTO t2 VALUES
  (1, 10, 'a', 1.5, 0.5),
  (1, 10, 'a', 1.5, 0.5),
  (2, NULL, 'ab', -2.0, NULL),
  (-3, 20, '', NULL, 4.5),
  (5, -5, NULL, 0.0, -0.25),
  (7, 0, 'B', 100.1, 2.0),
  (10, NULL, 'zz', 3.3, -8.5),
  (2, 30, 'c', -7.0, 1.5),
  (4, 10, 'b', 2.5, 0.75),
  (-1, NULL, 'a', NULL, NULL);

CREATE TABLE t3 (
  a INT,
  s VARCHAR(8)
);
INSERT INTO t3 VALUES
  (1, 'a'),
  (NULL, 'b'),
  (2, NULL),
  (2, 'zz');

CREATE TABLE t0 (
  a INT,
  s VARCHAR(8)
);
`;

/** A table as the generator sees it. */
export interface FuzzTable {
  readonly name: string;
  readonly cols: readonly { readonly name: string; readonly ty: Ty }[];
  /** Whether the table has no rows (global aggregates differ by mode over it). */
  readonly empty?: boolean;
}

/** The tables of {@link FUZZ_SCHEMA}. */
export const FUZZ_TABLES: readonly FuzzTable[] = [
  {
    name: "t1",
    cols: [
      { name: "k", ty: "int" },
      { name: "a", ty: "int" },
      { name: "b", ty: "int" },
      { name: "s", ty: "str" },
      { name: "d", ty: "dec" },
      { name: "f", ty: "dbl" },
      { name: "p", ty: "bool" },
      { name: "g", ty: "int" },
    ],
  },
  {
    name: "t2",
    cols: [
      { name: "x", ty: "int" },
      { name: "y", ty: "int" },
      { name: "s", ty: "str" },
      { name: "d", ty: "dec" },
      { name: "f", ty: "dbl" },
    ],
  },
  {
    name: "t3",
    cols: [
      { name: "a", ty: "int" },
      { name: "s", ty: "str" },
    ],
  },
  {
    name: "t0",
    cols: [
      { name: "a", ty: "int" },
      { name: "s", ty: "str" },
    ],
    empty: true,
  },
];
