// Worker thread entry: parses batches of files and posts back their definitions.
// Bundled as its own entry (dist/syntaxWorker.js, see esbuild.mjs); from source it runs under tsx, which
// worker threads inherit through execArgv.
import { parentPort, workerData } from 'node:worker_threads';
import { Grammars } from './Grammars';
import { parseFileSymbols } from './parseFileSymbols';
import type { SyntaxAssets } from './SyntaxAssets';
import { FATAL_PREFIX, type WorkerRequest, type WorkerResponse } from './workerProtocol';

const port = parentPort;
if (!port) throw new Error('syntaxWorker must run in a worker thread (new Worker(...)).');

const ready = Grammars.create((workerData as { assets: SyntaxAssets }).assets);
ready.then(() => port.postMessage({ batch: 0, results: [], started: true } satisfies WorkerResponse), () => undefined);

port.on('message', (req: WorkerRequest) => {
  void ready.then((grammars) => {
    const results: WorkerResponse['results'] = req.files.map((f) => {
      try {
        return { path: f.path, ...parseFileSymbols(grammars, f.absolutePath, f.language) };
      } catch (err) {
        return { path: f.path, symbols: [], error: (err as Error).message };
      }
    });
    port.postMessage({ batch: req.batch, results } satisfies WorkerResponse);
  }, (err: Error) => {
    port.postMessage({ batch: req.batch, results: [], fatal: `${FATAL_PREFIX} in a worker: ${err.message}` } satisfies WorkerResponse);
  });
});
