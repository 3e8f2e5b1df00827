-- Differential queries the engine cannot run or gets wrong today (listed as pending in
-- tests/sql/README.md). test/table/pg-differential.test.ts runs them as `todo`: move a query to
-- queries.sql once Strom runs it and agrees with PostgreSQL.

-- ORDER BY a column that is not selected ("Column 'age' not found in any table")
SELECT id, name FROM emp ORDER BY age DESC NULLS LAST, id;

-- ROUND to a negative number of digits keeps the input DECIMAL(10, 2) type, so
-- ROUND(99999999.99, -2) overflows to NULL instead of 100000000
SELECT id, ROUND(salary, -2) FROM emp;
