/**
 * Session time zones: offsets of IANA zones (computed with `Intl`, cached per zone and hour) and
 * the conversions between TIMESTAMP (a local date-time) and TIMESTAMP_LTZ (an instant).
 *
 * Local date-times in a gap (spring forward) move later by the length of the gap, and in an
 * overlap (fall back) take the earlier offset — the rules of `java.time.LocalDateTime.atZone`,
 * which Flink uses.
 */
import { Timestamp } from "./timestamp.ts";

/** The default session time zone. */
export const DEFAULT_TIME_ZONE = "UTC";

const HOUR = 3600000;
const DAY = 86400000;

interface ZoneInfo {
  readonly format: Intl.DateTimeFormat;
  /** Hour bucket → constant offset of the whole hour, or NaN when it contains a transition. */
  readonly hours: Map<number, number>;
}

const zones = new Map<string, ZoneInfo | null>();

function isUtc(zone: string): boolean {
  return (
    zone === "UTC" || zone === "Etc/UTC" || zone === "GMT" || zone === "Z" || zone === "+00:00"
  );
}

function zoneInfo(zone: string): ZoneInfo | null {
  let info = zones.get(zone);
  if (info !== undefined) return info;
  if (isUtc(zone)) {
    info = null;
  } else {
    let format: Intl.DateTimeFormat;
    try {
      format = new Intl.DateTimeFormat("en-US", {
        timeZone: zone,
        hourCycle: "h23",
        era: "short",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
    } catch (e) {
      throw new RangeError(
        `Unknown time zone '${zone}' (expected an IANA name such as 'Europe/Berlin' or 'UTC')`,
        {
          cause: e,
        },
      );
    }
    info = { format, hours: new Map() };
  }
  zones.set(zone, info);
  return info;
}

/** Throws a RangeError naming the zone when it is not a time zone `Intl` knows. */
export function checkTimeZone(zone: string): string {
  zoneInfo(zone);
  return zone;
}

function computeOffset(info: ZoneInfo, epochMillis: number): number {
  const second = Math.floor(epochMillis / 1000) * 1000;
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let sec = 0;
  let bc = false;
  for (const p of info.format.formatToParts(second)) {
    switch (p.type) {
      case "year":
        year = Number(p.value);
        break;
      case "month":
        month = Number(p.value);
        break;
      case "day":
        day = Number(p.value);
        break;
      case "hour":
        hour = Number(p.value);
        break;
      case "minute":
        minute = Number(p.value);
        break;
      case "second":
        sec = Number(p.value);
        break;
      case "era":
        bc = p.value === "BC" || p.value === "B";
        break;
    }
  }
  if (bc) year = 1 - year;
  const local = new Date(0); // Date.UTC would map years 0..99 to 1900..1999
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(hour, minute, sec, 0);
  return local.getTime() - second;
}

/** Offset of `zone` from UTC at an instant, in milliseconds (positive east of Greenwich). */
export function zoneOffsetMillis(zone: string, epochMillis: number): number {
  const info = zoneInfo(zone);
  if (info === null) return 0;
  const bucket = Math.floor(epochMillis / HOUR);
  let cached = info.hours.get(bucket);
  if (cached === undefined) {
    const start = bucket * HOUR;
    const a = computeOffset(info, start);
    const b = computeOffset(info, start + HOUR - 1);
    cached = a === b ? a : NaN;
    if (info.hours.size > 50000) info.hours.clear();
    info.hours.set(bucket, cached);
  }
  return Number.isNaN(cached) ? computeOffset(info, epochMillis) : cached;
}

/**
 * The instant of a local date-time (given as UTC-encoded millis) in `zone`: in a gap the time
 * moves later by the gap, in an overlap the earlier offset wins (java.time's rules).
 */
export function localMillisToInstant(localMillis: number, zone: string): number {
  if (zoneInfo(zone) === null) return localMillis;
  const before = zoneOffsetMillis(zone, localMillis - DAY);
  const after = zoneOffsetMillis(zone, localMillis + DAY);
  const valid: number[] = [];
  for (const o of before === after ? [before] : [before, after]) {
    if (zoneOffsetMillis(zone, localMillis - o) === o) valid.push(o);
  }
  // A gap: shift later by the gap, i.e. use the offset from before the transition.
  if (valid.length === 0) return localMillis - before;
  // An overlap: the offset valid before the transition (the earlier instant).
  return localMillis - (valid.includes(before) ? before : valid[0]!);
}

/** TIMESTAMP_LTZ → TIMESTAMP: the local date-time of an instant in `zone`. */
export function instantToLocal(ts: Timestamp, zone: string): Timestamp {
  const offset = zoneOffsetMillis(zone, ts.millis);
  return offset === 0 ? ts : new Timestamp(ts.millis + offset, ts.nanos);
}

/** TIMESTAMP → TIMESTAMP_LTZ: the instant of a local date-time in `zone`. */
export function localToInstant(ts: Timestamp, zone: string): Timestamp {
  const millis = localMillisToInstant(ts.millis, zone);
  return millis === ts.millis ? ts : new Timestamp(millis, ts.nanos);
}
