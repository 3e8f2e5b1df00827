/** The writing half of the record codec. */
import { explainFailure } from "./explain.ts";
import {
  ASCII_LOOP_MAX,
  MAX_DEPTH,
  MAX_STRUCTURES,
  MAX_STRUCTURE_KEYS,
  MAX_TRIE_NODES,
  T_ARRAY,
  T_ASCII,
  T_BIGINT,
  T_BYTES,
  T_CLASS_DEF,
  T_CLASS_OBJECT,
  T_DATE,
  T_FALSE,
  T_FIXARRAY,
  T_FIXSTR,
  T_FIXSTRUCT,
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

  /**
   * Creates a writer; `registry` lists the classes whose instances may be written. `initial` is
   * a capacity, or a buffer to write into (reused memory: the writer owns it from now on).
   */
  constructor(
    initial: number | Uint8Array = 32 * 1024,
    registry: TypeRegistry = new TypeRegistry(),
  ) {
    this.buf = typeof initial === "number" ? new Uint8Array(Math.max(16, initial | 0)) : initial;
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.registry = registry;
  }

  /** The whole underlying buffer (written bytes and spare room), e.g. to reuse its memory. */
  get buffer(): Uint8Array {
    return this.buf;
  }

  /** Moves the position forward by `n` bytes left as they are (room to fill in later). */
  skip(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
    this.pos += n;
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

  /**
   * Forgets every structure defined so far (the bytes stay): what is written next can be read by
   * a fresh reader, as in a new buffer of its own.
   */
  forgetStructures(): void {
    this.rollbackStructures(0);
  }

  /** A view (not a copy) of bytes `start` to `end` written so far; valid until the next write. */
  bytesView(start: number, end: number): Uint8Array {
    return this.buf.subarray(start, end);
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

  /** Serializes a number, as {@link writeValue} would, on a shorter path. */
  writeNumberValue(n: number): void {
    if (this.pos + 9 > this.buf.length) this.grow(9);
    this.writeNumber(n);
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
