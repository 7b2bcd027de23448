// Starts the sandbox worker thread (dist/sandbox-worker.js beside a bundle, worker/sandboxWorker.ts from source).

import { join } from 'node:path';
import type { Worker, WorkerOptions } from 'node:worker_threads';
import { launchWorker, workerEntry } from '../workers/launchWorker';

export const BUNDLED_WORKER_NAME = 'sandbox-worker.js';

export function launchSandboxWorker(options: WorkerOptions): Worker {
  return launchWorker(workerEntry(BUNDLED_WORKER_NAME, join(__dirname, 'worker', 'sandboxWorker.ts')), options);
}
