/**
 * Word count: the "hello world" of stream processing.
 *
 *   npx strom run examples/word-count.ts --parallelism 2               # counts words of this file
 *   npx strom run examples/word-count.ts -- path/to/file-or-directory  # counts words of your text
 *   npx strom run examples/word-count.ts -- --batch                    # one final count per word
 *
 * In STREAMING mode every incoming word updates its running count; in BATCH mode each word's final
 * count is printed once, at the end of the input. The final answers are the same.
 */
import { fileURLToPath } from "node:url";
import { RuntimeExecutionMode, StreamExecutionEnvironment, type Collector } from "strom";

const args = process.argv.slice(2);
const batch = args.includes("--batch");
const input = args.find((a) => !a.startsWith("--")) ?? fileURLToPath(import.meta.url);

const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.setRuntimeMode(batch ? RuntimeExecutionMode.BATCH : RuntimeExecutionMode.STREAMING);

env
  .readTextFile(input)
  .flatMap((line: string, out: Collector<[string, number]>) => {
    for (const word of line.toLowerCase().split(/\W+/)) if (word) out.collect([word, 1]);
  })
  .name("tokenize")
  .keyBy(([word]) => word)
  .sum(1)
  .name("count")
  .print();

const result = await env.execute("word-count");
console.error(`word-count finished in ${result.getNetRuntime().toFixed(0)} ms`);
