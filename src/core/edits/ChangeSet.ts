// The edits one run (or one partition's child run) proposes: per file, the base text the first proposal read
// and the pending text. Nothing here writes to disk; `textOf()` is what later read() calls see, patch.ts turns
// it into a unified diff, applyChanges.ts writes it, integrate.ts merges several.
//
// Shape rules, kept after every proposal so every consumer can rely on them:
// - one record per current path; a deleted file's record sits at its own (original) path;
// - a renamed file is keyed by its new path and remembers `from`; a file renamed back is a plain edit again;
// - a created file never sits at a path another record was renamed away from: creating a file there turns the
//   moved record into a created one and the re-created path into an edit of the original (a shim left behind);
// - a record whose text is its base again (and not moved) is dropped: the change set holds changes only.
import { applyFindReplace } from './findReplace';
import { editPath } from './editPath';
import { diffTexts, sha256, unifiedDiff, type TextDiff } from './lineDiff';
import { wholeTextInStyle } from './textStyle';
import type { BaseReader, ChangeKind, ChangeSetJSON, Edit, FileChange, FileStat, PendingFile, ProposalResult } from './types';
import { pauseIfDue } from './TimeSlicer';

/** Larger texts are refused: they could not have come from the workspace (whose files are at most a few MB). */
export const MAX_TEXT_CHARS = 16 * 1024 * 1024;

interface Entry {
  path: string;
  /** The path the file had in the base; undefined for a created file. */
  origin: string | undefined;
  base: string | undefined;
  baseSha256: string | undefined;
  text: string | undefined;
  descriptions: string[];
}

/** What a path holds now, in this change set's view. */
type State =
  | { kind: 'pending'; entry: Entry }
  | { kind: 'deleted'; entry: Entry }
  | { kind: 'moved'; entry: Entry }
  | { kind: 'base'; text: string | undefined };

export class ChangeSet {
  private readonly entries = new Map<string, Entry>();
  /** Original path -> the record of the file that was there (renamed or not). */
  private readonly origins = new Map<string, Entry>();
  private readonly touched = new Map<string, number>();
  private readonly diffs = new WeakMap<Entry, { base: string | undefined; text: string | undefined; diff: TextDiff }>();
  private rev = 0;
  private queue: Promise<unknown> = Promise.resolve();

  /** @param read the base: the workspace's confined reader (see BaseReader). */
  constructor(private readonly read: BaseReader) {
    if (typeof read !== 'function') throw new Error('ChangeSet needs a base reader: (path) => Promise<string | undefined>');
  }

  /** A change set from its JSON (the run result, --json); `read` serves files it does not hold yet. */
  static fromJSON(json: unknown, read: BaseReader = noBase): ChangeSet {
    const data = json as Partial<ChangeSetJSON> | null;
    if (typeof data !== 'object' || data === null || data.version !== 1 || !Array.isArray(data.files)) {
      throw new Error('Not a change set: expected {version: 1, files: [...]} as written by ChangeSet.toJSON()');
    }
    const files = data.files.map((f, i): FileChange => {
      const where = `change set file ${i + 1} (${JSON.stringify(f?.path)})`;
      if (typeof f !== 'object' || f === null || typeof f.path !== 'string') throw new Error(`${where}: no path`);
      const base = f.base ?? undefined;
      const text = f.text ?? undefined;
      if ((base !== undefined && typeof base !== 'string') || (text !== undefined && typeof text !== 'string')) throw new Error(`${where}: base and text must be strings or null`);
      if ((base === undefined ? null : sha256(base)) !== (f.baseSha256 ?? null)) throw new Error(`${where}: the base text does not match its SHA-256 (the JSON was altered)`);
      if (!Array.isArray(f.descriptions) || f.descriptions.some((d) => typeof d !== 'string')) throw new Error(`${where}: descriptions must be strings`);
      return { path: f.path, from: f.from, base, baseSha256: f.baseSha256 ?? undefined, text, descriptions: f.descriptions };
    });
    const set = ChangeSet.fromFiles(files, read);
    set.rev = typeof data.revision === 'number' ? data.revision : 0;
    for (const [path, rev] of Object.entries(data.touched ?? {})) if (typeof rev === 'number') set.touched.set(path, rev);
    return set;
  }

