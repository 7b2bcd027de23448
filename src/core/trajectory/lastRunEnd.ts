// The top run's end event, read from the end of a trace file: a question's whole answer without reading or
// parsing the rest of its trace, however long the run was. The top run ends last, so its run_end is the last
// event line (the receipt, when there is one, follows it).

import { open, type FileHandle } from 'node:fs/promises';
import type { RunEndEvent } from './events';
import { MAX_TRACE_LINE_CHARS, TraceFormatError } from './readTrace';

/** Line breaks are looked for in blocks of this size, read from the end. */
const SCAN_BLOCK_BYTES = 64 * 1024;
/** A line of MAX_TRACE_LINE_CHARS characters in UTF-8. */
const MAX_LINE_BYTES = MAX_TRACE_LINE_CHARS * 3;

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
      const line = await readText(handle, start, end);
      end = start - 1;
      if (line.trim() === '') continue;
      const event = parse(line, file);
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

async function readText(handle: FileHandle, start: number, end: number): Promise<string> {
  const bytes = Buffer.alloc(end - start);
  await handle.read(bytes, 0, bytes.length, start);
  return bytes.toString('utf8');
}

function parse(line: string, file: string): Omit<Partial<RunEndEvent>, 'type'> & { type?: unknown } {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null) return value as { type?: unknown };
  } catch {
    // Said below.
  }
  throw new TraceFormatError(`A line at the end of ${file} is not a trace's event: ${line.slice(0, 80)}`);
}
