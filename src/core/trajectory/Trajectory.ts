// The event stream of one top-level run (its child runs included). Numbers events, redacts secrets before
// anything leaves it, and keeps a running SHA-256 over the serialised lines: the receipt that a trace file
// was not edited after the fact.

import { createHash, type Hash } from 'node:crypto';
import type { ReceiptLine, RlmEvent } from './events';

export type TrajectoryListener = (event: RlmEvent, line: string) => void;

export class Trajectory {
  private seq = 0;
  private readonly hash: Hash = createHash('sha256');
  private readonly listeners = new Set<TrajectoryListener>();
  private readonly secrets: string[];

  constructor(options: { secrets?: Array<string | undefined> } = {}) {
    // Very short "secrets" would redact ordinary words; real keys are long.
    this.secrets = (options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 8);
  }

  on(listener: TrajectoryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: RlmEvent): void {
    let line = JSON.stringify({ ...event, seq: this.seq++ });
    let redacted = false;
    for (const secret of this.secrets) {
      if (line.includes(secret)) {
        line = line.split(secret).join('[redacted]');
        redacted = true;
      }
    }
    const out = redacted ? (JSON.parse(line) as RlmEvent) : ({ ...event, seq: this.seq - 1 } as RlmEvent);
    this.hash.update(line + '\n');
    for (const listener of this.listeners) {
      try {
        listener(out, line);
      } catch {
        // A broken listener (a UI that went away) must not break the run.
      }
    }
  }

  get eventCount(): number {
    return this.seq;
  }

  receipt(): ReceiptLine {
    return { type: 'receipt', events: this.seq, sha256: this.hash.copy().digest('hex') };
  }
}

/** Recomputes a receipt from the raw event lines of a trace file (everything before the receipt line). */
export function receiptOf(lines: string[]): ReceiptLine {
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line + '\n');
  return { type: 'receipt', events: lines.length, sha256: hash.digest('hex') };
}
