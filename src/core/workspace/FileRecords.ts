// What the index holds: one small record per file (path, language, bytes, lines, mtime), never the file's
// text, kept by path and in path order for answers; and the words for how records change.

import type { SkipReason } from './FileInspection';
import type { FileInfo } from './types';

/** One indexed file. `path` is workspace-relative with '/' separators. */
export interface IndexedFile extends FileInfo {
  /** Last modification time when the file was indexed (ms since the epoch). */
  readonly mtimeMs: number;
  /**
   * For a symlink: the workspace-relative real path of its target when it was admitted. Readers open
   * `path` and check that what they opened is `target ?? path` (see confinedRead.ts).
   */
  readonly target?: string;
}

export type ChangeKind = 'created' | 'changed' | 'deleted';

/** One record that appeared, changed or went away; `file` is the new record (absent for 'deleted'). */
export interface IndexChange {
  kind: ChangeKind;
  path: string;
  file?: IndexedFile;
}

export interface Disposable {
  dispose(): void;
}

/** Why a path is not in the index, for error messages such as "File 'x' is not readable: it is binary". */
export interface Exclusion {
  reason: 'missing' | 'directory' | 'ignored' | 'credential' | 'symlink' | 'not-indexed' | SkipReason;
  /** Completes the sentence "... because <message>". */
  message: string;
}

/** The records by path, and the same records sorted by path (built when asked, kept while only files are added). */
export class FileRecords {
  private readonly records = new Map<string, IndexedFile>();
  private sorted: IndexedFile[] | undefined;
  /**
   * New records not in `sorted` yet, merged in by the next list(): during a first walk of 100,000 files, sorting
   * the whole list at each call would hold the host thread for a tenth of a second every time.
   */
  private added: IndexedFile[] = [];

  get size(): number {
    return this.records.size;
  }

  get(relativePath: string): IndexedFile | undefined {
    return this.records.get(relativePath);
  }

  has(relativePath: string): boolean {
    return this.records.has(relativePath);
  }

  paths(): IterableIterator<string> {
    return this.records.keys();
  }

  /** Adds a record, or replaces the one at its path; returns the one replaced. */
  set(file: IndexedFile): IndexedFile | undefined {
    const existing = this.records.get(file.path);
    this.records.set(file.path, file);
    if (existing) this.forgetOrder();
    else if (this.sorted) this.added.push(file);
    return existing;
  }

  delete(relativePath: string): boolean {
    if (!this.records.delete(relativePath)) return false;
    this.forgetOrder();
    return true;
  }

  clear(): void {
    this.records.clear();
    this.forgetOrder();
  }

  /** Every record, sorted by path (code-unit order). The array is shared: do not mutate it. */
  list(): readonly IndexedFile[] {
    if (!this.sorted) {
      this.sorted = [...this.records.values()].sort(byPath);
    } else if (this.added.length > 0) {
      this.sorted = mergeSorted(this.sorted, this.added.sort(byPath));
    }
    this.added = [];
    return this.sorted;
  }

  /** A record changed or went: list() sorts again from scratch. */
  private forgetOrder(): void {
    this.sorted = undefined;
    this.added = [];
  }
}

/** Code-unit order of paths: how list() and every answer built from it are sorted. */
export function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** Two lists sorted by path, as one (linear: for a list that grows by a slice at a time). */
function mergeSorted(a: readonly IndexedFile[], b: readonly IndexedFile[]): IndexedFile[] {
  const out: IndexedFile[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = byPath(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
