import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import { checkDeps, findImports } from "../../scripts/check-deps.ts";

const SCRIPT = fileURLToPath(new URL("../../scripts/check-deps.ts", import.meta.url));
const roots: string[] = [];

after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** Writes a fixture tree (path -> contents) into a fresh temporary directory. */
function fixture(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "strom-check-deps-"));
  roots.push(root);
  for (const [path, contents] of Object.entries(files)) {
    const full = join(root, ...path.split("/"));
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, contents);
  }
  return root;
}

/** Runs the checker as `npm run check:deps` does, on `root`. */
function runCli(root: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [SCRIPT, root], { encoding: "utf8" });
  return { status: result.status, output: result.stdout + result.stderr };
}

/** A small tree that follows every rule. */
const CLEAN: Record<string, string> = {
  "src/core/time.ts": "export const now = (): number => 0;\n",
  "src/core/util.ts": 'import { now } from "./time.ts";\nexport const later = () => now() + 1;\n',
  "src/api/env.ts": [
    'import { later } from "../core/util.ts";',
    '// import { x } from "../runtime/task.ts"; (a comment, not an import)',
    "/* export * from '../cluster/master.ts'; */",
    'const hint = `import { y } from "../runtime/task.ts"`;',
    'export const env = { later, hint, re: /from "..\\/cluster\\/x.ts"/ };',
    "",
  ].join("\n"),
  "src/runtime/task.ts": [
    'import type { env } from "../api/env.ts";',
    'import * as util from "../core/util.ts";',
    "export type Env = typeof env;",
    'export const load = () => import("../graph/plan.ts");',
    "export { util };",
    "",
  ].join("\n"),
  "src/graph/plan.ts": 'export { env } from "../api/env.ts";\n',
  "src/connectors/kafka/source.ts": 'import { env } from "../../api/env.ts";\nexport { env };\n',
  "src/connectors/kafka/split.ts": 'import { env } from "./source.ts";\nexport { env };\n',
  "src/cli/main.ts":
    'import { load } from "../runtime/task.ts";\nimport { env } from "../connectors/kafka/source.ts";\nexport { load, env };\n',
  "src/index.ts": 'export * from "./api/env.ts";\nexport * from "./runtime/task.ts";\n',
  "examples/job.ts":
    'import { env } from "strom";\nimport { helper } from "./helper.ts";\nhelper(env);\n',
  "examples/helper.ts": "export const helper = (_x: unknown) => {};\n",
  "test/api/env.test.ts": 'import { env } from "../../src/api/env.ts";\nvoid env;\n',
};

