/** The reading half of the record codec. */
import { SerializationError } from "./explain.ts";
import {
  ASCII_DECODE_JS_MAX,
  MAX_STRUCTURES,
  T_ARRAY,
  T_ASCII,
  T_BIGINT,
  T_BYTES,
  T_CLASS_DEF,
  T_CLASS_OBJECT,
  T_DATE,
  T_FALSE,
  T_FLOAT64,
  T_INT16,
  T_INT32,
  T_INT8,
  T_MAP,
  T_NULL,
  T_NULL_PROTO_OBJECT,
  T_OBJECT,
  T_SET,
  T_STRUCT,
  T_STRUCT_DEF,
  T_TRUE,
  T_UNDEFINED,
  T_UTF16,
  T_UTF8,
} from "./format.ts";
import { type RegisteredType, TypeRegistry } from "./type-registry.ts";
/** A reader's view of one structure: its keys, class (null for plain objects) and compiled builder. */
class Structure {
  readonly keys: string[];
  readonly type: RegisteredType | null;
  /** Reads the values and builds the object; set (compiled if possible) on the second use. */
  build: ((r: DataInputView) => unknown) | null = null;
  uses = 0;

  constructor(keys: string[], type: RegisteredType | null) {
    this.keys = keys;
    this.type = type;
  }
}

/**
 * Compiles a function that reads a structure's values into a new object, one store per key.
 * Stores (not an object literal) on purpose: objects built this way follow V8's ordinary field
 * transitions, the same as objects made by user code, so a field whose representation changes
 * (a small integer that grows into a double) updates one shared hidden class instead of leaving a
 * deprecated literal boilerplate that deoptimizes every consumer again and again. Null when it
 * cannot (a `__proto__` key, or code generation from strings is disabled): the generic path is used.
 */
function compileBuilder(s: Structure): ((r: DataInputView) => unknown) | null {
  if (s.keys.includes("__proto__")) return null;
  try {
    if (s.type === null) {
      const stores = s.keys.map((k) => `o[${JSON.stringify(k)}] = r.readValue();`).join(" ");
      return new Function("r", `const o = {}; ${stores} return o;`) as (
        r: DataInputView,
      ) => unknown;
    }
    const stores = s.keys.map((k) => `o[${JSON.stringify(k)}] = r.readValue();`).join(" ");
    const factory = new Function(
      "P",
      `return function (r) { const o = Object.create(P); ${stores} return o; };`,
    );
    return factory(s.type.proto) as (r: DataInputView) => unknown;
  } catch {
    return null;
  }
}

function setField(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    o[key] = value;
  }
}

const EMPTY = new Uint8Array(0);

/**
 * Reads values written by a {@link DataOutputView}. Feed it the buffers of one writer in order
 * (with {@link setBuffer}); the structure table carries over from buffer to buffer.
 */
export class DataInputView {
  private buf: Uint8Array = EMPTY;
  /** A view of `buf`, made when first needed (many values never read a float or uint32). */
  private view: DataView | null = null;
  private nodeBuf: Buffer | null = null;
  private pos = 0;
  private end = 0;
  private readonly registry: TypeRegistry;
  private readonly structures: Structure[] = [];

  /** Creates a reader over `bytes` (or none yet); `registry` must name the same classes as the writer's. */
  constructor(bytes?: Uint8Array, registry: TypeRegistry = new TypeRegistry()) {
    this.registry = registry;
    if (bytes !== undefined) this.setBuffer(bytes);
  }

  /** Continues reading with a new buffer from the same writer, keeping the structure table. */
  setBuffer(bytes: Uint8Array): void {
    this.buf = bytes;
    const v = this.view;
    if (
      v !== null &&
      (v.buffer !== bytes.buffer ||
        v.byteOffset !== bytes.byteOffset ||
        v.byteLength !== bytes.byteLength)
    )
      this.view = null;
    this.nodeBuf = null;
    this.pos = 0;
    this.end = bytes.length;
  }

  /** The view of the current buffer (kept while later buffers span the same bytes). */
  private dataView(): DataView {
    const v = this.view;
    if (v !== null) return v;
    const b = this.buf;
    return (this.view = new DataView(b.buffer, b.byteOffset, b.byteLength));
  }

  /** Bytes left to read in the current buffer. */
  available(): number {
    return this.end - this.pos;
  }

  /** Read position in the current buffer. */
  get position(): number {
    return this.pos;
  }

  /** Number of structures known so far. */
  getStructureCount(): number {
    return this.structures.length;
  }

  /** The next byte without consuming it, or -1 at the end of the buffer. */
  peekTag(): number {
    return this.pos < this.end ? this.buf[this.pos]! : -1;
  }

