// Where the Tree-sitter runtime and grammar files live. Located explicitly (no import.meta.url guessing):
// the ESM build of web-tree-sitter cannot find its own wasm from inside a cjs bundle.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface SyntaxAssets {
  /** Folder holding `<language>.wasm` and `<language>.tags.scm`. */
  grammarsDir: string;
  /** Path of `web-tree-sitter.wasm`. */
  runtimeWasm: string;
  /** The worker entry: `syntaxWorker.js` beside a bundle, `syntaxWorker.ts` when running from source (tsx). */
  workerEntry: string;
}

const RUNTIME_WASM = 'web-tree-sitter.wasm';

/**
 * Bundled: `dist/cli.js` (or `dist/extension.js`) sits beside `dist/grammars`, `dist/web-tree-sitter.wasm`
 * and `dist/syntaxWorker.js` (see esbuild.mjs). From source: this file is `src/core/workspace/syntax/`,
 * grammars are in the repo's `grammars/` and the runtime in node_modules.
 */
export function locateSyntaxAssets(hereDir: string = __dirname): SyntaxAssets {
  const bundledRuntime = join(hereDir, RUNTIME_WASM);
  if (existsSync(bundledRuntime) && existsSync(join(hereDir, 'grammars'))) {
    return { grammarsDir: join(hereDir, 'grammars'), runtimeWasm: bundledRuntime, workerEntry: join(hereDir, 'syntaxWorker.js') };
  }
  const repo = findRepoRoot(hereDir);
  if (!repo) {
    throw new Error(`Tree-sitter assets not found: expected ${bundledRuntime} with a grammars/ folder beside it ` +
      `(run the build: npm run build), or a source checkout with grammars/ above ${hereDir}.`);
  }
  const require = createRequire(join(repo, 'package.json'));
  let runtimeWasm: string;
  try {
    runtimeWasm = require.resolve(`web-tree-sitter/${RUNTIME_WASM}`);
  } catch {
    throw new Error(`web-tree-sitter is not installed under ${repo}/node_modules: run npm install.`);
  }
  return {
    grammarsDir: join(repo, 'grammars'),
    runtimeWasm,
    workerEntry: join(repo, 'src', 'core', 'workspace', 'syntax', 'syntaxWorker.ts'),
  };
}

function findRepoRoot(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'grammars', 'typescript.wasm')) && existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
