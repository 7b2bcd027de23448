// The top run's end event, read from the end of a trace file: a question's whole answer without reading or
// parsing the rest of its trace, however long the run was. The top run ends last, so its run_end is the last
// event line (the receipt, when there is one, follows it). A long line is parsed on a thread of its own: the
// JSON of a 5 MB answer takes tens of milliseconds to decode, which the caller's thread (the editor's extension
// host) must not spend.

import { open, type FileHandle } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { RunEndEvent } from './events';
import { MAX_TRACE_LINE_CHARS, TraceFormatError } from './readTrace';

/** Line breaks are looked for in blocks of this size, read from the end. */
const SCAN_BLOCK_BYTES = 64 * 1024;
/** A line of MAX_TRACE_LINE_CHARS characters in UTF-8. */
const MAX_LINE_BYTES = MAX_TRACE_LINE_CHARS * 3;
/** Lines up to this size are parsed here (a millisecond or so); longer ones on a worker thread. */
const PARSE_HERE_BYTES = 256 * 1024;

type Parsed = Omit<Partial<RunEndEvent>, 'type'> & { type?: unknown };

/**
 * The run_end of the trace's top run, or undefined when the trace has none (the run was cut off by a crash or a
 * kill). Only the last lines are read: the rest is searched for line breaks. Throws TraceFormatError when the
 * file cannot be read or its end is not a trace's.
 */
export async function readLastRunEnd(file: string): Promise<RunEndEvent | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TraceFormatError(code === 'ENOENT' ? `Trace file not found: ${file}` : `Cannot read trace file ${file}: ${code ?? String(err)}`);
  }
  try {
    let end = (await handle.stat()).size;
    let lines = 0;
    while (end > 0) {
      const start = await lineStart(handle, end, file);
      const bytes = Buffer.alloc(end - start);
      await handle.read(bytes, 0, bytes.length, start);
      end = start - 1;
      if (bytes.length <= PARSE_HERE_BYTES && bytes.toString('utf8').trim() === '') continue;
      const event = await parse(bytes, file);
      if (++lines === 1 && event.type === 'receipt') continue;
      return event.type === 'run_end' && event.parentId === undefined && typeof event.answer === 'string' ? (event as unknown as RunEndEvent) : undefined;
    }
    return undefined;
  } finally {
    await handle.close();
  }
}

/** Where the line that ends at `end` starts: just after the line break before it, or at the start of the file. */
async function lineStart(handle: FileHandle, end: number, file: string): Promise<number> {
  const block = Buffer.alloc(SCAN_BLOCK_BYTES);
  for (let to = end; to > 0;) {
    if (end - to > MAX_LINE_BYTES) throw new TraceFormatError(`${file} has a line longer than ${MAX_TRACE_LINE_CHARS / 1024 / 1024} MB at its end: not an RLM trace`);
    const from = Math.max(0, to - SCAN_BLOCK_BYTES);
    const { bytesRead } = await handle.read(block, 0, to - from, from);
    const newline = block.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (newline >= 0) return from + newline + 1;
    to = from;
  }
  return 0;
}

async function parse(bytes: Buffer, file: string): Promise<Parsed> {
  const value = bytes.length <= PARSE_HERE_BYTES ? parseHere(bytes) : await parseOnWorker(bytes);
  if (typeof value === 'object' && value !== null) return value as Parsed;
  throw new TraceFormatError(`A line at the end of ${file} is not a trace's event: ${bytes.subarray(0, 80).toString('utf8')}`);
}

function parseHere(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

// Plain JavaScript for `eval: true`: no module of ours to load, nothing to bundle.
const PARSE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
let value;
try { value = JSON.parse(new TextDecoder().decode(workerData)); } catch { value = undefined; }
parentPort.postMessage(value);
`;

/** JSON.parse on a thread of its own; the line's bytes are moved there, the parsed event comes back. */
function parseOnWorker(bytes: Buffer): Promise<unknown> {
  const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  return new Promise((resolve, reject) => {
    const worker = new Worker(PARSE_WORKER, { eval: true, workerData: data, transferList: [data.buffer as ArrayBuffer] });
    worker.once('message', (value: unknown) => {
      resolve(value);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the trace's last line could not be parsed (its thread exited with ${code})`)));
  });
}