  /** Reads one byte. */
  readUint8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  /** Reads an unsigned 32-bit integer, little endian. */
  readUint32(): number {
    this.need(4);
    const v = this.dataView().getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** Reads a float64, little endian. */
  readFloat64(): number {
    this.need(8);
    const v = this.dataView().getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) {
      throw new SerializationError(
        `corrupt input: needed ${n} more byte(s) at offset ${this.pos} but the buffer ends at ${this.end}`,
        "",
      );
    }
  }

  private corrupt(message: string): SerializationError {
    return new SerializationError(`corrupt input at offset ${this.pos}: ${message}`, "");
  }

  /** Reads the next value. */
  readValue(): unknown {
    const b = this.buf;
    const p = this.pos;
    if (p >= this.end) this.need(1);
    const t = b[p]!;
    this.pos = p + 1;
    if (t < 0x80) return t;
    if (t < 0xa0) return this.readAscii(t & 0x1f);
    if (t < 0xc0) return this.readStruct(t & 0x1f);
    if (t >= 0xf0) return t - 0x100;
    if (t >= 0xe0) return this.readArray(t & 0x0f);
    switch (t) {
      case T_UNDEFINED:
        return undefined;
      case T_NULL:
        return null;
      case T_FALSE:
        return false;
      case T_TRUE:
        return true;
      case T_INT8:
        this.need(1);
        this.pos = p + 2;
        return (b[p + 1]! << 24) >> 24;
      case T_INT16:
        this.need(2);
        this.pos = p + 3;
        return ((b[p + 1]! | (b[p + 2]! << 8)) << 16) >> 16;
      case T_INT32:
        this.need(4);
        this.pos = p + 5;
        return b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16) | (b[p + 4]! << 24);
      case T_FLOAT64:
        this.need(8);
        this.pos = p + 9;
        return this.dataView().getFloat64(p + 1, true);
      case T_ASCII:
        return this.readAscii(this.readVarint());
      case T_UTF8:
        return this.readUtf8(this.readUint32());
      case T_UTF16:
        return this.readUtf16(this.readUint32());
      case T_STRUCT:
        return this.readStruct(this.readVarint());
      case T_STRUCT_DEF:
        return this.readStructDef(null);
      case T_ARRAY:
        return this.readArray(this.readVarint());
      case T_DATE:
        return new Date(this.readFloat64());
      case T_BIGINT:
        return this.readBigInt();
      case T_BYTES: {
        const n = this.readVarint();
        this.need(n);
        const start = this.pos;
        this.pos = start + n;
        return b.slice(start, start + n);
      }
      case T_MAP: {
        const n = this.readVarint();
        const m = new Map<unknown, unknown>();
        for (let i = 0; i < n; i++) m.set(this.readValue(), this.readValue());
        return m;
      }
      case T_SET: {
        const n = this.readVarint();
        const s = new Set<unknown>();
        for (let i = 0; i < n; i++) s.add(this.readValue());
        return s;
      }
      case T_CLASS_DEF:
        return this.readStructDef(this.readTypeName());
      case T_OBJECT:
        return this.readInlineFields({});
      case T_NULL_PROTO_OBJECT:
        return this.readInlineFields(Object.create(null) as Record<string, unknown>);
      case T_CLASS_OBJECT: {
        const type = this.readTypeName();
        return this.readInlineFields(Object.create(type.proto) as Record<string, unknown>);
      }
      default:
        this.pos = p;
        throw this.corrupt(`unknown tag 0x${t.toString(16)}`);
    }
  }

  private readVarint(): number {
    const b = this.buf;
    let p = this.pos;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      if (p >= this.end) this.need(1);
      const byte = b[p++]!;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        this.pos = p;
        return result;
      }
      scale *= 128;
    }
    throw this.corrupt("varint longer than 5 bytes");
  }

  private readAscii(n: number): string {
    const b = this.buf;
    const p = this.pos;
    if (p + n > this.end) this.need(n);
    this.pos = p + n;
    const f = String.fromCharCode;
    switch (n) {
      case 0:
        return "";
      case 1:
        return f(b[p]!);
      case 2:
        return f(b[p]!, b[p + 1]!);
      case 3:
        return f(b[p]!, b[p + 1]!, b[p + 2]!);
      case 4:
        return f(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!);
      case 5:
        return f(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!);
      case 6:
        return f(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!);
      case 7:
        return f(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!);
      case 8:
        return f(
          b[p]!,
          b[p + 1]!,
          b[p + 2]!,
          b[p + 3]!,
          b[p + 4]!,
          b[p + 5]!,
          b[p + 6]!,
          b[p + 7]!,
        );
      case 9:
        return f(
          b[p]!,
          b[p + 1]!,
          b[p + 2]!,
          b[p + 3]!,
          b[p + 4]!,
          b[p + 5]!,
          b[p + 6]!,
          b[p + 7]!,
          b[p + 8]!,
        );
      case 10:
        return f(
          b[p]!,
          b[p + 1]!,
          b[p + 2]!,
          b[p + 3]!,
          b[p + 4]!,
          b[p + 5]!,
          b[p + 6]!,
          b[p + 7]!,
          b[p + 8]!,
          b[p + 9]!,
        );
      case 11:
        return f(
          b[p]!,
          b[p + 1]!,
          b[p + 2]!,
          b[p + 3]!,
          b[p + 4]!,
          b[p + 5]!,
          b[p + 6]!,
          b[p + 7]!,
          b[p + 8]!,
          b[p + 9]!,
          b[p + 10]!,
        );
      case 12:
        return f(
          b[p]!,
          b[p + 1]!,
          b[p + 2]!,
          b[p + 3]!,
          b[p + 4]!,
          b[p + 5]!,
          b[p + 6]!,
          b[p + 7]!,
          b[p + 8]!,
          b[p + 9]!,
          b[p + 10]!,
          b[p + 11]!,
        );
    }
    if (n <= ASCII_DECODE_JS_MAX) {
      let s = "";
      let i = p;
      const end = p + n;
      for (; i + 8 <= end; i += 8) {
        s += f(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!, b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!);
      }
      for (; i < end; i++) s += f(b[i]!);
      return s;
    }
    return this.getNodeBuf().toString("latin1", p, p + n);
  }

  private getNodeBuf(): Buffer {
    let nb = this.nodeBuf;
    if (nb === null)
      nb = this.nodeBuf = Buffer.from(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    return nb;
  }

  private readUtf8(n: number): string {
    const p = this.pos;
    this.need(n);
    this.pos = p + n;
    return this.getNodeBuf().toString("utf8", p, p + n);
  }

  private readUtf16(n: number): string {
    const b = this.buf;
    let p = this.pos;
    this.need(2 * n);
    let s = "";
    for (let i = 0; i < n; i++, p += 2) s += String.fromCharCode(b[p]! | (b[p + 1]! << 8));
    this.pos = p;
    return s;
  }

  private readArray(n: number): unknown[] {
    // Literals give packed arrays for the common small tuples.
    switch (n) {
      case 0:
        return [];
      case 1:
        return [this.readValue()];
      case 2:
        return [this.readValue(), this.readValue()];
      case 3:
        return [this.readValue(), this.readValue(), this.readValue()];
    }
    if (n > this.end - this.pos) throw this.corrupt(`array length ${n} exceeds the buffer`);
    const a = new Array<unknown>(n);
    for (let i = 0; i < n; i++) a[i] = this.readValue();
    return a;
  }

  private readStruct(id: number): unknown {
    const s = this.structures[id];
    if (s === undefined) {
      throw this.corrupt(
        `unknown structure ${id} (only ${this.structures.length} defined; were buffers lost or reordered?)`,
      );
    }
    let build = s.build;
    if (build === null) {
      if (++s.uses < 2) return this.readFields(s);
      build = s.build = compileBuilder(s) ?? ((r: DataInputView) => r.readFields(s));
    }
    return build(this);
  }

  private readFields(s: Structure): unknown {
    const o = (s.type === null ? {} : Object.create(s.type.proto)) as Record<string, unknown>;
    const keys = s.keys;
    for (let i = 0; i < keys.length; i++) setField(o, keys[i]!, this.readValue());
    return o;
  }

  private readKey(): string {
    const k = this.readValue();
    if (typeof k !== "string") throw this.corrupt("an object key is not a string");
    return k;
  }

  private readTypeName(): RegisteredType {
    const name = this.readKey();
    const type = this.registry.lookupName(name);
    if (type === undefined) {
      throw new SerializationError(
        `cannot deserialize an instance of class '${name}': no class is registered under that name on the reading side (register it with env.registerType)`,
        "",
      );
    }
    return type;
  }

  private readStructDef(type: RegisteredType | null): unknown {
    if (this.structures.length >= MAX_STRUCTURES) throw this.corrupt("too many structures");
    const n = this.readVarint();
    if (n > this.end - this.pos) throw this.corrupt(`structure with ${n} keys exceeds the buffer`);
    const keys = new Array<string>(n);
    for (let i = 0; i < n; i++) keys[i] = this.readKey();
    const s = new Structure(keys, type);
    this.structures.push(s);
    return this.readFields(s);
  }

  private readInlineFields(o: Record<string, unknown>): unknown {
    const n = this.readVarint();
    for (let i = 0; i < n; i++) {
      const k = this.readKey();
      setField(o, k, this.readValue());
    }
    return o;
  }

  private readBigInt(): bigint {
    this.need(5);
    const negative = this.buf[this.pos++] === 1;
    const words = this.readUint32();
    this.need(words * 4);
    let v = 0n;
    for (let i = words - 1; i >= 0; i--)
      v = (v << 32n) | BigInt(this.dataView().getUint32(this.pos + i * 4, true));
    this.pos += words * 4;
    return negative ? -v : v;
  }
}
