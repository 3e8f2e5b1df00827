-- Queries of the cost-based rules (planner/join-order.ts, agg-join-pushdown.ts, agg-pushdown.ts)
-- with the rules on: SET statements run in Strom only (test/table/pg-differential.test.ts) and
-- are reset after this file. Multi-way joins, and aggregates over joins and UNION ALL, compared
-- with PostgreSQL.

SET 'table.optimizer.join-reorder-enabled' = 'true';

SET 'table.optimizer.agg-push-down-enabled' = 'true';

-- multi-way inner joins (comma joins and JOIN ... ON), a self join, NULL keys
SELECT e1.id, e2.id, d.title FROM emp e1, emp e2, dept d WHERE e1.dept = e2.dept AND e2.dept = d.code AND e1.id < e2.id;

SELECT e.id, d.title, m.name FROM dept d JOIN emp e ON e.dept = d.code JOIN emp m ON m.age = e.age AND m.id <> e.id;

SELECT e.name, d.code, d2.code FROM emp e JOIN dept d ON e.dept = d.code JOIN dept d2 ON d2.building = d.building;

SELECT e.id, d.code FROM emp e JOIN dept d ON e.dept = d.code JOIN emp e2 ON e2.id = e.id LEFT JOIN dept d3 ON d3.code = e2.name;

SELECT e.id, d.code, x.n FROM emp e JOIN dept d ON e.dept IS NOT DISTINCT FROM d.code JOIN (SELECT dept, COUNT(*) AS n FROM emp GROUP BY dept) x ON x.dept IS NOT DISTINCT FROM e.dept;

SELECT COUNT(*) FROM emp e1, emp e2, dept d WHERE e1.dept = d.code AND e2.age > 40;

-- aggregates over inner equi-joins (one side pre-aggregated), NULL keys, FILTER, empty input
SELECT d.title, COUNT(*), SUM(e.salary), MIN(e.age), MAX(e.hired), MAX(d.budget) FROM emp e JOIN dept d ON e.dept = d.code GROUP BY d.title;

SELECT e.dept, COUNT(e.bonus), SUM(e.salary) FILTER (WHERE e.active), MIN(d.title) FROM emp e JOIN dept d ON e.dept = d.code GROUP BY e.dept;

SELECT d.building, COUNT(*), SUM(e.age) FROM emp e JOIN dept d ON e.dept = d.code GROUP BY d.building;

SELECT COUNT(*), SUM(e.salary), MIN(d.code) FROM emp e JOIN dept d ON e.dept = d.code;

SELECT COUNT(*), SUM(e.salary), MAX(d.code) FROM emp e JOIN dept d ON e.dept = d.code WHERE e.id > 100;

SELECT d.title, COUNT(DISTINCT e.age) FROM emp e JOIN dept d ON e.dept = d.code GROUP BY d.title;

-- aggregates over UNION ALL (partial aggregates per branch)
SELECT dept, COUNT(*), SUM(age), MIN(name), MAX(salary) FROM (SELECT dept, age, name, salary FROM emp UNION ALL SELECT code, building, title, budget FROM dept UNION ALL SELECT dept, age, NULL, salary FROM emp WHERE age > 40) u GROUP BY dept;

SELECT COUNT(*), SUM(x), MAX(x) FROM (SELECT age AS x FROM emp WHERE id > 100 UNION ALL SELECT building FROM dept WHERE code = 'none') u;

SELECT COUNT(*), SUM(x) FROM (SELECT age AS x FROM emp UNION ALL SELECT building FROM dept) u;
