/**
 * The functions of "now", read from the injected clock of the code generator
 * (`CompileOptions.clock`, epoch milliseconds; code under src/ never reads the real clock):
 * CURRENT_TIMESTAMP and NOW() (TIMESTAMP_LTZ(3)), LOCALTIMESTAMP (TIMESTAMP(3)), CURRENT_TIME
 * and LOCALTIME (TIME(0)), CURRENT_DATE (DATE) — local values in the session time zone — and
 * CURRENT_ROW_TIMESTAMP(), PROCTIME() (TIMESTAMP_LTZ(3)) and UNIX_TIMESTAMP() (BIGINT seconds).
 *
 * Flink's rule on when "now" is read: in BATCH mode (`CompileOptions.runtimeMode`) the first
 * group is evaluated once, when the expression is compiled, and every row sees the same value;
 * in STREAMING mode every evaluation reads the clock. CURRENT_ROW_TIMESTAMP, PROCTIME and
 * UNIX_TIMESTAMP() read it per record in both modes. None is deterministic (never folded).
 */
import type { CallSite, ScalarFunctionDef } from "../expr/operators.ts";
import { MILLIS_PER_DAY } from "../types/datetime.ts";
import * as T from "../types/logical-type.ts";
import type { LogicalType } from "../types/logical-type.ts";
import { Timestamp } from "../types/timestamp.ts";
import { expectArgs, fn } from "./define.ts";
import { unixTimestampOf, UNIX_TIMESTAMP_ARGS } from "./temporal-convert.ts";
import { resolveZone, toLocal } from "./zones.ts";

type Reader = (now: number, site: CallSite) => unknown;

function localMillis(now: number, site: CallSite): number {
  return toLocal(resolveZone(site.timeZone), now);
}

function nowFn(
  name: string,
  type: LogicalType,
  read: Reader,
  perRecord: boolean,
): ScalarFunctionDef {
  return fn({
    name,
    deterministic: false,
    inferType(types) {
      expectArgs(name, types, []);
      return T.notNull(type);
    },
    bind(site) {
      const clock = site.clock;
      if (!perRecord && site.runtimeMode === "BATCH") {
        const value = read(clock(), site);
        return () => value;
      }
      return () => read(clock(), site);
    },
  });
}

const instant: Reader = (now) => Timestamp.fromMillis(Math.floor(now));
const localTimestamp: Reader = (now, site) =>
  Timestamp.fromMillis(Math.floor(localMillis(now, site)));
const localTime: Reader = (now, site) => {
  const local = Math.floor(localMillis(now, site));
  const ms = local - Math.floor(local / MILLIS_PER_DAY) * MILLIS_PER_DAY;
  return ms - (ms % 1000);
};
const localDate: Reader = (now, site) => Math.floor(localMillis(now, site) / MILLIS_PER_DAY);

const LTZ3 = T.TIMESTAMP_LTZ(3);

const UNIX_TIMESTAMP = fn({
  name: "UNIX_TIMESTAMP",
  deterministic: false,
  inferType(types, operands?) {
    if (types.length === 0) return T.notNull(T.BIGINT());
    return UNIX_TIMESTAMP_ARGS.inferType(types, operands);
  },
  bind(site) {
    if (site.argTypes.length > 0) return unixTimestampOf(site.timeZone);
    const clock = site.clock;
    return () => Math.trunc(clock() / 1000) + 0;
  },
});

/** The "now" function definitions. */
export const NOW_FUNCTIONS: readonly ScalarFunctionDef[] = [
  nowFn("CURRENT_TIMESTAMP", LTZ3, instant, false),
  nowFn("NOW", LTZ3, instant, false),
  nowFn("LOCALTIMESTAMP", T.TIMESTAMP(3), localTimestamp, false),
  nowFn("CURRENT_TIME", T.TIME(0), localTime, false),
  nowFn("LOCALTIME", T.TIME(0), localTime, false),
  nowFn("CURRENT_DATE", T.DATE(), localDate, false),
  nowFn("CURRENT_ROW_TIMESTAMP", LTZ3, instant, true),
  // A processing-time attribute (`TIMESTAMP_LTZ(3) *PROCTIME*`), read when the row is read.
  nowFn("PROCTIME", { ...LTZ3, timeAttr: "PROCTIME" }, instant, true),
  UNIX_TIMESTAMP,
];
