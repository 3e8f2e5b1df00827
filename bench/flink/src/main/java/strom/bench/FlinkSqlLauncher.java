package strom.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.dag.Pipeline;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.runtime.minicluster.RpcServiceSharing;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.config.TableConfigOptions;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.CloseableIterator;

/**
 * Runs one Flink SQL script in a local mini cluster (streaming mode) and prints one JSON line of
 * figures on stdout. Used by the Strom/Flink Nexmark comparison; see README.md next to pom.xml.
 *
 * <pre>
 * FlinkSqlLauncher --sql FILE --parallelism N [--var NAME=VALUE ...] [--conf KEY=VALUE ...]
 *                  [--collect FILE [--upsert-key COLUMN,...]]
 * </pre>
 *
 * <p>Statements run in script order: {@code SET 'k' = 'v'} goes to the table config, DDL (CREATE
 * TABLE / VIEW / FUNCTION, DROP, ...) runs at once, and every INSERT is added to one StatementSet
 * that is executed as a single job after the last statement. With {@code --collect}, the script
 * has no INSERT and its last statement is a query (SELECT / WITH / VALUES): the launcher runs it,
 * reads its changelog and writes the final rows to the file (see {@link #materialize}). Flink may
 * emit a query's updates as an upsert stream, +U without -U, even to a changelog stream that
 * accepts every row kind (Flink 2.2 does so for a Top-1 Rank keyed by its partition): such a
 * result is materialized by the key given with {@code --upsert-key}, and without one the
 * launcher fails rather than write rows that were never retracted.
 *
 * <p>Updating queries (GROUP BY without a window, regular joins, ...): the filesystem connector
 * only takes insert-only input ("doesn't support consuming update changes"), and Flink has no
 * upsert-capable sink that is local and needs no external system here. So a caller runs them
 * either with {@code --collect} (the final result, to compare) or with a sink declared
 * {@code 'connector' = 'blackhole'} (accepts any changelog, discards it: for timing alone). The
 * {@code print} connector is no fit: it writes every change to stdout, which is for the JSON
 * line (the launcher sends stray stdout to stderr anyway).
 *
 * <p>Timing. The mini cluster (one TaskManager with N slots) is started before the script runs
 * ({@code startupMs}, extra). {@code elapsedMs} runs from the moment the job goes to the mini
 * cluster (the launcher's own executor, after the planner has optimized the query, generated its
 * code and built the StreamGraph: {@code planMs}, extra) to the moment its JobExecutionResult
 * arrives, for --collect after the last changelog row has been read. So it holds job graph
 * compilation, scheduling, task deployment, the run itself and the finish, and not the cluster's
 * start-up or shut-down. {@code netRuntimeMs} is Flink's own JobExecutionResult.getNetRuntime()
 * (job created on the JobManager to job finished), a few ms to ~100 ms less. {@code cpuMs} is
 * the process CPU time (all threads: tasks, JIT, GC, the client) over the same span as
 * elapsedMs. {@code peakRssBytes} is VmHWM from /proc/self/status at the end: the whole JVM's
 * peak, start-up and planning included, so it depends on -Xmx and the collector.
 */
public final class FlinkSqlLauncher {

    private static final String FALLBACK_VERSION = "2.2.0";

    /**
     * Network buffers (32 KiB each, direct memory) and managed memory (state backends, batch
     * operators) of the mini cluster's TaskManager: Flink's local defaults are 64m and 128m; 256m
     * of network memory leaves room for 4 slots with several exchanges each. Both can be changed
     * with --conf taskmanager.memory.network.min=... (and .max) / taskmanager.memory.managed.size.
     */
    private static final String NETWORK_MEMORY = "256m";
    private static final String MANAGED_MEMORY = "256m";

