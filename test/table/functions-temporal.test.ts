import { test } from "node:test";
import assert from "node:assert/strict";
import { SqlValidationError } from "../../src/table/expr/errors.ts";
import * as T from "../../src/table/types/logical-type.ts";
import { Timestamp } from "../../src/table/types/timestamp.ts";
import { typeToString } from "../../src/table/types/type-print.ts";
import { date, day, ev, fcall, iso, ltz, nul, run, time, ts, typed } from "./functions-support.ts";

const SHANGHAI = { timeZone: "Asia/Shanghai" };
const timeText = (ms: unknown) => new Date(ms as number).toISOString().slice(11, 23);

test("EXTRACT from DATE, TIME and TIMESTAMP (Sunday = 1 for DOW, ISO weeks)", () => {
  assert.equal(run(fcall("EXTRACT", "DAY", date("2006-06-05"))), 5);
  assert.equal(run(fcall("EXTRACT", "YEAR", date("1994-09-27"))), 1994);
  assert.equal(run(fcall("EXTRACT", "QUARTER", date("1994-09-27"))), 3);
  assert.equal(run(fcall("EXTRACT", "DOW", date("1994-09-27"))), 3);
  assert.equal(run(fcall("EXTRACT", "ISODOW", date("1994-09-25"))), 7);
  assert.equal(run(fcall("EXTRACT", "DOY", date("1994-09-27"))), 270);
  assert.equal(
    run(fcall("EXTRACT", "WEEK", date("2021-01-01"))),
    53,
    "ISO week of the previous year",
  );
  assert.equal(run(fcall("EXTRACT", "EPOCH", date("1970-01-02"))), 86400);
  assert.equal(run(fcall("EXTRACT", "CENTURY", date("2000-12-31"))), 20);
  assert.equal(run(fcall("EXTRACT", "HOUR", time("13:14:15"))), 13);
  const t = ts("1994-09-27T13:14:15.123", 6, 456000);
  assert.equal(run(fcall("EXTRACT", "MINUTE", t)), 14);
  assert.equal(run(fcall("EXTRACT", "SECOND", t)), 15);
  assert.equal(run(fcall("EXTRACT", "MILLISECOND", t)), 123);
  assert.equal(run(fcall("EXTRACT", "MICROSECOND", t)), 123456);
  assert.equal(run(fcall("EXTRACT", "EPOCH", ts("1970-01-01T00:00:10.500"))), 10);
  assert.equal(typeToString(fcall("EXTRACT", "YEAR", date("2000-01-01")).type), "BIGINT NOT NULL");
  assert.equal(run(fcall("EXTRACT", "YEAR", nul(T.DATE()))), null);
});

test("EXTRACT reads a TIMESTAMP_LTZ in the session time zone", () => {
  const instant = ltz("2020-01-01T23:30:00Z");
  assert.equal(run(fcall("EXTRACT", "DAY", instant)), 1);
  assert.equal(run(fcall("EXTRACT", "DAY", instant), [], SHANGHAI), 2);
  assert.equal(run(fcall("EXTRACT", "HOUR", instant), [], SHANGHAI), 7);
  assert.equal(run(fcall("HOUR", instant), [], { timeZone: "America/New_York" }), 18);
});

test("EXTRACT from intervals, and units that do not apply are plan-time errors", () => {
  const months = typed(14, T.notNull(T.INTERVAL_YEAR_MONTH("YEAR_TO_MONTH")));
  assert.equal(run(fcall("EXTRACT", "YEAR", months)), 1);
  assert.equal(run(fcall("EXTRACT", "MONTH", months)), 2);
  const millis = typed(-90061001, T.notNull(T.INTERVAL_DAY_TIME("DAY_TO_SECOND")));
  assert.equal(run(fcall("EXTRACT", "DAY", millis)), -1);
  assert.equal(run(fcall("EXTRACT", "HOUR", millis)), -1);
  assert.equal(run(fcall("EXTRACT", "SECOND", millis)), -1);
  assert.throws(
    () => fcall("EXTRACT", "HOUR", date("2020-01-01")),
    /EXTRACT: cannot extract HOUR from DATE/,
  );
  assert.throws(() => fcall("EXTRACT", "YEAR", time("10:00:00")), SqlValidationError);
  assert.throws(() => fcall("EXTRACT", "YEAR", "2020-01-01"), /Cannot apply 'EXTRACT'/);
  assert.throws(
    () => fcall("EXTRACT", "FORTNIGHT", date("2020-01-01")),
    /cannot extract FORTNIGHT/,
  );
});