  /** A change set holding these records (integration builds its result this way). Throws when they break the shape rules. */
  static fromFiles(files: readonly FileChange[], read: BaseReader = noBase): ChangeSet {
    const set = new ChangeSet(read);
    for (const f of files) {
      const path = editPath(f.path);
      const from = f.from === undefined ? undefined : editPath(f.from, 'from path');
      if (f.base === undefined && f.text === undefined) throw new Error(`'${path}': a record needs a base, a text or both`);
      if (f.base === undefined && from !== undefined) throw new Error(`'${path}': a created file cannot be renamed from '${from}'`);
      if (f.text === undefined && from !== undefined) throw new Error(`'${path}': a deleted file has no 'from'`);
      const origin = f.base === undefined ? undefined : from ?? path;
      const entry: Entry = { path, origin, base: f.base, baseSha256: f.base === undefined ? undefined : f.baseSha256 ?? sha256(f.base), text: f.text, descriptions: [...f.descriptions] };
      if (set.entries.has(path)) throw new Error(`'${path}' appears twice in the change set`);
      if (origin !== undefined && set.origins.has(origin)) throw new Error(`'${origin}' is the origin of two files in the change set`);
      set.entries.set(path, entry);
      if (origin !== undefined) set.origins.set(origin, entry);
    }
    for (const entry of set.entries.values()) {
      if (entry.origin === undefined && set.origins.has(entry.path)) throw new Error(`'${entry.path}' is created where another file was renamed from`);
    }
    return set;
  }

  /** Proposals made so far; each successful propose_* call adds one. */
  get revision(): number {
    return this.rev;
  }

  /** The revision of the last proposal that named this path (as its path, rename source or target); 0 if none. */
  revisionOf(path: string): number {
    return this.touched.get(editPath(path)) ?? 0;
  }

  /** Files changed. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Proposes the whole new text of a file, or {find, replace} pairs applied in order to its pending text (each
   * find must match exactly once; see findReplace.ts). Creates the file when it does not exist (whole text only).
   * A failed call changes nothing.
   */
  proposeEdit(path: string, edit: Edit, description?: string): Promise<ProposalResult> {
    return this.serial(async () => {
      const p = editPath(path);
      checkDescription(description);
      if (typeof edit === 'string' && edit.length > MAX_TEXT_CHARS) throw new Error(`propose_edit('${p}'): the text is over ${MAX_TEXT_CHARS} characters`);
      const state = await this.stateOf(p);
      const whole = typeof edit === 'string';
      if (state.kind === 'pending') {
        // The pending text's conventions hold for a whole text: a find/replace may have changed its final newline.
        state.entry.text = whole ? wholeTextInStyle(state.entry.text, edit) : applyFindReplace(p, state.entry.text!, edit);
        return this.done(state.entry, description, [p]);
      }
      if (state.kind === 'base' && state.text !== undefined) {
        const text = whole ? wholeTextInStyle(state.text, edit) : applyFindReplace(p, state.text, edit);
        return this.done(this.add({ path: p, origin: p, base: state.text, text }), description, [p]);
      }
      if (!whole) {
        const why = state.kind === 'deleted' ? 'was deleted by propose_delete' : state.kind === 'moved' ? `was renamed to '${state.entry.path}': edit that path` : 'does not exist';
        throw new Error(`propose_edit('${p}'): the file ${why}; {find, replace} pairs need an existing file (pass the whole text to create it). Nothing was changed.`);
      }
      if (state.kind === 'deleted') {
        state.entry.text = wholeTextInStyle(state.entry.base, edit);
        return this.done(state.entry, description, [p]);
      }
      if (state.kind === 'moved') return this.done(this.recreateAt(p, state.entry, edit), description, [p]);
      return this.done(this.add({ path: p, origin: undefined, base: undefined, text: wholeTextInStyle(undefined, edit) }), description, [p]);
    });
  }

