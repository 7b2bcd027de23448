// Writes a trajectory to a JSONL file while the run goes on. Each event is one synchronous write of a whole
// line, so a crash or Ctrl-C leaves a valid file (every line parses; only the receipt is missing).

import { closeSync, openSync, writeSync } from 'node:fs';
import type { Trajectory } from './Trajectory';

export class TraceWriter {
  private fd: number | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly trajectory: Trajectory, readonly file: string) {
    this.fd = openSync(file, 'w');
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