test("YEAR ... SECOND shorthands equal EXTRACT", () => {
  const d = date("1994-09-27");
  assert.equal(run(fcall("YEAR", d)), 1994);
  assert.equal(run(fcall("QUARTER", d)), 3);
  assert.equal(run(fcall("MONTH", d)), 9);
  assert.equal(run(fcall("WEEK", d)), 39);
  assert.equal(run(fcall("DAYOFYEAR", d)), 270);
  assert.equal(run(fcall("DAYOFMONTH", d)), 27);
  assert.equal(run(fcall("DAYOFWEEK", d)), 3);
  const t = ts("1994-09-27T13:14:15.000");
  assert.equal(run(fcall("HOUR", t)), 13);
  assert.equal(run(fcall("MINUTE", t)), 14);
  assert.equal(run(fcall("SECOND", t)), 15);
  assert.equal(run(fcall("YEAR", t)), 1994);
  assert.equal(run(fcall("MINUTE", time("10:59:00"))), 59);
  assert.throws(() => fcall("HOUR", d), /Cannot apply 'HOUR'/);
});

test("FLOOR / CEIL of points in time; a value on a boundary is its own ceiling", () => {
  assert.equal(timeText(run(fcall("FLOOR", time("12:44:31"), "MINUTE"))), "12:44:00.000");
  assert.equal(timeText(run(fcall("CEIL", time("12:44:31"), "MINUTE"))), "12:45:00.000");
  assert.equal(timeText(run(fcall("CEIL", time("12:00:00"), "HOUR"))), "12:00:00.000");
  const t = ts("2020-05-20T10:20:30.500");
  const at = (unit: string, floor = true) => iso(run(fcall(floor ? "FLOOR" : "CEIL", t, unit)));
  assert.equal(at("SECOND"), "2020-05-20T10:20:30.000Z");
  assert.equal(at("SECOND", false), "2020-05-20T10:20:31.000Z");
  assert.equal(at("DAY"), "2020-05-20T00:00:00.000Z");
  assert.equal(at("DAY", false), "2020-05-21T00:00:00.000Z");
  assert.equal(at("WEEK"), "2020-05-17T00:00:00.000Z", "weeks start on Sunday");
  assert.equal(at("WEEK", false), "2020-05-24T00:00:00.000Z");
  assert.equal(at("MONTH"), "2020-05-01T00:00:00.000Z");
  assert.equal(at("MONTH", false), "2020-06-01T00:00:00.000Z");
  assert.equal(at("QUARTER"), "2020-04-01T00:00:00.000Z");
  assert.equal(at("QUARTER", false), "2020-07-01T00:00:00.000Z");
  assert.equal(at("YEAR"), "2020-01-01T00:00:00.000Z");
  assert.equal(at("YEAR", false), "2021-01-01T00:00:00.000Z");
  assert.equal(at("DECADE"), "2020-01-01T00:00:00.000Z");
  assert.equal(at("CENTURY"), "2001-01-01T00:00:00.000Z");
  assert.equal(
    iso(run(fcall("CEIL", ts("2020-04-01T00:00:00.000"), "QUARTER"))),
    "2020-04-01T00:00:00.000Z",
  );
  assert.equal(
    iso(run(fcall("CEIL", ts("2020-01-01T00:00:00.000", 9, 1), "SECOND"))),
    "2020-01-01T00:00:01.000Z",
  );
  assert.equal(day(run(fcall("FLOOR", date("2020-05-20"), "WEEK"))), "2020-05-17");
  assert.equal(day(run(fcall("CEIL", date("2020-01-01"), "YEAR"))), "2020-01-01");
  assert.equal(day(run(fcall("CEIL", date("2020-01-02"), "MONTH"))), "2020-02-01");
  assert.equal(day(run(fcall("FLOOR", date("1969-12-31"), "YEAR"))), "1969-01-01");
  assert.equal(
    typeToString(fcall("FLOOR", ts("2020-01-01T00:00:00.000"), "DAY").type),
    "TIMESTAMP(3) NOT NULL",
  );
  assert.throws(
    () => fcall("FLOOR", date("2020-01-01"), "HOUR"),
    /FLOOR: cannot round a DATE to HOUR/,
  );
  assert.throws(() => fcall("CEIL", time("10:00:00"), "DAY"), /cannot round a TIME to DAY/);
});

