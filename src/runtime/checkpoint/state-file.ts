/**
 * The state file of one operator subtask in a checkpoint or savepoint (format version 1):
 *
 * ```
 * "STROMST1"                      8 bytes magic
 * u32 LE header length, header    JSON (StateFileHeader), UTF-8
 * sections                        binary, offsets relative to the end of the header
 * ```
 *
 * One section per key group (keyed entries, then timers) and one for the operator state, each
 * with its own CRC-32 and its own codec structure table, so a restore at another parallelism
 * reads only the key groups it owns. Values use the record codec (core/serialization) with the
 * job's registered classes plus Strom's window classes. A `delta` file (incremental checkpoints)
 * holds only the entries written or deleted since the previous file of its chain.
 */
import { crc32 } from "node:zlib";
import { DataInputView, DataOutputView, TypeRegistry } from "../../core/serialization.ts";
import type { KeyGroupRange } from "../../core/keygroups.ts";
import { GlobalWindow, TimeWindow } from "../../api/windowing/windows.ts";
import type { KeyedEntry, StateMeta, TimerEntry } from "./snapshot.ts";
import type { OperatorStateSnapshot } from "../state/operator-state.ts";

/** The magic bytes that open every state file. */
export const STATE_FILE_MAGIC = "STROMST1";
/** The magic bytes, encoded. */
const MAGIC_BYTES = new TextEncoder().encode(STATE_FILE_MAGIC);
/** Current state file format version. */
export const STATE_FILE_VERSION = 1;

/** A section's place in the file: [offset, length, crc32]. */
export type SectionRef = readonly [offset: number, length: number, crc: number];

/** The JSON header of a state file. */
export interface StateFileHeader {
  /** Format version. */
  readonly version: number;
  /** Full state, or only changes since the previous file of the chain. */
  readonly kind: "full" | "delta";
  /** Stable operator id (uid or generated). */
  readonly operatorId: string;
  /** Operator name (for messages). */
  readonly operatorName: string;
  /** Subtask index that wrote it. */
  readonly subtask: number;
  /** Parallelism when written. */
  readonly parallelism: number;
  /** Max parallelism (number of key groups). */
  readonly maxParallelism: number;
  /** Key groups of the writing subtask, or null (no keyed state). */
  readonly keyGroupRange: KeyGroupRange | null;
  /** Keyed states (entries refer to them by index). */
  readonly states: StateMeta[];
  /** Key group sections: [keyGroup, offset, length, crc]. */
  readonly keyGroups: (readonly [number, number, number, number])[];
  /** The operator state section. */
  readonly operator: SectionRef;
}

/** Operator-level state stored besides keyed state: lists, broadcast maps, source splits. */
export interface OperatorSection extends OperatorStateSnapshot {
  /** A source's split states, or null when the operator is no source. */
  readonly splits: unknown[] | null;
}

/** Input for {@link encodeStateFile}. */
export interface StateFileInput {
  /** Header fields besides sections and states. */
  readonly header: Omit<StateFileHeader, "keyGroups" | "operator" | "states" | "version">;
  /** Keyed states. */
  readonly states: StateMeta[];
  /**
   * Visits the keyed entries of one key group (deletions with `deleted`, delta files only) and
   * the timers of one key group.
   */
  readonly keyed: {
    entries(
      keyGroup: number,
      visit: (state: string, e: KeyedEntry, deleted: boolean) => void,
    ): void;
    timers(keyGroup: number): Iterable<TimerEntry>;
  } | null;
  /** Operator state. */
  readonly operator: OperatorSection;
}

/**
 * Visits a plain table's live entries of one state in one call (no namespace, no TTL time):
 * `entries` maps keys (in map form) to values; `keyObjects` maps the map form of object keys
 * back to the key objects.
 */
export type RunVisitor = (
  state: string,
  entries: ReadonlyMap<unknown, unknown>,
  keyObjects: ReadonlyMap<unknown, unknown>,
) => void;

/** A state file or checkpoint metadata that cannot be read. */
export class CheckpointFormatError extends Error {
  /** The file at fault. */
  readonly file: string;
  /** Creates the error for `file`. */
  constructor(file: string, message: string, options?: ErrorOptions) {
    super(`${file}: ${message}`, options);
    this.name = "CheckpointFormatError";
    this.file = file;
  }
}