    private static final Pattern SET_QUOTED =
            Pattern.compile("(?is)SET\\s+'((?:[^']|'')*)'\\s*=\\s*'((?:[^']|'')*)'\\s*");
    private static final Pattern SET_PLAIN =
            Pattern.compile("(?is)SET\\s+([A-Za-z0-9_.\\-]+)\\s*=\\s*(\\S+)\\s*");

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT);
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT);

    private FlinkSqlLauncher() {}

    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static final class Options {
        Path sql;
        int parallelism = -1;
        final Map<String, String> vars = new LinkedHashMap<>();
        final Map<String, String> conf = new LinkedHashMap<>();
        Path collect;
        List<String> upsertKey;
    }

    public static void main(String[] args) {
        // stdout carries the one JSON line; anything else written to it (a connector, a library)
        // goes to stderr instead
        PrintStream stdout = System.out;
        System.setOut(System.err);
        int code;
        try {
            String line = run(parse(args));
            stdout.println(line);
            stdout.flush();
            code = 0;
        } catch (UsageException e) {
            System.err.println("FlinkSqlLauncher: " + e.getMessage());
            System.err.println(
                    "usage: FlinkSqlLauncher --sql FILE --parallelism N [--var NAME=VALUE ...]"
                            + " [--conf KEY=VALUE ...] [--collect FILE [--upsert-key COLUMN,...]]");
            code = 2;
        } catch (Throwable t) {
            Throwable root = t;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            t.printStackTrace(System.err);
            System.err.println("FlinkSqlLauncher: failed: " + t);
            if (root != t) {
                System.err.println("FlinkSqlLauncher: root cause: " + root);
            }
            code = 1;
        }
        System.err.flush();
        // Flink leaves non-daemon threads behind (mini cluster executors, Pekko)
        System.exit(code);
    }

    static Options parse(String[] args) throws UsageException {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new UsageException("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--sql" -> o.sql = Path.of(v);
                case "--parallelism" -> {
                    try {
                        o.parallelism = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        throw new UsageException("--parallelism needs a number, got " + v);
                    }
                    if (o.parallelism < 1) {
                        throw new UsageException("--parallelism must be at least 1");
                    }
                }
                case "--var" -> putPair(o.vars, a, v);
                case "--conf" -> putPair(o.conf, a, v);
                case "--collect" -> o.collect = Path.of(v);
                case "--upsert-key" -> o.upsertKey = List.of(v.split(","));
                default -> throw new UsageException("unknown option " + a);
            }
        }
        if (o.sql == null) {
            throw new UsageException("--sql is required");
        }
        if (o.parallelism < 1) {
            throw new UsageException("--parallelism is required");
        }
        if (o.upsertKey != null && o.collect == null) {
            throw new UsageException("--upsert-key needs --collect");
        }
        return o;
    }

    private static void putPair(Map<String, String> into, String option, String pair)
            throws UsageException {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
            throw new UsageException(option + " needs NAME=VALUE, got " + pair);
        }
        into.put(pair.substring(0, eq), pair.substring(eq + 1));
    }

    static String run(Options o) throws Exception {
        String script = Files.readString(o.sql, StandardCharsets.UTF_8);
        List<SqlScript.Statement> statements =
                SqlScript.split(SqlScript.substitute(script, o.vars));

        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, o.parallelism);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, o.parallelism);
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse(NETWORK_MEMORY));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse(NETWORK_MEMORY));
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse(MANAGED_MEMORY));
        // results (TIMESTAMP_LTZ, CURRENT_TIMESTAMP) must not depend on the machine's zone
        conf.set(TableConfigOptions.LOCAL_TIME_ZONE, "UTC");
        for (Map.Entry<String, String> e : o.conf.entrySet()) {
            conf.set(ConfigOptions.key(e.getKey()).stringType().noDefaultValue(), e.getValue());
        }

        conf.set(DeploymentOptions.TARGET, SharedMiniClusterExecutor.NAME);
        conf.set(DeploymentOptions.ATTACHED, true);
        // no fixed port: runs may overlap, and 8081 may be taken
        conf.set(RestOptions.BIND_PORT, "0");

        // The mini cluster is started here, before any statement, and submitted to by the
        // executor below (Flink's own local executor would start one per job inside execute()
        // and shut it down as the job ends, under the collect iterator's feet).
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(conf)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(o.parallelism)
                                .setRpcServiceSharing(RpcServiceSharing.SHARED)
                                .build());
        long startupStart = System.nanoTime();
        cluster.start();
        long startupNanos = System.nanoTime() - startupStart;
        try {
            return runOn(cluster, conf, statements, o, startupNanos);
        } finally {
            try {
                cluster.closeAsync().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("FlinkSqlLauncher: mini cluster shut-down: " + e);
            }
        }
    }

    private static String runOn(
            MiniCluster cluster,
            Configuration conf,
            List<SqlScript.Statement> statements,
            Options o,
            long startupNanos)
            throws Exception {
        SharedMiniClusterExecutor executor = new SharedMiniClusterExecutor(cluster);
        StreamExecutionEnvironment env =
                new StreamExecutionEnvironment(
                        executor, conf, FlinkSqlLauncher.class.getClassLoader());
        EnvironmentSettings settings =
                EnvironmentSettings.newInstance().inStreamingMode().withConfiguration(conf).build();
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env, settings);
        tEnv.createTemporarySystemFunction("count_char", CountChar.class);

        StatementSet inserts = tEnv.createStatementSet();
        int insertCount = 0;
        String query = null;
        for (int k = 0; k < statements.size(); k++) {
            SqlScript.Statement s = statements.get(k);
            boolean last = k == statements.size() - 1;
            String keyword = s.keyword();
            try {
                Matcher set;
                if ((set = SET_QUOTED.matcher(s.code())).matches()
                        || (set = SET_PLAIN.matcher(s.code())).matches()) {
                    String key = set.group(1).replace("''", "'");
                    if (key.equals(CoreOptions.DEFAULT_PARALLELISM.key())) {
                        // the mini cluster has exactly --parallelism slots: more would wait
                        // for slots that never come
                        throw new IllegalArgumentException(
                                "set the parallelism with --parallelism, not with SET");
                    }
                    tEnv.getConfig().set(key, set.group(2).replace("''", "'"));
                } else if (keyword.equals("INSERT")) {
                    inserts.addInsertSql(s.text());
                    insertCount++;
                } else if (keyword.equals("SELECT")
                        || keyword.equals("WITH")
                        || keyword.equals("VALUES")) {
                    if (o.collect == null) {
                        throw new IllegalArgumentException(
                                "a query (SELECT) needs --collect FILE; without it, write the"
                                        + " result with INSERT INTO");
                    }
                    if (!last) {
                        throw new IllegalArgumentException(
                                "with --collect the query must be the script's last statement");
                    }
                    query = s.text();
                } else if (keyword.equals("EXPLAIN")) {
                    // the plans, to stderr (stdout carries the measurement line)
                    String text = s.text();
                    int at = text.toUpperCase(java.util.Locale.ROOT).indexOf("EXPLAIN") + 7;
                    String explained =
                            text.substring(at).replaceFirst("(?is)^\\s*PLAN\\s+FOR\\s+", "");
                    System.err.println(tEnv.explainSql(explained));
                } else {
                    tEnv.executeSql(s.text());
                }
            } catch (RuntimeException e) {
                throw new IllegalStateException(
                        "statement at line " + s.line() + " failed: " + e.getMessage(), e);
            }
        }
        if (o.collect != null && query == null) {
            throw new IllegalArgumentException("--collect needs a script that ends with a query");
        }
        if (o.collect != null && insertCount > 0) {
            throw new IllegalArgumentException(
                    "--collect runs the final query alone: the script must have no INSERT");
        }
        if (o.collect == null && insertCount == 0) {
            throw new IllegalArgumentException("the script has no INSERT statement: nothing to run");
        }
        // execute() must return once the job is submitted, or there is nothing left to time
        tEnv.getConfig().set(TableConfigOptions.TABLE_DML_SYNC, false);

        long executeStart = System.nanoTime();
        // A query is read as a changelog stream with every row kind (ChangelogMode.all()): the
        // planner then emits UPDATE_BEFORE rows, so the final rows can be materialized without
        // knowing upsert keys (TableResult.collect() lets Top-N send UPDATE_AFTER alone).
        CloseableIterator<Row> changelog = null;
        int[] keyFields = null;
        JobClient client;
        if (o.collect != null) {
            Table table = tEnv.sqlQuery(query);
            if (o.upsertKey != null) {
                List<String> names = table.getResolvedSchema().getColumnNames();
                keyFields = new int[o.upsertKey.size()];
                for (int i = 0; i < keyFields.length; i++) {
                    keyFields[i] = names.indexOf(o.upsertKey.get(i));
                    if (keyFields[i] < 0) {
                        throw new IllegalArgumentException(
                                "--upsert-key: no column " + o.upsertKey.get(i) + " in " + names);
                    }
                }
            }
            changelog = tEnv.toChangelogStream(table).collectAsync();
            client = env.executeAsync("collect");
        } else {
            TableResult result = inserts.execute();
            client =
                    result.getJobClient()
                            .orElseThrow(() -> new IllegalStateException("no job was submitted"));
        }
        if (executor.submittedAt == 0) {
            throw new IllegalStateException("the job did not go through the launcher's executor");
        }
        long t0 = executor.submittedAt;
        long cpu0 = executor.submittedCpu;

        Map<Row, Long> rows = null;
        long[] changes = new long[4];
        if (o.collect != null) {
            rows = new HashMap<>();
            Map<List<Object>, Row> upserts = new HashMap<>();
            try (CloseableIterator<Row> it = changelog) {
                while (it.hasNext()) {
                    if (keyFields == null) {
                        materialize(rows, it.next(), changes);
                    } else {
                        upsert(upserts, keyFields, it.next(), changes);
                    }
                }
            }
            if (keyFields != null) {
                for (Row r : upserts.values()) {
                    rows.merge(r, 1L, Long::sum);
                }
            } else if (changes[2] > changes[3]) {
                throw new IllegalStateException(
                        "the query's changelog has "
                                + (changes[2] - changes[3])
                                + " +U rows without a -U before them: Flink emitted an upsert"
                                + " stream; give its key with --upsert-key");
            }
        }
        JobExecutionResult done;
        try {
            done = client.getJobExecutionResult().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the job failed: " + e.getCause(), e.getCause());
        }
        long t1 = System.nanoTime();
        long cpu1 = processCpuNanos();
        long rss = peakRssBytes();

        long rowCount = -1;
        if (rows != null) {
            rowCount = writeRows(o.collect, rows);
            if (changes[1] > 0) {
                System.err.println(
                        "FlinkSqlLauncher: warning: "
                                + changes[1]
                                + " retractions had no equal row to remove");
            }
        }

        StringBuilder json = new StringBuilder(200);
        json.append("{\"engine\":\"flink\",\"flinkVersion\":");
        appendString(json, flinkVersion());
        json.append(",\"parallelism\":").append(o.parallelism);
        json.append(",\"elapsedMs\":").append(millis(t1 - t0));
        json.append(",\"netRuntimeMs\":").append(done.getNetRuntime());
        json.append(",\"cpuMs\":").append(cpu0 < 0 || cpu1 < 0 ? "null" : millis(cpu1 - cpu0));
        json.append(",\"peakRssBytes\":").append(rss < 0 ? "null" : Long.toString(rss));
        json.append(",\"planMs\":").append(millis(t0 - executeStart));
        json.append(",\"startupMs\":").append(millis(startupNanos));
        json.append(",\"jobId\":");
        appendString(json, client.getJobID().toString());
        if (rows != null) {
            json.append(",\"rows\":").append(rowCount);
            json.append(",\"changelogRows\":").append(changes[0]);
        }
        json.append('}');
        return json.toString();
    }

    /**
     * Applies one changelog row to the multiset of result rows: +I and +U add one, -U and -D
     * remove one equal row. Rows are compared with Row.equals (deep: nested rows, arrays, maps)
     * once their kind is set to +I. changes[0] counts the rows read, changes[1] the retractions
     * that found no equal row (there should be none).
     */
    static void materialize(Map<Row, Long> rows, Row row, long[] changes) {
        changes[0]++;
        RowKind kind = row.getKind();
        if (kind == RowKind.UPDATE_AFTER) {
            changes[2]++;
        } else if (kind == RowKind.UPDATE_BEFORE) {
            changes[3]++;
        }
        row.setKind(RowKind.INSERT);
        if (kind == RowKind.INSERT || kind == RowKind.UPDATE_AFTER) {
            rows.merge(row, 1L, Long::sum);
        } else {
            Long n = rows.get(row);
            if (n == null) {
                changes[1]++;
            } else if (n == 1) {
                rows.remove(row);
            } else {
                rows.put(row, n - 1);
            }
        }
    }

    /**
     * Applies one row of an upsert changelog keyed by the fields {@code key}: +I and +U put the
     * row under its key, -U and -D remove the key's row. changes[1] counts removals of a key
     * that had no row.
     */
    static void upsert(Map<List<Object>, Row> rows, int[] key, Row row, long[] changes) {
        changes[0]++;
        List<Object> k = new ArrayList<>(key.length);
        for (int f : key) {
            k.add(row.getField(f));
        }
        RowKind kind = row.getKind();
        row.setKind(RowKind.INSERT);
        if (kind == RowKind.INSERT || kind == RowKind.UPDATE_AFTER) {
            rows.put(k, row);
        } else if (rows.remove(k) == null) {
            changes[1]++;
        }
    }

    /**
     * Writes the rows as JSON arrays sorted by their text, a row that is there n times on n
     * lines. Returns the number of lines.
     */
    private static long writeRows(Path file, Map<Row, Long> rows) throws IOException {
        List<String> lines = new ArrayList<>(rows.size());
        for (Map.Entry<Row, Long> e : rows.entrySet()) {
            String json = rowJson(e.getKey());
            for (long i = 0; i < e.getValue(); i++) {
                lines.add(json);
            }
        }
        lines.sort(null);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String line : lines) {
                w.write(line);
                w.write('\n');
            }
        }
        return lines.size();
    }

    /** A row as a JSON array of its fields (the RowKind is left out). */
    static String rowJson(Row row) {
        StringBuilder sb = new StringBuilder(64);
        appendValue(sb, row);
        return sb.toString();
    }

    /**
     * JSON for one value as TableResult.collect() gives it: numbers as JSON numbers (DOUBLE and
     * FLOAT as Java prints them, "NaN"/"Infinity" as strings), DECIMAL as a string (plain
     * notation, its scale kept), TIMESTAMP as "yyyy-MM-dd HH:mm:ss.SSS", TIMESTAMP_LTZ the same
     * in UTC, DATE "yyyy-MM-dd", TIME "HH:mm:ss.SSS", ROW and ARRAY as arrays, MAP and MULTISET as
     * an object (keys as text), BYTES as base64, anything else as its toString().
     */
    static void appendValue(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            appendString(sb, s);
        } else if (v instanceof Long
                || v instanceof Integer
                || v instanceof Short
                || v instanceof Byte
                || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                appendString(sb, d.toString());
            } else {
                sb.append(d.doubleValue());
            }
        } else if (v instanceof Float f) {
            if (f.isNaN() || f.isInfinite()) {
                appendString(sb, f.toString());
            } else {
                sb.append(f.floatValue());
            }
        } else if (v instanceof BigDecimal d) {
            appendString(sb, d.toPlainString());
        } else if (v instanceof LocalDateTime t) {
            appendString(sb, TIMESTAMP.format(t));
        } else if (v instanceof Instant t) {
            appendString(sb, TIMESTAMP.format(LocalDateTime.ofInstant(t, ZoneOffset.UTC)));
        } else if (v instanceof LocalDate d) {
            appendString(sb, d.toString());
        } else if (v instanceof LocalTime t) {
            appendString(sb, TIME.format(t));
        } else if (v instanceof Row r) {
            sb.append('[');
            for (int i = 0; i < r.getArity(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                appendValue(sb, r.getField(i));
            }
            sb.append(']');
        } else if (v instanceof byte[] b) {
            appendString(sb, Base64.getEncoder().encodeToString(b));
        } else if (v instanceof Object[] a) {
            sb.append('[');
            for (int i = 0; i < a.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                appendValue(sb, a[i]);
            }
            sb.append(']');
        } else if (v.getClass().isArray()) {
            // primitive arrays (ARRAY<INT NOT NULL> and the like)
            int n = java.lang.reflect.Array.getLength(v);
            sb.append('[');
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                appendValue(sb, java.lang.reflect.Array.get(v, i));
            }
            sb.append(']');
        } else if (v instanceof Map<?, ?> m) {
            List<String> keys = new ArrayList<>();
            Map<String, Object> byKey = new HashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                StringBuilder k = new StringBuilder();
                if (e.getKey() instanceof String s) {
                    k.append(s);
                } else {
                    appendValue(k, e.getKey());
                }
                keys.add(k.toString());
                byKey.put(k.toString(), e.getValue());
            }
            keys.sort(null);
            sb.append('{');
            for (int i = 0; i < keys.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                appendString(sb, keys.get(i));
                sb.append(':');
                appendValue(sb, byKey.get(keys.get(i)));
            }
            sb.append('}');
        } else {
            appendString(sb, v.toString());
        }
    }

    static void appendString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /**
     * Submits every job to one mini cluster started beforehand, and notes when (and at which
     * process CPU time) the submission went out: the start of elapsedMs and cpuMs.
     */
    static final class SharedMiniClusterExecutor
            implements PipelineExecutorServiceLoader, PipelineExecutorFactory, PipelineExecutor {

        static final String NAME = "strom-shared-minicluster";

        private final MiniCluster cluster;
        volatile long submittedAt;
        volatile long submittedCpu;

        SharedMiniClusterExecutor(MiniCluster cluster) {
            this.cluster = cluster;
        }

        @Override
        public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
            return this;
        }

        @Override
        public Stream<String> getExecutorNames() {
            return Stream.of(NAME);
        }

        @Override
        public String getName() {
            return NAME;
        }

        @Override
        public boolean isCompatibleWith(Configuration configuration) {
            return true;
        }

        @Override
        public PipelineExecutor getExecutor(Configuration configuration) {
            return this;
        }

        @Override
        public CompletableFuture<JobClient> execute(
                Pipeline pipeline, Configuration configuration, ClassLoader classLoader)
                throws Exception {
            // as Flink's LocalExecutor does, minus the cluster start-up
            StreamGraph graph = PipelineExecutorUtils.getStreamGraph(pipeline, configuration);
            graph.serializeUserDefinedInstances();
            submittedAt = System.nanoTime();
            submittedCpu = processCpuNanos();
            return cluster.submitJob(graph)
                    .thenApply(
                            submitted ->
                                    new MiniClusterJobClient(
                                            submitted.getJobID(),
                                            cluster,
                                            classLoader,
                                            MiniClusterJobClient.JobFinalizationBehavior
                                                    .NOTHING));
        }
    }

    private static String flinkVersion() {
        String v = EnvironmentInformation.getVersion();
        return v == null || v.isEmpty() || v.startsWith("<") ? FALLBACK_VERSION : v;
    }

    private static long millis(long nanos) {
        return Math.round(nanos / 1e6);
    }

    /** CPU time of the whole process (all threads) in ns, or -1 when the JVM does not say. */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** VmHWM (peak resident set size) of this process in bytes, or -1 off Linux. */
    private static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    long value = Long.parseLong(parts[0]);
                    return parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? value * 1024 : value;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
