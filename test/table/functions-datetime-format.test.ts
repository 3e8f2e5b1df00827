import { test } from "node:test";
import assert from "node:assert/strict";
import { compileExpression } from "../../src/table/expr/codegen.ts";
import { isDeterministic } from "../../src/table/expr/rex.ts";
import { foldConstants } from "../../src/table/expr/fold.ts";
import { Decimal } from "../../src/table/types/decimal.ts";
import * as T from "../../src/table/types/logical-type.ts";
import type { Timestamp } from "../../src/table/types/timestamp.ts";
import { typeToString } from "../../src/table/types/type-print.ts";
import { date, day, ev, fcall, iso, ltz, run, ts, typed } from "./functions-support.ts";

const BERLIN = { timeZone: "Europe/Berlin" };
const fmt = (pattern: string, value = ts("2020-01-05T13:04:05.123", 9, 456789)) =>
  run(fcall("DATE_FORMAT", value, pattern));

test("DATE_FORMAT of a TIMESTAMP with java.time patterns", () => {
  assert.equal(fmt("yyyy-MM-dd HH:mm:ss"), "2020-01-05 13:04:05");
  assert.equal(fmt("yyyy/MM/dd HH:mm:ss.SSS"), "2020/01/05 13:04:05.123");
  assert.equal(fmt("HH:mm:ss.SSSSSSSSS"), "13:04:05.123456789");
  assert.equal(fmt("yy-M-d H:m:s"), "20-1-5 13:4:5");
  assert.equal(fmt("EEE, d MMM yyyy hh:mm a"), "Sun, 5 Jan 2020 01:04 PM");
  assert.equal(fmt("EEEE MMMM"), "Sunday January");
  assert.equal(fmt("D 'day of' yyyy, QQQ, 'week' w"), "5 day of 2020, Q1, week 2");
  assert.equal(fmt("k K h"), "13 1 1");
  assert.equal(fmt("'It''s' HH 'o''clock'"), "It's 13 o'clock");
  assert.equal(fmt("yyyyMMdd[ HH]"), "20200105 13");
  assert.equal(fmt("G uuuu"), "AD 2020");
  assert.equal(fmt("YYYY-ww", ts("2019-12-31T00:00:00.000")), "2020-01", "US week-based year");
  assert.equal(fmt("yyyy-MM-dd", ts("0999-03-01T00:00:00.000")), "0999-03-01");
  assert.throws(
    () => fmt("yyyy-MM-dd HH:mm:ss z"),
    /Unsupported field for pattern letter 'z': a TIMESTAMP has no time zone/,
  );
  assert.throws(() => fmt("yyyy-bb"), /Unknown pattern letter: b/);
  assert.throws(() => fmt("yyyy {"), /reserved character/);
});

test("DATE_FORMAT of a TIMESTAMP_LTZ uses the session zone", () => {
  const instant = ltz("2020-01-01T23:30:00Z");
  assert.equal(run(fcall("DATE_FORMAT", instant, "yyyy-MM-dd HH:mm")), "2020-01-01 23:30");
  assert.equal(
    run(fcall("DATE_FORMAT", instant, "yyyy-MM-dd HH:mm"), [], BERLIN),
    "2020-01-02 00:30",
  );
  assert.equal(
    run(fcall("DATE_FORMAT", instant, "yyyy-MM-dd HH:mm"), [], { timeZone: "America/Los_Angeles" }),
    "2020-01-01 15:30",
  );
});

test("DATE_FORMAT of a DATE or of 'yyyy-MM-dd HH:mm:ss' text uses SimpleDateFormat patterns", () => {
  assert.equal(run(fcall("DATE_FORMAT", date("2020-01-05"), "EEE dd MMM yyyy")), "Sun 05 Jan 2020");
  assert.equal(
    run(fcall("DATE_FORMAT", date("2020-01-05"), "yyyy-MM-dd HH:mm:ss.SSS Z")),
    "2020-01-05 00:00:00.000 +0000",
  );
  assert.equal(
    run(fcall("DATE_FORMAT", date("2020-01-05"), "u")),
    "7",
    "SimpleDateFormat's u is the day of the week",
  );
  assert.equal(ev("DATE_FORMAT", "2020-01-05 13:04:05", "yyyyMMdd HHmmss"), "20200105 130405");
  assert.equal(
    ev("DATE_FORMAT", "2020-01-05 13:04:05", "S"),
    "0",
    "SimpleDateFormat's S is milliseconds",
  );
  assert.equal(ev("DATE_FORMAT", "not a timestamp", "yyyy"), null);
  assert.equal(typeToString(fcall("DATE_FORMAT", "x", "yyyy").type), "STRING");
  assert.equal(
    typeToString(fcall("DATE_FORMAT", ts("2020-01-01T00:00:00.000"), "yyyy").type),
    "STRING NOT NULL",
  );
});

