// The walk thread's entry (see WalkThread.ts): runs the index's first walk here and sends it on in batches.
// Its records are sent, not kept (FolderWalker.walkInBatches).
import { parentPort, workerData } from 'node:worker_threads';
import { runInBackground } from '../workers/backgroundPriority';
import type { FromWalkThread, WalkThreadData } from './WalkThread';
import { FileRecords } from './FileRecords';
import { FolderWalker } from './FolderWalker';

runInBackground();

const send = (message: FromWalkThread) => parentPort!.postMessage(message);
try {
  FolderWalker.walkInBatches(workerData as WalkThreadData, new FileRecords(), send);
} catch (error) {
  send({ error: error instanceof Error ? error.message : String(error) });
}
