/**
 * The binary record format of batches that cross worker threads: one writer
 * (`serialization/writer.ts`) feeds one reader (`serialization/reader.ts`) over a channel, sharing
 * a table of object structures. The format is documented in `serialization/format.ts`; classes are
 * registered in `serialization/type-registry.ts`; `serialization/explain.ts` names the place of a
 * value that cannot be written.
 */
export { DataInputView } from "./serialization/reader.ts";
export { DataOutputView } from "./serialization/writer.ts";
export { TypeRegistry } from "./serialization/type-registry.ts";
export { SerializationError } from "./serialization/explain.ts";
export { MAX_DEPTH, MAX_STRUCTURES, RESERVED_TAG_BASE } from "./serialization/format.ts";
