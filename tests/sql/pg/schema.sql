-- Tables of the PostgreSQL differential tests (test/table/pg-differential.test.ts). PostgreSQL
-- runs this script as it is; Strom loads the same statements as in-memory tables, so keep to
-- the types and literals both read alike: INT, BIGINT, SMALLINT, DECIMAL(p, s),
-- DOUBLE PRECISION, VARCHAR(n), BOOLEAN, DATE, TIMESTAMP(3).
CREATE TABLE emp (
  id INT NOT NULL,
  name VARCHAR(20),
  dept VARCHAR(10),
  salary DECIMAL(10, 2),
  bonus DOUBLE PRECISION,
  age INT,
  active BOOLEAN,
  hired DATE,
  last_login TIMESTAMP(3),
  big BIGINT
);

INSERT INTO emp VALUES
  (1, 'Alice', 'eng', 5200.50, 1000.5, 34, TRUE, DATE '2019-03-01', TIMESTAMP '2024-01-05 09:15:00.250', 9223372036854775807),
  (2, 'Bob', 'eng', 4100.00, 250.25, 28, TRUE, DATE '2021-07-15', TIMESTAMP '2024-01-06 18:00:00', -9223372036854775808),
  (3, 'Carol', 'sales', 3900.10, NULL, 45, FALSE, DATE '2015-11-30', NULL, 9007199254740993),
  (4, 'Dan', 'sales', 3900.10, 120.0, NULL, TRUE, DATE '2020-02-29', TIMESTAMP '2023-12-31 23:59:59.999', 42),
  (5, 'Eve', NULL, 2500.00, 0.1, 23, NULL, NULL, TIMESTAMP '2024-02-29 12:00:00.001', NULL),
  (6, NULL, 'ops', NULL, 0.2, 51, FALSE, DATE '2010-01-01', NULL, 0),
  (7, 'alice', 'ops', 0.01, -75.5, 34, TRUE, DATE '2022-12-31', TIMESTAMP '2024-01-01 00:00:00', -1),
  (8, 'Frank', 'eng', 99999999.99, 1.0E10, 62, FALSE, DATE '1999-12-31', TIMESTAMP '1999-12-31 23:59:59', 9007199254740992);

CREATE TABLE dept (
  code VARCHAR(10) NOT NULL,
  title VARCHAR(30),
  budget DECIMAL(12, 2),
  building SMALLINT
);

INSERT INTO dept VALUES
  ('eng', 'Engineering', 1000000.00, 1),
  ('sales', 'Sales', 250000.50, 2),
  ('hr', 'Human Resources', NULL, 2),
  ('legal', NULL, 75000.00, NULL);