test("TO_TIMESTAMP parses the default form or a java.time pattern; NULL when nothing parses", () => {
  assert.equal(iso(ev("TO_TIMESTAMP", "2020-01-05 13:04:05")), "2020-01-05T13:04:05.000Z");
  assert.equal(
    iso(ev("TO_TIMESTAMP", "2020-1-5 3:4:5.123456")),
    "2020-01-05T03:04:05.123Z",
    "precision 3",
  );
  assert.equal(iso(ev("TO_TIMESTAMP", "2020-01-05")), "2020-01-05T00:00:00.000Z");
  assert.equal(ev("TO_TIMESTAMP", "2020-13-05"), null);
  assert.equal(ev("TO_TIMESTAMP", " 2020-01-05"), null);
  assert.equal(ev("TO_TIMESTAMP", "garbage"), null);
  assert.equal(
    iso(ev("TO_TIMESTAMP", "05/01/2020 13", "dd/MM/yyyy HH")),
    "2020-01-05T13:00:00.000Z",
  );
  assert.equal(
    iso(ev("TO_TIMESTAMP", "20200105130405", "yyyyMMddHHmmss")),
    "2020-01-05T13:04:05.000Z",
  );
  assert.equal(
    iso(ev("TO_TIMESTAMP", "2020-01-05T13:04:05.250", "yyyy-MM-dd'T'HH:mm:ss.SSS")),
    "2020-01-05T13:04:05.250Z",
  );
  assert.equal(
    iso(ev("TO_TIMESTAMP", "13:04", "HH:mm")),
    "1970-01-01T13:04:00.000Z",
    "missing fields default to 1970-01-01",
  );
  assert.equal(
    iso(ev("TO_TIMESTAMP", "2020-02-30", "yyyy-MM-dd")),
    "2020-02-29T00:00:00.000Z",
    "SMART resolution",
  );
  assert.equal(
    iso(ev("TO_TIMESTAMP", "2020-1-5 10:00:00", "yyyy-MM-dd HH:mm:ss")),
    "2020-01-05T10:00:00.000Z",
    "Timestamp.valueOf fallback",
  );
  assert.equal(ev("TO_TIMESTAMP", "2020-01-05 10:00", "yyyy-MM-dd HH:mm:ss"), null);
  assert.equal(ev("TO_TIMESTAMP", "Jan 5 2020", "MMM d yyyy") === null, false);
  assert.equal(
    ev("TO_TIMESTAMP", "jan 5 2020", "MMM d yyyy"),
    null,
    "java.time names are case-sensitive",
  );
  assert.equal(typeToString(fcall("TO_TIMESTAMP", "2020-01-01").type), "TIMESTAMP(3)");
  assert.throws(() => ev("TO_TIMESTAMP", "x", "yyyy-qq-bb"), /Unknown pattern letter: b/);
});

test("TO_DATE is lenient about digits but rejects impossible dates", () => {
  assert.equal(day(ev("TO_DATE", "2020-2-3")), "2020-02-03");
  assert.equal(day(ev("TO_DATE", "2017-12-12 09:30:00.0")), "2017-12-12");
  assert.equal(day(ev("TO_DATE", "2020")), "2020-01-01");
  assert.equal(ev("TO_DATE", "2020-02-30"), null);
  assert.equal(ev("TO_DATE", "2020-x-01"), null);
  assert.equal(day(ev("TO_DATE", "03/02/2020", "dd/MM/yyyy")), "2020-02-03");
  assert.equal(
    day(ev("TO_DATE", "2020-13-01", "yyyy-MM-dd")),
    "2021-01-01",
    "SimpleDateFormat rolls over",
  );
  assert.equal(ev("TO_DATE", "nothing", "yyyy-MM-dd"), null);
});

