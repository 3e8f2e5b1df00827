import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Timestamp,
  addIntervalToDate,
  addIntervalToTime,
  addIntervalToTimestamp,
  addMonthsToDate,
  civilFromDays,
  daysFromCivil,
  extractFromDate,
  extractFromDayTimeInterval,
  extractFromTime,
  extractFromTimestamp,
  extractFromYearMonthInterval,
  formatDate,
  formatDayTimeInterval,
  formatTime,
  formatTimestamp,
  formatYearMonthInterval,
  instantToLocal,
  localToInstant,
  parseDate,
  parseTime,
  parseTimestamp,
  zoneOffsetMillis,
  checkTimeZone,
} from "../../src/table/types/index.ts";

const ts = (text: string, p = 9) => {
  const t = parseTimestamp(text, p);
  assert.ok(t !== undefined, text);
  return t;
};

test("days since the epoch round-trip over the whole DATE range", () => {
  assert.equal(daysFromCivil(1970, 1, 1), 0);
  assert.equal(daysFromCivil(2020, 1, 1), 18262);
  assert.equal(daysFromCivil(1969, 12, 31), -1);
  assert.equal(daysFromCivil(0, 1, 1), -719528);
  assert.equal(daysFromCivil(9999, 12, 31), 2932896);
  for (let d = -719528; d <= 2932896; d += 997) {
    const { year, month, day } = civilFromDays(d);
    assert.equal(daysFromCivil(year, month, day), d);
  }
  assert.deepEqual(civilFromDays(daysFromCivil(2000, 2, 29)), { year: 2000, month: 2, day: 29 });
});

test("DATE text: Flink's lenient forms, invalid dates rejected", () => {
  assert.equal(formatDate(parseDate("2020-01-05")!), "2020-01-05");
  assert.equal(formatDate(parseDate("2020-1-5")!), "2020-01-05");
  assert.equal(formatDate(parseDate(" 2020 ")!), "2020-01-01");
  assert.equal(formatDate(parseDate("2020-3")!), "2020-03-01");
  assert.equal(formatDate(parseDate("2017-12-12 09:30:00.0")!), "2017-12-12"); // time part ignored
  assert.equal(formatDate(parseDate("0001-01-01")!), "0001-01-01");
  assert.equal(formatDate(-1), "1969-12-31");
  for (const bad of [
    "2020-13-01",
    "2019-02-29",
    "2020-01-32",
    "abc",
    "",
    "2020/01/01",
    "10000-01-01",
  ]) {
    assert.equal(parseDate(bad), undefined, bad);
  }
  assert.equal(formatDate(parseDate("2020-02-29")!), "2020-02-29");
});

test("TIME text: milliseconds of the day, fraction rounded half up", () => {
  assert.equal(parseTime("10:00:00"), 36000000);
  assert.equal(parseTime("1:2:3"), 3723000);
  assert.equal(parseTime("10:15"), 36900000);
  assert.equal(parseTime("10:00:00.1234"), 36000123);
  assert.equal(parseTime("10:00:00.1235"), 36000124); // Flink's parseFraction rounds on the 4th digit
  assert.equal(parseTime("23:59:59.9999"), 86399999);
  for (const bad of ["24:00:00", "10:60:00", "10:00:60", "x", "10:00:00.1234567890"]) {
    assert.equal(parseTime(bad), undefined, bad);
  }
  assert.equal(formatTime(36000123, 0), "10:00:00");
  assert.equal(formatTime(36000123, 3), "10:00:00.123");
  assert.equal(formatTime(36000120, 2), "10:00:00.12");
  assert.equal(formatTime(0, 6), "00:00:00.000000");
});

