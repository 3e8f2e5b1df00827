-- Batch queries run by Strom and by PostgreSQL over tests/sql/pg/schema.sql, results compared
-- (test/table/pg-differential.test.ts). Only constructs whose semantics agree in Flink and
-- PostgreSQL belong here; see "Where Flink and PostgreSQL differ" in tests/sql/README.md.
-- Rows compare sorted unless the query ends with an ORDER BY, which must then be total.

-- projection, filter, arithmetic (integer division truncates in both)
SELECT id, name, age + 1, age * 2 - 3, age / 4, -age FROM emp WHERE age > 30;

SELECT id, salary * 2, salary + 0.5, salary - salary, big FROM emp WHERE salary IS NOT NULL;

-- three-valued logic in WHERE and in the select list
SELECT id FROM emp WHERE NOT (age > 30);

SELECT id FROM emp WHERE age > 30 OR name IS NULL;

SELECT id, age > 30 AND active, age > 30 OR active, NOT active, active IS NULL FROM emp;

SELECT id, active IS TRUE, active IS NOT FALSE, active IS UNKNOWN FROM emp;

SELECT id FROM emp WHERE age BETWEEN 28 AND 45 AND dept IN ('eng', 'sales');

SELECT id FROM emp WHERE dept NOT IN ('eng', 'ops');

-- CASE, COALESCE, NULLIF
SELECT id, CASE WHEN age < 30 THEN 'young' WHEN age < 50 THEN 'mid' ELSE 'senior' END FROM emp;

SELECT id, CASE dept WHEN 'eng' THEN 1 WHEN 'ops' THEN 2 END, COALESCE(dept, name, 'none'), NULLIF(age, 34) FROM emp;

-- aggregates
SELECT COUNT(*), COUNT(age), COUNT(DISTINCT dept), SUM(salary), MIN(name), MAX(hired), SUM(age), MIN(big), MAX(big) FROM emp;

SELECT dept, COUNT(*), SUM(salary), MAX(age), MIN(last_login) FROM emp GROUP BY dept;

SELECT dept, COUNT(*) FROM emp GROUP BY dept HAVING COUNT(*) > 1;

SELECT dept, COUNT(*) FILTER (WHERE age > 30), SUM(salary) FILTER (WHERE active) FROM emp GROUP BY dept;

SELECT COUNT(DISTINCT age), COUNT(DISTINCT salary) FROM emp;

SELECT STDDEV_POP(bonus), STDDEV_SAMP(bonus), VAR_POP(bonus), VAR_SAMP(bonus), AVG(bonus) FROM emp;

SELECT dept, STDDEV_SAMP(bonus), VAR_SAMP(bonus) FROM emp GROUP BY dept HAVING COUNT(bonus) > 1;

SELECT SUM(x) FROM (VALUES (CAST(0.1 AS DECIMAL(10, 2))), (CAST(0.2 AS DECIMAL(10, 2)))) AS v(x);

SELECT COUNT(*), SUM(age), MAX(name) FROM emp WHERE id > 100;

-- DISTINCT, ORDER BY, LIMIT
SELECT DISTINCT dept FROM emp;

SELECT DISTINCT age, active FROM emp;

SELECT id, age FROM emp ORDER BY age NULLS FIRST, id LIMIT 3;

SELECT name FROM emp WHERE name IS NOT NULL ORDER BY name;

SELECT id, salary FROM emp ORDER BY salary DESC NULLS LAST, id LIMIT 2 OFFSET 1;

-- set operations
SELECT dept FROM emp UNION SELECT code FROM dept;

SELECT dept FROM emp UNION ALL SELECT code FROM dept;

SELECT dept FROM emp INTERSECT SELECT code FROM dept;

SELECT code FROM dept EXCEPT SELECT dept FROM emp;

SELECT age FROM emp INTERSECT ALL SELECT age FROM emp WHERE id < 8;

SELECT age FROM emp EXCEPT ALL SELECT age FROM emp WHERE id = 1;

-- subqueries
SELECT id FROM emp WHERE dept IN (SELECT code FROM dept WHERE building = 2);

SELECT id FROM emp WHERE dept NOT IN (SELECT code FROM dept WHERE building = 1);

