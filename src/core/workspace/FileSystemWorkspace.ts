// The Workspace that model code sees (files / read / grep / summary), over a WorkspaceIndex on disk.
// Every path from model code goes through the PathGuard; every answer is limited to indexed files, so
// what the model can read is exactly what files() lists. Nothing here blocks the host thread: file reads
// are asynchronous, and every glob or regex the model wrote runs in a query worker under a deadline.

import type { FileInfo, CallControl, PathEntry, GrepOptions, GrepResult, PartialResult, Workspace, WorkspaceSummary, WorkspaceSyntax } from './types';
import { type IndexedFile, WorkspaceIndex, type WorkspaceIndexOptions } from './WorkspaceIndex';
import { closestPath } from './closestPath';
import { eachInSlices } from '../edits/TimeSlicer';
import { waitForFileList } from './FirstWalk';
import { readConfined } from './confinedRead';
import { parseGrepQuery } from './GrepQuery';
import { LineCache } from './LineCache';
import { Ripgrep, type GrepEngine } from './RipgrepSearch';
import { budgetLeft, callBudget, DEFAULT_TIME_BUDGET_MS, seconds, workerDeadline } from './queries/budget';
import { checkPattern, literalMatcher, type PatternKind } from './queries/patterns';
import type { FileRow, TableName } from './queries/protocol';
import { QueryWorkers } from './queries/QueryWorkers';
import type { SyntaxAssets } from './syntax/SyntaxAssets';

export interface FileSystemWorkspaceOptions {
  /**
   * ripgrep for grep(): a path to an `rg` executable (VS Code ships one), `false` to always use the V8
   * engine, or undefined to use `rg` from PATH when there is one.
   */
  ripgrep?: string | false;
  /** Bytes of recently read files kept split into lines (default 8 MB). */
  readCacheBytes?: number;
  /**
   * How long one search from model code (grep, a glob, a symbol filter, an AST query) may run before it
   * returns what it found, marked incomplete (default 10 s). A search that stalls inside one regex test
   * is stopped shortly after and fails with a message naming the pattern as too slow.
   */
  timeBudgetMs?: number;
}

export class FileSystemWorkspace implements Workspace {
  protected readonly ripgrep: Ripgrep | undefined;
  private readonly lineCache: LineCache;
  readonly timeBudgetMs: number;
  readonly queries: QueryWorkers;
  private filesVersion = 0;
  private readonly stopListening: () => void;

  constructor(readonly index: WorkspaceIndex, options: FileSystemWorkspaceOptions = {}, assets?: SyntaxAssets) {
    this.ripgrep = Ripgrep.locate(options.ripgrep);
    this.lineCache = new LineCache(options.readCacheBytes);
    this.timeBudgetMs = options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS;
    this.queries = new QueryWorkers({ assets });
    this.queries.setTable('files', { version: () => this.filesVersion, rows: () => this.index.list() }); // packed as FileRows
    this.stopListening = index.onDidChange(() => this.filesVersion++).dispose;
  }

  /** Indexes `root` synchronously and wraps it (the CLI's way in). */
  static open(root: string, options: WorkspaceIndexOptions & FileSystemWorkspaceOptions = {}): FileSystemWorkspace {
    return new FileSystemWorkspace(WorkspaceIndex.open(root, options), options);
  }

  /** Like `open`, yielding to the event loop while indexing (the extension's way in). */
  static async openAsync(root: string, options: WorkspaceIndexOptions & FileSystemWorkspaceOptions = {}): Promise<FileSystemWorkspace> {
    return new FileSystemWorkspace(await WorkspaceIndex.openAsync(root, options), options);
  }

  summary(): WorkspaceSummary {
    const languages: Record<string, number> = {};
    let bytes = 0;
    for (const file of this.index.list()) {
      bytes += file.bytes;
      languages[file.language] = (languages[file.language] ?? 0) + 1;
    }
    const files = this.index.list();
    return { root: this.index.name, files: files.length, bytes, languages, ...(this.index.complete ? {} : { incomplete: true as const }) };
  }