  /** Renames a file (with its pending edits); later edits go to the new path. */
  proposeRename(from: string, to: string, description?: string): Promise<ProposalResult> {
    return this.serial(async () => {
      const f = editPath(from, 'from path');
      const t = editPath(to, 'to path');
      checkDescription(description);
      const call = `propose_rename('${f}', '${t}')`;
      if (f === t) throw new Error(`${call}: the paths are the same. Nothing was changed.`);
      const source = await this.stateOf(f);
      if (source.kind === 'deleted') throw new Error(`${call}: '${f}' was deleted by propose_delete. Nothing was changed.`);
      if (source.kind === 'moved') throw new Error(`${call}: '${f}' was already renamed to '${source.entry.path}'. Nothing was changed.`);
      if (source.kind === 'base' && source.text === undefined) throw new Error(`${call}: '${f}' does not exist. Nothing was changed.`);
      const target = await this.stateOf(t);
      if (target.kind === 'pending' || (target.kind === 'base' && target.text !== undefined)) throw new Error(`${call}: '${t}' already exists. Nothing was changed.`);
      if (target.kind === 'deleted') {
        throw new Error(`${call}: '${t}' is deleted in this change set; renaming onto it is not supported: give it the new content with propose_edit('${t}', text) and propose_delete('${f}'). Nothing was changed.`);
      }
      const entry = source.kind === 'pending' ? source.entry : this.add({ path: f, origin: f, base: source.text, text: source.text });
      this.entries.delete(f);
      if (target.kind === 'moved' && entry.origin === undefined) return this.done(this.recreateAt(t, target.entry, entry.text!, entry), description, [f, t]);
      entry.path = t;
      this.entries.set(t, entry);
      return this.done(entry, description, [f, t]);
    });
  }

  /** Deletes a file; a file created in this change set simply disappears. */
  proposeDelete(path: string, description?: string): Promise<ProposalResult> {
    return this.serial(async () => {
      const p = editPath(path);
      checkDescription(description);
      const call = `propose_delete('${p}')`;
      const state = await this.stateOf(p);
      if (state.kind === 'deleted') throw new Error(`${call}: the file is already deleted. Nothing was changed.`);
      if (state.kind === 'moved') throw new Error(`${call}: the file was renamed to '${state.entry.path}': delete that path. Nothing was changed.`);
      if (state.kind === 'base' && state.text === undefined) throw new Error(`${call}: the file does not exist. Nothing was changed.`);
      if (state.kind === 'base') return this.done(this.add({ path: p, origin: p, base: state.text, text: undefined }), description, [p]);
      const entry = state.entry;
      if (entry.origin === undefined) {
        // Created here, deleted here: nothing left to change.
        this.entries.delete(p);
        this.touch([p]);
        return { path: p, change: 'delete', descriptions: [], added: 0, removed: 0, ...(description ? { description } : {}) };
      }
      if (entry.origin !== p && this.entries.has(entry.origin)) {
        throw new Error(`${call}: '${p}' was renamed from '${entry.origin}', whose path now holds another file; delete is not supported here: propose_edit('${p}', '') empties it instead. Nothing was changed.`);
      }
      this.entries.delete(p);
      entry.path = entry.origin;
      entry.text = undefined;
      this.entries.set(entry.path, entry);
      return this.done(entry, description, [p]);
    });
  }

  /** What read(path) sees: the pending text when proposed, undefined when deleted or renamed away, else the base. */
  textOf(path: string): Promise<string | undefined> {
    return this.serial(async () => {
      const state = await this.stateOf(editPath(path));
      return state.kind === 'pending' ? state.entry.text : state.kind === 'base' ? state.text : undefined;
    });
  }

