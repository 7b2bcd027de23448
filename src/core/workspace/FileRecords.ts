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
  /** `sorted` was handed out by list(): a replacement copies it first. */
  private shared = false;

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
    if (existing) this.replaceInOrder(existing, file);
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
    this.shared = true;
    return this.sorted;
  }

  /**
   * A record changed, at the same path: it takes the old one's place in the order (in a copy: a list handed out
   * stays as it was). Sorting 96,000 paths again because the walk's end relabelled a few headers took the host
   * 25-40 ms.
   */
  private replaceInOrder(existing: IndexedFile, file: IndexedFile): void {
    if (!this.sorted) return;
    let at = positionOf(this.sorted, file.path);
    if (at === -1 && this.added.length > 0) {
      this.list(); // it is among the records added since: merged in once, not looked for in them record by record
      at = positionOf(this.sorted, file.path);
    }
    if (at === -1 || this.sorted[at] !== existing) {
      this.forgetOrder(); // not where it should be: sort from scratch rather than answer out of order
      return;
    }
    if (this.shared) this.sorted = this.sorted.slice();
    this.shared = false;
    this.sorted[at] = file;
  }

  /** A record went: list() sorts again from scratch. */
  private forgetOrder(): void {
    this.sorted = undefined;
    this.shared = false;
    this.added = [];
  }
}

/** Code-unit order of paths: how list() and every answer built from it are sorted. */
export function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** Where the record at `path` is in a list sorted by path (binary search), or -1. */
function positionOf(sorted: readonly IndexedFile[], path: string): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const other = sorted[middle]!.path;
    if (other === path) return middle;
    if (other < path) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
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