  /**
   * Indexed files, sorted by path, optionally filtered by a glob (see PatternKind 'fileGlob'). While the
   * first walk runs, it waits for it within the call's budget, or answers with what is listed so far and says so.
   */
  async files(glob?: string, control?: CallControl): Promise<PartialResult<FileInfo>> {
    checkPattern('fileGlob', glob, 'files', 'glob');
    const callMs = callBudget(this.timeBudgetMs, control);
    const until = Date.now() + callMs;
    const incomplete = await waitForFileList(this.index, 'files', until, control);
    const literal = literalMatcher('fileGlob', glob ?? '');
    const items: FileInfo[] = [];
    // Built in slices: the whole list of a 96,000-file monorepo took the host 25 ms to copy in one go.
    const resumed = () => {
      if (control?.signal?.aborted) throw new Error('files was cancelled');
    };
    if (literal) {
      await eachInSlices(this.index.list(), (file) => {
        if (literal(file.path)) items.push(toFileInfo(file));
      }, resumed);
    } else {
      const paths = await selectRows(this.queries, 'files', 'fileGlob', glob!, 'files', budgetLeft(until, callMs), control);
      // Records as they are now: a file deleted while the worker matched is left out.
      await eachInSlices(paths, (path) => {
        const file = this.index.get(path);
        if (file) items.push(toFileInfo(file));
      }, resumed);
    }
    return incomplete ? { items, incomplete } : { items };
  }

  /**
   * Lines `startLine`..`endLine` (1-based, inclusive) of an indexed file, joined with '\n'; the whole file
   * by default. A start before line 1 reads from line 1, an end past the last line stops there, and a start
   * past the last line gives ''.
   */
  async read(path: string, startLine?: number, endLine?: number, control?: CallControl): Promise<string> {
    const file = this.resolveFile(await this.listedPath(path, 'read', control));
    const range = lineRange(file.path, startLine, endLine);
    let lines: string[];
    try {
      lines = await this.lineCache.lines(this.index.root, toFileRow(file), this.index.maxFileBytes);
    } catch (error) {
      // Deleted, grown past the size limit, or swapped for something else since it was indexed: update the
      // record (its new state may be readable, or refused for a reason files() then shows) and say why.
      this.index.applyChange(file.path, 'changed');
      this.resolveFile(file.path); // throws the precise reason when the file is no longer indexed
      throw new Error(`${(error as Error).message}. Try again, or list the files with files().`);
    }
    return linesIn(lines, range);
  }

  /** See Workspace.entry: a folder is the indexed files under it, counted now. */
  async entry(path: string, control?: CallControl): Promise<PathEntry> {
    const relative = await this.listedPath(path, 'entry', control);
    if (this.index.get(relative)) return { kind: 'file', ...toFileInfo(this.resolveFile(relative)) };
    if (relative === '' || this.index.explain(relative)?.reason === 'directory') {
      const refused = this.index.explainFolder(relative);
      if (refused) throw new Error(`Folder '${relative}' is not readable: ${refused.message}`);
      const prefix = relative === '' ? '' : `${relative}/`;
      let files = 0;
      let bytes = 0;
      for (const file of this.index.list()) {
        if (!file.path.startsWith(prefix)) continue;
        files++;
        bytes += file.bytes;
      }
      if (files === 0) throw new Error(`Folder '${relative || '.'}' holds no file model code may read (each is ignored, binary or too large)`);
      return { kind: 'folder', path: relative, files, bytes };
    }
    return { kind: 'file', ...toFileInfo(this.resolveFile(relative)) };
  }