/** The codec registry for state: the job's classes plus the window classes. */
export function stateRegistry(
  types: Readonly<Record<string, new (...args: any[]) => unknown>>,
): TypeRegistry {
  const registry = TypeRegistry.from(types);
  for (const [name, ctor] of [
    ["strom.TimeWindow", TimeWindow],
    ["strom.GlobalWindow", GlobalWindow],
  ] as const) {
    try {
      registry.register(name, ctor as unknown as new (...args: unknown[]) => unknown);
    } catch {
      // Registered by the user under another name: the user's name is used.
    }
  }
  return registry;
}

/** Entry flag: a deletion (delta files). */
const FLAG_DELETED = 1;
/** Entry flag: a TTL time follows (omitted when 0). */
const FLAG_TIME = 2;
/**
 * Entry flag: a run of live entries of one state without namespace or TTL time: state index,
 * count, then count pairs of key and value (the heap backend's plain value tables).
 */
const FLAG_RUN = 4;
/** Ends the entries, and then the timers, of a key group section. */
const END = 0xff;
/** Starts a timer record. */
const TIMER = 1;

/**
 * Encodes a state file; returns its bytes. Entries: flags (u8), state index, key, namespace,
 * value (codec values), then the TTL time (f64) when flagged — or a run (`FLAG_RUN`, state
 * index, count, then key and value pairs) — `END`; then timers (`TIMER`,
 * service, domain (u8), key, namespace, time (f64)) and `END`. All sections are written by one
 * writer whose structure table restarts at each section.
 */
export function encodeStateFile(input: StateFileInput, registry: TypeRegistry): Uint8Array {
  const builder = new StateFileBuilder(input.header, input.states, registry);
  const range = input.header.keyGroupRange;
  const keyed = input.keyed;
  if (keyed !== null && range !== null) {
    for (let kg = range.start; kg <= range.end; kg++) builder.addKeyGroup(kg, keyed);
  }
  return builder.finish(input.operator);
}

/**
 * Builds a state file section by section: key groups in any order (each once), then the
 * operator state and the header. Lets a snapshot encode key groups at different times.
 */
export class StateFileBuilder {
  private readonly out: DataOutputView;
  private readonly header: StateFileInput["header"];
  private readonly states: StateMeta[];
  private readonly stateIndex: Map<string, number>;
  private readonly keyGroups: [number, number, number, number][] = [];
  private lastState = "";
  private lastIdx = -1;
  private readonly entry = (state: string, e: KeyedEntry, deleted: boolean): void => {
    const out = this.out;
    if (state !== this.lastState) {
      const idx = this.stateIndex.get(state);
      if (idx === undefined) throw new Error(`internal error: state '${state}' has no meta`);
      this.lastState = state;
      this.lastIdx = idx;
    }
    const t = e.t;
    out.writeUint8((deleted ? FLAG_DELETED : 0) | (t !== 0 ? FLAG_TIME : 0));
    out.writeValue(this.lastIdx);
    out.writeValue(e.key);
    out.writeValue(e.ns);
    out.writeValue(deleted ? undefined : e.value);
    if (t !== 0) out.writeFloat64(t);
  };

  /** A live entry's visitor (no deletion flag argument), for backends' `forEachEntry`. */
  readonly liveEntry = (state: string, e: KeyedEntry): void => this.entry(state, e, false);

  /**
   * Writes the live entries of a plain table in one run (see {@link RunVisitor}): keys are the
   * map's keys, or their objects in `keyObjects` where present.
   */
  readonly liveRun: RunVisitor = (state, entries, keyObjects) => {
    if (entries.size === 0) return;
    const idx = this.stateIndex.get(state);
    if (idx === undefined) throw new Error(`internal error: state '${state}' has no meta`);
    const out = this.out;
    out.writeUint8(FLAG_RUN);
    out.writeValue(idx);
    out.writeValue(entries.size);
    if (keyObjects.size === 0) {
      entries.forEach((value, key) => {
        if (typeof key === "number") out.writeNumberValue(key);
        else out.writeValue(key);
        if (typeof value === "number") out.writeNumberValue(value);
        else out.writeValue(value);
      });
    } else {
      entries.forEach((value, key) => {
        out.writeValue(keyObjects.has(key) ? keyObjects.get(key) : key);
        out.writeValue(value);
      });
    }
  };

