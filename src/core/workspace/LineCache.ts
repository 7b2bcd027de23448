// A small LRU of split files for read(): model code often pages through one file in slices
// (read(p, 1, 200), read(p, 201, 400), ...), which should not re-read and re-split it each time.
// Bounded by total bytes, so memory does not grow with the workspace.

import { readFileSync, statSync } from 'node:fs';
import { splitLines } from './RegexSearch';

const DEFAULT_BUDGET_BYTES = 8 * 1024 * 1024;

interface Entry {
  mtimeMs: number;
  size: number;
  lines: string[];
}

export class LineCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly budgetBytes = DEFAULT_BUDGET_BYTES) {}

  /**
   * The lines of the file at `absolutePath` (no terminators), re-read when the file changed on disk;
   * undefined when it has grown past `maxBytes` since it was indexed.
   */
  lines(absolutePath: string, maxBytes: number): string[] | undefined {
    const stat = statSync(absolutePath);
    if (stat.size > maxBytes) return undefined;
    const cached = this.entries.get(absolutePath);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) {
      this.entries.delete(absolutePath); // re-insert: Map order is the recency order
      this.entries.set(absolutePath, cached);
      return cached.lines;
    }
    if (cached) this.evict(absolutePath, cached);
    const lines = splitLines(readFileSync(absolutePath, 'utf8'));
    const entry = { mtimeMs: stat.mtimeMs, size: stat.size, lines };
    if (stat.size <= this.budgetBytes) {
      this.entries.set(absolutePath, entry);
      this.bytes += stat.size;
      for (const [key, oldest] of this.entries) {
        if (this.bytes <= this.budgetBytes) break;
        this.evict(key, oldest);
      }
    }
    return lines;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private evict(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.size;
  }
}