  /** The records, sorted by path. */
  files(): FileChange[] {
    return [...this.entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map(toFileChange);
  }

  /** The record at a path (its current path; a deleted file's own path), if any. */
  file(path: string): FileChange | undefined {
    const entry = this.entries.get(editPath(path));
    return entry && toFileChange(entry);
  }

  /** Per file: change, descriptions and +/- line counts, sorted by path. Yields to the event loop between files. */
  async summary(): Promise<FileStat[]> {
    const stats: FileStat[] = [];
    for (const file of this.files()) {
      await pauseIfDue();
      const { added, removed } = this.diffOf(this.entries.get(file.path)!);
      stats.push(statOf(file, added, removed));
    }
    return stats;
  }

  /** summary() plus each file's unified diff: what pending_edits() shows the model. */
  async pending(): Promise<PendingFile[]> {
    const files: PendingFile[] = [];
    for (const file of this.files()) {
      await pauseIfDue();
      const diff = this.diffOf(this.entries.get(file.path)!);
      const oldPath = file.base === undefined ? undefined : file.from ?? file.path;
      files.push({ ...statOf(file, diff.added, diff.removed), diff: unifiedDiff(oldPath, file.text === undefined ? undefined : file.path, diff) });
    }
    return files;
  }

  toJSON(): ChangeSetJSON {
    return {
      version: 1,
      revision: this.rev,
      files: this.files().map((f) => ({
        path: f.path,
        ...(f.from !== undefined ? { from: f.from } : {}),
        base: f.base ?? null,
        baseSha256: f.baseSha256 ?? null,
        text: f.text ?? null,
        descriptions: [...f.descriptions],
      })),
      touched: Object.fromEntries(this.touched),
    };
  }

  /** The +/- diff of a record against its base, memoised until its text or base changes. */
  private diffOf(entry: Entry): TextDiff {
    const memo = this.diffs.get(entry);
    if (memo && memo.text === entry.text && memo.base === entry.base) return memo.diff;
    const diff = diffTexts(entry.base, entry.text);
    this.diffs.set(entry, { base: entry.base, text: entry.text, diff });
    return diff;
  }

  private async stateOf(path: string): Promise<State> {
    const entry = this.entries.get(path);
    if (entry) return entry.text === undefined ? { kind: 'deleted', entry } : { kind: 'pending', entry };
    const moved = this.origins.get(path);
    if (moved) return { kind: 'moved', entry: moved };
    const text = await this.read(path);
    if (text !== undefined && typeof text !== 'string') throw new Error(`The base reader returned ${typeof text} for '${path}', not text`);
    return { kind: 'base', text };
  }

  private add(fields: Omit<Entry, 'descriptions' | 'baseSha256'>): Entry {
    const entry: Entry = { ...fields, baseSha256: fields.base === undefined ? undefined : sha256(fields.base), descriptions: [] };
    this.entries.set(entry.path, entry);
    if (entry.origin !== undefined) this.origins.set(entry.origin, entry);
    return entry;
  }

  /**
   * A new file at `path`, which `moved` was renamed away from: `moved` becomes a created file at its new path,
   * and `path` an edit of the original (the shim a move leaves behind). `replacing` is a created record that
   * was just renamed onto `path` and is absorbed.
   */
  private recreateAt(path: string, moved: Entry, text: string, replacing?: Entry): Entry {
    this.origins.delete(path);
    moved.origin = undefined;
    const original: Entry = { path, origin: path, base: moved.base, baseSha256: moved.baseSha256, text: wholeTextInStyle(moved.base, text), descriptions: replacing ? replacing.descriptions : [] };
    moved.base = undefined;
    moved.baseSha256 = undefined;
    this.entries.set(path, original);
    this.origins.set(path, original);
    return original;
  }

  private done(entry: Entry, description: string | undefined, paths: string[]): ProposalResult {
    if (description) entry.descriptions.push(description);
    this.touch(paths);
    const { added, removed } = this.diffOf(entry);
    const result: ProposalResult = { ...statOf(toFileChange(entry), added, removed), ...(description ? { description } : {}) };
    // Back to its base and its own path: no change left to hold.
    if (entry.origin === entry.path && entry.text === entry.base) {
      this.entries.delete(entry.path);
      this.origins.delete(entry.path);
    }
    return result;
  }

  private touch(paths: string[]): void {
    this.rev++;
    for (const p of paths) this.touched.set(p, this.rev);
  }

  /** One proposal at a time: model code may fire several without awaiting, and each reads then writes. */
  private serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op, op);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** What a record does: create (no base), delete (no text), rename (from), modify. */
export function changeOf(file: Pick<FileChange, 'base' | 'text' | 'from'>): ChangeKind {
  return file.base === undefined ? 'create' : file.text === undefined ? 'delete' : file.from !== undefined ? 'rename' : 'modify';
}

function toFileChange(e: Entry): FileChange {
  const from = e.origin !== undefined && e.origin !== e.path ? e.origin : undefined;
  return { path: e.path, ...(from !== undefined ? { from } : {}), base: e.base, baseSha256: e.baseSha256, text: e.text, descriptions: [...e.descriptions] };
}

function statOf(file: FileChange, added: number, removed: number): FileStat {
  return { path: file.path, change: changeOf(file), ...(file.from !== undefined ? { from: file.from } : {}), descriptions: [...file.descriptions], added, removed };
}

function checkDescription(description: unknown): void {
  if (description !== undefined && typeof description !== 'string') throw new Error(`The description must be a string, got ${typeof description}`);
}

async function noBase(path: string): Promise<string | undefined> {
  throw new Error(`This change set has no base reader (it was loaded from JSON): cannot read '${path}'`);
}
