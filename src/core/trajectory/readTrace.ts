// Reads a JSONL trace back: the header (absent before schema 2), the events, the receipt (checked when
// present). Forward compatible: event types this version does not know are skipped and counted, so a trace
// from a newer rlm-code still reads. Backward compatible: schema-1 events are read as schema 2.

import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { RLM_EVENT_TYPES, type ReceiptLine, type RlmEvent, type TraceHeader } from './events';
import { upgradeSchema1 } from './olderSchemas';

export class TraceFormatError extends Error {
  override name = 'TraceFormatError';
}

export interface Trace {
  /** Absent in a schema-1 trace (written before traces had a header). */
  header?: TraceHeader;
  /** The schema the trace was written with: the header's, or 1 without one. */
  schema: number;
  /** The events of types this version knows, in file order, in the current schema's shape. */
  events: RlmEvent[];
  /** Lines of event types this version does not know (written by a newer version), by type: skipped. */
  skipped: Record<string, number>;
  /** 'valid': receipt matches; 'missing': the run did not finish writing (crash, kill); 'mismatch': edited. */
  receipt: 'valid' | 'missing' | 'mismatch';
  sha256?: string;
}

const EVENT_TYPES: ReadonlySet<string> = new Set<string>(RLM_EVENT_TYPES);

export function readTrace(file: string): Trace {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TraceFormatError(code === 'ENOENT' ? `Trace file not found: ${file}` : `Cannot read trace file ${file}: ${code ?? String(err)}`);
  }
  return parseTrace(text, file);
}

export function parseTrace(text: string, name = 'trace'): Trace {
  const parser = new TraceParser(name);
  for (const line of text.split('\n')) parser.line(line);
  return parser.finish();
}

/** Longest trace line read: events are truncated far below this, so a longer line is not a trace's. */
export const MAX_TRACE_LINE_CHARS = 16 * 1024 * 1024;

/** Work done between two yields to the event loop while reading a trace asynchronously. */
const ASYNC_SLICE_MS = 8;

/**
 * readTrace without holding the thread it runs on (the editor's extension host): the file is streamed in
 * chunks and parsed a slice at a time, yielding to the event loop every few milliseconds.
 */
export async function readTraceAsync(file: string, options: { signal?: AbortSignal } = {}): Promise<Trace> {
  const parser = new TraceParser(file);
  let pending = '';
  let sliceStart = Date.now();
  try {
    const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 64 * 1024, signal: options.signal });
    for await (const chunk of stream as AsyncIterable<string>) {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      if (pending.length > MAX_TRACE_LINE_CHARS) throw new TraceFormatError(`${file} line ${parser.lineCount + lines.length + 1} is longer than ${MAX_TRACE_LINE_CHARS / 1024 / 1024} MB: not an RLM trace line`);
      for (const line of lines) {
        parser.line(line);
        if (Date.now() - sliceStart > ASYNC_SLICE_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          sliceStart = Date.now();
        }
      }
    }
  } catch (err) {
    if (err instanceof TraceFormatError) throw err;
    if ((err as Error).name === 'AbortError') throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new TraceFormatError(code === 'ENOENT' ? `Trace file not found: ${file}` : `Cannot read trace file ${file}: ${code ?? String(err)}`);
  }
  parser.line(pending);
  return parser.finish();
}

/**
 * Folds a trace one line at a time (blank lines are skipped), in file order; `finish()` checks the whole and
 * returns it. Throws TraceFormatError at the first line that cannot belong to a trace.
 */
export class TraceParser {
  private lines = 0;
  private header: TraceHeader | undefined;
  private receipt: ReceiptLine | undefined;
  private receiptLine = 0;
  private readonly events: RlmEvent[] = [];
  private readonly skipped: Record<string, number> = {};
  /** Over every line the receipt covers: the header, known events and skipped ones alike. */
  private readonly hash = createHash('sha256');
  private eventLines = 0;

  constructor(private readonly name = 'trace') {}

  /** Non-blank lines read so far. */
  get lineCount(): number {
    return this.lines;
  }

  line(line: string): void {
    if (line.trim() === '') return;
    const i = this.lines++;
    const where = `${this.name} line ${i + 1}`;
    if (this.receipt) throw new TraceFormatError(`${this.name} line ${this.receiptLine} is a receipt before the end of the file (were two traces joined?)`);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new TraceFormatError(`${where} is not valid JSON: ${line.slice(0, 80)}`);
    }
    const type = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { type?: unknown }).type : undefined;
    if (typeof type !== 'string') {
      throw new TraceFormatError(`${where} is not an RLM trace line (an object with a "type"): ${line.slice(0, 80)}`);
    }
    if (type === 'trace') {
      if (i !== 0) throw new TraceFormatError(`${where} is a second trace header (were two traces joined?)`);
      this.header = checkHeader(value as TraceHeader, where);
      this.hash.update(line + '\n');
    } else if (type === 'receipt') {
      this.receipt = value as ReceiptLine;
      this.receiptLine = i + 1;
    } else {
      this.hash.update(line + '\n');
      this.eventLines++;
      if (EVENT_TYPES.has(type)) this.events.push(value as RlmEvent);
      else this.skipped[type] = (this.skipped[type] ?? 0) + 1;
    }
  }

  finish(): Trace {
    if (this.lines === 0) throw new TraceFormatError(`${this.name} is empty: expected JSONL events written by 'rlm ask --trace'`);
    if (!this.header && this.events.length === 0) {
      throw new TraceFormatError(`${this.name} is not an RLM trace: no header and no event type this version knows`);
    }
    const schema = this.header?.schema ?? 1;
    const base = { header: this.header, schema, events: schema === 1 ? upgradeSchema1(this.events) : this.events, skipped: this.skipped };
    if (!this.receipt) return { ...base, receipt: 'missing' };
    const ok = this.hash.digest('hex') === this.receipt.sha256 && this.eventLines === this.receipt.events;
    return { ...base, receipt: ok ? 'valid' : 'mismatch', sha256: this.receipt.sha256 };
  }
}

function checkHeader(header: TraceHeader, where: string): TraceHeader {
  if (!Number.isSafeInteger(header.schema) || header.schema < 1) {
    throw new TraceFormatError(`${where}: the trace header has no valid schema version (got ${JSON.stringify(header.schema)})`);
  }
  return header;
}
