// Reads a JSONL trace back: every line must parse and be an event; the receipt, if present, is checked.

import { readFileSync } from 'node:fs';
import { RLM_EVENT_TYPES, type ReceiptLine, type RlmEvent } from './events';
import { receiptOf } from './Trajectory';

export class TraceFormatError extends Error {
  override name = 'TraceFormatError';
}

export interface Trace {
  events: RlmEvent[];
  /** 'valid': receipt matches; 'missing': the run did not finish writing (crash, kill); 'mismatch': edited. */
  receipt: 'valid' | 'missing' | 'mismatch';
  sha256?: string;
}

const EVENT_TYPES = new Set<string>(RLM_EVENT_TYPES);

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
  const events: RlmEvent[] = [];
  const eventLines: string[] = [];
  let receipt: ReceiptLine | undefined;
  lines.forEach((line, i) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new TraceFormatError(`${name} line ${i + 1} is not valid JSON: ${line.slice(0, 80)}`);
    }
    const type = (value as { type?: unknown } | null)?.type;
    if (type === 'receipt' && i === lines.length - 1) {
      receipt = value as ReceiptLine;
    } else if (typeof type === 'string' && EVENT_TYPES.has(type)) {
      events.push(value as RlmEvent);
      eventLines.push(line);
    } else {
      throw new TraceFormatError(`${name} line ${i + 1} is not an RLM trace event (type ${JSON.stringify(type)})`);
    }
  });
  if (!receipt) return { events, receipt: 'missing' };
  const expected = receiptOf(eventLines);
  const ok = expected.sha256 === receipt.sha256 && expected.events === receipt.events;
  return { events, receipt: ok ? 'valid' : 'mismatch', sha256: receipt.sha256 };
}
