// A small LRU of split files for read(): model code often pages through one file in slices
// (read(p, 1, 200), read(p, 201, 400), ...), which should not re-read and re-split it each time.
// Bounded by total bytes, so memory does not grow with the workspace.

import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readConfined } from './confinedRead';
import type { FileRow } from './queries/protocol';
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
   * The lines of an indexed file (no terminators), re-read when the file changed on disk. Rejects with a
   * ConfinementError when it is gone, has grown past `maxBytes`, or no longer resolves to the indexed file.
   */
  async lines(root: string, row: FileRow, maxBytes: number): Promise<string[]> {
    const key = row.path;
    const now = await stat(join(root, row.path)).catch(() => undefined);
    const cached = this.entries.get(key);
    if (cached) {
      if (now && cached.mtimeMs === now.mtimeMs && cached.size === now.size) {
        this.entries.delete(key); // re-insert: Map order is the recency order
        this.entries.set(key, cached);
        return cached.lines;
      }
      this.evict(key, cached);
    }
    // Read through the confinement check even when stat looked fine: it decides what may be read.
    const text = await readConfined(root, row, { maxBytes });
    const entry = { mtimeMs: now?.mtimeMs ?? 0, size: now?.size ?? text.length, lines: splitLines(text) };
    if (entry.size <= this.budgetBytes) {
      const raced = this.entries.get(key); // another read of the same file finished first
      if (raced) this.evict(key, raced);
      this.entries.set(key, entry);
      this.bytes += entry.size;
      for (const [oldKey, oldest] of this.entries) {
        if (this.bytes <= this.budgetBytes) break;
        this.evict(oldKey, oldest);
      }
    }
    return entry.lines;
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
