// What the first walk learnt of each file (FileInspection: its language, lines, or why it was left out), kept on
// disk beside the symbol cache and keyed by size and mtime as that cache is. A later first walk stats an unchanged
// file instead of opening and reading it: on a 96,000-file monorepo that is most of a warm start's walk. Only
// inspections are kept: the ignore and credential rules are applied afresh on every walk, so nothing in this file
// can let a path in. Read and written by the walk thread (walkWorker.ts), never on the host.

import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { inspectFile, type Inspection } from './FileInspection';
import { AMBIGUOUS_HEADER } from './headerLanguage';
import { languageFromName } from './languages';

/** Bump when what inspectFile decides from a file's text changes (the binary, bundle or header checks, shebangs, how lines are counted). */
const FORMAT = 1;

/** One file as the cache keeps it: text (language, lines, a plain `.h`) or left out by its content (why). */
type Entry =
  | [path: string, bytes: number, mtimeMs: number, language: string, lines: number, plainHeader: 0 | 1]
  | [path: string, bytes: number, mtimeMs: number, reason: 'binary' | 'minified', detail: string];

/** The first line of the file; each other line is one Entry, as JSON. */
interface CacheHeader {
  format: number;
  maxFileBytes: number;
  /** When the walk that wrote it started (ms since the epoch). */
  walkedAt: number;
}

/**
 * Lines packed into a buffer at a time. Kept as strings, a walk's lines raised its thread's heap, and with it how
 * much garbage V8 lets pile up before collecting: 80 MB more peak RSS on 96,000 files. Buffers live off the heap.
 */
const LINES_PER_CHUNK = 2_000;

/**
 * A file changed again within its file system's mtime granularity (2 s on FAT) after it was inspected could keep
 * its size and mtime: as git does with "racily clean" entries, an entry this close to its walk is not trusted.
 */
const RACY_MS = 2_000;

/**
 * A save that was killed leaves its temporary file; one this old is not another window's save still under way
 * (a save writes a few megabytes).
 */
const ABANDONED_SAVE_MS = 10 * 60_000;

/** The cache of one walk thread's share of a root's files (see WalkThreadData.share). */
export function inspectionCacheFile(cacheDir: string, root: string, share: { index: number; of: number }): string {
  return join(cacheDir, `files-${createHash('sha1').update(root).digest('hex').slice(0, 16)}-${share.index + 1}of${share.of}.jsonl`);
}

/** A walk thread's share of the cache: `files-<root hash>-<share>of<threads>.jsonl`, or a save of it in progress (`.<pid>.tmp`). */
const SHARE_FILE = /^(files-[0-9a-f]+-)(\d+)of(\d+)\.jsonl(\.\d+\.tmp)?$/;

/**
 * Removes the files a root's earlier walks left that no walk will read: the shares of another number of walk threads
 * (a machine with other cores, an older version) and the temporary files of saves that were killed. `file` is one
 * share of this walk (inspectionCacheFile); the others of this walk are kept.
 */
export function sweepInspectionCaches(file: string, now = Date.now()): void {
  const name = SHARE_FILE.exec(basename(file));
  if (!name || name[4]) return;
  const [, prefix, , of] = name;
  const dir = dirname(file);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const share = SHARE_FILE.exec(entry);
    if (!share || share[1] !== prefix) continue;
    const path = join(dir, entry);
    try {
      if (share[4] ? now - statSync(path).mtimeMs > ABANDONED_SAVE_MS : share[3] !== of) rmSync(path, { force: true });
    } catch {
      // gone already, or not ours to remove: the next walk tries again
    }
  }
}

export class InspectionCache {
  /** What this walk met, one JSON line each: packed into `chunks` (what save() writes) every LINES_PER_CHUNK lines. */
  private learnt: string[] = [];
  private readonly chunks: Buffer[] = [];
  /** Files the walk found unchanged and did not open. */
  hits = 0;
  /**
   * The file would not say what this walk learnt: a file was inspected, or a line of it was not used (torn, racy,
   * or a file not met). An unchanged folder's walk then writes nothing (re-writing 96,000 lines took the walk
   * threads of a monorepo's warm start 0.2-0.3 s).
   */
  private changed: boolean;

  private readonly walkedAt = Date.now();

  private constructor(
    private readonly file: string,
    private readonly maxFileBytes: number,
    /** Each entry and its line as the file holds it (kept as written: a hit is not serialised again). */
    private readonly known: Map<string, { entry: Entry; line: string }>,
    unusedLines: boolean,
  ) {
    this.changed = unusedLines;
  }

