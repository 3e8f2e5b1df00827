/**
 * Byte forms of the disk backend. Store keys are ordered so that one key group is one contiguous
 * range: `[key group u16][state id u16][namespace (namespaced states)][key]`, where the namespace
 * is its map form, length-prefixed, and the key is its map form (see `keyToMapKey`), each a tag
 * byte plus bytes. Namespace before key makes one namespace of one key group a range too, which
 * draining a window scans. Restored entries of states not registered yet live under
 * `[key group][state id | PENDING_FLAG][sequence u32]`.
 *
 * Values are written with the record codec (`DataOutputView`), whose structure table is shared
 * with one reader in this process: a value that defines new structures is read once by that
 * reader (so it learns them) and written again, so stored bytes only refer to known structures
 * and can be read in any order.
 */
import { DataInputView, DataOutputView, type TypeRegistry } from "../../../core/serialization.ts";
import type { MapKey, NsKey } from "../state-table.ts";

/** Marks the state id of a restored state that is not registered yet. */
export const PENDING_FLAG = 0x8000;
/** The largest state id. */
export const MAX_STATE_ID = 0x7fff;
/** LMDB's key size limit. */
const MAX_KEY_BYTES = 1978;

const T_NULL = 1;
const T_FALSE = 2;
const T_TRUE = 3;
const T_NUMBER = 4;
const T_STRING = 5;
const T_BIGINT = 6;

/** Encodes store keys into a reused scratch buffer (copy before keeping one). */
export class KeyCodec {
  private buf = Buffer.allocUnsafe(256);
  private pos = 0;

  /** The key of (key group, state id, namespace map form or null, key map form). */
  key(kg: number, sid: number, nsKey: NsKey | null, mapKey: MapKey): Buffer {
    this.start(kg, sid);
    if (nsKey !== null) this.ns(nsKey);
    this.scalar(mapKey);
    return this.done();
  }

  /** The prefix of a state in a key group, optionally narrowed to one namespace. */
  prefix(kg: number, sid: number, nsKey: NsKey | null = null): Buffer {
    this.start(kg, sid);
    if (nsKey !== null) this.ns(nsKey);
    return Buffer.from(this.done());
  }

  /** The prefix of a whole key group. */
  groupPrefix(kg: number): Buffer {
    const b = Buffer.allocUnsafe(2);
    b.writeUInt16BE(kg, 0);
    return b;
  }

  /** The key of the `seq`-th pending restored entry of state `sid` in key group `kg`. */
  pendingKey(kg: number, sid: number, seq: number): Buffer {
    const b = Buffer.allocUnsafe(8);
    b.writeUInt16BE(kg, 0);
    b.writeUInt16BE(sid | PENDING_FLAG, 2);
    b.writeUInt32BE(seq, 4);
    return b;
  }

  private start(kg: number, sid: number): void {
    this.pos = 0;
    this.buf.writeUInt16BE(kg, 0);
    this.buf.writeUInt16BE(sid, 2);
    this.pos = 4;
  }

  private ns(nsKey: NsKey): void {
    const at = this.pos;
    this.pos += 2;
    this.scalar(nsKey);
    this.buf.writeUInt16BE(this.pos - at - 2, at);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.pos + n > MAX_KEY_BYTES)
      throw new RangeError(
        `a key or namespace of the disk state backend is too long (over ${MAX_KEY_BYTES - 8} bytes in its map form)`,
      );
    const next = Buffer.allocUnsafe(
      Math.min(MAX_KEY_BYTES, Math.max(this.buf.length * 2, this.pos + n)),
    );
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  private scalar(k: MapKey): void {
    switch (typeof k) {
      case "number":
        this.ensure(9);
        this.buf[this.pos++] = T_NUMBER;
        this.buf.writeDoubleBE(k, this.pos);
        this.pos += 8;
        return;
      case "string": {
        const room = this.buf.length - this.pos - 1;
        if (k.length * 3 > room) this.ensure(Buffer.byteLength(k, "utf8") + 1);
        this.buf[this.pos++] = T_STRING;
        this.pos += this.buf.write(k, this.pos, "utf8");
        return;
      }
      case "boolean":
        this.ensure(1);
        this.buf[this.pos++] = k ? T_TRUE : T_FALSE;
        return;
      case "bigint": {
        const s = k.toString();
        this.ensure(s.length + 1);
        this.buf[this.pos++] = T_BIGINT;
        this.pos += this.buf.write(s, this.pos, "latin1");
        return;
      }
      default:
        this.ensure(1);
        this.buf[this.pos++] = T_NULL;
    }
  }

