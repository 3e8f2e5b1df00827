// Every syntax form shown by the statement and query pages of Flink's SQL documentation,
// written afresh (own names and values), grouped by page. Each statement must parse, and its
// canonical printout must parse back to the same AST.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatStatement, parseStatements, type Statement } from "../../src/table/sql/index.ts";

const PAGES: Record<string, string[]> = {
  "create.md": [
    `CREATE TABLE shop_orders (
       order_id BIGINT,
       customer STRING,
       amount DECIMAL(12, 2),
       placed_at TIMESTAMP(3),
       WATERMARK FOR placed_at AS placed_at - INTERVAL '3' SECOND
     ) WITH ('connector' = 'kafka', 'topic' = 'orders', 'format' = 'json')`,
    `CREATE TABLE IF NOT EXISTS cat1.db1.readings (
       sensor_id INT NOT NULL,
       reading DOUBLE COMMENT 'celsius',
       ingest_ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp',
       part INT METADATA FROM 'partition' VIRTUAL,
       \`offset\` BIGINT METADATA VIRTUAL,
       PRIMARY KEY (sensor_id) NOT ENFORCED
     ) COMMENT 'sensor readings' WITH ('connector' = 'upsert-kafka')`,
    `CREATE TABLE priced (
       item STRING,
       unit_price DOUBLE,
       qty INT,
       total AS unit_price * qty,
       proc_time AS PROCTIME()
     ) WITH ('connector' = 'datagen')`,
    `CREATE TABLE events (
       raw STRING,
       ts AS TO_TIMESTAMP(JSON_VALUE(raw, '$.ts')),
       WATERMARK FOR ts AS ts - INTERVAL '0.001' SECOND
     ) WITH ('connector' = 'filesystem', 'path' = '/tmp/events', 'format' = 'raw')`,
    `CREATE TABLE accounts (
       account_id STRING PRIMARY KEY NOT ENFORCED,
       owner STRING
     ) WITH ('connector' = 'jdbc')`,
    `CREATE TABLE ledger (
       entry_id BIGINT,
       book STRING,
       CONSTRAINT pk_ledger PRIMARY KEY (entry_id, book) NOT ENFORCED
     ) PARTITIONED BY (book) WITH ('connector' = 'filesystem', 'path' = 's3://ledger', 'format' = 'parquet')`,
    `CREATE TABLE bucketed (uid BIGINT, name STRING)
     DISTRIBUTED BY HASH(uid) INTO 8 BUCKETS WITH ('connector' = 'kafka')`,
    `CREATE TABLE orders_wm (
       WATERMARK FOR placed_at AS placed_at - INTERVAL '10' SECOND
     ) WITH ('scan.startup.mode' = 'latest-offset') LIKE shop_orders`,
    `CREATE TABLE orders_kafka (
       WATERMARK FOR placed_at AS placed_at - INTERVAL '5' SECOND
     ) WITH ('connector' = 'kafka')
     LIKE shop_orders (EXCLUDING ALL INCLUDING GENERATED OVERWRITING OPTIONS)`,
    `CREATE TABLE big_orders WITH ('connector' = 'blackhole')
     AS SELECT order_id, amount FROM shop_orders WHERE amount > 100`,
    `CREATE OR REPLACE TABLE snapshot_t WITH ('connector' = 'print') AS SELECT * FROM shop_orders`,
    `CREATE TEMPORARY TABLE tmp_src (x INT, y ARRAY<STRING>, z MAP<STRING, ROW<a INT, b STRING>>)
     WITH ('connector' = 'datagen', 'rows-per-second' = '5')`,
    `CREATE TABLE typed (
       c1 CHAR(3), c2 VARCHAR(20), c3 STRING, c4 BOOLEAN, c5 BINARY(4), c6 VARBINARY(8),
       c7 BYTES, c8 DEC(5, 1), c9 NUMERIC(20), c10 TINYINT, c11 SMALLINT, c12 INTEGER,
       c13 FLOAT, c14 DOUBLE PRECISION, c15 DATE, c16 TIME(3), c17 TIMESTAMP(6) WITHOUT TIME ZONE,
       c18 TIMESTAMP(3) WITH LOCAL TIME ZONE, c19 INTERVAL DAY(2) TO SECOND(3),
       c20 INTERVAL YEAR TO MONTH, c21 INT ARRAY, c22 MULTISET<STRING>,
       c23 ROW(name STRING, score INT), c24 ROW<label STRING 'the label'> NOT NULL,
       c25 RAW('java.lang.Object', 'AEZ'), c26 STRING NULL
     ) WITH ('connector' = 'blackhole')`,
    `CREATE DATABASE IF NOT EXISTS cat1.analytics COMMENT 'team db' WITH ('owner' = 'ops')`,
    `CREATE DATABASE scratch`,
    `CREATE VIEW recent_orders AS SELECT * FROM shop_orders WHERE placed_at > TIMESTAMP '2024-01-01 00:00:00'`,
    `CREATE TEMPORARY VIEW IF NOT EXISTS order_totals (customer, total) COMMENT 'per customer'
     AS SELECT customer, SUM(amount) FROM shop_orders GROUP BY customer`,
    `CREATE FUNCTION normalize AS 'com.acme.udf.Normalize'`,
    `CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS py_score AS 'scores.score' LANGUAGE PYTHON`,
    `CREATE TEMPORARY FUNCTION cat1.db1.parse_ua AS 'com.acme.ParseUa' LANGUAGE JAVA
     USING JAR '/opt/udfs/ua.jar', JAR 'hdfs:///libs/common.jar'`,
    `CREATE CATALOG lake WITH ('type' = 'hive', 'hive-conf-dir' = '/etc/hive')`,
    `CREATE CATALOG IF NOT EXISTS mem COMMENT 'scratch space' WITH ('type' = 'generic_in_memory')`,
  ],
  "drop.md": [
    `DROP TABLE shop_orders`,
    `DROP TEMPORARY TABLE IF EXISTS cat1.db1.tmp_src`,
    `DROP DATABASE IF EXISTS cat1.analytics CASCADE`,
    `DROP DATABASE scratch RESTRICT`,
    `DROP VIEW recent_orders`,
    `DROP TEMPORARY VIEW IF EXISTS order_totals`,
    `DROP FUNCTION IF EXISTS normalize`,
    `DROP TEMPORARY SYSTEM FUNCTION py_score`,
    `DROP CATALOG IF EXISTS lake`,
  ],
  "alter.md": [
    `ALTER TABLE shop_orders ADD region STRING COMMENT 'sales region'`,
    `ALTER TABLE shop_orders ADD (
       raw_ts STRING COMMENT 'raw time' FIRST,
       evt_ts AS TO_TIMESTAMP(raw_ts) AFTER raw_ts,
       PRIMARY KEY (order_id) NOT ENFORCED,
       WATERMARK FOR evt_ts AS evt_ts - INTERVAL '2' SECOND
     )`,
    `ALTER TABLE shop_orders MODIFY amount DOUBLE COMMENT 'in euro' AFTER \`order_id\``,
    `ALTER TABLE IF EXISTS shop_orders MODIFY (
       region STRING NOT NULL,
       WATERMARK FOR placed_at AS placed_at
     )`,
    `ALTER TABLE shop_orders DROP region`,
    `ALTER TABLE shop_orders DROP (raw_ts, evt_ts)`,
    `ALTER TABLE shop_orders DROP PRIMARY KEY`,
    `ALTER TABLE ledger DROP CONSTRAINT pk_ledger`,
    `ALTER TABLE shop_orders DROP WATERMARK`,
    `ALTER TABLE shop_orders RENAME customer TO buyer`,
    `ALTER TABLE shop_orders RENAME TO webshop_orders`,
    `ALTER TABLE gen SET ('rows-per-second' = '100', 'fields.id.kind' = 'sequence')`,
    `ALTER TABLE gen RESET ('rows-per-second')`,
    `ALTER TABLE ledger ADD PARTITION (book = 'eu') WITH ('location' = '/eu')`,
    `ALTER TABLE ledger DROP IF EXISTS PARTITION (book = 'us'), PARTITION (book = 'apac')`,
    `ALTER TABLE bucketed MODIFY DISTRIBUTION INTO 16 BUCKETS`,
    `ALTER TABLE bucketed DROP DISTRIBUTION`,
    `ALTER VIEW recent_orders RENAME TO latest_orders`,
    `ALTER VIEW latest_orders AS SELECT order_id FROM shop_orders`,
    `ALTER DATABASE cat1.analytics SET ('owner' = 'data-eng')`,
    `ALTER TEMPORARY SYSTEM FUNCTION IF EXISTS py_score AS 'scores.v2' LANGUAGE PYTHON`,
    `ALTER FUNCTION normalize AS 'com.acme.udf.Normalize2'`,
    `ALTER CATALOG lake SET ('default-database' = 'raw')`,
    `ALTER CATALOG lake COMMENT 'the data lake'`,
  ],
  "insert.md": [
    `INSERT INTO big_orders SELECT order_id, amount FROM shop_orders WHERE amount >= 1000`,
    `INSERT OVERWRITE ledger PARTITION (book = 'eu') SELECT entry_id FROM staging`,
    `INSERT INTO ledger PARTITION (book = 'eu') (entry_id) SELECT id FROM staging`,
    `INSERT INTO people (name, age) VALUES ('Ann', 31), ('Bo', 27)`,
    `INSERT INTO sink_t /*+ OPTIONS('sink.parallelism' = '2') */ SELECT * FROM src_t`,
    `EXECUTE STATEMENT SET BEGIN
       INSERT INTO eu_orders SELECT * FROM shop_orders WHERE region = 'eu';
       INSERT INTO us_orders SELECT * FROM shop_orders WHERE region = 'us';
     END`,
    `EXECUTE INSERT INTO audit SELECT order_id, CURRENT_TIMESTAMP FROM shop_orders`,
  ],
  "queries/overview.md (select, where, with, distinct, values)": [
    `SELECT * FROM shop_orders`,
    `SELECT order_id, amount * 1.2 AS gross FROM shop_orders WHERE customer LIKE 'A%' AND amount <> 0`,
    `SELECT DISTINCT customer FROM shop_orders`,
    `SELECT item, price FROM (VALUES ('pen', 1.5), ('ink', 3.25)) AS catalog_items (item, price)`,
    `WITH by_customer (who, total) AS (
       SELECT customer, SUM(amount) FROM shop_orders GROUP BY customer
     ) SELECT who FROM by_customer WHERE total > 500`,
    `WITH a AS (SELECT 1 AS x), b AS (SELECT x + 1 AS y FROM a) SELECT * FROM a CROSS JOIN b`,
    `SELECT PRETTY_PRINT(order_id) FROM shop_orders`,
    `SELECT UPPER(customer) || '!' AS shout, CAST(amount AS BIGINT) FROM shop_orders`,
  ],
  "queries/hints.md": [
    `SELECT id, name FROM kafka_t /*+ OPTIONS('scan.startup.mode' = 'earliest-offset') */`,
    `SELECT /*+ BROADCAST(dim) */ f.*, dim.label FROM facts f JOIN dim ON f.k = dim.k`,
    `SELECT /*+ SHUFFLE_HASH(a, b), SHUFFLE_MERGE(c) */ * FROM a JOIN b ON a.x = b.x JOIN c ON b.y = c.y`,
    `SELECT /*+ NEST_LOOP(t2) */ * FROM t1 JOIN t2 ON t1.id = t2.id`,
    `SELECT /*+ LOOKUP('table'='Customers', 'retry-predicate'='lookup_miss', 'retry-strategy'='fixed_delay', 'fixed-delay'='10s', 'max-attempts'='3') */
       o.order_id, c.country
     FROM shop_orders AS o JOIN Customers FOR SYSTEM_TIME AS OF o.proc_time AS c ON o.customer = c.id`,
    `SELECT /*+ STATE_TTL('o' = '1d', 'p' = '12h') */ o.order_id, p.sku
     FROM shop_orders o LEFT JOIN products p ON o.order_id = p.order_id`,
  ],
  "queries/joins.md": [
    `SELECT * FROM shop_orders INNER JOIN products ON shop_orders.product_id = products.id`,
    `SELECT * FROM shop_orders LEFT JOIN products ON shop_orders.product_id = products.id`,
    `SELECT * FROM shop_orders RIGHT OUTER JOIN products ON shop_orders.product_id = products.id`,
    `SELECT * FROM shop_orders FULL OUTER JOIN products USING (product_id)`,
    `SELECT * FROM shop_orders NATURAL JOIN products`,
    `SELECT o.order_id, s.shipped_at FROM shop_orders o, shipments s
     WHERE o.order_id = s.order_id
       AND o.placed_at BETWEEN s.shipped_at - INTERVAL '4' HOUR AND s.shipped_at`,
    `SELECT o.order_id, o.amount, r.rate FROM shop_orders AS o
     LEFT JOIN currency_rates FOR SYSTEM_TIME AS OF o.placed_at AS r ON o.currency = r.currency`,
    `SELECT o.amount, c.country FROM shop_orders AS o
     JOIN customers FOR SYSTEM_TIME AS OF o.proc_time AS c ON o.customer = c.id`,
    `SELECT order_id, tag FROM shop_orders CROSS JOIN UNNEST(tags) AS t (tag)`,
    `SELECT order_id, tag, pos FROM shop_orders CROSS JOIN UNNEST(tags) WITH ORDINALITY AS t (tag, pos)`,
    `SELECT customer, word FROM shop_orders, LATERAL TABLE(split_words(note)) t(word)`,
    `SELECT customer, word FROM shop_orders LEFT JOIN LATERAL TABLE(split_words(note)) AS t(word) ON TRUE`,
    `SELECT * FROM (a JOIN b ON a.k = b.k) LEFT JOIN c ON b.j = c.j`,
  ],
  "queries/window-tvf.md": [
    `SELECT * FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(bid_time), INTERVAL '10' MINUTES))`,
    `SELECT * FROM TABLE(TUMBLE(DATA => TABLE bids, TIMECOL => DESCRIPTOR(bid_time), SIZE => INTERVAL '10' MINUTES))`,
    `SELECT * FROM TABLE(HOP(TABLE bids, DESCRIPTOR(bid_time), INTERVAL '5' MINUTES, INTERVAL '15' MINUTES))`,
    `SELECT * FROM TABLE(HOP(DATA => TABLE bids, TIMECOL => DESCRIPTOR(bid_time), SLIDE => INTERVAL '5' MINUTES, SIZE => INTERVAL '15' MINUTES))`,
    `SELECT * FROM TABLE(CUMULATE(TABLE bids, DESCRIPTOR(bid_time), INTERVAL '2' MINUTES, INTERVAL '10' MINUTES))`,
    `SELECT * FROM TABLE(SESSION(TABLE bids PARTITION BY item, DESCRIPTOR(bid_time), INTERVAL '5' MINUTES))`,
    `SELECT * FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(bid_time), INTERVAL '1' HOUR, INTERVAL '15' MINUTES))`,
  ],
  "queries/window-agg.md": [
    `SELECT window_start, window_end, SUM(price) AS total
     FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(bid_time), INTERVAL '10' MINUTES))
     GROUP BY window_start, window_end`,
    `SELECT window_start, window_end, item, SUM(price)
     FROM TABLE(SESSION(TABLE bids PARTITION BY item, DESCRIPTOR(bid_time), INTERVAL '5' MINUTES))
     GROUP BY item, window_start, window_end`,
    `SELECT window_start, window_end, supplier, SUM(price)
     FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(bid_time), INTERVAL '10' MINUTES))
     GROUP BY window_start, window_end, GROUPING SETS ((supplier, item), (supplier), ())`,
    `SELECT window_start, window_end, supplier, item, SUM(price)
     FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(bid_time), INTERVAL '10' MINUTES))
     GROUP BY window_start, window_end, ROLLUP (supplier, item)`,
    `SELECT window_start, window_end, supplier, item, SUM(price)
     FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(bid_time), INTERVAL '10' MINUTES))
     GROUP BY window_start, window_end, CUBE (supplier, item)`,
    `SELECT w2.window_start, SUM(w2.partial) FROM (
       SELECT window_start, window_end, window_time, SUM(price) AS partial
       FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(bid_time), INTERVAL '5' MINUTES))
       GROUP BY window_start, window_end, window_time
     ) w1, LATERAL TABLE(TUMBLE(TABLE w1, DESCRIPTOR(window_time), INTERVAL '10' MINUTES)) AS w2
     GROUP BY w2.window_start`,
    `SELECT user_id,
       TUMBLE_START(ts, INTERVAL '1' DAY) AS day_start,
       TUMBLE_ROWTIME(ts, INTERVAL '1' DAY) AS rt,
       COUNT(DISTINCT product) AS products
     FROM clicks GROUP BY TUMBLE(ts, INTERVAL '1' DAY), user_id`,
    `SELECT HOP_START(ts, INTERVAL '1' HOUR, INTERVAL '1' DAY), SUM(amount)
     FROM clicks GROUP BY HOP(ts, INTERVAL '1' HOUR, INTERVAL '1' DAY)`,
    `SELECT SESSION_END(ts, INTERVAL '12' HOUR), COUNT(*) FROM clicks
     GROUP BY SESSION(ts, INTERVAL '12' HOUR), user_id`,
  ],
  "queries/window-join.md": [
    `SELECT l.num AS l_num, r.num AS r_num, COALESCE(l.window_start, r.window_start) AS window_start
     FROM (
       SELECT * FROM TABLE(TUMBLE(TABLE left_t, DESCRIPTOR(row_time), INTERVAL '5' MINUTES))
     ) l FULL JOIN (
       SELECT * FROM TABLE(TUMBLE(TABLE right_t, DESCRIPTOR(row_time), INTERVAL '5' MINUTES))
     ) r ON l.num = r.num AND l.window_start = r.window_start AND l.window_end = r.window_end`,
    `SELECT * FROM (
       SELECT * FROM TABLE(TUMBLE(TABLE left_t, DESCRIPTOR(row_time), INTERVAL '5' MINUTES))
     ) l WHERE l.num IN (
       SELECT num FROM (
         SELECT * FROM TABLE(TUMBLE(TABLE right_t, DESCRIPTOR(row_time), INTERVAL '5' MINUTES))
       ) r WHERE l.window_start = r.window_start AND l.window_end = r.window_end)`,
    `SELECT * FROM (
       SELECT * FROM TABLE(TUMBLE(TABLE left_t, DESCRIPTOR(row_time), INTERVAL '5' MINUTES))
     ) l WHERE NOT EXISTS (
       SELECT * FROM (
         SELECT * FROM TABLE(TUMBLE(TABLE right_t, DESCRIPTOR(row_time), INTERVAL '5' MINUTES))
       ) r WHERE l.num = r.num AND l.window_start = r.window_start)`,
  ],
  "queries/window-topn.md and window-deduplication.md": [
    `SELECT * FROM (
       SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY total DESC) AS rn
       FROM (
         SELECT window_start, window_end, supplier, SUM(price) AS total, COUNT(*) AS cnt
         FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(bid_time), INTERVAL '10' MINUTES))
         GROUP BY window_start, window_end, supplier)
     ) WHERE rn <= 3`,
    `SELECT * FROM (
       SELECT bid_time, price, item, window_start, window_end,
         ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY bid_time DESC) AS rownum
       FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(bid_time), INTERVAL '10' MINUTES))
     ) WHERE rownum <= 1`,
  ],
  "queries/group-agg.md": [
    `SELECT COUNT(*) FROM shop_orders`,
    `SELECT customer, AVG(amount), MAX(amount), MIN(amount) FROM shop_orders GROUP BY customer`,
    `SELECT COUNT(DISTINCT customer) FROM shop_orders`,
    `SELECT supplier, rating, COUNT(*) AS total FROM (VALUES
       ('A', 'g', 1), ('A', 'g', 2), ('B', 'b', 3)
     ) AS products(supplier, rating, id)
     GROUP BY GROUPING SETS ((supplier, rating), (supplier), ())`,
    `SELECT supplier, rating, COUNT(*) FROM products GROUP BY ROLLUP (supplier, rating)`,
    `SELECT supplier, rating, COUNT(*) FROM products GROUP BY CUBE (supplier, rating)`,
    `SELECT customer, SUM(amount) FROM shop_orders GROUP BY customer HAVING SUM(amount) > 50`,
    `SELECT customer, COUNT(*) FILTER (WHERE amount > 10) AS big FROM shop_orders GROUP BY customer`,
    `SELECT customer, LISTAGG(item, ';') WITHIN GROUP (ORDER BY item) FROM shop_orders GROUP BY customer`,
    `SELECT GROUPING(supplier), GROUPING_ID(supplier, rating) FROM products GROUP BY CUBE (supplier, rating)`,
  ],
  "queries/over-agg.md": [
    `SELECT order_id, placed_at, amount,
       SUM(amount) OVER (PARTITION BY product ORDER BY placed_at
         RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) AS one_hour_total
     FROM shop_orders`,
    `SELECT order_id, SUM(amount) OVER w AS s, AVG(amount) OVER w AS a
     FROM shop_orders
     WINDOW w AS (PARTITION BY product ORDER BY placed_at ROWS BETWEEN 10 PRECEDING AND CURRENT ROW)`,
    `SELECT COUNT(*) OVER (ORDER BY proc_time ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM clicks`,
    `SELECT LAG(amount, 1) OVER (PARTITION BY customer ORDER BY placed_at) FROM shop_orders`,
  ],
  "queries/topn.md and deduplication.md": [
    `SELECT product_id, category, sales FROM (
       SELECT *, ROW_NUMBER() OVER (PARTITION BY category ORDER BY sales DESC) AS row_num
       FROM shop_sales)
     WHERE row_num <= 5`,
    `SELECT order_id, customer, placed_at FROM (
       SELECT *, ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY proc_time ASC) AS row_num
       FROM shop_orders)
     WHERE row_num = 1`,
  ],
  "queries/set-ops.md": [
    `(SELECT s FROM t1) UNION (SELECT s FROM t2)`,
    `(SELECT s FROM t1) UNION ALL (SELECT s FROM t2)`,
    `(SELECT s FROM t1) INTERSECT (SELECT s FROM t2)`,
    `(SELECT s FROM t1) INTERSECT ALL (SELECT s FROM t2)`,
    `(SELECT s FROM t1) EXCEPT (SELECT s FROM t2)`,
    `(SELECT s FROM t1) EXCEPT ALL (SELECT s FROM t2)`,
    `SELECT city, order_id FROM shop_orders WHERE customer IN (SELECT name FROM vip)`,
    `SELECT city FROM shop_orders WHERE EXISTS (SELECT 1 FROM vip WHERE vip.name = shop_orders.customer)`,
  ],
  "queries/orderby.md and limit": [
    `SELECT * FROM shop_orders ORDER BY placed_at, order_id DESC NULLS LAST`,
    `SELECT * FROM shop_orders ORDER BY amount DESC LIMIT 3`,
    `SELECT * FROM shop_orders ORDER BY amount OFFSET 10 ROWS FETCH FIRST 5 ROWS ONLY`,
  ],
  "queries/match_recognize.md": [
    `SELECT * FROM ticker MATCH_RECOGNIZE (
       PARTITION BY symbol
       ORDER BY rowtime
       MEASURES
         START_ROW.rowtime AS start_ts,
         LAST(PRICE_DOWN.rowtime) AS bottom_ts,
         LAST(PRICE_UP.rowtime) AS end_ts
       ONE ROW PER MATCH
       AFTER MATCH SKIP TO LAST PRICE_UP
       PATTERN (START_ROW PRICE_DOWN+ PRICE_UP)
       DEFINE
         PRICE_DOWN AS (LAST(PRICE_DOWN.price, 1) IS NULL AND PRICE_DOWN.price < START_ROW.price)
           OR PRICE_DOWN.price < LAST(PRICE_DOWN.price, 1),
         PRICE_UP AS PRICE_UP.price > LAST(PRICE_DOWN.price, 1)
     ) MR`,
    `SELECT * FROM ticker MATCH_RECOGNIZE (
       PARTITION BY symbol ORDER BY rowtime
       MEASURES FIRST(A.rowtime) AS start_tstamp, AVG(A.price) AS avg_price
       ONE ROW PER MATCH
       AFTER MATCH SKIP PAST LAST ROW
       PATTERN (A+ B)
       DEFINE A AS AVG(A.price) < 15
     ) AS t`,
    `SELECT * FROM ticker MATCH_RECOGNIZE (
       ORDER BY rowtime
       MEASURES C.price AS last_price
       ALL ROWS PER MATCH
       AFTER MATCH SKIP TO NEXT ROW
       PATTERN (A B*? C{2,} D? E{1,3} (F | G){2})
       WITHIN INTERVAL '1' HOUR
       SUBSET BC = (B, C)
       DEFINE A AS A.price > 10, C AS C.price < 5, F AS TRUE
     )`,
    `SELECT * FROM ticker MATCH_RECOGNIZE (
       PARTITION BY symbol ORDER BY rowtime
       MEASURES FINAL LAST(A.price) AS final_price, RUNNING COUNT(A.price) AS n,
         MATCH_ROWTIME() AS mrt, CLASSIFIER() AS cls
       PATTERN (A{3})
       DEFINE A AS A.price > PREV(A.price)
     )`,
    `SELECT * FROM ticker MATCH_RECOGNIZE (
       ORDER BY rowtime
       MEASURES A.id AS a_id
       AFTER MATCH SKIP TO FIRST B
       PATTERN (A B)
       DEFINE B AS B.id = A.id + 1
     )`,
  ],
  "queries/time-travel.md": [
    `SELECT * FROM paimon_tb FOR SYSTEM_TIME AS OF TIMESTAMP '2024-03-01 10:00:00'`,
    `SELECT * FROM paimon_tb FOR SYSTEM_TIME AS OF TIMESTAMP '2024-03-01 10:00:00' - INTERVAL '1' DAY`,
  ],
  "show.md": [
    `SHOW CATALOGS`,
    `SHOW CURRENT CATALOG`,
    `SHOW CREATE CATALOG lake`,
    `SHOW DATABASES`,
    `SHOW DATABASES FROM lake LIKE 'raw%'`,
    `SHOW CURRENT DATABASE`,
    `SHOW TABLES`,
    `SHOW TABLES FROM cat1.db1 NOT LIKE '%_tmp'`,
    `SHOW TABLES IN db1 ILIKE 'ORD%'`,
    `SHOW CREATE TABLE cat1.db1.shop_orders`,
    `SHOW COLUMNS FROM shop_orders`,
    `SHOW COLUMNS IN cat1.db1.shop_orders LIKE '%_id'`,
    `SHOW VIEWS`,
    `SHOW CREATE VIEW recent_orders`,
    `SHOW FUNCTIONS`,
    `SHOW USER FUNCTIONS FROM db1 LIKE 'my%'`,
    `SHOW MODULES`,
    `SHOW FULL MODULES`,
    `SHOW JARS`,
    `SHOW PROCEDURES IN lake.sys`,
    `SHOW PARTITIONS ledger PARTITION (book = 'eu')`,
  ],
  "describe.md": [`DESCRIBE shop_orders`, `DESC cat1.db1.shop_orders`, `DESCRIBE EXTENDED ledger`],
  "explain.md": [
    `EXPLAIN PLAN FOR SELECT \`count\`, COUNT(word) FROM words GROUP BY \`count\``,
    `EXPLAIN ESTIMATED_COST, CHANGELOG_MODE, JSON_EXECUTION_PLAN SELECT * FROM shop_orders`,
    `EXPLAIN PLAN_ADVICE INSERT INTO big_orders SELECT order_id, amount FROM shop_orders`,
    `EXPLAIN STATEMENT SET BEGIN
       INSERT INTO a1 SELECT * FROM src;
       INSERT INTO a2 SELECT * FROM src;
     END`,
  ],
  "use.md": [`USE CATALOG lake`, `USE cat1.db1`, `USE db1`, `USE MODULES hive, core`],
  "set.md and reset.md": [
    `SET 'execution.runtime-mode' = 'batch'`,
    `SET`,
    `RESET 'table.planner'`,
    `RESET`,
  ],
  "load.md and unload.md": [
    `LOAD MODULE hive WITH ('hive-version' = '3.1.3')`,
    `LOAD MODULE core`,
    `UNLOAD MODULE hive`,
  ],
  "jar.md": [`ADD JAR '/opt/udfs/extra.jar'`, `SHOW JARS`, `REMOVE JAR '/opt/udfs/extra.jar'`],
  "job.md": [
    `SHOW JOBS`,
    `STOP JOB '0f3e1c2b9a8d7e6f5a4b3c2d1e0f9a8b' WITH SAVEPOINT`,
    `STOP JOB '0f3e1c2b9a8d7e6f5a4b3c2d1e0f9a8b' WITH SAVEPOINT WITH DRAIN`,
  ],
  "call.md": [
    `CALL \`system\`.make_rows(4)`,
    `CALL lake.sys.compact(\`table\` => 'db.t', parallelism => 2)`,
  ],
  "analyze.md, truncate.md, delete.md, update.md": [
    `ANALYZE TABLE ledger COMPUTE STATISTICS`,
    `ANALYZE TABLE ledger PARTITION (book = 'eu') COMPUTE STATISTICS FOR ALL COLUMNS`,
    `ANALYZE TABLE ledger PARTITION (book) COMPUTE STATISTICS FOR COLUMNS entry_id, amount`,
    `TRUNCATE TABLE staging`,
    `DELETE FROM shop_orders WHERE amount < 0`,
    `UPDATE shop_orders SET amount = amount * 2, customer = 'n/a' WHERE order_id = 7`,
  ],
  "functions (value construction, temporal, JSON, conditional)": [
    `SELECT ARRAY[1, 2, 3][1], MAP['a', 1, 'b', 2]['a'], ROW(1, 'x'), (1, 'x').f0 FROM t`,
    `SELECT CASE status WHEN 1 THEN 'new' WHEN 2 THEN 'done' ELSE 'other' END,
       CASE WHEN amount > 100 THEN 'big' END FROM shop_orders`,
    `SELECT EXTRACT(YEAR FROM placed_at), FLOOR(placed_at TO HOUR), CEIL(placed_at TO DAY),
       DATE '2024-02-29', TIME '23:59:59', INTERVAL '1-6' YEAR TO MONTH,
       INTERVAL '3 04:05:06.789' DAY TO SECOND(3), CURRENT_DATE, LOCALTIMESTAMP FROM shop_orders`,
    `SELECT TRIM(BOTH ' ' FROM note), TRIM(LEADING FROM note), POSITION('x' IN note),
       SUBSTRING(note FROM 2 FOR 3), OVERLAY(note PLACING 'ab' FROM 2 FOR 1),
       note NOT SIMILAR TO '[a-z]+', note ILIKE 'x%' ESCAPE '!' FROM shop_orders`,
    `SELECT JSON_VALUE(doc, '$.a' RETURNING INT DEFAULT 0 ON EMPTY NULL ON ERROR),
       JSON_QUERY(doc, '$.arr' WITH CONDITIONAL ARRAY WRAPPER EMPTY ARRAY ON EMPTY),
       JSON_EXISTS(doc, '$.b' FALSE ON ERROR), doc IS JSON OBJECT,
       JSON_OBJECT(KEY 'k' VALUE 1, 'j' VALUE doc NULL ON NULL), JSON_ARRAY(1, 'two' ABSENT ON NULL)
     FROM docs`,
    `SELECT JSON_OBJECTAGG(KEY name VALUE score), JSON_ARRAYAGG(name ORDER BY score ABSENT ON NULL)
     FROM scores`,
    `SELECT x IS DISTINCT FROM y, x IS NOT TRUE, x BETWEEN SYMMETRIC 5 AND 1, TRY_CAST(s AS INT),
       U&'\\00e9t\\00e9', X'CAFE', 1.5E3, -7 % 3 FROM t`,
  ],
  "statement set in the SQL client": [
    `BEGIN STATEMENT SET;
     INSERT INTO eu_orders SELECT * FROM shop_orders WHERE region = 'eu';
     INSERT INTO us_orders SELECT * FROM shop_orders WHERE region = 'us';
     END;`,
  ],
};

