// The symbol cache's own thread (see readSymbolCache in SymbolCache.ts): reads and checks the cache file, and sends
// it back as a few flat values (ParsedCache), so the host thread never parses 40 MB of JSON.
import { parentPort, workerData } from 'node:worker_threads';
import { runInBackground } from '../../workers/backgroundPriority';
import { parseSymbolCache, transferables } from './SymbolCacheFile';

runInBackground();

const { file, key } = workerData as { file: string; key: string };
const parsed = parseSymbolCache(file, key);
parentPort!.postMessage(parsed, transferables(parsed));