  /** The cache at `file`; empty when it is missing, torn, or from another format or size limit. */
  static load(file: string, maxFileBytes: number): InspectionCache {
    const known = new Map<string, { entry: Entry; line: string }>();
    let unused = true;
    try {
      const lines = readFileSync(file, 'utf8').split('\n');
      const header = JSON.parse(lines[0]!) as CacheHeader;
      if (header.format === FORMAT && header.maxFileBytes === maxFileBytes && typeof header.walkedAt === 'number') {
        unused = false;
        for (let i = 1; i < lines.length; i++) {
          let entry: unknown;
          try {
            entry = JSON.parse(lines[i]!);
          } catch {
            unused = true;
            continue; // a torn line: that file is inspected again
          }
          if (isEntry(entry) && entry[2] < header.walkedAt - RACY_MS && !known.has(entry[0])) known.set(entry[0], { entry, line: lines[i]! });
          else unused = true;
        }
      }
    } catch {
      // no cache yet, or an unreadable one: every file is inspected
    }
    return new InspectionCache(file, maxFileBytes, known, unused);
  }

  /** inspectFile, or what it said last time when the file's size and mtime are the same. */
  inspect(absolutePath: string, relativePath: string): Inspection {
    const known = this.known.get(relativePath);
    if (known) {
      this.known.delete(relativePath); // each file is met once a walk: what is left at the end is gone
      const { entry: old, line } = known;
      const stat = statSync(absolutePath, { throwIfNoEntry: false });
      if (stat?.isFile() && stat.size === old[1] && stat.mtimeMs === old[2] && stat.size <= this.maxFileBytes) {
        this.hits++;
        this.learn(line);
        return fromEntry(old);
      }
    }
    this.changed = true;
    const inspection = inspectFile(absolutePath, relativePath, this.maxFileBytes);
    const entry = toEntry(absolutePath, relativePath, inspection);
    if (entry) this.learn(JSON.stringify(entry));
    return inspection;
  }

  private learn(line: string): void {
    this.learnt.push(line);
    if (this.learnt.length < LINES_PER_CHUNK) return;
    this.chunks.push(Buffer.from('\n' + this.learnt.join('\n')));
    this.learnt = [];
  }

  /**
   * Writes what this walk learnt (files it did not meet are dropped), unless the file already says exactly that; a
   * failure costs the next walk its reads.
   */
  save(): void {
    if (!this.changed && this.known.size === 0) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    let fd: number | undefined;
    try {
      // The first walk of a machine comes before anything else made the cache folder (a monorepo's second start
      // opened its 96,000 files again for want of it).
      mkdirSync(dirname(this.file), { recursive: true });
      fd = openSync(tmp, 'w');
      writeSync(fd, JSON.stringify({ format: FORMAT, maxFileBytes: this.maxFileBytes, walkedAt: this.walkedAt } satisfies CacheHeader));
      for (const chunk of this.chunks) writeSync(fd, chunk);
      if (this.learnt.length > 0) writeSync(fd, '\n' + this.learnt.join('\n'));
      closeSync(fd);
      fd = undefined;
      renameSync(tmp, this.file);
    } catch {
      // an unwritable cache folder: the next walk inspects every file again
      try {
        if (fd !== undefined) closeSync(fd);
        rmSync(tmp, { force: true });
      } catch {
        // nothing more to undo
      }
    }
  }
}

function fromEntry(entry: Entry): Inspection {
  const [path, bytes, mtimeMs, languageOrReason] = entry;
  if (entry.length === 5) return { kind: 'skipped', reason: entry[3], detail: entry[4] };
  // The name decides most languages, and the table of names may have grown since: only a shebang's or a `.h`
  // file's language (read from the text) is taken from the cache.
  const language = AMBIGUOUS_HEADER.test(path) ? languageOrReason : languageFromName(path) ?? languageOrReason;
  return { kind: 'text', language, bytes, mtimeMs, lines: entry[4], ...(entry[5] === 1 ? { plainHeader: true } : {}) };
}

/** What is worth keeping: text, and files left out by their content. Missing, unreadable or oversized files are looked at again. */
function toEntry(absolutePath: string, path: string, inspection: Inspection): Entry | undefined {
  if (inspection.kind === 'text') return [path, inspection.bytes, inspection.mtimeMs, inspection.language, inspection.lines, inspection.plainHeader ? 1 : 0];
  if (inspection.reason !== 'binary' && inspection.reason !== 'minified') return undefined;
  // A file left out carries no size or mtime: one more stat, for binaries and bundles only. Should the file change
  // between the two, the next walk finds a size or mtime that differs and looks again.
  const stat = statSync(absolutePath, { throwIfNoEntry: false });
  return stat?.isFile() ? [path, stat.size, stat.mtimeMs, inspection.reason, inspection.detail] : undefined;
}

/** An entry as written (a hand-edited or torn file is not trusted beyond its well-formed entries). */
function isEntry(value: unknown): value is Entry {
  if (!Array.isArray(value) || typeof value[0] !== 'string' || !Number.isFinite(value[1]) || !Number.isFinite(value[2])) return false;
  if (value.length === 5) return (value[3] === 'binary' || value[3] === 'minified') && typeof value[4] === 'string';
  return value.length === 6 && typeof value[3] === 'string' && Number.isInteger(value[4]) && value[4] >= 0 && (value[5] === 0 || value[5] === 1);
}
