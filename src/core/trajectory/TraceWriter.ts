// Writes one question's trajectory to a JSONL file while the run goes on: the header first, then each event
// as one synchronous write of a whole line, so a crash or Ctrl-C leaves a valid file (every line parses;
// only the receipt is missing).

import { closeSync, openSync, writeSync } from 'node:fs';
import type { Trajectory } from './Trajectory';

export class TraceWriter {
  private fd: number | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly trajectory: Trajectory, readonly file: string) {
    // The receipt covers every line from the header on: a file missing the first events could never match it.
    if (trajectory.eventCount > 0) {
      throw new Error(`Attach the trace writer before the run starts: ${trajectory.eventCount} event(s) were already emitted`);
    }
    this.fd = openSync(file, 'w');
    this.write(trajectory.headerLine);
    this.unsubscribe = trajectory.on((_event, line) => this.write(line));
  }

  private write(line: string): void {
    if (this.fd !== undefined) writeSync(this.fd, line + '\n');
  }

  /** Appends the receipt line and closes the file. Safe to call twice. */
  close(): void {
    if (this.fd === undefined) return;
    this.unsubscribe();
    this.write(JSON.stringify(this.trajectory.receipt()));
    closeSync(this.fd);
    this.fd = undefined;
  }
}