test("FLOOR / CEIL of a TIMESTAMP_LTZ round in the session time zone", () => {
  const instant = ltz("2020-01-01T20:30:00Z");
  assert.equal(iso(run(fcall("FLOOR", instant, "DAY"))), "2020-01-01T00:00:00.000Z");
  assert.equal(iso(run(fcall("FLOOR", instant, "DAY"), [], SHANGHAI)), "2020-01-01T16:00:00.000Z");
  assert.equal(iso(run(fcall("CEIL", instant, "DAY"), [], SHANGHAI)), "2020-01-02T16:00:00.000Z");
  assert.equal(
    iso(run(fcall("FLOOR", instant, "HOUR"), [], { timeZone: "Asia/Kolkata" })),
    "2020-01-01T20:30:00.000Z",
  );
});

test("TIMESTAMPADD adds calendar units (clamping the day) and fixed units", () => {
  assert.equal(
    iso(run(fcall("TIMESTAMPADD", "MONTH", 1, ts("2020-01-31T10:00:00.000")))),
    "2020-02-29T10:00:00.000Z",
  );
  assert.equal(
    iso(run(fcall("TIMESTAMPADD", "YEAR", -1, ts("2020-02-29T10:00:00.000")))),
    "2019-02-28T10:00:00.000Z",
  );
  assert.equal(
    iso(run(fcall("TIMESTAMPADD", "WEEK", 1, ts("2020-01-01T00:00:00.000")))),
    "2020-01-08T00:00:00.000Z",
  );
  assert.equal(
    iso(run(fcall("TIMESTAMPADD", "SQL_TSI_HOUR", 25, ts("2020-01-01T00:00:00.000")))),
    "2020-01-02T01:00:00.000Z",
  );
  assert.equal(day(run(fcall("TIMESTAMPADD", "DAY", 3, date("2020-02-27")))), "2020-03-01");
  assert.equal(day(run(fcall("TIMESTAMPADD", "QUARTER", -1, date("2020-05-31")))), "2020-02-29");
  const hourOnDate = fcall("TIMESTAMPADD", "HOUR", 25, date("2020-01-01"));
  assert.equal(typeToString(hourOnDate.type), "TIMESTAMP(0) NOT NULL");
  assert.equal(iso(run(hourOnDate)), "2020-01-02T01:00:00.000Z");
  assert.equal(
    timeText(run(fcall("TIMESTAMPADD", "MINUTE", 90, time("23:00:00")))),
    "00:30:00.000",
  );
  const micro = run(
    fcall("TIMESTAMPADD", "MICROSECOND", 1500, ts("2020-01-01T00:00:00.000", 6)),
  ) as Timestamp;
  assert.deepEqual([micro.millis % 1000, micro.nanos], [1, 500000]);
  assert.equal(
    iso(
      run(fcall("TIMESTAMPADD", "DAY", 1, ltz("2020-03-07T12:00:00Z")), [], {
        timeZone: "America/New_York",
      }),
    ),
    "2020-03-08T12:00:00.000Z",
  );
  assert.throws(
    () => fcall("TIMESTAMPADD", "YEAR", 1, time("10:00:00")),
    /cannot add YEAR to a TIME/,
  );
  assert.throws(
    () => fcall("TIMESTAMPADD", "EON", 1, date("2020-01-01")),
    /unsupported time unit EON/,
  );
  assert.equal(run(fcall("TIMESTAMPADD", "DAY", nul(T.INT()), date("2020-01-01"))), null);
});

