/**
 * Writes Nexmark events to a JSON-lines file in the layout of the benchmark's wide row, as
 * Flink's `json` format reads it: `{"event_type":2,"person":null,"auction":null,"bid":{...}}`
 * with TIMESTAMP(3) values as `yyyy-MM-dd HH:mm:ss.SSS`. A file already written for the same
 * count and seed is reused (a marker file records what was written).
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { NexmarkGenerator, type NexmarkEvent } from "../../src/index.ts";

const ts = (ms: number): string => {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
};

/** One event as a JSON line (without the newline). */
export function eventJson(e: NexmarkEvent): string {
  const p = e.person;
  const a = e.auction;
  const b = e.bid;
  return JSON.stringify({
    event_type: e.type,
    person: p === null ? null : { ...p, dateTime: ts(p.dateTime) },
    auction: a === null ? null : { ...a, dateTime: ts(a.dateTime), expires: ts(a.expires) },
    bid: b === null ? null : { ...b, dateTime: ts(b.dateTime) },
  });
}

/**
 * The path of a file holding events 0..events-1 of the default generator under `seed`, in
 * `dir`; written unless already there.
 */
export function writeEventsFile(dir: string, events: number, seed = 42): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `nexmark-${events}-${seed}.jsonl`);
  const marker = `${path}.done`;
  if (existsSync(path) && existsSync(marker) && readFileSync(marker, "utf8") === String(events)) {
    return path;
  }
  const g = new NexmarkGenerator({ events, seed });
  const fd = openSync(path, "w");
  try {
    let chunk: string[] = [];
    for (let n = 0; n < events; n++) {
      chunk.push(eventJson(g.event(n)));
      if (chunk.length === 10_000) {
        writeSync(fd, chunk.join("\n") + "\n");
        chunk = [];
      }
    }
    if (chunk.length > 0) writeSync(fd, chunk.join("\n") + "\n");
  } finally {
    closeSync(fd);
  }
  writeFileSync(marker, String(events));
  return path;
}
