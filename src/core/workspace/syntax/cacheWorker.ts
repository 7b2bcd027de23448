// The symbol cache's own thread (see readSymbolCache in SymbolCache.ts): reads and checks the cache file, and sends
// its rows back in one transferred array, so the host thread never parses 40 MB of JSON.
import { parentPort, workerData } from 'node:worker_threads';
import { parseSymbolCache } from './SymbolCacheFile';

const { file, key } = workerData as { file: string; key: string };
const parsed = parseSymbolCache(file, key);
parentPort!.postMessage(parsed, [parsed.rows.buffer as ArrayBuffer]);