test("TIMESTAMPDIFF counts whole units toward zero; months respect the time of day", () => {
  assert.equal(run(fcall("TIMESTAMPDIFF", "DAY", date("2020-01-01"), date("2020-01-31"))), 30);
  assert.equal(run(fcall("TIMESTAMPDIFF", "DAY", date("2020-01-01"), date("2019-12-01"))), -31);
  assert.equal(
    run(
      fcall("TIMESTAMPDIFF", "HOUR", ts("2020-01-01T10:30:00.000"), ts("2020-01-01T08:00:00.000")),
    ),
    -2,
  );
  assert.equal(
    run(
      fcall("TIMESTAMPDIFF", "MONTH", ts("2020-01-31T10:00:00.000"), ts("2020-02-29T11:00:00.000")),
    ),
    1,
  );
  assert.equal(
    run(
      fcall("TIMESTAMPDIFF", "MONTH", ts("2020-01-31T10:00:00.000"), ts("2020-02-29T09:00:00.000")),
    ),
    0,
  );
  assert.equal(run(fcall("TIMESTAMPDIFF", "MONTH", date("2020-01-31"), date("2020-02-28"))), 0);
  assert.equal(run(fcall("TIMESTAMPDIFF", "MONTH", date("2020-03-31"), date("2020-01-31"))), -2);
  assert.equal(run(fcall("TIMESTAMPDIFF", "YEAR", date("2019-06-15"), date("2021-06-14"))), 1);
  assert.equal(run(fcall("TIMESTAMPDIFF", "QUARTER", date("2020-01-01"), date("2020-12-31"))), 3);
  assert.equal(
    run(fcall("TIMESTAMPDIFF", "SECOND", date("2020-01-01"), ts("2020-01-01T00:01:00.000"))),
    60,
  );
  assert.equal(
    run(fcall("TIMESTAMPDIFF", "SECOND", ltz("2020-01-01T00:00:00Z"), ltz("2020-01-01T00:00:30Z"))),
    30,
  );
  assert.equal(
    typeToString(fcall("TIMESTAMPDIFF", "DAY", date("2020-01-01"), date("2020-01-02")).type),
    "INT NOT NULL",
  );
  assert.throws(
    () => fcall("TIMESTAMPDIFF", "DAY", ltz("2020-01-01T00:00:00Z"), ts("2020-01-01T00:00:00.000")),
    /Both points in time must be TIMESTAMP_LTZ or neither/,
  );
});

test("CONVERT_TZ converts 'yyyy-MM-dd HH:mm:ss' text between zones", () => {
  assert.equal(
    ev("CONVERT_TZ", "1970-01-01 00:00:00", "UTC", "America/Los_Angeles"),
    "1969-12-31 16:00:00",
  );
  assert.equal(
    ev("CONVERT_TZ", "2020-06-01 12:00:00", "Europe/Berlin", "Asia/Tokyo"),
    "2020-06-01 19:00:00",
  );
  assert.equal(ev("CONVERT_TZ", "2020-01-01 12:00:00", "GMT-08:00", "UTC"), "2020-01-01 20:00:00");
  assert.equal(ev("CONVERT_TZ", "2020-01-01 12:00:00", "PST", "+05:30"), "2020-01-02 01:30:00");
  assert.equal(ev("CONVERT_TZ", "not a date", "UTC", "UTC"), null);
  assert.equal(ev("CONVERT_TZ", null, "UTC", "UTC"), null);
  assert.throws(
    () => ev("CONVERT_TZ", "2020-01-01 00:00:00", "Mars/Olympus", "UTC"),
    /Unknown time zone 'Mars\/Olympus'/,
  );
});
