// Runs one measured phase (bench/workspacePhase.ts, eventLoopPhase.ts, monorepoPhase.ts) in a fresh process,
// as the product runs: bundled by esbuild like dist/cli.js and sitting beside dist's workers (parser, query and
// sandbox threads), grammars and wasm files, so the numbers include neither tsx's start-up nor tsx inside
// every worker thread (~40 MB each).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import type { PhaseRequest, PhaseResult } from './workspacePhase';

const REPO = join(__dirname, '..');
const DIST = join(REPO, 'dist');
const OUT_DIR = join(REPO, '.bench', 'build');
const ENTRIES = ['workspacePhase', 'eventLoopPhase', 'monorepoPhase'];
/** What the engine looks for beside a bundle: syntax assets, and the worker scripts it starts. */
const SHARED_ASSETS = ['grammars', 'web-tree-sitter.wasm', 'syntaxWorker.js', 'query-worker.js', 'sandbox-worker.js', 'walk-worker.js', 'cache-worker.js', 'quickjs.wasm'];

let built = false;

/** Bundles the phase entry once per run (well under a second). */
export function buildPhaseBundle(): void {
  if (built) return;
  for (const asset of SHARED_ASSETS) {
    if (!existsSync(join(DIST, asset))) throw new Error(`dist/${asset} is missing: run npm run build first (npm run bench does)`);
  }
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  esbuild.buildSync({
    entryPoints: Object.fromEntries(ENTRIES.map((name) => [name, join(__dirname, `${name}.ts`)])),
    outdir: OUT_DIR,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    // Same shim as esbuild.mjs: the ESM build of web-tree-sitter reads import.meta.url.
    banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__importMetaUrl' },
  });
  for (const asset of SHARED_ASSETS) symlinkSync(join(DIST, asset), join(OUT_DIR, asset));
  built = true;
}

/** Runs a phase in its own process (its RSS and start-up are its own) and returns what it measured. */
export function runPhase(request: PhaseRequest): PhaseResult {
  return runEntry('workspacePhase', JSON.stringify(request)) as PhaseResult;
}

/** Runs one bundled phase entry with an argument and parses what it printed. */
export function runEntry(entry: string, argument: string): unknown {
  buildPhaseBundle();
  const r = spawnSync(process.execPath, ['--expose-gc', join(OUT_DIR, `${entry}.js`), argument], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`bench phase ${entry} failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout);
}