test("TIMESTAMP parse and format at precision 0, 3, 6 and 9", () => {
  const text = "2020-01-01 10:00:00.123456789";
  assert.equal(formatTimestamp(ts(text, 0), 0), "2020-01-01 10:00:00");
  assert.equal(formatTimestamp(ts(text, 3), 3), "2020-01-01 10:00:00.123");
  assert.equal(formatTimestamp(ts(text, 6), 6), "2020-01-01 10:00:00.123456");
  assert.equal(formatTimestamp(ts(text, 9), 9), "2020-01-01 10:00:00.123456789");
  const t3 = ts(text, 3);
  assert.deepEqual([t3.millis, t3.nanos], [Date.UTC(2020, 0, 1, 10, 0, 0, 123), 0]);
  const t9 = ts(text, 9);
  assert.deepEqual([t9.millis, t9.nanos], [Date.UTC(2020, 0, 1, 10, 0, 0, 123), 456789]);
  // the fraction is padded to the precision, and longer only when digits are non-zero
  assert.equal(formatTimestamp(ts("2020-01-01 10:00:00"), 3), "2020-01-01 10:00:00.000");
  assert.equal(formatTimestamp(ts("2020-01-01 10:00:00.1"), 3), "2020-01-01 10:00:00.100");
  assert.equal(formatTimestamp(ts("2020-01-01 10:00:00.1"), 0), "2020-01-01 10:00:00.1");
  assert.equal(formatTimestamp(ts("2020-01-01 10:00:00.000001"), 6), "2020-01-01 10:00:00.000001");
  // lenient forms Flink accepts
  assert.equal(formatTimestamp(ts("2020-1-2 3:04:05"), 0), "2020-01-02 03:04:05");
  assert.equal(formatTimestamp(ts("2020-01-02"), 0), "2020-01-02 00:00:00");
  assert.equal(formatTimestamp(ts(" 2020-01-02 00:00:00. "), 0), "2020-01-02 00:00:00");
  // before the epoch and at the ends of the range
  assert.equal(ts("1969-12-31 23:59:59.999").millis, -1);
  assert.equal(
    formatTimestamp(ts("1969-12-31 23:59:59.999999999"), 9),
    "1969-12-31 23:59:59.999999999",
  );
  assert.equal(formatTimestamp(ts("0000-01-01 00:00:00"), 0), "0000-01-01 00:00:00");
  assert.equal(
    formatTimestamp(ts("9999-12-31 23:59:59.999999999"), 9),
    "9999-12-31 23:59:59.999999999",
  );
});

test("TIMESTAMP text: ISO 'T' only on request, impossible values rejected", () => {
  assert.equal(parseTimestamp("2020-01-01T10:00:00"), undefined); // Flink's CAST rejects it
  assert.equal(
    formatTimestamp(parseTimestamp("2020-01-01T10:00:00", 3, { iso: true })!, 3),
    "2020-01-01 10:00:00.000",
  );
  for (const bad of [
    "2020-02-30 00:00:00",
    "2020-01-01 24:00:00",
    "2020-01-01 10:00",
    "2020-01-01 10:00:00.1234567891",
    "now",
  ]) {
    assert.equal(parseTimestamp(bad), undefined, bad);
  }
});

test("Timestamp value class", () => {
  const a = new Timestamp(1000, 5);
  assert.ok(a.equals(new Timestamp(1000, 5)));
  assert.ok(a.compareTo(new Timestamp(1000, 6)) < 0 && a.compareTo(new Timestamp(999, 999999)) > 0);
  assert.equal(new Timestamp(1000).key(), 1000);
  assert.equal(a.key(), "1000:5");
  assert.equal(new Timestamp(-1, 999999).truncate(0).millis, -1000); // truncation goes toward the past
  assert.equal(new Timestamp(1234, 567891).truncate(4).nanos, 500000);
  assert.equal(Timestamp.fromEpochNanos(-1n).millis, -1);
  assert.equal(Timestamp.fromEpochNanos(-1n).nanos, 999999);
  assert.equal(new Timestamp(-1, 999999).toEpochNanos(), -1n);
  assert.throws(() => new Timestamp(1.5), /integer/);
  assert.throws(() => new Timestamp(0, 1000000), /0..999999/);
  assert.equal(
    new Timestamp(Date.UTC(2020, 0, 1, 10), 1).toString(),
    "2020-01-01T10:00:00.000000001Z",
  );
});