describe("check-deps", () => {
  it("passes a clean tree", () => {
    const root = fixture(CLEAN);
    assert.deepEqual(checkDeps(root), { violations: [], cycles: [] });
    const { status, output } = runCli(root);
    assert.equal(status, 0, output);
    assert.match(output, /OK/);
  });

  it("reports a layer violation", () => {
    const root = fixture({
      ...CLEAN,
      "src/core/bad.ts": 'import { load } from "../runtime/task.ts";\nexport { load };\n',
    });
    const { status, output } = runCli(root);
    assert.equal(status, 1, output);
    assert.ok(
      output.includes(
        "src/core/bad.ts imports src/runtime/task.ts: core may not depend on runtime",
      ),
      output,
    );
  });

  it("counts type-only and dynamic imports for layering", () => {
    const root = fixture({
      ...CLEAN,
      "src/api/typed.ts": 'import type { Env } from "../runtime/task.ts";\nexport type E = Env;\n',
      "src/graph/lazy.ts": 'export const f = () => import("../cluster/x.ts");\n',
      "src/cluster/x.ts": "export const x = 1;\n",
    });
    assert.deepEqual(checkDeps(root).violations, [
      "src/api/typed.ts imports src/runtime/task.ts: api may not depend on runtime",
      "src/graph/lazy.ts imports src/cluster/x.ts: graph may not depend on cluster",
    ]);
  });

  it("keeps connectors apart and the public entry out of the layers", () => {
    const root = fixture({
      ...CLEAN,
      "src/connectors/files/sink.ts":
        'import { env } from "../kafka/source.ts";\nexport { env };\n',
      "src/api/uses-entry.ts": 'import { env } from "strom";\nexport { env };\n',
      "src/stray.ts": "export const s = 1;\n",
      "src/mystery/m.ts": "export const m = 1;\n",
    });
    assert.deepEqual(checkDeps(root).violations, [
      "src/api/uses-entry.ts imports src/index.ts: api may not depend on the public entry (import the module itself)",
      "src/connectors/files/sink.ts imports src/connectors/kafka/source.ts: src/connectors/files/ may not depend on src/connectors/kafka/",
      "src/mystery/m.ts: unknown layer 'mystery' (add it to LAYERS in scripts/check-deps.ts)",
      "src/stray.ts: files in src/ belong in a layer folder (only src/index.ts may be loose)",
    ]);
  });

  it("reports an import cycle with its path", () => {
    const root = fixture({
      ...CLEAN,
      "src/runtime/a.ts": 'import { b } from "./b.ts";\nexport const a = () => b;\n',
      "src/runtime/b.ts": 'import { c } from "./c.ts";\nexport const b = () => c;\n',
      "src/runtime/c.ts": 'import { a } from "./a.ts";\nexport const c = () => a;\n',
    });
    const result = checkDeps(root);
    assert.deepEqual(result.cycles, [
      ["src/runtime/a.ts", "src/runtime/b.ts", "src/runtime/c.ts", "src/runtime/a.ts"],
    ]);
    const { status, output } = runCli(root);
    assert.equal(status, 1, output);
    assert.ok(
      output.includes(
        "import cycle: src/runtime/a.ts -> src/runtime/b.ts -> src/runtime/c.ts -> src/runtime/a.ts",
      ),
      output,
    );
  });

  it("ignores cycles made only of type imports", () => {
    const root = fixture({
      ...CLEAN,
      "src/core/p.ts": 'import type { Q } from "./q.ts";\nexport interface P { q?: Q }\n',
      "src/core/q.ts": 'import type { P } from "./p.ts";\nexport interface Q { p?: P }\n',
    });
    assert.deepEqual(checkDeps(root), { violations: [], cycles: [] });
  });

  it("reports an example importing src directly", () => {
    const root = fixture({
      ...CLEAN,
      "examples/deep.ts": 'import { env } from "../src/api/env.ts";\nvoid env;\n',
      "examples/subpath.ts": 'import { env } from "strom/src/api/env.ts";\nvoid env;\n',
    });
    const { status, output } = runCli(root);
    assert.equal(status, 1, output);
    assert.ok(
      output.includes(
        "examples/deep.ts imports src/api/env.ts: examples must import the public API as 'strom', not from src/",
      ),
      output,
    );
    assert.ok(output.includes("examples/subpath.ts:1 imports 'strom/src/api/env.ts'"), output);
  });

  it("finds every import form and skips comments and strings", () => {
    const refs = findImports(
      [
        'import a, { type B, c as d } from "./a.ts";',
        "import type { E } from './e.ts';",
        'import {\n  f,\n  g,\n} from "./fg.ts";',
        'import "./side-effect.ts";',
        'export * as ns from "./ns.ts";',
        'export type { H } from "./h.ts";',
        'const lazy = await import("./lazy.ts");',
        'type T = typeof import("./types.ts");',
        '// import x from "./commented.ts";',
        '/** See import("./doc.ts"). */',
        'const s = `export { y } from "./template.ts"`;',
        'const r = /import "\\.\\/regex.ts"/;',
        'const q = 4 / 2; import("./after-division.ts");',
      ].join("\n"),
    );
    assert.deepEqual(
      refs.map((r) => [r.specifier, r.typeOnly, r.line]),
      [
        ["./a.ts", false, 1],
        ["./e.ts", true, 2],
        ["./fg.ts", false, 6],
        ["./side-effect.ts", false, 7],
        ["./ns.ts", false, 8],
        ["./h.ts", true, 9],
        ["./lazy.ts", false, 10],
        ["./types.ts", true, 11],
        ["./after-division.ts", false, 16],
      ],
    );
  });
});
