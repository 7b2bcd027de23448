// Reads a JSONL trace back: the header (absent before schema 2), the events, the receipt (checked when
// present). Forward compatible: event types this version does not know are skipped and counted, so a trace
// from a newer rlm-code still reads. Backward compatible: schema-1 events are read as schema 2.

import { readFileSync } from 'node:fs';
import { RLM_EVENT_TYPES, type ReceiptLine, type RlmEvent, type TraceHeader } from './events';
import { upgradeSchema1 } from './olderSchemas';
import { receiptOf } from './Trajectory';

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
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new TraceFormatError(`${name} is empty: expected JSONL events written by 'rlm ask --trace'`);
  let header: TraceHeader | undefined;
  let headerLine: string | undefined;
  let receipt: ReceiptLine | undefined;
  const events: RlmEvent[] = [];
  // Every line the receipt covers: known events and skipped ones alike.
  const eventLines: string[] = [];
  const skipped: Record<string, number> = {};
  lines.forEach((line, i) => {
    const where = `${name} line ${i + 1}`;
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
      header = checkHeader(value as TraceHeader, where);
      headerLine = line;
    } else if (type === 'receipt') {
      if (i !== lines.length - 1) throw new TraceFormatError(`${where} is a receipt before the end of the file (were two traces joined?)`);
      receipt = value as ReceiptLine;
    } else {
      eventLines.push(line);
      if (EVENT_TYPES.has(type)) events.push(value as RlmEvent);
      else skipped[type] = (skipped[type] ?? 0) + 1;
    }
  });
  if (!header && events.length === 0) {
    throw new TraceFormatError(`${name} is not an RLM trace: no header and no event type this version knows`);
  }
  const schema = header?.schema ?? 1;
  const base = { header, schema, events: schema === 1 ? upgradeSchema1(events) : events, skipped };
  if (!receipt) return { ...base, receipt: 'missing' };
  const expected = receiptOf(headerLine, eventLines);
  const ok = expected.sha256 === receipt.sha256 && expected.events === receipt.events;
  return { ...base, receipt: ok ? 'valid' : 'mismatch', sha256: receipt.sha256 };
}

function checkHeader(header: TraceHeader, where: string): TraceHeader {
  if (!Number.isSafeInteger(header.schema) || header.schema < 1) {
    throw new TraceFormatError(`${where}: the trace header has no valid schema version (got ${JSON.stringify(header.schema)})`);
  }
  return header;
}
