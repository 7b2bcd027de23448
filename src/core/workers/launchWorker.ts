// Starts the engine's worker threads (the sandbox, the parsers, the query workers) from a bundle or from the
// TypeScript sources. A bundle (dist/) ships each worker as a .js file next to the bundled script. From
// source (tests, tsx) the .ts entry is loaded through tsx's require hook, because a worker does not inherit
// the parent's `--import tsx` loader.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * The worker script to run: `bundledName` beside the bundle when there is one, else `sourceFile` (an absolute
 * path to the .ts entry). Throws a message that says how to fix a broken build.
 */
export function workerEntry(bundledName: string, sourceFile: string): string {
  const bundled = join(__dirname, bundledName);
  if (existsSync(bundled)) return bundled;
  if (existsSync(sourceFile)) return sourceFile;
  throw new Error(
    `The worker script is missing: expected ${bundled} (a bundle) or ${sourceFile} (the source tree). ` +
      `Rebuild with \`npm run build\`; esbuild.mjs must bundle it as ${bundledName}.`,
  );
}

export function launchWorker(entry: string, options: WorkerOptions = {}): Worker {
  if (!entry.endsWith('.ts')) return new Worker(entry, options);
  const bootstrap = `require(${JSON.stringify(resolveTsxHook(entry))}); require(${JSON.stringify(entry)});`;
  return new Worker(bootstrap, { ...options, eval: true });
}

function resolveTsxHook(source: string): string {
  try {
    return require.resolve('tsx/cjs', { paths: [source] });
  } catch {
    throw new Error('Running the engine from TypeScript sources needs the `tsx` package (a dev dependency); run from the bundle instead.');
  }
}