test("UNIX_TIMESTAMP parses in the session zone unless the text has an offset", () => {
  const run1 = (...args: string[]) => run(fcall("UNIX_TIMESTAMP", ...args), [], BERLIN);
  assert.equal(run1("1970-01-01 08:00:01.001", "yyyy-MM-dd HH:mm:ss.SSS"), 25201);
  assert.equal(run1("1970-01-01 08:00:01.001 +0800", "yyyy-MM-dd HH:mm:ss.SSS X"), 1);
  assert.equal(
    run1("1970-01-01 08:00:01.001 +0800", "yyyy-MM-dd HH:mm:ss.SSS"),
    25201,
    "trailing text is ignored",
  );
  assert.equal(run1("1970-01-01 08:00:01.001", "yyyy-MM-dd HH:mm:ss.SSS X"), -9223372036854775808n);
  assert.equal(ev("UNIX_TIMESTAMP", "1970-01-01 00:00:10"), 10);
  assert.equal(ev("UNIX_TIMESTAMP", "1969-12-31 23:59:58"), -2);
  assert.equal(ev("UNIX_TIMESTAMP", "2020-01-05", "yyyy-MM-dd"), 1578182400);
  assert.equal(ev("UNIX_TIMESTAMP", "garbage"), -9223372036854775808n);
});

test("FROM_UNIXTIME formats epoch seconds in the session zone", () => {
  assert.equal(ev("FROM_UNIXTIME", 44), "1970-01-01 00:00:44");
  assert.equal(
    run(fcall("FROM_UNIXTIME", 44), [], { timeZone: "Asia/Tokyo" }),
    "1970-01-01 09:00:44",
  );
  assert.equal(
    run(fcall("FROM_UNIXTIME", 1578182400, "yyyy/MM/dd z"), [], {
      timeZone: "America/Los_Angeles",
    }),
    "2020/01/04 PST",
  );
  assert.equal(ev("FROM_UNIXTIME", -1, "yyyy-MM-dd HH:mm:ss"), "1969-12-31 23:59:59");
});

test("TO_TIMESTAMP_LTZ from epoch seconds or milliseconds, and from local text", () => {
  assert.equal(iso(ev("TO_TIMESTAMP_LTZ", 1000, 0)), "1970-01-01T00:16:40.000Z");
  assert.equal(iso(ev("TO_TIMESTAMP_LTZ", 1000, 3)), "1970-01-01T00:00:01.000Z");
  assert.equal(
    iso(ev("TO_TIMESTAMP_LTZ", 1500)),
    "1970-01-01T00:00:01.500Z",
    "precision 3 by default",
  );
  assert.equal(iso(ev("TO_TIMESTAMP_LTZ", 1.5, 0)), "1970-01-01T00:00:01.500Z");
  assert.equal(
    iso(
      run(fcall("TO_TIMESTAMP_LTZ", typed(Decimal.parse("-1.9"), T.notNull(T.DECIMAL(2, 1))), 0)),
    ),
    "1969-12-31T23:59:59.000Z",
  );
  assert.equal(ev("TO_TIMESTAMP_LTZ", 253402300800, 0), null, "after 9999-12-31");
  assert.equal(typeToString(fcall("TO_TIMESTAMP_LTZ", 1, 0).type), "TIMESTAMP_LTZ(0)");
  assert.throws(
    () => fcall("TO_TIMESTAMP_LTZ", 1, 6),
    /The precision value '6' for function TO_TIMESTAMP_LTZ/,
  );
  assert.equal(
    iso(run(fcall("TO_TIMESTAMP_LTZ", "2020-01-01 01:00:00.000"), [], BERLIN)),
    "2020-01-01T00:00:00.000Z",
  );
  assert.equal(
    iso(ev("TO_TIMESTAMP_LTZ", "2020-01-01 09:00", "yyyy-MM-dd HH:mm", "Asia/Tokyo")),
    "2020-01-01T00:00:00.000Z",
  );
  assert.equal(ev("TO_TIMESTAMP_LTZ", "nope"), null);
  const ny = { timeZone: "America/New_York" };
  assert.equal(
    iso(run(fcall("TO_TIMESTAMP_LTZ", "2020-03-08 02:30:00.000"), [], ny)),
    "2020-03-08T07:30:00.000Z",
    "a gap moves later",
  );
  assert.equal(
    iso(run(fcall("TO_TIMESTAMP_LTZ", "2020-11-01 01:30:00.000"), [], ny)),
    "2020-11-01T05:30:00.000Z",
    "an overlap takes the earlier offset",
  );
  assert.equal(
    run(fcall("DATE_FORMAT", ltz("2020-03-08T07:30:00Z"), "yyyy-MM-dd HH:mm"), [], ny),
    "2020-03-08 03:30",
  );
});

