// needle-code: questions about a real workspace whose answers its own indexes know. "Where is X defined?"
// comes from the Tree-sitter symbol index (a name defined exactly once), scored by path and line within a
// tolerance; "Which files call Y?" comes from grep (`\bY\s*\(` outside Y's own definition line), scored by F1
// over the paths. The same workspace and seed give the same questions.

import { CHARS_PER_TOKEN } from '../../models/usage';
import type { CodeWorkspace } from '../../workspace/CodeWorkspace';
import type { CodeSymbol } from '../../workspace/syntax/types';
import type { EvalTask } from '../EvalTask';
import { seededRandom, shuffled, taskSeed } from '../random';
import { sizeLabel } from './contextSizes';

const DEFINITION_KINDS = ['function', 'method', 'class', 'interface', 'struct', 'enum', 'type'];
const CALLABLE_KINDS = new Set(['function', 'method']);
/** The symbol index answers at most this many definitions in one call. */
const MAX_SYMBOLS = 50_000;
/** A caller question is only asked when grep finds between 1 and this many calling files (a readable list). */
const MAX_CALLER_FILES = 8;
/** Short names ("get", "run") match too much text to make a fair question. */
const MIN_NAME_CHARS = 5;
/** Callables whose callers are searched for (one grep each) before the rest are definition questions. */
const MAX_CALLER_TRIES = 50;

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
  const id = (i: number) => `needle-code/${options.name}/s${options.seed}/${i}`;
  // One workspace, one size: the report shows its own ("70k"), not a bucket.
  const common = { suite: 'needle-code', sizeTokens, sizeLabel: sizeLabel(sizeTokens), context: { kind: 'workspace' as const, path: options.path } };
  // Up to half the questions are about callers, for callables whose callers make a readable list.
  const callerQuestions: Array<{ symbol: CodeSymbol; callers: string[] }> = [];
  let tried = 0;
  for (const symbol of candidates) {
    if (callerQuestions.length >= Math.floor(options.count / 2) || tried >= MAX_CALLER_TRIES) break;
    if (!CALLABLE_KINDS.has(symbol.kind)) continue;
    tried++;
    const callers = await callerFiles(workspace, symbol, options.signal);
    if (callers.length >= 1 && callers.length <= MAX_CALLER_FILES) callerQuestions.push({ symbol, callers });
  }
  const asked = new Set(callerQuestions.map((q) => q.symbol));
  const definitions = candidates.filter((s) => !asked.has(s)).slice(0, options.count - callerQuestions.length);
  const tasks: EvalTask[] = [];
  // Alternate the two kinds, so a run cut short still has both.
  for (let i = 0; tasks.length < definitions.length + callerQuestions.length; i++) {
    const definition = definitions[i];
    if (definition) {
      tasks.push({
        ...common, id: id(tasks.length),
        question: `Where is the ${definition.kind} \`${definition.name}\` defined? Answer with its path and line as path:line.`,
        answer: { path: definition.path, line: definition.line },
        scorer: 'location',
        tolerance: 3,
      });
    }
    const caller = callerQuestions[i];
    if (caller) {
      tasks.push({
        ...common, id: id(tasks.length),
        question: `Which files call the ${caller.symbol.kind} \`${caller.symbol.name}\` (defined in ${caller.symbol.path})? List the paths of the files that call it, one per line (its own definition does not count).`,
        answer: caller.callers,
        scorer: 'f1',
      });
    }
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
