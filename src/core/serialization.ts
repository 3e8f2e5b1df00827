/**
 * The binary record format of batches that cross worker threads.
 *
 * A writer ({@link DataOutputView}) fills a growable byte buffer with tagged values; a reader
 * ({@link DataInputView}) reads them back. One writer feeds one reader over a channel, buffer
 * after buffer, in order. That lets both sides share a table of object *structures*: the first
 * time a key list (for example `id, name, price, ts`) is written, its definition goes inline and
 * gets the next id; afterwards an object of that shape is written as its id plus the values.
 *
 * Format: every value starts with one tag byte.
 *
 * | tag         | value                                                                    |
 * |-------------|--------------------------------------------------------------------------|
 * | 0x00..0x7f  | integer 0..127                                                           |
 * | 0x80..0x9f  | ASCII string of 0..31 chars, chars follow                                |
 * | 0xa0..0xbf  | object of structure 0..31, values follow in key order                    |
 * | 0xc0..0xc3  | undefined, null, false, true                                             |
 * | 0xc4..0xc6  | int8, int16, int32 (little endian)                                       |
 * | 0xc7        | float64 (little endian)                                                  |
 * | 0xc8        | bigint: sign byte, u32 word count, u32 words (least significant first)   |
 * | 0xc9        | ASCII string: varint length, chars                                       |
 * | 0xca        | UTF-8 string: u32 byte length, bytes                                     |
 * | 0xcb        | Uint8Array: varint length, bytes                                         |
 * | 0xcc        | Date: float64 time                                                       |
 * | 0xcd        | array: varint length, elements                                           |
 * | 0xce / 0xcf | Map: varint size, key/value pairs; Set: varint size, elements            |
 * | 0xd0        | plain object defining the next structure: varint n, n key strings, values|
 * | 0xd1        | object of structure: varint id, values                                   |
 * | 0xd2        | class instance defining the next structure: class name, varint n, keys, values |
 * | 0xd3 / 0xd4 | plain / null-prototype object with inline keys: varint n, key/value pairs|
 * | 0xd5        | class instance with inline keys: class name, varint n, key/value pairs   |
 * | 0xd6        | string with lone surrogates: u32 length, UTF-16LE code units             |
 * | 0xd8..0xdf  | never written by this codec: reserved for framing by its users (channels) |
 * | 0xe0..0xef  | array of 0..15 elements                                                  |
 * | 0xf0..0xff  | integer -16..-1                                                          |
 *
 * Varints are unsigned LEB128. Key strings and class names are string values (with their tag).
 */

import { StromError } from "./errors.ts";

const T_FIXSTR = 0x80;
const T_FIXSTRUCT = 0xa0;
const T_UNDEFINED = 0xc0;
const T_NULL = 0xc1;
const T_FALSE = 0xc2;
const T_TRUE = 0xc3;
const T_INT8 = 0xc4;
const T_INT16 = 0xc5;
const T_INT32 = 0xc6;
const T_FLOAT64 = 0xc7;
const T_BIGINT = 0xc8;
const T_ASCII = 0xc9;
const T_UTF8 = 0xca;
const T_BYTES = 0xcb;
const T_DATE = 0xcc;
const T_ARRAY = 0xcd;
const T_MAP = 0xce;
const T_SET = 0xcf;
const T_STRUCT_DEF = 0xd0;
const T_STRUCT = 0xd1;
const T_CLASS_DEF = 0xd2;
const T_OBJECT = 0xd3;
const T_NULL_PROTO_OBJECT = 0xd4;
const T_CLASS_OBJECT = 0xd5;
const T_UTF16 = 0xd6;
const T_FIXARRAY = 0xe0;

/** First of the tag bytes (0xd8..0xdf) that values never start with; free for framing. */
export const RESERVED_TAG_BASE = 0xd8;

/** Most structures a writer defines (later objects are written with inline keys). */
export const MAX_STRUCTURES = 4096;
/** Cap of the writer's key-list trie nodes, so dictionary-like objects cannot grow it forever. */
const MAX_TRIE_NODES = 65536;
/** Objects with more keys than this are always written with inline keys (likely dictionaries). */
const MAX_STRUCTURE_KEYS = 64;
/** Nesting depth beyond which a value is treated as cyclic (the slow pass then tells which). */
export const MAX_DEPTH = 200;
/**
 * Strings up to this length are first tried as ASCII, copied char by char in JS; longer ones (and
 * non-ASCII ones) go to the native UTF-8 encoder, which wins beyond ~40 chars (measured).
 */
