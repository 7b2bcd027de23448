// symbols(), outline() and ast_query() for model code, over a SymbolIndex. Nothing here blocks the host
// thread: files a query needs that are not parsed yet are parsed urgently by the parser threads (within the
// call's time budget; what is still missing is reported, not waited for forever), and every glob, regex
// and Tree-sitter query the model wrote runs in a query worker under a deadline.
import { budgetLeft, callBudget, seconds, workerDeadline } from '../queries/budget';
import { checkPattern, describeType, literalMatcher, nameLiterals } from '../queries/patterns';
import type { QueryWorkers } from '../queries/QueryWorkers';
import { busyMessage, selectRows } from '../FileSystemWorkspace';
import { waitForFileList } from '../FirstWalk';
import { byPath } from '../WorkspaceIndex';
import type { CallControl, FileListing, PartialResult } from '../types';
import { AST_MAX_RESULTS_LIMIT, DEFAULT_AST_MAX_RESULTS } from './AstQueryRunner';
import { GRAMMAR_LANGUAGES, Grammars } from './Grammars';
import { formatOutline } from './outline';
import type { Ripgrep } from '../RipgrepSearch';
import type { EnsureParsedOptions, SymbolIndex } from './SymbolIndex';
import { kindId, nameId, NO_SYMBOLS, symbolCount, type SymbolRows } from './SymbolStore';
import type { AstMatch, AstQueryOptions, CodeSymbol, SourceFileRecord, SymbolFilter } from './types';
import { eachInSlices, nextTurn, pauseIfDue } from '../../edits/TimeSlicer';

