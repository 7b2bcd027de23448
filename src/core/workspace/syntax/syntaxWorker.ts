// Worker thread entry: parses batches of files and posts back their definitions.
// Bundled as its own entry (dist/syntaxWorker.js, see esbuild.mjs); from source it runs under tsx, which
// worker threads inherit through execArgv.
import { parentPort, workerData } from 'node:worker_threads';
import { runInBackground } from '../../workers/backgroundPriority';
import { readIfConfined } from '../confinedRead';
import { Grammars } from './Grammars';
import { NOTHING_PARSED, parseFileSymbols, type ParseOutcome } from './parseFileSymbols';
import { parseTextSyntax } from './parseText';
import type { SyntaxAssets } from './SyntaxAssets';
import { FATAL_PREFIX, type TextRequest, type TextResponse, type WorkerRequest, type WorkerResponse } from './workerProtocol';

runInBackground();

const port = parentPort;
if (!port) throw new Error('syntaxWorker must run in a worker thread (new Worker(...)).');

const ready = Grammars.create((workerData as { assets: SyntaxAssets }).assets);
ready.then(() => port.postMessage({ batch: 0, results: [], started: true } satisfies WorkerResponse), () => undefined);

port.on('message', (req: WorkerRequest | TextRequest) => {
  if ('textRequest' in req) {
    void ready.then((grammars) => {
      let res: TextResponse;
      try {
        res = { textRequest: req.textRequest, syntax: parseTextSyntax(grammars, req.language, req.text, req.lines) };
      } catch (err) {
        res = { textRequest: req.textRequest, error: (err as Error).message };
      }
      port.postMessage(res);
    }, (err: Error) => port.postMessage({ textRequest: req.textRequest, error: `${FATAL_PREFIX} in a worker: ${err.message}` } satisfies TextResponse));
    return;
  }
  void ready.then((grammars) => {
    const sameText = new DuplicateFiles();
    const results: WorkerResponse['results'] = req.files.map((f) => {
      try {
        // Read through the confinement check: a file swapped for a symlink since it was indexed is refused.
        const text = readIfConfined(req.root, f, req.maxBytes);
        if (text === undefined) return { path: f.path, symbols: NOTHING_PARSED, error: 'cannot read: the file is gone or is no longer the file that was indexed' };
        if (f.literals && !f.literals.every((literal) => text.includes(literal))) return { path: f.path, symbols: NOTHING_PARSED, skipped: true };
        let outcome = sameText.find(f.language, text);
        if (!outcome) {
          outcome = parseFileSymbols(grammars, req.root, f, req.maxBytes, text);
          sameText.add(f.language, text, outcome);
        }
        return { path: f.path, ...outcome };
      } catch (err) {
        return { path: f.path, symbols: NOTHING_PARSED, error: (err as Error).message };
      }
    });
    port.postMessage({ batch: req.batch, results } satisfies WorkerResponse);
  }, (err: Error) => {
    port.postMessage({ batch: req.batch, results: [], fatal: `${FATAL_PREFIX} in a worker: ${err.message}` } satisfies WorkerResponse);
  });
});

/**
 * Identical files (vendored copies, `.d.ts` next to an identical `.d.mts` in node_modules: 3% of the bytes
 * of the JS/TS/Python benchmark corpus) have the same definitions: one parse serves them all. The pool
 * keeps files of equal size in one batch (ParsePool.takeBatch), so remembering one batch's files is enough,
 * and comparing whole texts (only of equal length) costs far less than hashing every file.
 */
class DuplicateFiles {
  private readonly byLength = new Map<string, Array<{ text: string; outcome: ParseOutcome }>>();

  find(language: string, text: string): ParseOutcome | undefined {
    return this.byLength.get(`${language}:${text.length}`)?.find((seen) => seen.text === text)?.outcome;
  }

  add(language: string, text: string, outcome: ParseOutcome): void {
    if (outcome.error) return;
    const key = `${language}:${text.length}`;
    const seen = this.byLength.get(key);
    if (seen) seen.push({ text, outcome });
    else this.byLength.set(key, [{ text, outcome }]);
  }
}
