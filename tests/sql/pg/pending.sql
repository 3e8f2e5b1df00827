-- Differential queries the engine cannot run or gets wrong today (listed as pending in
-- tests/sql/README.md). test/table/pg-differential.test.ts runs them as `todo`: move a query to
-- queries.sql once Strom runs it and agrees with PostgreSQL.

-- ORDER BY a column that is not selected ("Column 'age' not found in any table")
SELECT id, name FROM emp ORDER BY age DESC NULLS LAST, id;

-- correlated EXISTS / NOT EXISTS ("Table 'd' not found": correlation is not resolved)
SELECT code FROM dept d WHERE EXISTS (SELECT 1 FROM emp e WHERE e.dept = d.code);

SELECT code FROM dept d WHERE NOT EXISTS (SELECT 1 FROM emp e WHERE e.dept = d.code AND e.age > 40);

-- scalar subqueries in a comparison and in the select list
SELECT name FROM emp WHERE salary = (SELECT MAX(salary) FROM emp);

SELECT id, (SELECT COUNT(*) FROM emp e2 WHERE e2.dept = e.dept) FROM emp e;

-- ROUND to a negative number of digits keeps the input DECIMAL(10, 2) type, so
-- ROUND(99999999.99, -2) overflows to NULL instead of 100000000
SELECT id, ROUND(salary, -2) FROM emp;
