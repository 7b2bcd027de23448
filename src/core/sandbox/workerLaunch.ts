// Starts the sandbox worker thread. A bundle (dist/) ships it as sandbox-worker.js next to the bundled
// script; from source (tests, tsx) the TypeScript entry is loaded through tsx's require hook, because a
// worker does not inherit the parent's `--import tsx` loader.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

export const BUNDLED_WORKER_NAME = 'sandbox-worker.js';
const SOURCE_WORKER = join('worker', 'sandboxWorker.ts');

export function launchSandboxWorker(options: WorkerOptions): Worker {
  const bundled = join(__dirname, BUNDLED_WORKER_NAME);
  if (existsSync(bundled)) return new Worker(bundled, options);
  const source = join(__dirname, SOURCE_WORKER);
  if (existsSync(source)) {
    const bootstrap = `require(${JSON.stringify(resolveTsxHook(source))}); require(${JSON.stringify(source)});`;
    return new Worker(bootstrap, { ...options, eval: true });
  }
  throw new Error(
    `The sandbox worker script is missing: expected ${bundled} (a bundle) or ${source} (the source tree). ` +
      `Rebuild with \`npm run build\`; esbuild.mjs must bundle src/core/sandbox/worker/sandboxWorker.ts as ${BUNDLED_WORKER_NAME}.`,
  );
}

function resolveTsxHook(source: string): string {
  try {
    return require.resolve('tsx/cjs', { paths: [source] });
  } catch {
    throw new Error('Running the sandbox from TypeScript sources needs the `tsx` package (a dev dependency); run from the bundle instead.');
  }
}
