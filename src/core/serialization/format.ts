/**
 * The binary record format of batches that cross worker threads: tags and limits.
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

/** Tag byte (see the format table above). */
export const T_FIXSTR = 0x80;
/** Tag byte (see the format table above). */
export const T_FIXSTRUCT = 0xa0;
/** Tag byte (see the format table above). */
export const T_UNDEFINED = 0xc0;
/** Tag byte (see the format table above). */
export const T_NULL = 0xc1;
/** Tag byte (see the format table above). */
export const T_FALSE = 0xc2;
/** Tag byte (see the format table above). */
export const T_TRUE = 0xc3;
/** Tag byte (see the format table above). */
export const T_INT8 = 0xc4;
/** Tag byte (see the format table above). */
export const T_INT16 = 0xc5;
/** Tag byte (see the format table above). */
export const T_INT32 = 0xc6;
/** Tag byte (see the format table above). */
export const T_FLOAT64 = 0xc7;
/** Tag byte (see the format table above). */
export const T_BIGINT = 0xc8;
/** Tag byte (see the format table above). */
export const T_ASCII = 0xc9;
/** Tag byte (see the format table above). */
export const T_UTF8 = 0xca;
/** Tag byte (see the format table above). */
export const T_BYTES = 0xcb;
/** Tag byte (see the format table above). */
export const T_DATE = 0xcc;
/** Tag byte (see the format table above). */
export const T_ARRAY = 0xcd;
/** Tag byte (see the format table above). */
export const T_MAP = 0xce;
/** Tag byte (see the format table above). */
export const T_SET = 0xcf;
/** Tag byte (see the format table above). */
export const T_STRUCT_DEF = 0xd0;
/** Tag byte (see the format table above). */
export const T_STRUCT = 0xd1;
/** Tag byte (see the format table above). */
export const T_CLASS_DEF = 0xd2;
/** Tag byte (see the format table above). */
export const T_OBJECT = 0xd3;
/** Tag byte (see the format table above). */
export const T_NULL_PROTO_OBJECT = 0xd4;
/** Tag byte (see the format table above). */
export const T_CLASS_OBJECT = 0xd5;
/** Tag byte (see the format table above). */
export const T_UTF16 = 0xd6;
/** Tag byte (see the format table above). */
export const T_FIXARRAY = 0xe0;

/** First of the tag bytes (0xd8..0xdf) that values never start with; free for framing. */
export const RESERVED_TAG_BASE = 0xd8;

/** Most structures a writer defines (later objects are written with inline keys). */
export const MAX_STRUCTURES = 4096;
/** Cap of the writer's key-list trie nodes, so dictionary-like objects cannot grow it forever. */
export const MAX_TRIE_NODES = 65536;
/** Objects with more keys than this are always written with inline keys (likely dictionaries). */
export const MAX_STRUCTURE_KEYS = 64;
/** Nesting depth beyond which a value is treated as cyclic (the slow pass then tells which). */
export const MAX_DEPTH = 200;
/**
 * Strings up to this length are first tried as ASCII, copied char by char in JS; longer ones (and
 * non-ASCII ones) go to the native UTF-8 encoder, which wins beyond ~40 chars (measured).
 */
export const ASCII_LOOP_MAX = 40;
/** ASCII strings longer than this are decoded natively; shorter ones with String.fromCharCode. */
export const ASCII_DECODE_JS_MAX = 48;
