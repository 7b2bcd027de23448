// needle-code: questions about a real workspace whose answers its own indexes know. "Where is X defined?"
// comes from the Tree-sitter symbol index (a name defined exactly once), scored by path and line within a
// tolerance; "Which files call Y?" comes from grep (`\bY\s*\(` outside Y's own definition line), scored by F1
// over the paths. The same workspace and seed give the same questions.

import { CHARS_PER_TOKEN } from '../../models/usage';
import type { CodeWorkspace } from '../../workspace/CodeWorkspace';
import type { CodeSymbol } from '../../workspace/syntax/types';
import type { EvalTask } from '../EvalTask';
import { seededRandom, shuffled, taskSeed } from '../random';

const DEFINITION_KINDS = ['function', 'method', 'class', 'interface', 'struct', 'enum', 'type'];
const CALLABLE_KINDS = new Set(['function', 'method']);
/** The symbol index answers at most this many definitions in one call. */
const MAX_SYMBOLS = 50_000;
/** A caller question is only asked when grep finds between 1 and this many calling files (a readable list). */
const MAX_CALLER_FILES = 8;
/** Short names ("get", "run") match too much text to make a fair question. */
const MIN_NAME_CHARS = 5;
/** Candidates tried for a caller question before the slot falls back to a definition question. */
const MAX_CALLER_TRIES = 20;

export interface NeedleCodeOptions {
  seed: number;
  count: number;
  /** Shown in task ids, so two workspaces' tasks differ. */
  name: string;
  /** The workspace folder, as the tasks' context. */
  path: string;
  signal?: AbortSignal;
}

export async function needleCodeTasks(workspace: CodeWorkspace, options: NeedleCodeOptions): Promise<EvalTask[]> {
  await workspace.ready;
  const { items } = await workspace.symbols({ kind: DEFINITION_KINDS, maxResults: MAX_SYMBOLS }, { signal: options.signal, timeBudgetMs: 120_000 });
  const unique = uniqueDefinitions(items);
  if (unique.length === 0) throw new Error(`needle-code: the workspace ${options.name} has no definitions the symbol index knows (no supported language?)`);
  const r = seededRandom(taskSeed(options.seed, 'needle-code', options.name));
  const candidates = shuffled(unique, r);
  const sizeTokens = Math.ceil(workspace.summary().bytes / CHARS_PER_TOKEN);
  const tasks: EvalTask[] = [];
  let skipped = 0;
  const base = (i: number) => ({ id: `needle-code/${options.name}/s${options.seed}/${i}`, suite: 'needle-code', sizeTokens, context: { kind: 'workspace' as const, path: options.path } });
  // Every other question is about callers, when a callable candidate has a readable set of them.
  for (const symbol of candidates) {
    if (tasks.length >= options.count) break;
    const i = tasks.length;
    if (i % 2 === 1 && CALLABLE_KINDS.has(symbol.kind)) {
      const callers = await callerFiles(workspace, symbol, options.signal);
      if (callers.length >= 1 && callers.length <= MAX_CALLER_FILES) {
        tasks.push({
          ...base(i),
          question: `Which files call the ${symbol.kind} \`${symbol.name}\` (defined in ${symbol.path})? List the paths of the files that call it, one per line (its own definition does not count).`,
          answer: callers,
          scorer: 'f1',
        });
        continue;
      }
    }
    // No readable callers: try a few more candidates for this slot, then ask where this one is defined.
    if (i % 2 === 1 && ++skipped % MAX_CALLER_TRIES !== 0) continue;
    tasks.push({
      ...base(i),
      question: `Where is the ${symbol.kind} \`${symbol.name}\` defined? Answer with its path and line as path:line.`,
      answer: { path: symbol.path, line: symbol.line },
      scorer: 'location',
      tolerance: 3,
    });
  }
  return tasks;
}

/** Definitions whose name is defined nowhere else, with a name long enough to search for. */
function uniqueDefinitions(symbols: CodeSymbol[]): CodeSymbol[] {
  const counts = new Map<string, number>();
  for (const s of symbols) counts.set(s.name, (counts.get(s.name) ?? 0) + 1);
  return symbols
    .filter((s) => counts.get(s.name) === 1 && s.name.length >= MIN_NAME_CHARS && /^[A-Za-z_$][\w$]*$/.test(s.name))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
}

async function callerFiles(workspace: CodeWorkspace, symbol: CodeSymbol, signal?: AbortSignal): Promise<string[]> {
  const escaped = symbol.name.replace(/\$/g, '\\$');
  const { matches } = await workspace.grep(`\\b${escaped}\\s*\\(`, { maxResults: 2_000 }, { signal, timeBudgetMs: 60_000 });
  const files = new Set(matches.filter((m) => !(m.path === symbol.path && m.line === symbol.line)).map((m) => m.path));
  return [...files].sort();
}
