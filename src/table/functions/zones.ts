/**
 * Time zones as Java's `TimeZone.getTimeZone` / `ZoneId.of` name them, for CONVERT_TZ and the
 * session zone of the temporal functions: IANA ids (`Europe/Berlin`), `UTC`/`GMT`/`Z`, fixed
 * offsets (`+08:00`, `-0530`, `GMT+8`, `UTC-08:00`) and Java's legacy three-letter ids (`PST`,
 * `CST`, `EST`...). An unknown id is an error (Java would silently use GMT).
 */
import { checkTimeZone, localMillisToInstant, zoneOffsetMillis } from "../types/time-zone.ts";

/** A resolved zone. */
export interface Zone {
  /** The id as given (normalized for offsets). */
  readonly id: string;
  /** Offset from UTC at an instant, in milliseconds. */
  offsetAt(epochMillis: number): number;
  /** The instant of a local date-time given as UTC-encoded millis (gaps move later). */
  toInstant(localMillis: number): number;
}

/** Java's `ZoneId.SHORT_IDS`. */
const SHORT_IDS: Record<string, string> = {
  ACT: "Australia/Darwin",
  AET: "Australia/Sydney",
  AGT: "America/Argentina/Buenos_Aires",
  ART: "Africa/Cairo",
  AST: "America/Anchorage",
  BET: "America/Sao_Paulo",
  BST: "Asia/Dhaka",
  CAT: "Africa/Harare",
  CNT: "America/St_Johns",
  CST: "America/Chicago",
  CTT: "Asia/Shanghai",
  EAT: "Africa/Addis_Ababa",
  ECT: "Europe/Paris",
  IET: "America/Indiana/Indianapolis",
  IST: "Asia/Kolkata",
  JST: "Asia/Tokyo",
  MIT: "Pacific/Apia",
  NET: "Asia/Yerevan",
  NST: "Pacific/Auckland",
  PLT: "Asia/Karachi",
  PNT: "America/Phoenix",
  PRT: "America/Puerto_Rico",
  PST: "America/Los_Angeles",
  SST: "Pacific/Guadalcanal",
  VST: "Asia/Ho_Chi_Minh",
  EST: "-05:00",
  MST: "-07:00",
  HST: "-10:00",
};

const OFFSET = /^(?:GMT|UTC|UT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/;

function fixed(id: string, offset: number): Zone {
  return { id, offsetAt: () => offset, toInstant: (local) => local - offset };
}

/** The offset in milliseconds of an offset id (`+08:00`, `GMT-8`), or undefined. */
export function parseOffsetId(id: string): number | undefined {
  const m = OFFSET.exec(id);
  if (m === null) return undefined;
  const h = Number(m[2]);
  const min = m[3] === undefined ? 0 : Number(m[3]);
  const sec = m[4] === undefined ? 0 : Number(m[4]);
  if (h > 18 || min > 59 || sec > 59) return undefined;
  const total = (h * 3600 + min * 60 + sec) * 1000;
  return m[1] === "-" ? -total : total;
}

const CACHE = new Map<string, Zone>();

/** Resolves a zone id; throws a RangeError naming an unknown one. */
export function resolveZone(id: string): Zone {
  let zone = CACHE.get(id);
  if (zone !== undefined) return zone;
  const trimmed = id.trim();
  const upper = trimmed.toUpperCase();
  if (
    upper === "UTC" ||
    upper === "GMT" ||
    upper === "Z" ||
    upper === "UT" ||
    upper === "ETC/UTC" ||
    upper === "ETC/GMT"
  ) {
    zone = fixed(trimmed, 0);
  } else {
    const alias = SHORT_IDS[trimmed];
    const target = alias ?? trimmed;
    const offset = parseOffsetId(target);
    if (offset !== undefined) zone = fixed(target, offset);
    else {
      try {
        checkTimeZone(target);
      } catch (e) {
        throw new RangeError(`Unknown time zone '${id}'`, { cause: e });
      }
      zone = {
        id: target,
        offsetAt: (t) => zoneOffsetMillis(target, t),
        toInstant: (local) => localMillisToInstant(local, target),
      };
    }
  }
  if (CACHE.size >= 256) CACHE.clear();
  CACHE.set(id, zone);
  return zone;
}

/** The local date-time (UTC-encoded millis) of an instant in a zone. */
export function toLocal(zone: Zone, epochMillis: number): number {
  return epochMillis + zone.offsetAt(epochMillis);
}

const NAME_FORMATS = new Map<string, Intl.DateTimeFormat>();

/** The zone's short (`PST`, `CET`, `GMT+8`) or long name at an instant, in English. */
export function zoneShortName(id: string, instant: number, long: boolean): string {
  const offset = parseOffsetId(id);
  if (offset !== undefined) return offset === 0 ? "Z" : id;
  const upper = id.toUpperCase();
  if (upper === "UTC" || upper === "Z" || upper === "ETC/UTC")
    return long ? "Coordinated Universal Time" : "UTC";
  const key = `${id}|${long}`;
  let f = NAME_FORMATS.get(key);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: id, timeZoneName: long ? "long" : "short" });
    NAME_FORMATS.set(key, f);
  }
  const safe = Number.isFinite(instant) ? Math.max(-8.64e15, Math.min(8.64e15, instant)) : 0;
  return f.formatToParts(safe).find((p) => p.type === "timeZoneName")?.value ?? id;
}