/**
 * The AST without positions, literal source texts (`U&'\\0041'` prints as `'A'`) and undefined
 * fields, for comparisons.
 */
function shape(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x, (k, v) => (k === "pos" || k === "text" ? undefined : v)));
}

for (const [page, statements] of Object.entries(PAGES)) {
  test(`Flink docs, ${page}: every statement parses and prints back to the same AST`, () => {
    for (const sql of statements) {
      let parsed: Statement[];
      try {
        parsed = parseStatements(sql);
      } catch (e) {
        assert.fail(`${(e as Error).message}\n--- in ---\n${sql}`);
      }
      assert.equal(parsed.length, 1, sql);
      const printed = formatStatement(parsed[0]!);
      let again: Statement[];
      try {
        again = parseStatements(printed);
      } catch (e) {
        assert.fail(
          `printout does not parse: ${(e as Error).message}\n--- printed ---\n${printed}`,
        );
      }
      assert.deepEqual(
        shape(again),
        shape(parsed),
        `round trip of:\n${sql}\nprinted as:\n${printed}`,
      );
    }
  });
}

test("the Flink docs suite holds at least 120 statements", () => {
  const count = Object.values(PAGES).reduce((n, list) => n + list.length, 0);
  assert.ok(count >= 120, `only ${count} statements`);
});

test("the docs statements produce the expected statement kinds", () => {
  const kinds = (page: string): string[] => PAGES[page]!.map((s) => parseStatements(s)[0]!.kind);
  assert.ok(kinds("create.md").every((k) => k.startsWith("create")));
  assert.ok(kinds("drop.md").every((k) => k === "drop"));
  assert.ok(kinds("alter.md").every((k) => k.startsWith("alter")));
  assert.deepEqual(kinds("use.md"), ["useCatalog", "useDatabase", "useDatabase", "useModules"]);
  assert.deepEqual(kinds("set.md and reset.md"), ["set", "set", "reset", "reset"]);
  assert.deepEqual(kinds("jar.md"), ["addJar", "show", "removeJar"]);
  assert.deepEqual(kinds("statement set in the SQL client"), ["statementSet"]);
});
