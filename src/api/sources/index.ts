/** The built-in sources: collections, number sequences, generated data, and text files. */
export { CollectionSource, type CollectionSplit } from "./collection.ts";
export { NumberSequenceSource, type NumberSequenceSplit } from "./sequence.ts";
export {
  DataGeneratorSource,
  RateLimiterStrategy,
  type DataGeneratorSplit,
  type GeneratorFunction,
  type GeneratorFunctionObject,
  type RateLimiterKind,
} from "./datagen.ts";
export { SplitQueueReader } from "./split-reader.ts";
export { TEXT_FILE_CHUNK_SIZE, TextFileSource, type TextFileSplit } from "./textfile.ts";