  /**
   * The exact text of a file, line endings kept: what a proposed edit starts from. Undefined when no file is
   * there and one may be created; refused like read() for paths outside the workspace, ignored or credential
   * files, and for new paths the rules would ignore or that go through a symlinked folder.
   */
  async readText(path: string): Promise<string | undefined> {
    const relative = await this.listedPath(path, 'readText', undefined);
    const exclusion = this.index.explain(relative);
    if (exclusion?.reason === 'missing') {
      const refused = this.index.explainNew(relative);
      if (refused) throw new Error(`Cannot create '${relative}': ${refused.message}`);
      return undefined;
    }
    // Said as what an edit cannot do (change it, replace it by a rename), not as a read that failed.
    if (exclusion?.reason === 'credential' || exclusion?.reason === 'ignored') throw new Error(`Cannot change or replace '${relative}': ${exclusion.message}, and edits never touch such a file`);
    return readConfined(this.index.root, this.resolveFile(relative), { maxBytes: this.index.maxFileBytes });
  }

  /** See GrepOptions; `pattern` is JavaScript regex source or a '/source/flags' literal, matched line by line. */
  async grep(pattern: string, options?: GrepOptions, control?: CallControl): Promise<GrepResult> {
    return (await this.grepWithEngine(pattern, options, control)).result;
  }

  /** grep() plus which engine answered (for diagnostics, benchmarks and tests). */
  async grepWithEngine(pattern: string, options: GrepOptions = {}, control?: CallControl): Promise<{ result: GrepResult; engine: GrepEngine }> {
    const query = parseGrepQuery(pattern, options); // a bad pattern or option fails here, quickly
    checkPattern('fileGlob', query.glob, 'grep', 'glob');
    const callMs = callBudget(this.timeBudgetMs, control);
    const until = Date.now() + callMs;
    const incomplete = await waitForFileList(this.index, 'grep', until, control);
    const budgetMs = budgetLeft(until, callMs);
    const found: GrepResult['matches'] = [];
    const outcome = await this.queries.run(
      { kind: 'grep', root: this.index.root, files: { name: 'files' }, pattern, options, ripgrep: this.ripgrep?.executable, maxFileBytes: this.index.maxFileBytes, budgetMs },
      { ...workerDeadline(budgetMs, control), onPartial: (matches) => found.push(...matches) },
    );
    if (outcome.status === 'done') {
      const { matches, capped, timedOut, engine } = outcome.answer;
      const result: GrepResult = timedOut ? { matches, capped: true, timedOut } : { matches, capped };
      return { result: incomplete ? { ...result, incomplete } : result, engine };
    }
    if (outcome.status === 'cancelled') throw new Error('grep was cancelled');
    if (outcome.queued) throw new Error(busyMessage('grep', budgetMs));
    if (outcome.row === undefined) {
      // The worker was stopped between files (on a starved machine it may not even have started): nothing points at
      // the pattern, so this is a search that ran out of time, with what it found, not a slow pattern.
      const result: GrepResult = { matches: found, capped: true, timedOut: true };
      return { result: incomplete ? { ...result, incomplete } : result, engine: this.ripgrep ? 'ripgrep' : 'v8' };
    }
    const where = ` on '${this.index.list()[outcome.row]?.path ?? '?'}'`;
    throw new Error(
      `grep: the pattern ${JSON.stringify(pattern)} is too slow: testing it${where} did not finish within the ${seconds(budgetMs)} s budget ` +
        `(nested quantifiers such as (a+)+ backtrack exponentially), so the search was stopped after ${found.length} matches. ` +
        'Simplify the pattern (drop nested quantifiers, anchor it, or search for a plain word first).',
    );
  }

  /** No syntax here; CodeWorkspace adds the Tree-sitter symbol index. */
  get syntax(): WorkspaceSyntax | undefined {
    return undefined;
  }

  dispose(): void {
    this.index.stop(); // a first walk still running
    this.stopListening();
    this.queries.dispose();
    this.lineCache.clear();
  }

  /**
   * A path from model code, confined to the workspace. A path the first walk has not listed yet waits for
   * the walk (within the call's budget): until a folder's ignore rules are read, nothing in it may be opened.
   */
  private async listedPath(path: string, fn: string, control: CallControl | undefined): Promise<string> {
    const relative = this.index.guard.confine(path);
    if (this.index.complete || this.index.get(relative)) return relative;
    const note = await waitForFileList(this.index, fn, Date.now() + callBudget(this.timeBudgetMs, control), control);
    if (note && !this.index.get(relative)) throw new Error(`${fn}('${relative}'): not in the file list yet, ${note}`);
    return relative;
  }

