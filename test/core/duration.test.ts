import { test } from "node:test";
import assert from "node:assert/strict";
import { Duration, parseDuration } from "../../src/core/duration.ts";

test("parseDuration reads a number with a unit", () => {
  assert.equal(parseDuration("500ms").toMillis(), 500);
  assert.equal(parseDuration("1s").toMillis(), 1000);
  assert.equal(parseDuration("2min").toMillis(), 120_000);
  assert.equal(parseDuration("2m").toMillis(), 120_000);
  assert.equal(parseDuration("1h").toMillis(), 3_600_000);
  assert.equal(parseDuration("3d").toMillis(), 3 * 86_400_000);
  assert.equal(parseDuration("1.5s").toMillis(), 1500);
  assert.equal(parseDuration(" 10 seconds ").toMillis(), 10_000);
  assert.equal(parseDuration("5 MIN").toMillis(), 300_000);
  assert.ok(parseDuration("0ms").equals(Duration.ZERO));
});

test("parseDuration reads a bare number as milliseconds", () => {
  assert.equal(parseDuration("250").toMillis(), 250);
});

test("parseDuration rejects what is not a duration, naming the text", () => {
  for (const bad of ["", "abc", "1x", "-1s", "1s2", "s", "1e3", "one second"]) {
    assert.throws(
      () => parseDuration(bad),
      (e: unknown) => {
        assert.ok(e instanceof RangeError);
        assert.match(e.message, new RegExp(`cannot parse '${bad}' as a duration`));
        return true;
      },
    );
  }
});