const ASCII_LOOP_MAX = 40;
/** ASCII strings longer than this are decoded natively; shorter ones with String.fromCharCode. */
const ASCII_DECODE_JS_MAX = 48;

/** Thrown when a value cannot be written or an input cannot be read; `path` names the place. */
export class SerializationError extends StromError {
  /** Where in the value the problem is, e.g. `record.trade.tags[2]` (empty if unknown). */
  readonly path: string;

  /** Creates an error for the value at `path`. */
  constructor(message: string, path: string, options?: { cause?: unknown }) {
    super(message, options);
    this.path = path;
  }
}

/** A class registered with a {@link TypeRegistry}. */
interface RegisteredType {
  readonly name: string;
  readonly ctor: new (...args: any[]) => unknown;
  readonly proto: object;
  /** True when the prototype chain has enumerable properties, so for-in would see more than own fields. */
  readonly needsOwnKeys: boolean;
}

/**
 * Classes whose instances may be serialized. An instance is written with its registered name and
 * its own enumerable fields and read back with `Object.create(ctor.prototype)` plus the fields, so
 * its methods work on the other side. Writer and reader must register the same names.
 */
export class TypeRegistry {
  private readonly byName = new Map<string, RegisteredType>();
  private readonly byProto = new Map<object, RegisteredType>();

  /** A registry holding every `name -> class` pair of `types`. */
  static from(types: Readonly<Record<string, new (...args: any[]) => unknown>>): TypeRegistry {
    const registry = new TypeRegistry();
    for (const name of Object.keys(types)) registry.register(name, types[name]!);
    return registry;
  }

  /** Registers `ctor` under `name`. Registering the same pair twice is allowed; conflicts throw. */
  register(name: string, ctor: new (...args: any[]) => unknown): this {
    if (typeof name !== "string" || name.length === 0)
      throw new TypeError("a registered type needs a non-empty name");
    if (
      typeof ctor !== "function" ||
      typeof ctor.prototype !== "object" ||
      ctor.prototype === null
    ) {
      throw new TypeError(`cannot register '${name}': it is not a class`);
    }
    const proto = ctor.prototype as object;
    const existing = this.byName.get(name);
    if (existing) {
      if (existing.ctor === ctor) return this;
      throw new TypeError(`a different class is already registered as '${name}'`);
    }
    const other = this.byProto.get(proto);
    if (other)
      throw new TypeError(`class ${ctor.name || name} is already registered as '${other.name}'`);
    let needsOwnKeys = false;
    for (const _ in Object.create(proto)) {
      needsOwnKeys = true;
      break;
    }
    const entry: RegisteredType = { name, ctor, proto, needsOwnKeys };
    this.byName.set(name, entry);
    this.byProto.set(proto, entry);
    return this;
  }

  /** The class registered under `name`, if any. */
  get(name: string): (new (...args: any[]) => unknown) | undefined {
    return this.byName.get(name)?.ctor;
  }

  /** The registered name of `ctor`, if it is registered. */
  nameOf(ctor: new (...args: any[]) => unknown): string | undefined {
    return this.byProto.get(ctor.prototype as object)?.name;
  }

  /** @internal The registration of the class whose prototype is `proto`. */
  lookupProto(proto: object): RegisteredType | undefined {
    return this.byProto.get(proto);
  }

  /** @internal The registration under `name`. */
  lookupName(name: string): RegisteredType | undefined {
    return this.byName.get(name);
  }
}

/** One node of the writer's key-list trie; a node whose `id >= 0` ends a known structure. */
class TrieNode {
  id = -1;
  lastKey: string | undefined = undefined;
  lastChild: TrieNode | null = null;
  children: Map<string, TrieNode> | null = null;
}

/** Internal signal of the fast write path; the slow pass then finds the exact problem. */
const WRITE_FAILED: unique symbol = Symbol("write failed");