  /**
   * Starts a file with these header fields and states. `sizeHint` (e.g. the previous file's
   * size) sizes the buffer up front; `buffer` is memory to reuse (a previous file's, no longer
   * needed); `headerHint` (the previous header's size) reserves room in front of the sections,
   * so that {@link finish} can put the header there instead of copying the file.
   */
  constructor(
    header: StateFileInput["header"],
    states: StateMeta[],
    registry: TypeRegistry,
    sizeHint = 0,
    reuse: { buffer?: Uint8Array; headerHint?: number } = {},
  ) {
    const reserve = 12 + Math.max(1024, Math.ceil((reuse.headerHint ?? 0) * 1.25));
    const size = Math.max(256 * 1024, Math.ceil(sizeHint * 1.1) + reserve);
    const buffer = reuse.buffer;
    this.out = new DataOutputView(
      buffer !== undefined && buffer.length >= size ? buffer : size,
      registry,
    );
    this.out.skip(reserve);
    this.bodyStart = reserve;
    this.header = header;
    this.states = states;
    this.stateIndex = new Map(states.map((s, i) => [s.name, i]));
  }

  /** Size of the last header written by {@link finish} (a hint for the next file). */
  headerSize = 0;
  /** Where the sections start in the buffer (room for the header before). */
  private readonly bodyStart: number;

  private section(write: () => boolean): SectionRef | null {
    const out = this.out;
    const start = out.position;
    out.forgetStructures();
    if (!write()) {
      out.truncate(start);
      return null;
    }
    return [
      start - this.bodyStart,
      out.position - start,
      crc32(out.bytesView(start, out.position)),
    ];
  }

  /** Encodes the entries and timers of key group `kg` (an empty group adds no section). */
  addKeyGroup(kg: number, keyed: NonNullable<StateFileInput["keyed"]>): void {
    const out = this.out;
    const ref = this.section(() => {
      const start = out.position;
      keyed.entries(kg, this.entry);
      const hasEntries = out.position > start;
      out.writeUint8(END);
      let timers = false;
      for (const t of keyed.timers(kg)) {
        out.writeUint8(TIMER);
        out.writeValue(t.service);
        out.writeUint8(t.domain === "event" ? 0 : 1);
        out.writeValue(t.key);
        out.writeValue(t.ns);
        out.writeFloat64(t.time);
        timers = true;
      }
      out.writeUint8(END);
      return hasEntries || timers;
    });
    if (ref !== null) this.keyGroups.push([kg, ref[0], ref[1], ref[2]]);
  }

  /** Adds the operator state and returns the file's bytes. */
  finish(operatorState: OperatorSection): Uint8Array {
    const operator = this.section(() => {
      this.out.writeValue({
        lists: operatorState.lists,
        broadcast: operatorState.broadcast,
        splits: operatorState.splits,
      });
      return true;
    })!;
    const header: StateFileHeader = {
      ...this.header,
      version: STATE_FILE_VERSION,
      states: this.states,
      keyGroups: this.keyGroups,
      operator,
    };
    const headerBytes = new TextEncoder().encode(JSON.stringify(header));
    this.headerSize = headerBytes.length;
    const start = this.bodyStart;
    const end = this.out.position;
    const prefix = 12 + headerBytes.length;
    if (prefix <= start) {
      // The header goes in the room left in front of the sections: no copy of the file.
      const all = this.out.buffer;
      const at = start - prefix;
      all.set(MAGIC_BYTES, at);
      new DataView(all.buffer, all.byteOffset + at + 8, 4).setUint32(0, headerBytes.length, true);
      all.set(headerBytes, at + 12);
      return all.subarray(at, end);
    }
    const bytes = new Uint8Array(prefix + end - start);
    bytes.set(MAGIC_BYTES, 0);
    new DataView(bytes.buffer).setUint32(8, headerBytes.length, true);
    bytes.set(headerBytes, 12);
    bytes.set(this.out.bytesView(start, end), prefix);
    return bytes;
  }
}