test("TIMESTAMP ↔ TIMESTAMP_LTZ across the DST boundaries of Europe/Berlin", () => {
  const zone = "Europe/Berlin";
  assert.equal(zoneOffsetMillis(zone, Date.UTC(2021, 2, 28, 0, 59, 59)), 3600000);
  assert.equal(zoneOffsetMillis(zone, Date.UTC(2021, 2, 28, 1, 0, 0)), 7200000);
  // instant → local: the clock jumps from 01:59:59 to 03:00:00
  const before = new Timestamp(Date.UTC(2021, 2, 28, 0, 59, 59));
  const after = new Timestamp(Date.UTC(2021, 2, 28, 1, 0, 0));
  assert.equal(formatTimestamp(instantToLocal(before, zone), 0), "2021-03-28 01:59:59");
  assert.equal(formatTimestamp(instantToLocal(after, zone), 0), "2021-03-28 03:00:00");
  // local → instant: a time in the gap moves later by the gap (java.time's rule)
  assert.equal(
    localToInstant(ts("2021-03-28 02:30:00"), zone).millis,
    Date.UTC(2021, 2, 28, 1, 30),
  );
  assert.equal(
    localToInstant(ts("2021-03-28 03:30:00"), zone).millis,
    Date.UTC(2021, 2, 28, 1, 30),
  );
  // an ambiguous time in the autumn overlap takes the earlier offset (+02:00)
  assert.equal(
    localToInstant(ts("2021-10-31 02:30:00"), zone).millis,
    Date.UTC(2021, 9, 31, 0, 30),
  );
  assert.equal(
    localToInstant(ts("2021-10-31 03:30:00"), zone).millis,
    Date.UTC(2021, 9, 31, 2, 30),
  );
  // nanos survive the round trip
  const local = ts("2021-07-01 12:00:00.123456789");
  const instant = localToInstant(local, zone);
  assert.equal(instant.millis, Date.UTC(2021, 6, 1, 10, 0, 0, 123));
  assert.ok(instantToLocal(instant, zone).equals(local));
  assert.equal(zoneOffsetMillis("UTC", 0), 0);
  assert.equal(zoneOffsetMillis("Asia/Kolkata", 0), 19800000);
  assert.throws(() => checkTimeZone("Mars/Olympus"), /Unknown time zone 'Mars\/Olympus'/);
});