test("CURRENT_TIMESTAMP and friends read the injected clock in the session zone", () => {
  const now = Date.UTC(2020, 0, 1, 23, 30, 15, 250);
  const opts = { clock: () => now, timeZone: "Asia/Shanghai" };
  assert.equal(iso(run(fcall("CURRENT_TIMESTAMP"), [], opts)), "2020-01-01T23:30:15.250Z");
  assert.equal(iso(run(fcall("NOW"), [], opts)), "2020-01-01T23:30:15.250Z");
  assert.equal(
    iso(run(fcall("LOCALTIMESTAMP"), [], opts)),
    "2020-01-02T07:30:15.250Z",
    "local date-time encoded as UTC",
  );
  assert.equal(day(run(fcall("CURRENT_DATE"), [], opts)), "2020-01-02");
  assert.equal(
    run(fcall("CURRENT_TIME"), [], opts),
    (7 * 3600 + 30 * 60 + 15) * 1000,
    "TIME(0): whole seconds",
  );
  assert.equal(run(fcall("LOCALTIME"), [], opts), (7 * 3600 + 30 * 60 + 15) * 1000);
  assert.equal(run(fcall("UNIX_TIMESTAMP"), [], opts), Math.trunc(now / 1000));
  assert.equal(iso(run(fcall("PROCTIME"), [], opts)), "2020-01-01T23:30:15.250Z");
  assert.equal(typeToString(fcall("CURRENT_TIMESTAMP").type), "TIMESTAMP_LTZ(3) NOT NULL");
  assert.equal(typeToString(fcall("LOCALTIMESTAMP").type), "TIMESTAMP(3) NOT NULL");
  assert.equal(typeToString(fcall("CURRENT_TIME").type), "TIME(0) NOT NULL");
  assert.equal(isDeterministic(fcall("CURRENT_DATE")), false);
  const folded = foldConstants(fcall("DATE_FORMAT", fcall("CURRENT_TIMESTAMP"), "yyyy"));
  assert.equal(folded.kind, "call", "never folded at plan time");
});

test("STREAMING reads the clock per record, BATCH once per compiled query (not CURRENT_ROW_TIMESTAMP)", () => {
  let t = 1000;
  const clock = () => t;
  const stream = compileExpression(fcall("CURRENT_TIMESTAMP"), 0, { clock });
  const batch = compileExpression(fcall("CURRENT_TIMESTAMP"), 0, { clock, runtimeMode: "BATCH" });
  const batchRow = compileExpression(fcall("CURRENT_ROW_TIMESTAMP"), 0, {
    clock,
    runtimeMode: "BATCH",
  });
  const batchUnix = compileExpression(fcall("UNIX_TIMESTAMP"), 0, { clock, runtimeMode: "BATCH" });
  t = 5000;
  assert.equal((stream([0]) as Timestamp).millis, 5000);
  assert.equal((batch([0]) as Timestamp).millis, 1000, "read when compiled");
  assert.equal((batchRow([0]) as Timestamp).millis, 5000);
  assert.equal(batchUnix([0]), 5);
  t = 9000;
  assert.equal((stream([0]) as Timestamp).millis, 9000);
  assert.equal((batch([0]) as Timestamp).millis, 1000);
  assert.equal((batchRow([0]) as Timestamp).millis, 9000);
});