export const DEFAULT_SYMBOL_RESULTS = 5_000;
/** A name filter always gets this long in its worker, even after waiting for the parser used up the budget. */
const MIN_SELECT_MS = 1_000;
const MAX_SYMBOL_RESULTS = 50_000;
/** A name whose every character is a word character in ripgrep's sense, so a definition of it is a whole word. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const WHOLE_LIST: FileListing = { untilListed: async () => undefined };

export class SymbolQueries {
  constructor(
    private readonly index: SymbolIndex,
    private readonly queries: QueryWorkers,
    private readonly timeBudgetMs: number,
    /** The file list the index is fed from, while it may still be partial (CodeWorkspace passes its WorkspaceIndex). */
    private readonly listing: FileListing = WHOLE_LIST,
    /** Narrows a cold name query to the files that contain the name, before any is parsed. */
    private readonly ripgrep?: Ripgrep,
  ) {
    queries.setTable('symbolFiles', {
      version: () => index.version('records'),
      rows: () => [...index.files()], // packed as FileRows
    });
    // The index's strings: every name (and the few kinds and containers beside them); the table only grows.
    queries.setTable('symbolNames', { version: () => index.version('strings'), rows: () => index.strings.all(), appendOnly: true });
  }

  /**
   * Definitions matching the filter, in path order then line order. Files not parsed yet are parsed first
   * (only those whose text contains a name's literal parts, when a name is given); past the time budget the
   * answer says how many files it could not wait for, and whether the file list itself is still partial.
   */
  async symbols(filter: SymbolFilter = {}, control?: CallControl): Promise<PartialResult<CodeSymbol>> {
    const { name, path, kinds, maxResults } = checkFilter(filter);
    const callMs = callBudget(this.timeBudgetMs, control);
    const until = Date.now() + callMs;
    const unlisted = await waitForFileList(this.listing, 'symbols', until, control);
    await this.index.caughtUp(); // the files listed so far, all of them (a big list reaches the index in slices)
    const candidates = (await this.filesAt(path, 'symbols', budgetLeft(until, callMs), control)).sort(byPath);
    const literals = name === undefined ? undefined : nameLiterals(name);
    await nextTurn(); // gathering 96,000 candidates and checking which need parsing take some 20 ms each: not in one turn
    const lackLiterals = await this.index.ensureParsed(candidates, { literals, until, signal: control?.signal, containing: this.containing(name, literals, until, control) });
    if (control?.signal?.aborted) throw new Error('symbols was cancelled');
    // What the answer covers, taken before a name filter runs in a worker against the names of (at least) these
    // files, while more files get parsed; those count as missing, never as searched. So does a file changed since
    // it was parsed (its new text is queued). Taken in slices: 96,000 files took the host 65 ms in one go.
    const found: Array<{ path: string; rows: SymbolRows | undefined }> = [];
    let missing = 0;
    await eachInSlices(candidates, (file) => {
      const rows = this.index.rowsOf(file.path);
      found.push({ path: file.path, rows });
      if (rows === undefined && this.index.parseable(file) && !lackLiterals(file.path)) missing++;
    }, () => {
      if (control?.signal?.aborted) throw new Error('symbols was cancelled');
    });
    const strings = this.index.strings;
    let keepName: ((id: number) => boolean) | undefined;
    if (name !== undefined) {
      const literal = literalMatcher('symbolName', name);
      if (literal) {
        keepName = memoById(strings.size, (id) => literal(strings.at(id)));
      } else {
        // What waiting for the parser left of the budget, but never so little that a fine pattern looks slow.
        const left = Math.max(MIN_SELECT_MS, until - Date.now());
        const ids = new Set((await selectRows(this.queries, 'symbolNames', 'symbolName', name, 'symbols', left, control)).map((n) => strings.idOf(n)));
        keepName = (id) => ids.has(id);
      }
    }
    const kindIds = kinds && new Set([...kinds].map((k) => strings.idOf(k)).filter((id) => id !== undefined));
    // The answer is built in slices: built in one step, whole-index answers held the host thread for 0.9 s over a
    // session of the monorepo bench (1.5 M definitions). Only the definitions returned become objects.
    const items: CodeSymbol[] = [];
    let total = 0;
    for (const file of found) {
      const rows = file.rows ?? NO_SYMBOLS;
      for (let i = 0; i < symbolCount(rows); i++) {
        if ((keepName && !keepName(nameId(rows, i))) || (kindIds && !kindIds.has(kindId(rows, i)))) continue;
        if (++total <= maxResults) items.push(strings.symbol(rows, i, file.path));
      }
      const pause = pauseIfDue();
      if (pause) {
        await pause;
        if (control?.signal?.aborted) throw new Error('symbols was cancelled');
      }
    }
    const notes: string[] = unlisted ? [unlisted] : [];
    if (total > maxResults) notes.push(`showing the first ${maxResults} of ${total} definitions: narrow the filter (name, kind, path) or pass a larger maxResults`);
    if (missing > 0) {
      notes.push(`${missing} matching file${missing === 1 ? ' is' : 's are'} not parsed yet (indexing is still running), so definitions there are missing: call again in a moment, or narrow the filter with {path}`);
    }
    return { items, ...(notes.length ? { incomplete: notes.join('; ') } : {}) };
  }

  /**
   * ripgrep's answer to which files contain a name's longest literal part (as a whole word when the name is an
   * exact identifier: a file that defines `Connection` has it between non-word characters). The parser threads
   * still check every literal in the files it lets through.
   */
  private containing(name: string | undefined, literals: string[] | undefined, until: number, control?: CallControl): EnsureParsedOptions['containing'] {
    const ripgrep = this.ripgrep;
    if (!ripgrep || name === undefined || !literals) return undefined;
    const longest = literals.reduce((a, b) => (b.length > a.length ? b : a));
    const word = literals.length === 1 && longest === name && IDENTIFIER.test(name);
    return (files) => {
      // Most of the folder: rg reads the folders the walk read (see ContainingOptions.folders) rather than the files.
      const folders = files.length * 2 >= this.index.fileCount ? this.listing.directories?.() : undefined;
      return ripgrep.filesContaining(this.index.root, files, longest, { word, until, signal: control?.signal, ...(folders ? { folders } : {}) });
    };
  }

  /** The file's definitions as an indented outline with line ranges. */
  async outline(path: string, control?: CallControl): Promise<string> {
    const budgetMs = callBudget(this.timeBudgetMs, control);
    const until = Date.now() + budgetMs;
    let record = this.index.record(path);
    if (!record) {
      const unlisted = await waitForFileList(this.listing, 'outline', until, control);
      await this.index.caughtUp();
      record = this.index.record(path);
      if (!record && unlisted) throw new Error(`outline('${path}'): not in the file list yet, ${unlisted}`);
    }
    if (!record) throw new Error(`outline: "${path}" is not a file of this workspace. Pass a workspace-relative path as listed by files().`);
    if (!Grammars.supports(record.language)) return `${record.path}: no outline (no grammar for language "${record.language}")`;
    if (!this.index.parseable(record)) return `${record.path}: no outline (file too large to parse: ${record.bytes} bytes)`;
    await this.index.ensureParsed([record], { until, signal: control?.signal });
    if (this.index.symbolsOf(record.path) === undefined) {
      if (control?.signal?.aborted) throw new Error('outline was cancelled');
      throw new Error(`outline: '${record.path}' could not be parsed within ${seconds(budgetMs)} s (the parser threads are busy indexing); try again in a moment`);
    }
    return formatOutline(record.path, this.index.symbolsOf(record.path) ?? []);
  }

  /** Runs a Tree-sitter query over matching files in a query worker; stops at maxResults or the time budget. */
  async astQuery(query: string, options: AstQueryOptions = {}, control?: CallControl): Promise<PartialResult<AstMatch>> {
    if (typeof query !== 'string' || query.trim() === '') {
      throw new Error(`ast_query: query must be a Tree-sitter query string, e.g. ast_query("(function_declaration name: (identifier) @name)", {language: "typescript"}), got ${describeType(query)}`);
    }
    const { language, glob, maxResults } = checkAstOptions(options);
    const callMs = callBudget(this.timeBudgetMs, control);
    const until = Date.now() + callMs;
    const unlisted = await waitForFileList(this.listing, 'ast_query', until, control);
    await this.index.caughtUp();
    const budgetMs = budgetLeft(until, callMs);
    const outcome = await this.queries.run(
      { kind: 'astQuery', root: this.index.root, files: { name: 'symbolFiles' }, query, language, glob, maxResults, maxFileBytes: this.index.maxFileBytes, budgetMs },
      workerDeadline(budgetMs, control),
    );
    if (outcome.status === 'cancelled') throw new Error('ast_query was cancelled');
    if (outcome.status === 'stalled' && outcome.queued) throw new Error(busyMessage('ast_query', budgetMs));
    const notes = unlisted ? [unlisted] : [];
    if (outcome.status === 'stalled' && outcome.row === undefined) {
      // Stopped before it reached a file (on a starved machine, while the thread loaded the grammars): nothing points
      // at the query, so this is a search that ran out of time, not a slow query (as grep says it).
      notes.push(`ran out of time before any file was searched (${seconds(budgetMs)} s budget); try again`);
      return { items: [], incomplete: notes.join('; ') };
    }
    if (outcome.status === 'stalled') {
      throw new Error(`ast_query: the query did not finish within ${seconds(budgetMs)} s and was stopped (a #match? regex that backtracks, or a pattern that matches almost everything?); simplify it or narrow it with {language, glob}`);
    }
    const { matches, capped, timedOut } = outcome.answer;
    if (timedOut) notes.push(`ran out of time after ${matches.length} matches (${seconds(budgetMs)} s budget); the list is incomplete: narrow it with {language, glob}`);
    else if (capped) notes.push(`stopped at ${matches.length} matches (maxResults); narrow the query or glob, or pass a larger maxResults`);
    return { items: matches, ...(notes.length ? { incomplete: notes.join('; ') } : {}) };
  }

  private async filesAt(path: string | undefined, fn: string, budgetMs: number, control?: CallControl): Promise<SourceFileRecord[]> {
    const all = [...this.index.files()];
    const literal = literalMatcher('symbolPath', path ?? '');
    if (literal) return all.filter((r) => literal(r.path));
    const paths = new Set(await selectRows(this.queries, 'symbolFiles', 'symbolPath', path!, fn, budgetMs, control));
    const picked: SourceFileRecord[] = [];
    await eachInSlices(all, (r) => { // in slices: a lookup by path costs about half a microsecond
      if (paths.has(r.path)) picked.push(r);
    });
    return picked;
  }
}

