// The event stream of one question (its child runs included). Numbers events from its session's counter,
// redacts secrets before anything leaves it, and keeps a running SHA-256 over the serialised lines, header
// first: the receipt that a trace file was not edited after the fact.

import { createHash, type Hash } from 'node:crypto';
import { RLM_CODE_VERSION } from '../version';
import { TRACE_SCHEMA_VERSION, type ReceiptLine, type RlmEvent, type TraceHeader } from './events';
import { TraceSession } from './TraceSession';
import { redactable, redactKnown } from '../redact';

export type TrajectoryListener = (event: RlmEvent, line: string) => void;

export interface TrajectoryOptions {
  /** Strings redacted from every line (API keys); ones shorter than 8 characters are ignored. */
  secrets?: Array<string | undefined>;
  /** The session this question belongs to (its id and event counter); a one-question session when absent. */
  session?: TraceSession;
  /** Written in the header; "rlm-code <version>" when absent. */
  generator?: string;
}

export class Trajectory {
  readonly session: TraceSession;
  /** The first line of this question's trace. */
  readonly header: TraceHeader;
  readonly headerLine: string;
  /** The seq of this question's first event (the session's counter when the trajectory was made). */
  readonly firstSeq: number;
  private count = 0;
  private readonly hash: Hash = createHash('sha256');
  private readonly listeners = new Set<TrajectoryListener>();
  private readonly secrets: string[];

  constructor(options: TrajectoryOptions = {}) {
    this.secrets = redactable(options.secrets ?? []);
    this.session = options.session ?? new TraceSession();
    this.firstSeq = this.session.nextSeq;
    this.header = {
      type: 'trace',
      schema: TRACE_SCHEMA_VERSION,
      createdAt: new Date().toISOString(),
      generator: options.generator ?? `rlm-code ${RLM_CODE_VERSION}`,
      sessionId: this.session.id,
    };
    this.headerLine = this.redact(JSON.stringify(this.header)).line;
    this.hash.update(this.headerLine + '\n');
  }

  on(listener: TrajectoryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: RlmEvent): void {
    const numbered = { ...event, seq: this.session.takeSeq() } as RlmEvent;
    this.count++;
    const { line, redacted } = this.redact(JSON.stringify(numbered));
    const out = redacted ? (JSON.parse(line) as RlmEvent) : numbered;
    this.hash.update(line + '\n');
    for (const listener of this.listeners) {
      try {
        listener(out, line);
      } catch {
        // A broken listener (a UI that went away) must not break the run.
      }
    }
  }

  /** Events this question emitted. */
  get eventCount(): number {
    return this.count;
  }

  /** The last line of the trace: covers the header and every event so far. */
  receipt(): ReceiptLine {
    return { type: 'receipt', events: this.count, sha256: this.hash.copy().digest('hex') };
  }

  private redact(line: string): { line: string; redacted: boolean } {
    const out = redactKnown(line, this.secrets);
    return { line: out, redacted: out !== line };
  }
}

/** Recomputes a receipt from the lines of a trace file before its receipt: the header (absent in schema 1) and the events. */
export function receiptOf(headerLine: string | undefined, eventLines: readonly string[]): ReceiptLine {
  const hash = createHash('sha256');
  if (headerLine !== undefined) hash.update(headerLine + '\n');
  for (const line of eventLines) hash.update(line + '\n');
  return { type: 'receipt', events: eventLines.length, sha256: hash.digest('hex') };
}
