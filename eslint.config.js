// ESLint flat config. Correctness rules only: formatting is Prettier's job.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

/** Folders whose code must take time from an injected Clock/TimerScheduler (see src/core/time.ts). */
const INJECTED_TIME_FILES = [
  "src/core/**/*.ts",
  "src/api/**/*.ts",
  "src/graph/**/*.ts",
  "src/runtime/**/*.ts",
  "src/table/**/*.ts",
];
/** The one file that implements the real clock and may read it. */
const SYSTEM_CLOCK_FILES = ["src/core/time.ts"];

const INJECT_HINT = "Time is injected: use the Clock/TimerScheduler passed in (src/core/time.ts).";

export default defineConfig(
  {
    ignores: ["node_modules/", "bench/results/", ".strom/", "tmp/", "**/*.d.ts"],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: "error" },
    languageOptions: {
      ecmaVersion: "latest",
      sourceType: "module",
      globals: { ...globals.node },
    },
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          args: "after-used",
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
      "no-empty": ["error", { allowEmptyCatch: true }],
      // `any` is used on purpose in type-erased operator plumbing.
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    // The runtime never reads the ambient clock or starts timers itself.
    files: INJECTED_TIME_FILES,
    ignores: SYSTEM_CLOCK_FILES,
    rules: {
      "no-restricted-globals": [
        "error",
        { name: "setTimeout", message: INJECT_HINT },
        { name: "setInterval", message: INJECT_HINT },
      ],
      "no-restricted-properties": [
        "error",
        { object: "Date", property: "now", message: INJECT_HINT },
        { object: "performance", property: "now", message: INJECT_HINT },
        { object: "globalThis", property: "setTimeout", message: INJECT_HINT },
        { object: "globalThis", property: "setInterval", message: INJECT_HINT },
        { object: "globalThis", property: "performance", message: INJECT_HINT },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: `new Date() reads the wall clock. ${INJECT_HINT}`,
        },
        {
          selector: "CallExpression[callee.name='Date']",
          message: `Date() reads the wall clock. ${INJECT_HINT}`,
        },
      ],
      "no-restricted-imports": [
        "error",
        {
          paths: ["timers", "timers/promises", "node:timers", "node:timers/promises"].map(
            (name) => ({ name, message: INJECT_HINT }),
          ),
        },
      ],
    },
  },
);
