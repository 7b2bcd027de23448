// Symbol recall against universal-ctags: the share of ctags' function / method / class / struct /
// interface / enum definitions that symbols() also reports with the same path and name. Misses are
// grouped by language, ctags kind and what we have on that line, with examples to read.
// ctags names these kinds per language (Go's `func`, Ruby's `singletonMethod`, Python's `member` for a
// method), and some of its names mean something else elsewhere (C/C++ `member` is a data field).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CtagsTag } from './ctags';

/** ctags kinds counted in every language. */
const RECALL_KINDS = ['function', 'method', 'class', 'struct', 'interface', 'enum'];
/** The same definitions under ctags' per-language kind names (keys are ctags parser names). */
const LANGUAGE_KINDS: Record<string, string[]> = {
  Python: ['member'], // a method
  Go: ['func'],
  Ruby: ['singletonMethod', 'module'], // `def self.x`; a module is Ruby's other class-like definition
  PHP: ['trait'],
};
const countedKinds = new Map<string, Set<string>>();
function isCounted(t: CtagsTag): boolean {
  let kinds = countedKinds.get(t.language);
  if (!kinds) countedKinds.set(t.language, (kinds = new Set([...RECALL_KINDS, ...(LANGUAGE_KINDS[t.language] ?? [])])));
  return kinds.has(t.kind);
}
/** ctags invents names for anonymous functions, classes and C structs (AnonymousFunction1a2b, __anon0a1b...): nothing to look up. */
const ANONYMOUS = /^(Anonymous(Function|Class|Object)[0-9a-f]+|__anon[0-9a-f]+)$/;

export interface RecallMiss {
  cause: string;
  /** ctags' definition is a misreading (an object literal called a class, a keyword called a method). */
  ctagsMisread: boolean;
  tags: CtagsTag[];
}

export interface Recall {
  counted: number;
  found: number;
  share: number;
  /** Counted definitions that are ctags misreadings, and the share found of the rest (the real definitions). */
  misread: number;
  shareOfDefinitions: number;
  /** Largest group first. */
  misses: RecallMiss[];
}

/** `dumpFile` holds our symbols as `path\tname\tkind\tline` lines (written by the cold phase). */
export function measureRecall(corpusDir: string, tags: readonly CtagsTag[], dumpFile: string, languageOf: (path: string) => string): Recall {
  const texts = new Map<string, string[]>();
  const lineText = (t: CtagsTag) => {
    let lines = texts.get(t.path);
    if (!lines) texts.set(t.path, (lines = readFileSync(join(corpusDir, t.path), 'utf8').split('\n')));
    return lines[t.line - 1] ?? '';
  };
  const names = new Map<string, Set<string>>(); // path -> our names
  const onLine = new Map<string, string[]>(); // path:line -> our "name (kind)"
  for (const row of readFileSync(dumpFile, 'utf8').split('\n')) {
    const [path, name, kind, line] = row.split('\t');
    if (!path) continue;
    let set = names.get(path);
    if (!set) names.set(path, (set = new Set()));
    set.add(name);
    if (/\s/.test(name)) set.add(name.replace(/\s+/g, '')); // `operator ==` and `operator==` alike
    const key = `${path}:${line}`;
    onLine.set(key, [...(onLine.get(key) ?? []), `${name} (${kind})`]);
  }
  const counted = tags.filter((t) => isCounted(t) && !ANONYMOUS.test(t.name));
  const groups = new Map<string, RecallMiss>();
  let found = 0;
  for (const t of counted) {
    // ctags drops the '#' of private JS methods (it keeps it in TS); our names keep it. ctags writes C++
    // operators with a space (`operator ==`), and C# explicit interface implementations qualified
    // (`IDisposable.Dispose`): ours are the source text (`operator==`) and the method's own name.
    const ours = names.get(t.path);
    if (ours?.has(t.name) || ours?.has(`#${t.name}`) || ours?.has(t.name.replace(/\s+/g, ''))
      || (t.language === 'C#' && ours?.has(t.name.slice(t.name.lastIndexOf('.') + 1)))) {
      found++;
      continue;
    }
    const why = explainMiss(t, onLine.has(`${t.path}:${t.line}`), lineText(t));
    const cause = `${languageOf(t.path)} ${t.kind}: ${why.cause}`;
    let group = groups.get(cause);
    if (!group) groups.set(cause, (group = { cause, ctagsMisread: why.ctagsMisread, tags: [] }));
    group.tags.push(t);
  }
  const misses = [...groups.values()].sort((a, b) => b.tags.length - a.tags.length);
  const misread = misses.reduce((n, m) => n + (m.ctagsMisread ? m.tags.length : 0), 0);
  const definitions = counted.length - misread;
  return {
    counted: counted.length, found, share: counted.length ? found / counted.length : 1,
    misread, shareOfDefinitions: definitions ? found / definitions : 1, misses,
  };
}

/**
 * The headline recall: the share of ctags' real definitions found, with the raw share (which counts ctags'
 * misreadings as misses) beside it when there are any.
 */
export function recallValue(r: Recall, digits: number): string {
  const pct = (share: number) => `${(100 * share).toFixed(digits)}%`;
  return r.misread === 0 ? pct(r.share) : `${pct(r.shareOfDefinitions)} (${pct(r.share)} counting ${r.misread.toLocaleString('en-US')} ctags misreadings)`;
}

const STATEMENT_KEYWORDS = /^(if|else|for|while|do|switch|case|return|new|catch|try|throw)$/;

/** Known patterns first (mostly ctags misreading code), then what we have on that line. */
function explainMiss(t: CtagsTag, weHaveThatLine: boolean, line: string): { cause: string; ctagsMisread: boolean } {
  const misread = (cause: string) => ({ cause, ctagsMisread: true });
  const ours = (cause: string) => ({ cause, ctagsMisread: false });
  if (STATEMENT_KEYWORDS.test(t.name)) return misread(`ctags tags the keyword '${t.name}' (a statement or construct signature misread)`);
  if (line.includes(`${t.name}.prototype`)) return misread('ctags reads a `Name.prototype...` expression as a class');
  if (t.kind === 'class' && new RegExp(`^\\s*['"]?${escapeRegex(t.name)}['"]?\\s*:\\s*\\{`).test(line)) {
    return misread('ctags calls an object-literal key holding an object a class');
  }
  if (t.kind === 'class' && new RegExp(`\\b${escapeRegex(t.name)}(\\[[^\\]]*\\])?\\s*=\\s*\\{`).test(line)) {
    return misread('ctags calls an object literal assigned to a name a class (we index module-level ones only)');
  }
  if (t.language === 'Ruby' && /\bdef\s+\S*#\{/.test(line)) return misread('ctags reads a `def` inside a string of code for eval as a method');
  if (t.name.startsWith('[')) return ours('computed member name ([...])');
  if (!/^[\p{L}_$#][\p{L}\p{N}_$]*$/u.test(t.name)) return ours('name is not an identifier (quoted key or operator)');
  return ours(weHaveThatLine ? 'we report another name on that line' : 'nothing of ours on that line');
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The source line of a tag, trimmed, for the examples in the report. */
export function sourceLine(corpusDir: string, t: CtagsTag): string {
  try {
    return readFileSync(join(corpusDir, t.path), 'utf8').split('\n')[t.line - 1]?.trim().slice(0, 90) ?? '';
  } catch {
    return '';
  }
}