SELECT id FROM emp WHERE age NOT IN (SELECT age FROM emp WHERE id = 4);

-- WITH and VALUES
WITH big_earners AS (SELECT id, dept FROM emp WHERE salary > 4000)
SELECT dept, COUNT(*) FROM big_earners GROUP BY dept;

SELECT a, b FROM (VALUES (1, 'x'), (2, 'y'), (3, NULL)) AS t(a, b) WHERE a >= 2;

-- joins
SELECT e.id, d.title FROM emp e JOIN dept d ON e.dept = d.code;

SELECT e.id, d.title FROM emp e LEFT JOIN dept d ON e.dept = d.code;

SELECT e.id, d.code FROM emp e RIGHT JOIN dept d ON e.dept = d.code;

SELECT e.id, d.code FROM emp e FULL OUTER JOIN dept d ON e.dept = d.code;

SELECT e.id, d.code FROM emp e CROSS JOIN dept d WHERE e.id < 3;

SELECT e.id, d.code FROM emp e JOIN dept d ON e.dept = d.code AND e.age > d.building * 20;

SELECT e1.id, e2.id FROM emp e1 JOIN emp e2 ON e1.age = e2.age AND e1.id < e2.id;

SELECT d.code, COUNT(e.id) FROM dept d LEFT JOIN emp e ON e.dept = d.code GROUP BY d.code;

-- casts
SELECT id, CAST(age AS BIGINT), CAST(age AS VARCHAR(10)), CAST(salary AS VARCHAR(20)), CAST(id AS DECIMAL(5, 2)) FROM emp;

SELECT CAST('42' AS INT), CAST('  7 ' AS INT), CAST('2024-02-29' AS DATE), CAST('12.345' AS DECIMAL(6, 2)), CAST(last_login AS DATE) FROM emp WHERE id = 1;

-- string functions
SELECT id, UPPER(name), LOWER(name), CHAR_LENGTH(name), name || '-' || dept FROM emp;

SELECT id, SUBSTRING(name FROM 2 FOR 3), SUBSTRING(name FROM 3), POSITION('a' IN name), TRIM(BOTH ' ' FROM '  x  ') FROM emp;

SELECT id, REPLACE(name, 'a', 'A'), LPAD(name, 7, '*'), RPAD(name, 3, '*'), REPEAT(dept, 2) FROM emp;

SELECT id FROM emp WHERE name LIKE 'A%' OR name LIKE '_o_';

SELECT id, LTRIM('  a '), RTRIM(' a  '), TRIM(LEADING 'x' FROM 'xxaxx'), TRIM(TRAILING 'x' FROM 'xxaxx') FROM emp WHERE id = 1;