  private done(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

/** Scratch for reading big-endian doubles without a view per key. */
const F64 = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The big-endian double at `at` in `b`. */
function readDoubleBE(b: Uint8Array, at: number): number {
  if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) F64_BYTES[i] = b[at + 7 - i]!;
  else for (let i = 0; i < 8; i++) F64_BYTES[i] = b[at + i]!;
  return F64[0]!;
}

/** Reads the map form of a scalar at `from` up to `to` in `b`. */
function readScalar(b: Uint8Array, from: number, to: number): MapKey {
  switch (b[from]) {
    case T_NUMBER:
      return readDoubleBE(b, from + 1);
    case T_STRING:
      return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8", from + 1, to);
    case T_TRUE:
      return true;
    case T_FALSE:
      return false;
    case T_BIGINT:
      return BigInt(
        Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1", from + 1, to),
      );
    default:
      return null;
  }
}

/** The parts of a store key. */
export interface DecodedKey {
  /** Key group. */
  readonly kg: number;
  /** State id (with {@link PENDING_FLAG} for pending entries). */
  readonly sid: number;
  /** Map form of the key (null for pending entries). */
  readonly mapKey: MapKey;
}

/** Decodes a store key; `namespaced` tells whether a namespace precedes the key. */
export function decodeKey(b: Uint8Array, namespaced: boolean): DecodedKey {
  const kg = (b[0]! << 8) | b[1]!;
  const sid = (b[2]! << 8) | b[3]!;
  if ((sid & PENDING_FLAG) !== 0) return { kg, sid, mapKey: null };
  let at = 4;
  if (namespaced) at += 2 + ((b[4]! << 8) | b[5]!);
  return { kg, sid, mapKey: readScalar(b, at, b.length) };
}

/** The map form of the key of a store key of a registered state (see {@link decodeKey}). */
export function decodeMapKey(b: Uint8Array, namespaced: boolean): MapKey {
  const at = namespaced ? 6 + ((b[4]! << 8) | b[5]!) : 4;
  return readScalar(b, at, b.length);
}

/** The state id of a store key. */
export function stateIdOf(b: Uint8Array): number {
  return (b[2]! << 8) | b[3]!;
}

/** The first key after every key starting with `prefix`. */
export function prefixEnd(prefix: Uint8Array): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]!++;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.alloc(MAX_KEY_BYTES, 0xff);
}

/** Encodes and decodes stored values with one structure table (see the module comment). */
export class ValueCodec {
  private readonly out: DataOutputView;
  private readonly in: DataInputView;

  /** A codec writing and reading instances of `registry`'s classes. */
  constructor(registry: TypeRegistry) {
    this.out = new DataOutputView(4096, registry);
    this.in = new DataInputView(undefined, registry);
  }

  /** The bytes of `value` (a fresh buffer). */
  encode(value: unknown): Buffer {
    const out = this.out;
    out.reset();
    const known = out.getStructureCount();
    out.writeValue(value);
    if (out.getStructureCount() !== known) {
      this.in.setBuffer(out.toUint8Array());
      this.in.readValue();
      out.reset();
      out.writeValue(value);
    }
    const bytes = out.toUint8Array();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The value of `bytes`. */
  decode(bytes: Uint8Array): unknown {
    this.in.setBuffer(bytes);
    return this.in.readValue();
  }
}
