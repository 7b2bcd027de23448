// results.jsonl: append-only, one whole line per finished job, so an eval killed at any moment leaves every
// finished job on record. A kill in the middle of a write leaves at most a partial last line: opening the log
// cuts it off before anything is appended, so the next line starts clean.

import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { JobResult } from './JobResult';

export interface OpenedLog {
  log: ResultsLog;
  /** Results already in the file, in file order (a later line for the same key wins). */
  previous: JobResult[];
  /** Characters of a partial last line that were cut off (the previous run was killed mid-write). */
  repairedChars: number;
}

export class ResultsLog {
  private constructor(private fd: number | undefined) {}

  static open(file: string): OpenedLog {
    const { results, whole } = readResults(file);
    const fd = openSync(file, 'a+');
    const repairedChars = whole.partialChars;
    if (repairedChars > 0) ftruncateSync(fd, whole.bytes);
    return { log: new ResultsLog(fd), previous: results, repairedChars };
  }

  /** One write of one whole line. */
  append(result: JobResult): void {
    if (this.fd === undefined) throw new Error('the results log is closed');
    writeSync(this.fd, JSON.stringify(result) + '\n');
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** The results on file, without changing it; `whole` is where its last whole line ends. */
export function readResults(file: string): { results: JobResult[]; whole: { bytes: number; partialChars: number } } {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const end = text.lastIndexOf('\n') + 1;
  const results: JobResult[] = [];
  for (const line of text.slice(0, end).split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value = JSON.parse(line) as JobResult;
      if (typeof value?.key === 'string') results.push(value);
    } catch {
      // Only the last line can be partial, and it is not counted; anything else is not ours to guess at.
    }
  }
  return { results, whole: { bytes: Buffer.byteLength(text.slice(0, end)), partialChars: text.length - end } };
}

/** The latest result of each job. */
export function latestByKey(results: JobResult[]): Map<string, JobResult> {
  const latest = new Map<string, JobResult>();
  for (const r of results) latest.set(r.key, r);
  return latest;
}