-- math functions (exact on DECIMAL, DOUBLE otherwise; MOD keeps the dividend's sign in both)
SELECT id, name, MOD(age, 7), MOD(-age, 7) FROM emp WHERE age > 30;

SELECT id, ABS(age - 40), ABS(salary - 4000), SIGN(age - 40), CEIL(salary), FLOOR(salary) FROM emp;

SELECT id, ROUND(salary, 1), POWER(bonus, 2), SQRT(ABS(bonus)) FROM emp;

SELECT id, EXP(1.0E0) > 2.718, LN(EXP(2.0E0)), LOG10(1000.0E0) FROM emp WHERE id = 1;

-- temporal
SELECT id, EXTRACT(YEAR FROM hired), EXTRACT(MONTH FROM hired), EXTRACT(DAY FROM hired) FROM emp;

SELECT id, EXTRACT(HOUR FROM last_login), EXTRACT(MINUTE FROM last_login) FROM emp;

SELECT id FROM emp WHERE hired >= DATE '2019-01-01' AND last_login < TIMESTAMP '2024-01-06 00:00:00';

SELECT id, hired, last_login FROM emp WHERE last_login IS NOT NULL;

-- edges of BIGINT and DECIMAL
SELECT id, big FROM emp WHERE big > 9007199254740991 OR big < 0;

SELECT MAX(big), MIN(big), COUNT(big) FROM emp;

SELECT CAST(99999999.99 AS DECIMAL(10, 2)) + CAST(0.01 AS DECIMAL(10, 2)), CAST(0.1 AS DECIMAL(3, 1)) * CAST(0.1 AS DECIMAL(3, 1));

-- correlated subqueries (decorrelated into joins: COUNT of no rows is 0)
SELECT code, (SELECT COUNT(*) FROM emp e WHERE e.dept = d.code) FROM dept d;

SELECT code, (SELECT MAX(salary) FROM emp e WHERE e.dept = d.code AND e.active) FROM dept d;

SELECT id, (SELECT COUNT(*) + 1 FROM emp e2 WHERE e2.dept = e.dept AND e2.age = e.age) FROM emp e;

SELECT id FROM emp e WHERE salary > (SELECT AVG(salary) FROM emp e2 WHERE e2.dept = e.dept);

SELECT id, (SELECT title FROM dept d WHERE d.code = e.dept) FROM emp e;

SELECT code, (SELECT COUNT(*) FROM emp e WHERE e.dept = d.code HAVING COUNT(*) > 2) FROM dept d;

SELECT code FROM dept d WHERE EXISTS (SELECT 1 FROM emp e WHERE e.dept = d.code AND e.age > 40);

SELECT code FROM dept d WHERE EXISTS (SELECT 1 FROM emp e WHERE e.dept = d.code);

SELECT code FROM dept d WHERE NOT EXISTS (SELECT 1 FROM emp e WHERE e.dept = d.code AND e.age > 40);

SELECT name FROM emp WHERE salary = (SELECT MAX(salary) FROM emp);

SELECT id, (SELECT COUNT(*) FROM emp e2 WHERE e2.dept = e.dept) FROM emp e;

-- GROUPING SETS, ROLLUP, CUBE and GROUPING() (GROUPING is BIGINT in Flink, integer in PostgreSQL)
SELECT dept, active, COUNT(*), SUM(age), GROUPING(dept), GROUPING(dept, active) FROM emp GROUP BY ROLLUP (dept, active);

SELECT dept, active, COUNT(*), MAX(salary) FROM emp GROUP BY CUBE (dept, active);

SELECT dept, name, MIN(age) FROM emp GROUP BY GROUPING SETS ((dept), (name), ());

SELECT dept, active, COUNT(*) FROM emp GROUP BY dept, ROLLUP (active) HAVING COUNT(*) > 1;

SELECT dept, COUNT(*), SUM(age), GROUPING(dept) FROM emp WHERE id < 0 GROUP BY ROLLUP (dept);

SELECT dept, COUNT(*) AS n, GROUPING(dept) AS g FROM emp GROUP BY ROLLUP (dept) ORDER BY g, dept NULLS FIRST;

-- correlated through other conditions than equalities (the distinct outer values joined in)
SELECT id, (SELECT COUNT(*) FROM emp e2 WHERE e2.salary > e.salary) FROM emp e;

SELECT id, (SELECT MAX(age) FROM emp e2 WHERE e2.dept = e.dept AND e2.id < e.id) FROM emp e;

SELECT id, (SELECT e2.name FROM emp e2 WHERE e2.id > e.id AND e2.id < e.id + 2) FROM emp e;

SELECT code FROM dept d WHERE EXISTS (SELECT 1 FROM emp e WHERE e.dept = d.code AND e.salary > d.budget / 100);

SELECT code FROM dept d WHERE NOT EXISTS (SELECT 1 FROM emp e WHERE e.salary * 100 > d.budget);

SELECT id FROM emp e WHERE age IN (SELECT age FROM emp e2 WHERE e2.id <> e.id);

SELECT id FROM emp e WHERE age NOT IN (SELECT age FROM emp e2 WHERE e2.id > e.id AND e2.age IS NOT NULL);

SELECT id FROM emp e WHERE salary >= (SELECT AVG(salary) FROM emp e2 WHERE e2.hired <= e.hired);

-- ORDER BY columns that are not selected (bound as hidden sort columns).
SELECT id, name FROM emp ORDER BY age DESC NULLS LAST, id;

-- ROUND to a negative number of digits widens the DECIMAL result so it does not overflow.
SELECT id, ROUND(salary, -2) FROM emp;
