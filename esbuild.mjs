// Builds every entry point into dist/ as CommonJS (the VS Code extension host and plain `node` both load it).
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, existsSync, readdirSync, chmodSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { bundledPackages, writeThirdPartyNotices } from './scripts/third-party-notices.mjs';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
mkdirSync('dist', { recursive: true });

// The ESM builds of our wasm packages read import.meta.url, which is empty in cjs output: point it at the bundle.
const importMetaShim = {
  banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__importMetaUrl' },
};
// src/core/version.ts reads it: `rlm --version` and the generator named in trace headers.
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

const entries = [
  { in: 'src/cli/main.ts', out: 'cli', shebang: true },
  // The VS Code extension (the editor provides `vscode`, kept external below).
  { in: 'src/extension/extension.ts', out: 'extension' },
  // The QuickJS sandbox runs in its own thread (src/core/sandbox/workerLaunch.ts starts dist/sandbox-worker.js).
  { in: 'src/core/sandbox/worker/sandboxWorker.ts', out: 'sandbox-worker' },
  // Symbol index parser threads (src/core/workspace/syntax/ParsePool.ts starts dist/syntaxWorker.js).
  { in: 'src/core/workspace/syntax/syntaxWorker.ts', out: 'syntaxWorker' },
  // Model-driven searches (grep, globs, regex filters, AST queries) under a deadline (src/core/workspace/queries).
  { in: 'src/core/workspace/queries/queryWorker.ts', out: 'query-worker' },
  // The first walk of a folder (src/core/workspace/WalkThread.ts starts dist/walk-worker.js).
  { in: 'src/core/workspace/walkWorker.ts', out: 'walk-worker' },
  // The symbol cache's reader (src/core/workspace/syntax/SymbolCache.ts starts dist/cache-worker.js).
  { in: 'src/core/workspace/syntax/cacheWorker.ts', out: 'cache-worker' },
];

// Wasm files are loaded next to the bundle (explicit locations, see src/core/sandbox and src/core/workspace/syntax).
function copyAssets() {
  const quickjsWasm = join(dirname(require.resolve('@jitl/quickjs-wasmfile-release-sync/package.json')), 'dist', 'emscripten-module.wasm');
  cpSync(quickjsWasm, 'dist/quickjs.wasm');
  // web-tree-sitter's exports map hides package.json but exports the wasm itself.
  cpSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), 'dist/web-tree-sitter.wasm');
  if (existsSync('grammars') && readdirSync('grammars').length > 0) cpSync('grammars', 'dist/grammars', { recursive: true });
}

const contexts = await Promise.all(entries.map((e) => esbuild.context({
  entryPoints: { [e.out]: e.in },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outdir: 'dist',
  sourcemap: true,
  logLevel: 'warning',
  metafile: true,
  external: ['vscode'],
  ...importMetaShim,
  define: { ...importMetaShim.define, RLM_VERSION: JSON.stringify(version) },
  banner: { js: (e.shebang ? '#!/usr/bin/env node\n' : '') + importMetaShim.banner.js },
})));

// The webview pages run in the editor's browser sandbox: plain browser bundles, no Node, no `vscode`.
const WEBVIEW_PAGES = ['chat', 'trajectory'];
contexts.push(await esbuild.context({
  // Each page's main.ts imports its CSS, which esbuild writes beside the script as <page>.css.
  entryPoints: Object.fromEntries(WEBVIEW_PAGES.map((page) => [page, `webview/${page}/main.ts`])),
  bundle: true,
  platform: 'browser',
  target: 'chrome120',
  format: 'iife',
  outdir: 'dist/webview',
  sourcemap: true,
  // Lit, the VS Code elements, markdown-it, highlight.js and DOMPurify: minified, the page starts faster.
  // RLM_WEBVIEW_DEBUG=1 keeps names readable for a profile.
  minify: !process.env.RLM_WEBVIEW_DEBUG,
  logLevel: 'warning',
  metafile: true,
}));

copyAssets();
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  const results = await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  // The wasm files copied as they are: QuickJS, and the grammars (grammars/README.md names their packages).
  const { devDependencies } = JSON.parse(readFileSync('package.json', 'utf8'));
  const copied = ['@jitl/quickjs-wasmfile-release-sync', 'web-tree-sitter', ...Object.keys(devDependencies).filter((name) => name.startsWith('tree-sitter-'))];
  writeThirdPartyNotices('dist/THIRD_PARTY_NOTICES.md', bundledPackages(results.map((r) => r.metafile)), copied.map((name) => join('node_modules', name)));
  chmodSync('dist/cli.js', 0o755);
}
