// Semantic conflicts: changes that merge as text but not as code. One partition removes or renames a
// definition (a name its files define before its change and no longer define after it, Tree-sitter tags on
// both texts); another partition's added lines use that name. Uses come from the syntax tree when a
// SymbolSource offers identifiersOf (identifiers only: names in comments and strings do not count), else from
// a word-boundary scan of the added lines (which also counts names in comments and strings).
import type { SemanticClash } from './conflicts';
import { diffTexts } from './lineDiff';
import { pauseIfDue } from './TimeSlicer';
import type { FileChange } from './types';

/** A definition in a text (Tree-sitter tags; the shape of the syntax layer's FileSymbol). */
export interface Definition {
  name: string;
  kind: string;
  line: number;
  container?: string;
}

export interface Identifier {
  name: string;
  line: number;
}

/** Where definitions and identifier uses come from; integration.ts looks for no semantic conflict without one. */
export interface SymbolSource {
  /** The definitions in `text`, parsed as the language of `path`; undefined when no grammar covers it. */
  definitionsOf(path: string, text: string): Promise<readonly Definition[] | undefined>;
  /** The identifiers on the given 1-based lines of `text`; undefined (or absent) falls back to a word scan. */
  identifiersOf?(path: string, text: string, lines: readonly number[]): Promise<readonly Identifier[] | undefined>;
}

export interface PartitionFiles {
  partition: string;
  files: readonly FileChange[];
}

/** At most this many semantic conflicts are reported: past it they stop being read. */
const MAX_CLASHES = 50;
const WORD = /[\p{L}_$][\p{L}\p{N}_$]*/gu;

export async function semanticClashes(partitions: readonly PartitionFiles[], symbols: SymbolSource): Promise<SemanticClash[]> {
  const facts = [];
  for (const p of partitions) facts.push(await factsOf(p, symbols));
  const clashes: SemanticClash[] = [];
  const seen = new Set<string>();
  for (const remover of facts) {
    if (remover.removed.size === 0) continue;
    for (const user of facts) {
      if (user === remover) continue;
      for (const use of user.uses) {
        const def = remover.removed.get(use.name);
        if (!def || user.introduced.has(use.name)) continue;
        const key = `${remover.partition}\0${user.partition}\0${use.name}\0${use.path}`;
        if (seen.has(key)) continue;
        seen.add(key);
        clashes.push({ name: use.name, kind: def.kind, removed: { partition: remover.partition, path: def.path, line: def.line }, used: { partition: user.partition, path: use.path, line: use.line, text: use.text } });
        if (clashes.length >= MAX_CLASHES) return clashes;
      }
    }
  }
  return clashes;
}

interface Facts {
  partition: string;
  /** Names the partition's files defined before its change and define nowhere after it. */
  removed: Map<string, { kind: string; path: string; line: number }>;
  /** Names the partition's change defines that its files did not define before (its own definition of a name). */
  introduced: Set<string>;
  uses: Array<{ name: string; path: string; line: number; text: string }>;
}

/** Parses in flight at once: enough to keep every parser thread busy, few enough to bound memory. */
const IN_FLIGHT = 8;

async function factsOf(p: PartitionFiles, symbols: SymbolSource): Promise<Facts> {
  const perFile = await mapInFlight(p.files, IN_FLIGHT, async (file) => {
    await pauseIfDue();
    const oldPath = file.from ?? file.path;
    const before = file.base === undefined ? [] : (await symbols.definitionsOf(oldPath, file.base)) ?? [];
    if (file.text === undefined) return { oldPath, before, after: [], uses: [] };
    const added = addedLines(file);
    // Identifiers first: a SymbolSource may answer both questions from one parse of the text.
    const identifiers = added.size === 0 ? [] : (await symbols.identifiersOf?.(file.path, file.text, [...added.keys()])) ?? wordScan(added);
    const after = (await symbols.definitionsOf(file.path, file.text)) ?? [];
    return { oldPath, before, after, uses: identifiers.map((id) => ({ name: id.name, path: file.path, line: id.line, text: (added.get(id.line) ?? '').trim() })) };
  });
  const before = new Map<string, { kind: string; path: string; line: number }>();
  const defines = new Set<string>();
  const uses: Facts['uses'] = [];
  for (const f of perFile) {
    for (const d of f.before) if (!before.has(d.name)) before.set(d.name, { kind: d.kind, path: f.oldPath, line: d.line });
    for (const d of f.after) defines.add(d.name);
    uses.push(...f.uses);
  }
  const removed = new Map([...before].filter(([name]) => !defines.has(name)));
  const introduced = new Set([...defines].filter((name) => !before.has(name)));
  return { partition: p.partition, removed, introduced, uses };
}

/** `fn` over the items with at most `limit` running at once; results in the items' order. */
async function mapInFlight<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** 1-based line numbers of the lines a change adds (in its new text), with their text. */
function addedLines(file: FileChange): Map<number, string> {
  const added = new Map<number, string>();
  for (const hunk of diffTexts(file.base, file.text).hunks) {
    let line = hunk.newStart;
    for (const l of hunk.lines) {
      const sign = l[0];
      if (sign === '+') added.set(line++, l.slice(1));
      else if (sign === ' ') line++;
    }
  }
  return added;
}

function wordScan(added: Map<number, string>): Identifier[] {
  const found: Identifier[] = [];
  for (const [line, text] of added) for (const m of text.matchAll(WORD)) found.push({ name: m[0], line });
  return found;
}