test("EXTRACT with Flink's conventions", () => {
  const d = parseDate("2020-01-01")!; // a Wednesday
  assert.deepEqual(
    [
      "YEAR",
      "QUARTER",
      "MONTH",
      "DAY",
      "DOW",
      "ISODOW",
      "DOY",
      "WEEK",
      "DECADE",
      "CENTURY",
      "MILLENNIUM",
      "EPOCH",
    ].map((u) => extractFromDate(u as never, d)),
    [2020, 1, 1, 1, 4, 3, 1, 1, 202, 21, 3, 1577836800],
  );
  assert.equal(extractFromDate("WEEK", parseDate("2021-01-01")!), 53); // ISO week of 2020
  assert.equal(extractFromDate("ISOYEAR", parseDate("2021-01-01")!), 2020);
  assert.equal(extractFromDate("WEEK", parseDate("2019-12-30")!), 1);
  assert.equal(extractFromDate("ISOYEAR", parseDate("2019-12-30")!), 2020);
  assert.equal(extractFromDate("DOW", parseDate("2023-01-01")!), 1); // Sunday
  assert.equal(extractFromDate("DOY", parseDate("2020-12-31")!), 366);
  assert.equal(extractFromDate("CENTURY", parseDate("2000-06-01")!), 20);
  assert.equal(extractFromDate("QUARTER", parseDate("2020-11-30")!), 4);
  const t = ts("2020-06-15 13:45:30.123456789");
  assert.deepEqual(
    ["HOUR", "MINUTE", "SECOND", "MILLISECOND", "MICROSECOND", "NANOSECOND", "MONTH", "DAY"].map(
      (u) => extractFromTimestamp(u as never, t),
    ),
    [13, 45, 30, 123, 123456, 123456789, 6, 15],
  );
  assert.equal(extractFromTimestamp("EPOCH", ts("1970-01-01 00:01:01.900")), 61);
  assert.equal(extractFromTimestamp("EPOCH", ts("1969-12-31 23:59:59.5")), 0); // truncated, as Flink
  assert.equal(extractFromTimestamp("EPOCH", ts("1969-12-31 23:59:58.5")), -1);
  // a TIMESTAMP_LTZ is read in the session zone
  const instant = new Timestamp(Date.UTC(2020, 5, 15, 23, 30));
  assert.equal(extractFromTimestamp("HOUR", instant, "Europe/Berlin"), 1);
  assert.equal(extractFromTimestamp("DAY", instant, "Europe/Berlin"), 16);
  assert.equal(extractFromTime("MINUTE", parseTime("10:15:00")!), 15);
  assert.throws(() => extractFromTime("YEAR", 0), /not supported/);
  assert.equal(extractFromYearMonthInterval("YEAR", 14), 1);
  assert.equal(extractFromYearMonthInterval("MONTH", -14), -2);
  assert.equal(extractFromDayTimeInterval("HOUR", 90000000), 1);
  assert.equal(extractFromDayTimeInterval("DAY", -90000000), -1);
});

test("date/time plus intervals", () => {
  const d = (s: string) => parseDate(s)!;
  assert.equal(formatDate(addMonthsToDate(d("2020-01-31"), 1)), "2020-02-29");
  assert.equal(formatDate(addMonthsToDate(d("2021-01-31"), 1)), "2021-02-28");
  assert.equal(formatDate(addMonthsToDate(d("2020-03-31"), -1)), "2020-02-29");
  assert.equal(formatDate(addMonthsToDate(d("2020-12-15"), 14)), "2022-02-15");
  assert.equal(
    formatDate(addIntervalToDate(d("2020-01-01"), 2 * 86400000 + 5000, "INTERVAL_DAY_TIME")),
    "2020-01-03",
  );
  assert.equal(
    formatDate(addIntervalToDate(d("2020-01-01"), -13, "INTERVAL_YEAR_MONTH")),
    "2018-12-01",
  );
  assert.equal(
    formatTime(addIntervalToTime(parseTime("23:00:00")!, 2 * 3600000, "INTERVAL_DAY_TIME")),
    "01:00:00",
  );
  assert.throws(
    () => addIntervalToTime(0, 1, "INTERVAL_YEAR_MONTH"),
    /year-month interval to a TIME/,
  );
  const t = ts("2020-01-31 10:00:00.000000001");
  assert.equal(
    formatTimestamp(addIntervalToTimestamp(t, 1, "INTERVAL_YEAR_MONTH"), 9),
    "2020-02-29 10:00:00.000000001",
  );
  assert.equal(
    formatTimestamp(addIntervalToTimestamp(t, -3600000, "INTERVAL_DAY_TIME"), 9),
    "2020-01-31 09:00:00.000000001",
  );
});

test("interval text as Flink prints it", () => {
  assert.equal(formatYearMonthInterval(14), "+1-02");
  assert.equal(formatYearMonthInterval(-5), "-0-05");
  assert.equal(formatYearMonthInterval(0), "+0-00");
  assert.equal(formatDayTimeInterval(3723004), "+0 01:02:03.004");
  assert.equal(formatDayTimeInterval(-(2 * 86400000 + 1)), "-2 00:00:00.001");
});
