/**
 * PARSE_URL(url, part [, key]) with the parts of Java's `java.net.URL`, which Flink uses: HOST,
 * PATH, QUERY, REF, PROTOCOL, FILE, AUTHORITY, USERINFO, and a query parameter's value when the
 * part is QUERY and a key is given. A URL Java cannot parse (no scheme, an unknown protocol, a
 * bad port) gives NULL, as does a missing part or an unknown part name.
 */
import type { ScalarFunctionDef } from "../expr/operators.ts";
import { expectArgs, fn, str, stringType } from "./define.ts";

/** The components of a URL as `java.net.URL` reports them. */
export interface UrlParts {
  /** `http`, `file`... (lower case). */
  readonly protocol: string;
  /** Host (IPv6 in brackets), `""` when there is none. */
  readonly host: string;
  /** Path, `""` when there is none. */
  readonly path: string;
  /** Query after `?`, or null. */
  readonly query: string | null;
  /** Fragment after `#`, or null. */
  readonly ref: string | null;
  /** `user:password` before `@`, or null. */
  readonly userInfo: string | null;
  /** `userInfo@host:port`, or null without `//`. */
  readonly authority: string | null;
  /** Path plus `?query`. */
  readonly file: string;
}

/** Protocols with a handler in a standard JDK. */
const PROTOCOLS = new Set(["http", "https", "ftp", "file", "jar", "mailto"]);

/** Parses a URL as `new java.net.URL(spec)` would, or returns null when Java would throw. */
export function parseJavaUrl(spec: string): UrlParts | null {
  let s = spec.trim();
  if (s.toLowerCase().startsWith("url:")) s = s.slice(4);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(s);
  if (scheme === null) return null;
  const protocol = scheme[1]!.toLowerCase();
  if (!PROTOCOLS.has(protocol)) return null;
  let rest = s.slice(scheme[0].length);
  let ref: string | null = null;
  const hash = rest.indexOf("#");
  if (hash >= 0) {
    ref = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let query: string | null = null;
  const q = rest.indexOf("?");
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let authority: string | null = null;
  let host = "";
  let userInfo: string | null = null;
  if (rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? "" : rest.slice(slash);
    let hostPort = authority;
    const at = authority.lastIndexOf("@");
    if (at >= 0) {
      userInfo = authority.slice(0, at);
      hostPort = authority.slice(at + 1);
    }
    let port = "";
    if (hostPort.startsWith("[")) {
      const close = hostPort.indexOf("]");
      if (close < 0) return null;
      host = hostPort.slice(0, close + 1);
      const after = hostPort.slice(close + 1);
      if (after.length > 0) {
        if (!after.startsWith(":")) return null;
        port = after.slice(1);
      }
    } else {
      const colon = hostPort.indexOf(":");
      host = colon < 0 ? hostPort : hostPort.slice(0, colon);
      port = colon < 0 ? "" : hostPort.slice(colon + 1);
    }
    if (port.length > 0 && !/^\d+$/.test(port)) return null;
  }
  const path = rest;
  const file = query === null ? path : `${path}?${query}`;
  return { protocol, host, path, query, ref, userInfo, authority, file };
}

function part(url: UrlParts, name: string): string | null {
  switch (name) {
    case "HOST":
      return url.host;
    case "PATH":
      return url.path;
    case "QUERY":
      return url.query;
    case "REF":
      return url.ref;
    case "PROTOCOL":
      return url.protocol;
    case "FILE":
      return url.file;
    case "AUTHORITY":
      return url.authority;
    case "USERINFO":
      return url.userInfo;
    default:
      return null;
  }
}

/** The value of `key` in a query string (`k1=v1&k2=v2`): the first `key=` at a parameter start. */
function queryParameter(query: string, key: string): string | null {
  let from = 0;
  for (;;) {
    const at = query.indexOf(`${key}=`, from);
    if (at < 0) return null;
    if (at === 0 || query[at - 1] === "&") {
      const start = at + key.length + 1;
      const end = query.indexOf("&", start);
      return end < 0 ? query.slice(start) : query.slice(start, end);
    }
    from = at + 1;
  }
}

/** PARSE_URL(url, part [, key]). */
export function parseUrl(spec: string, partName: string, key?: string): string | null {
  if (key !== undefined && partName !== "QUERY") return null;
  const url = parseJavaUrl(spec);
  if (url === null) return null;
  const value = part(url, partName);
  if (key === undefined || value === null) return value;
  return queryParameter(value, key);
}

const PARSE_URL = fn({
  name: "PARSE_URL",
  mayReturnNull: true,
  inferType(types) {
    expectArgs("PARSE_URL", types, [str, str, str], 2);
    return stringType(true);
  },
  impl: parseUrl,
});

/** The URL function definitions. */
export const URL_FUNCTIONS: readonly ScalarFunctionDef[] = [PARSE_URL];