/**
 * A growable byte buffer that serializes values. Not thread-safe; one writer per channel. After a
 * failed {@link writeValue} the buffer and the structure table are as they were before the call.
 */
export class DataOutputView {
  private buf: Uint8Array;
  private view: DataView;
  private nodeBuf: Buffer | null = null;
  private pos = 0;
  private readonly registry: TypeRegistry;
  private readonly plainRoot = new TrieNode();
  private readonly classRoots = new Map<RegisteredType, TrieNode>();
  /** Structure id -> the trie node that ends it. */
  private readonly structures: TrieNode[] = [];
  private trieNodes = 0;

  /** Creates a writer; `registry` lists the classes whose instances may be written. */
  constructor(initialCapacity = 32 * 1024, registry: TypeRegistry = new TypeRegistry()) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity | 0));
    this.view = new DataView(this.buf.buffer);
    this.registry = registry;
  }

  /** Number of bytes written since the last reset. */
  get position(): number {
    return this.pos;
  }

  /** Number of structures defined so far (they persist across resets). */
  getStructureCount(): number {
    return this.structures.length;
  }

  /** Starts a new buffer at position 0, keeping the memory and the structure table. */
  reset(): void {
    this.pos = 0;
  }

  /** Drops the bytes written after `position` (which must not exceed the current position). */
  truncate(position: number): void {
    if (position < 0 || position > this.pos)
      throw new RangeError(`cannot truncate to ${position}: position is ${this.pos}`);
    this.pos = position;
  }

  /** A copy of the bytes written so far, backed by its own (transferable) ArrayBuffer. */
  toUint8Array(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /** Writes one byte. */
  writeUint8(n: number): void {
    if (this.pos + 1 > this.buf.length) this.grow(1);
    this.buf[this.pos++] = n;
  }

  /** Writes an unsigned 32-bit integer, little endian. */
  writeUint32(n: number): void {
    if (this.pos + 4 > this.buf.length) this.grow(4);
    this.view.setUint32(this.pos, n, true);
    this.pos += 4;
  }

  /** Writes a float64, little endian. */
  writeFloat64(n: number): void {
    if (this.pos + 8 > this.buf.length) this.grow(8);
    this.view.setFloat64(this.pos, n, true);
    this.pos += 8;
  }

  /**
   * Serializes `value`. Throws a {@link SerializationError} naming the path of the first value
   * that cannot be written; the writer is then unchanged and can be used again.
   */
  writeValue(value: unknown): void {
    const start = this.pos;
    const structureCount = this.structures.length;
    try {
      this.write(value, 0);
    } catch (e) {
      this.pos = start;
      this.rollbackStructures(structureCount);
      if (e === WRITE_FAILED) throw explainFailure(value, this.registry);
      throw e;
    }
  }

  private rollbackStructures(count: number): void {
    const s = this.structures;
    while (s.length > count) s.pop()!.id = -1;
  }

  private grow(needed: number): void {
    let capacity = this.buf.length * 2;
    while (capacity < this.pos + needed) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
    this.nodeBuf = null;
  }

  private write(v: unknown, depth: number): void {
    if (this.pos + 16 > this.buf.length) this.grow(16);
    switch (typeof v) {
      case "number":
        this.writeNumber(v);
        return;
      case "string":
        this.writeString(v);
        return;
      case "object": {
        if (v === null) {
          this.buf[this.pos++] = T_NULL;
          return;
        }
        if (depth >= MAX_DEPTH) throw WRITE_FAILED;
        if (Array.isArray(v)) {
          this.writeArray(v, depth);
          return;
        }
        const proto: unknown = Object.getPrototypeOf(v);
        if (proto === Object.prototype) this.writePlainObject(v, depth);
        else this.writeOtherObject(v, proto as object | null, depth);
        return;
      }
      case "boolean":
        this.buf[this.pos++] = v ? T_TRUE : T_FALSE;
        return;
      case "undefined":
        this.buf[this.pos++] = T_UNDEFINED;
        return;
      case "bigint":
        this.writeBigInt(v);
        return;
      default:
        throw WRITE_FAILED;
    }
  }

  private writeNumber(v: number): void {
    const b = this.buf;
    let p = this.pos;
    if ((v | 0) === v && (v !== 0 || 1 / v > 0)) {
      if (v >= 0) {
        if (v < 0x80) {
          b[p] = v;
          this.pos = p + 1;
          return;
        }
      } else if (v >= -16) {
        b[p] = v & 0xff;
        this.pos = p + 1;
        return;
      }
      if (v >= -128 && v < 128) {
        b[p] = T_INT8;
        b[p + 1] = v;
        this.pos = p + 2;
      } else if (v >= -32768 && v < 32768) {
        b[p] = T_INT16;
        b[p + 1] = v;
        b[p + 2] = v >> 8;
        this.pos = p + 3;
      } else {
        b[p] = T_INT32;
        b[p + 1] = v;
        b[p + 2] = v >> 8;
        b[p + 3] = v >> 16;
        b[p + 4] = v >> 24;
        this.pos = p + 5;
      }
      return;
    }
    b[p++] = T_FLOAT64;
    this.view.setFloat64(p, v, true);
    this.pos = p + 8;
  }

  private writeVarint(n: number): void {
    const b = this.buf;
    let p = this.pos;
    while (n >= 0x80) {
      b[p++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    b[p++] = n;
    this.pos = p;
  }

  private writeString(s: string): void {
    const n = s.length;
    if (n <= ASCII_LOOP_MAX) {
      const header = n < 32 ? 1 : n < 0x80 ? 2 : 3;
      if (this.pos + header + n > this.buf.length) this.grow(header + n);
      const b = this.buf;
      const p = this.pos + header;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[p + i] = c;
      }
      if (i === n) {
        if (header === 1) {
          b[this.pos] = T_FIXSTR | n;
        } else {
          b[this.pos] = T_ASCII;
          this.pos++;
          this.writeVarint(n);
        }
        this.pos = p + n;
        return;
      }
    }
    this.writeUtf8(s);
  }

  private writeUtf8(s: string): void {
    if (!s.isWellFormed()) {
      this.writeUtf16(s);
      return;
    }
    const max = s.length * 3;
    if (this.pos + 5 + max > this.buf.length) this.grow(5 + max);
    const p = this.pos;
    let nb = this.nodeBuf;
    if (nb === null)
      nb = this.nodeBuf = Buffer.from(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    const written = nb.write(s, p + 5, max, "utf8");
    this.buf[p] = T_UTF8;
    this.view.setUint32(p + 1, written, true);
    this.pos = p + 5 + written;
  }

  /** Strings with lone surrogates, which UTF-8 cannot carry, go as raw UTF-16 code units. */
  private writeUtf16(s: string): void {
    const n = s.length;
    if (this.pos + 5 + 2 * n > this.buf.length) this.grow(5 + 2 * n);
    const b = this.buf;
    let p = this.pos;
    b[p] = T_UTF16;
    this.view.setUint32(p + 1, n, true);
    p += 5;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      b[p++] = c;
      b[p++] = c >> 8;
    }
    this.pos = p;
  }

  private writeArray(a: unknown[], depth: number): void {
    const n = a.length;
    if (n < 16) {
      this.buf[this.pos++] = T_FIXARRAY | n;
    } else {
      this.buf[this.pos++] = T_ARRAY;
      this.writeVarint(n);
    }
    // Numbers and strings are written without going through write(): a large win (measured).
    for (let i = 0; i < n; i++) {
      const e = a[i];
      if (typeof e === "number") {
        if (this.pos + 9 > this.buf.length) this.grow(9);
        this.writeNumber(e);
      } else if (typeof e === "string") {
        this.writeString(e);
      } else {
        this.write(e, depth + 1);
      }
    }
  }

  /** The child of `node` for `key`, creating it while the structure table has room; null if full. */
  private child(node: TrieNode, key: string): TrieNode | null {
    let c: TrieNode | undefined;
    if (node.children === null) {
      if (node.lastChild !== null) {
        node.children = new Map();
        node.children.set(node.lastKey!, node.lastChild);
      }
    } else {
      c = node.children.get(key);
    }
    if (c === undefined) {
      if (this.structures.length >= MAX_STRUCTURES || this.trieNodes >= MAX_TRIE_NODES) return null;
      this.trieNodes++;
      c = new TrieNode();
      if (node.children !== null) node.children.set(key, c);
    }
    node.lastKey = key;
    node.lastChild = c;
    return c;
  }

  /** Finds (or defines) the structure of `o`'s for-in key list; null means "write inline". */
  private structureOf(o: object, root: TrieNode): TrieNode | null {
    let node: TrieNode | null = root;
    let n = 0;
    for (const k in o) {
      if (++n > MAX_STRUCTURE_KEYS) return null;
      node = node.lastKey === k ? node.lastChild! : this.child(node, k);
      if (node === null) return null;
    }
    return node;
  }

  private writeStructHeader(node: TrieNode): void {
    const id = node.id;
    if (id < 32) {
      this.buf[this.pos++] = T_FIXSTRUCT | id;
    } else {
      this.buf[this.pos++] = T_STRUCT;
      this.writeVarint(id);
    }
  }

  private writePlainObject(o: object, depth: number): void {
    const node = this.structureOf(o, this.plainRoot);
    if (node === null) {
      this.writeInlineObject(o, T_OBJECT, depth, false);
      return;
    }
    if (node.id >= 0) {
      this.writeStructHeader(node);
    } else {
      if (this.structures.length >= MAX_STRUCTURES) {
        this.writeInlineObject(o, T_OBJECT, depth, false);
        return;
      }
      this.defineStructure(node, T_STRUCT_DEF, o, false);
    }
    const rec = o as Record<string, unknown>;
    // Same fast paths as in writeArray.
    for (const k in rec) {
      const e = rec[k];
      if (typeof e === "number") {
        if (this.pos + 9 > this.buf.length) this.grow(9);
        this.writeNumber(e);
      } else if (typeof e === "string") {
        this.writeString(e);
      } else {
        this.write(e, depth + 1);
      }
    }
  }

  private defineStructure(
    node: TrieNode,
    tag: number,
    o: object,
    ownKeys: boolean,
    className?: string,
  ): void {
    node.id = this.structures.length;
    this.structures.push(node);
    this.buf[this.pos++] = tag;
    if (className !== undefined) this.writeString(className);
    if (ownKeys) {
      const keys = Object.keys(o);
      if (this.pos + 6 > this.buf.length) this.grow(6);
      this.writeVarint(keys.length);
      for (const k of keys) this.writeString(k);
    } else {
      let n = 0;
      for (const _ in o) n++;
      if (this.pos + 6 > this.buf.length) this.grow(6);
      this.writeVarint(n);
      for (const k in o) this.writeString(k);
    }
  }

  private writeInlineObject(
    o: object,
    tag: number,
    depth: number,
    ownKeys: boolean,
    className?: string,
  ): void {
    this.buf[this.pos++] = tag;
    if (className !== undefined) this.writeString(className);
    const rec = o as Record<string, unknown>;
    const keys = ownKeys ? Object.keys(o) : null;
    let n = 0;
    if (keys !== null) n = keys.length;
    else for (const _ in o) n++;
    if (this.pos + 6 > this.buf.length) this.grow(6);
    this.writeVarint(n);
    if (keys !== null) {
      for (const k of keys) {
        this.writeString(k);
        this.write(rec[k], depth + 1);
      }
    } else {
      for (const k in rec) {
        this.writeString(k);
        this.write(rec[k], depth + 1);
      }
    }
  }

  private writeOtherObject(v: object, proto: object | null, depth: number): void {
    if (proto === Date.prototype) {
      this.buf[this.pos++] = T_DATE;
      this.view.setFloat64(this.pos, (v as Date).getTime(), true);
      this.pos += 8;
      return;
    }
    if (proto === Map.prototype) {
      const m = v as Map<unknown, unknown>;
      this.buf[this.pos++] = T_MAP;
      this.writeVarint(m.size);
      for (const [key, value] of m) {
        this.write(key, depth + 1);
        this.write(value, depth + 1);
      }
      return;
    }
    if (proto === Set.prototype) {
      const s = v as Set<unknown>;
      this.buf[this.pos++] = T_SET;
      this.writeVarint(s.size);
      for (const e of s) this.write(e, depth + 1);
      return;
    }
    if (proto === Uint8Array.prototype || proto === Buffer.prototype) {
      const bytes = v as Uint8Array;
      const n = bytes.length;
      if (this.pos + 6 + n > this.buf.length) this.grow(6 + n);
      this.buf[this.pos++] = T_BYTES;
      this.writeVarint(n);
      this.buf.set(bytes, this.pos);
      this.pos += n;
      return;
    }
    if (proto === null) {
      this.writeInlineObject(v, T_NULL_PROTO_OBJECT, depth, false);
      return;
    }
    const type = this.registry.lookupProto(proto);
    if (type === undefined) throw WRITE_FAILED;
    let root = this.classRoots.get(type);
    if (root === undefined) {
      root = new TrieNode();
      this.classRoots.set(type, root);
    }
    const node = type.needsOwnKeys ? this.ownKeysStructureOf(v, root) : this.structureOf(v, root);
    if (node === null || (node.id < 0 && this.structures.length >= MAX_STRUCTURES)) {
      this.writeInlineObject(v, T_CLASS_OBJECT, depth, type.needsOwnKeys, type.name);
      return;
    }
    if (node.id >= 0) this.writeStructHeader(node);
    else this.defineStructure(node, T_CLASS_DEF, v, type.needsOwnKeys, type.name);
    const rec = v as Record<string, unknown>;
    if (type.needsOwnKeys) {
      for (const k of Object.keys(v)) this.write(rec[k], depth + 1);
    } else {
      for (const k in rec) this.write(rec[k], depth + 1);
    }
  }

  private ownKeysStructureOf(o: object, root: TrieNode): TrieNode | null {
    const keys = Object.keys(o);
    if (keys.length > MAX_STRUCTURE_KEYS) return null;
    let node: TrieNode | null = root;
    for (const k of keys) {
      node = node.lastKey === k ? node.lastChild! : this.child(node, k);
      if (node === null) return null;
    }
    return node;
  }

  private writeBigInt(v: bigint): void {
    const negative = v < 0n;
    let mag = negative ? -v : v;
    this.buf[this.pos++] = T_BIGINT;
    this.buf[this.pos++] = negative ? 1 : 0;
    const countAt = this.pos;
    this.pos += 4;
    let words = 0;
    while (mag > 0n) {
      if (this.pos + 4 > this.buf.length) this.grow(4);
      this.view.setUint32(this.pos, Number(mag & 0xffffffffn), true);
      this.pos += 4;
      mag >>= 32n;
      words++;
    }
    this.view.setUint32(countAt, words, true);
  }
}

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
  private view: DataView = new DataView(EMPTY.buffer);
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
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.nodeBuf = null;
    this.pos = 0;
    this.end = bytes.length;
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

  /** The next byte, without consuming it. */
  peekUint8(): number {
    this.need(1);
    return this.buf[this.pos]!;
  }

  /** Reads one byte. */
  readUint8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  /** Reads an unsigned 32-bit integer, little endian. */
  readUint32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** Reads a float64, little endian. */
  readFloat64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
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
        return this.view.getFloat64(p + 1, true);
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
      v = (v << 32n) | BigInt(this.view.getUint32(this.pos + i * 4, true));
    this.pos += words * 4;
    return negative ? -v : v;
  }
}