  /** The record for a path from model code, or a clear Error saying why it cannot be read. */
  protected resolveFile(input: string): IndexedFile {
    const relative = this.index.guard.confine(input);
    const known = this.index.get(relative);
    if (known) return known;
    const exclusion = this.index.explain(relative);
    if (exclusion === undefined) {
      // On disk and indexable, but the index has not seen it yet (no watcher running): take it in now.
      this.index.applyChange(relative, 'created');
      const fresh = this.index.get(relative);
      if (fresh) return fresh;
    }
    if (exclusion?.reason === 'missing' || exclusion === undefined) {
      const suggestion = closestPath(relative, this.index.list().map((f) => f.path));
      throw new Error(`No file '${relative}' in the workspace.${suggestion ? ` Did you mean '${suggestion}'?` : ''} List files with files('*.ts') or files('src/')`);
    }
    throw new Error(`File '${relative}' is not readable: ${exclusion.message}`);
  }
}

/** The keys of the table rows a glob or regex matches, computed in a query worker under the time budget. */
export async function selectRows(
  queries: QueryWorkers, table: TableName, patternKind: PatternKind, pattern: string, fn: string, budgetMs: number, control?: CallControl,
): Promise<string[]> {
  const outcome = await queries.run({ kind: 'select', table: { name: table }, patternKind, pattern }, workerDeadline(budgetMs, control, 0));
  if (outcome.status === 'done') return outcome.answer;
  if (outcome.status === 'cancelled') throw new Error(`${fn} was cancelled`);
  if (outcome.queued) throw new Error(busyMessage(fn, budgetMs));
  if (outcome.row === undefined) {
    // Stopped before the worker reached a row (the budget went to waiting for the file list, or to a starved
    // machine): nothing points at the pattern, as ast_query says it.
    throw new Error(`${fn}: ran out of time before the pattern could be matched (${seconds(budgetMs)} s were left of the call's budget); try again`);
  }
  throw new Error(`${fn}: the pattern ${JSON.stringify(pattern)} is too slow to match (over ${seconds(budgetMs)} s); use a simpler glob or regex`);
}

/** For a call that waited its whole budget for a query worker (others held them all). */
export function busyMessage(fn: string, budgetMs: number): string {
  return `${fn}: no query worker was free within ${seconds(budgetMs)} s (other searches of this run were using them); try again, or run fewer searches at once`;
}

export function toFileRow(file: IndexedFile): FileRow {
  return { path: file.path, language: file.language, bytes: file.bytes, mtimeMs: file.mtimeMs, ...(file.target ? { target: file.target } : {}) };
}

/** A record as files() shows it. */
function toFileInfo(file: IndexedFile): FileInfo {
  return { path: file.path, language: file.language, bytes: file.bytes, lines: file.lines };
}

/** read()'s line range, checked: 1-based and inclusive; the end absent means to the last line. */
export function lineRange(path: string, startLine: unknown, endLine: unknown): { start: number; end?: number } {
  const start = lineArgument('startLine', startLine) ?? 1;
  const end = lineArgument('endLine', endLine);
  if (end !== undefined && end < start) {
    throw new Error(`read('${path}', ${startLine}, ${endLine}): endLine is before startLine; lines are 1-based and inclusive`);
  }
  return { start, end };
}

/** The lines of a range, joined as read() returns them. */
export function linesIn(lines: readonly string[], range: { start: number; end?: number }): string {
  const from = Math.max(1, range.start);
  const to = Math.min(lines.length, range.end ?? lines.length);
  return from > to ? '' : lines.slice(from - 1, to).join('\n');
}

function lineArgument(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new Error(`read(): ${name} must be a whole line number (1-based), got ${JSON.stringify(value)}`);
  }
  return value;
}