/** A test of a string id, run once per id (the table's ids below `size`; a newer id is tested each time). */
function memoById(size: number, test: (id: number) => boolean): (id: number) => boolean {
  const verdicts = new Uint8Array(size); // 0: not tested yet, 1: kept, 2: not
  return (id) => {
    if (id >= size) return test(id);
    if (verdicts[id] === 0) verdicts[id] = test(id) ? 1 : 2;
    return verdicts[id] === 1;
  };
}

function checkFilter(filter: unknown): { name?: string; path?: string; kinds?: Set<string>; maxResults: number } {
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) {
    throw new Error(`symbols: the filter must be an object {name?, kind?, path?, maxResults?}, e.g. symbols({name: "parse*", kind: "function"}), got ${describeType(filter)}`);
  }
  const f = filter as Record<string, unknown>;
  const name = checkPattern('symbolName', f.name, 'symbols', 'name');
  const path = checkPattern('symbolPath', f.path, 'symbols', 'path');
  let kinds: Set<string> | undefined;
  if (f.kind !== undefined && f.kind !== null) {
    const list = Array.isArray(f.kind) ? f.kind : [f.kind];
    if (!list.every((k) => typeof k === 'string')) throw new Error(`symbols: kind must be a string or an array of strings such as ["class", "interface"], got ${describeType(f.kind)}`);
    kinds = new Set((list as string[]).map((k) => k.toLowerCase()));
  }
  return { name, path, kinds, maxResults: wholeNumber(f.maxResults, 'symbols', DEFAULT_SYMBOL_RESULTS, MAX_SYMBOL_RESULTS) };
}

function checkAstOptions(options: unknown): { language?: string; glob?: string; maxResults: number } {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(`ast_query: options must be an object {language?, glob?, maxResults?}, got ${describeType(options)}`);
  }
  const o = options as Record<string, unknown>;
  if (o.language !== undefined && (typeof o.language !== 'string' || !Grammars.supports(o.language))) {
    throw new Error(`ast_query: no grammar for language ${JSON.stringify(o.language)}. Languages with grammars: ${GRAMMAR_LANGUAGES.join(', ')}.`);
  }
  const glob = checkPattern('fileGlob', o.glob, 'ast_query', 'glob');
  return { language: o.language as string | undefined, glob, maxResults: wholeNumber(o.maxResults, 'ast_query', DEFAULT_AST_MAX_RESULTS, AST_MAX_RESULTS_LIMIT) };
}

function wholeNumber(value: unknown, fn: string, fallback: number, max: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new Error(`${fn}: maxResults must be a whole number of at least 1, got ${describeType(value)}`);
  }
  return Math.min(value, max);
}