// ---------------------------------------------------------------------------------------------
// The slow pass: after the fast writer failed, walk the value again, tracking the path and the
// ancestors, to say exactly where the problem is. It visits values in the writer's order.

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function propertyPath(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function describePrimitiveKey(k: unknown): string | null {
  switch (typeof k) {
    case "string":
      return JSON.stringify(k);
    case "number":
    case "boolean":
      return String(k);
    case "bigint":
      return `${k}n`;
    default:
      return k === null ? "null" : k === undefined ? "undefined" : null;
  }
}

function isNativeClass(ctor: unknown): boolean {
  return (
    typeof ctor === "function" &&
    /\{\s*\[native code\]\s*\}\s*$/.test(Function.prototype.toString.call(ctor))
  );
}

function constructorOf(o: object): unknown {
  try {
    return (o as { constructor?: unknown }).constructor;
  } catch {
    return undefined;
  }
}

const BINARY_VIEWS = new Set<string>([
  "Int8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float16Array",
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
  "DataView",
  "ArrayBuffer",
  "SharedArrayBuffer",
]);

function unsupportedObjectMessage(o: object, path: string): string {
  const ctor = constructorOf(o);
  const name = typeof ctor === "function" ? ctor.name : "";
  if (name !== "" && isNativeClass(ctor)) {
    if (BINARY_VIEWS.has(name)) {
      return `cannot serialize a ${name} at ${path}: only Uint8Array and Buffer are supported as binary data`;
    }
    return `cannot serialize a ${name} at ${path}`;
  }
  if (name === "")
    return `cannot serialize an instance of an anonymous class at ${path}: register the class with env.registerType(...)`;
  return `cannot serialize an instance of class ${name} at ${path}: register it with env.registerType(${name})`;
}

interface Ancestor {
  readonly value: object;
  readonly path: string;
}

interface Problem {
  readonly message: string;
  readonly path: string;
}

function problem(message: string, path: string): Problem {
  return { message, path };
}

function findProblem(
  v: unknown,
  path: string,
  ancestors: Ancestor[],
  registry: TypeRegistry,
): Problem | null {
  switch (typeof v) {
    case "function":
      return problem(`cannot serialize a function at ${path}`, path);
    case "symbol":
      return problem(`cannot serialize a symbol at ${path}`, path);
    case "object":
      break;
    default:
      return null;
  }
  if (v === null) return null;
  for (const a of ancestors) {
    if (a.value === v)
      return problem(`cannot serialize a cyclic structure: ${path} refers back to ${a.path}`, path);
  }
  if (ancestors.length >= MAX_DEPTH) {
    return problem(
      `cannot serialize a value nested deeper than ${MAX_DEPTH} levels at ${path}`,
      path,
    );
  }
  ancestors.push({ value: v, path });
  try {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const found = findProblem(v[i], `${path}[${i}]`, ancestors, registry);
        if (found !== null) return found;
      }
      return null;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) {
      const rec = v as Record<string, unknown>;
      for (const k in rec) {
        const found = findProblem(rec[k], propertyPath(path, k), ancestors, registry);
        if (found !== null) return found;
      }
      return null;
    }
    if (proto === Date.prototype || proto === Uint8Array.prototype || proto === Buffer.prototype)
      return null;
    if (proto === Map.prototype) {
      let i = 0;
      for (const [key, value] of v as Map<unknown, unknown>) {
        const keyProblem = findProblem(key, `${path}.<key of entry ${i}>`, ancestors, registry);
        if (keyProblem !== null) return keyProblem;
        const described = describePrimitiveKey(key);
        const valuePath =
          described !== null ? `${path}.get(${described})` : `${path}.<value of entry ${i}>`;
        const valueProblem = findProblem(value, valuePath, ancestors, registry);
        if (valueProblem !== null) return valueProblem;
        i++;
      }
      return null;
    }
    if (proto === Set.prototype) {
      let i = 0;
      for (const e of v as Set<unknown>) {
        const found = findProblem(e, `${path}.<element ${i}>`, ancestors, registry);
        if (found !== null) return found;
        i++;
      }
      return null;
    }
    const type = registry.lookupProto(proto as object);
    if (type === undefined) return problem(unsupportedObjectMessage(v, path), path);
    const rec = v as Record<string, unknown>;
    const keys = type.needsOwnKeys ? Object.keys(v) : null;
    if (keys !== null) {
      for (const k of keys) {
        const found = findProblem(rec[k], propertyPath(path, k), ancestors, registry);
        if (found !== null) return found;
      }
    } else {
      for (const k in rec) {
        const found = findProblem(rec[k], propertyPath(path, k), ancestors, registry);
        if (found !== null) return found;
      }
    }
    return null;
  } finally {
    ancestors.pop();
  }
}

/** Builds the error for a value the fast writer rejected. */
function explainFailure(value: unknown, registry: TypeRegistry): SerializationError {
  const found = findProblem(value, "record", [], registry);
  if (found === null)
    return new SerializationError("cannot serialize the record (unknown reason)", "record");
  return new SerializationError(found.message, found.path);
}
