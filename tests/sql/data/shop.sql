-- A small shop: the tables most golden files load with `load data/shop.sql`.
CREATE TABLE orders (
  id INT NOT NULL,
  customer STRING,
  product STRING,
  qty INT,
  price DECIMAL(10, 2),
  ts TIMESTAMP(3)
);

INSERT INTO orders VALUES
  (1, 'ann', 'apple', 3, 1.20, TIMESTAMP '2024-01-01 10:00:00'),
  (2, 'bob', 'pear', 1, 2.50, TIMESTAMP '2024-01-01 11:30:00'),
  (3, 'ann', 'pear', 2, 2.50, TIMESTAMP '2024-01-02 09:15:00'),
  (4, 'cid', 'apple', NULL, 1.20, TIMESTAMP '2024-01-02 12:00:00'),
  (5, 'bob', 'fig', 7, 0.35, TIMESTAMP '2024-01-03 08:00:00'),
  (6, NULL, 'fig', 4, 0.35, NULL),
  (7, 'ann', 'kiwi', 1, NULL, TIMESTAMP '2024-01-03 20:45:30.5');

CREATE TABLE customers (
  name STRING NOT NULL,
  city STRING,
  tier INT
);

INSERT INTO customers VALUES
  ('ann', 'Oslo', 1),
  ('bob', 'Bergen', 2),
  ('dan', 'Tromso', NULL),
  ('eve', NULL, 2);