/** A decoded state file: its header and lazy access to its sections. */
export class StateFile {
  /** The file's path (for messages). */
  readonly path: string;
  /** Its header. */
  readonly header: StateFileHeader;
  private readonly bytes: Uint8Array;
  private readonly bodyStart: number;
  private readonly registry: TypeRegistry;

  /** Parses the header of `bytes` read from `path`; throws {@link CheckpointFormatError}. */
  constructor(path: string, bytes: Uint8Array, registry: TypeRegistry) {
    this.path = path;
    this.bytes = bytes;
    this.registry = registry;
    if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== STATE_FILE_MAGIC) {
      throw new CheckpointFormatError(path, "not a Strom state file (bad magic bytes)");
    }
    const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
    if (12 + len > bytes.length) {
      throw new CheckpointFormatError(path, `truncated: header of ${len} bytes does not fit`);
    }
    let header: StateFileHeader;
    try {
      header = JSON.parse(
        new TextDecoder().decode(bytes.subarray(12, 12 + len)),
      ) as StateFileHeader;
    } catch (e) {
      throw new CheckpointFormatError(path, "corrupt header", { cause: e });
    }
    if (header.version !== STATE_FILE_VERSION) {
      throw new CheckpointFormatError(
        path,
        `state file format version ${header.version} is not supported (this Strom reads version ${STATE_FILE_VERSION})`,
      );
    }
    this.header = header;
    this.bodyStart = 12 + len;
  }

  private section(ref: SectionRef, what: string): DataInputView {
    const [offset, length, crc] = ref;
    const start = this.bodyStart + offset;
    if (start + length > this.bytes.length) {
      throw new CheckpointFormatError(
        this.path,
        `truncated: ${what} ends past the end of the file`,
      );
    }
    const slice = this.bytes.subarray(start, start + length);
    if (crc32(slice) !== crc) {
      throw new CheckpointFormatError(this.path, `corrupt: checksum mismatch in ${what}`);
    }
    return new DataInputView(slice, this.registry);
  }

  /** Visits the entries and timers of key groups in `range` (inclusive). */
  readKeyGroups(
    range: KeyGroupRange,
    visit: {
      entry(meta: StateMeta, keyGroup: number, e: KeyedEntry, deleted: boolean): void;
      timer(keyGroup: number, t: TimerEntry): void;
    },
  ): void {
    for (const [kg, offset, length, crc] of this.header.keyGroups) {
      if (kg < range.start || kg > range.end) continue;
      const input = this.section([offset, length, crc], `key group ${kg}`);
      try {
        for (;;) {
          const flags = input.readUint8();
          if (flags === END) break;
          const meta = this.header.states[input.readValue() as number];
          if (meta === undefined) throw new Error("entry refers to an unknown state");
          if (flags === FLAG_RUN) {
            const n = input.readValue() as number;
            for (let i = 0; i < n; i++) {
              const key = input.readValue();
              visit.entry(meta, kg, { key, ns: undefined, value: input.readValue(), t: 0 }, false);
            }
            continue;
          }
          const key = input.readValue();
          const ns = input.readValue();
          const value = input.readValue();
          const t = (flags & FLAG_TIME) !== 0 ? input.readFloat64() : 0;
          visit.entry(meta, kg, { key, ns, value, t }, (flags & FLAG_DELETED) !== 0);
        }
        for (;;) {
          const tag = input.readUint8();
          if (tag === END) break;
          if (tag !== TIMER) throw new Error(`bad timer tag ${tag}`);
          const service = input.readValue() as string;
          const domain = input.readUint8() === 0 ? "event" : "processing";
          const key = input.readValue();
          const ns = input.readValue();
          const time = input.readFloat64();
          visit.timer(kg, { service, domain, key, ns, time });
        }
      } catch (e) {
        if (e instanceof CheckpointFormatError) throw e;
        throw new CheckpointFormatError(
          this.path,
          `cannot decode key group ${kg}: ${(e as Error).message}`,
          { cause: e },
        );
      }
    }
  }

  /** The operator state section. */
  readOperatorSection(): OperatorSection {
    const input = this.section(this.header.operator, "the operator state");
    try {
      return input.readValue() as OperatorSection;
    } catch (e) {
      throw new CheckpointFormatError(
        this.path,
        `cannot decode the operator state: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }
}
