// Edits: integrating the change sets of parallel partitions and writing the merged change set as a patch, on
// the host thread as the extension runs them. 500 TypeScript-like files of ~170 lines, 10 hunks each: partition
// "even" edits hunks 0, 2, ..., 8 of every file and "odd" hunks 1, 3, ..., 9 (so every file is a three-way
// merge), and "moves" renames 25 of those files and creates 25 new ones. Target: integrate + patch under 1 s,
// and no stall of the event loop longer than 50 ms (both yield between files).
// Alone: node --import tsx bench/edits.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChangeSet } from '../src/core/edits/ChangeSet';
import { integrate } from '../src/core/edits/integrate';
import { toPatch } from '../src/core/edits/patch';
import { syntaxSymbols } from '../src/core/edits/syntaxSymbols';
import { SymbolIndex } from '../src/core/workspace/syntax/SymbolIndex';
import { renderSection, type Section } from './report';
import { watchingTheEventLoop } from '../test/support/eventLoop';

export const EDIT_FILES = 500;
export const HUNKS_PER_FILE = 10;
const TARGET_MS = 1_000;
const STALL_TARGET_MS = 50;

function sourceFile(f: number): string {
  const lines = [`// module ${f}: generated for the edit benchmark`, `import { log } from "../log";`, ''];
  for (let h = 0; h < HUNKS_PER_FILE; h++) {
    lines.push(
      `export function step${f}_${h}(input: number[]): number {`,
      '  let total = 0;',
      '  for (const value of input) {',
      `    total += value * ${h + 1};`,
      '  }',
      `  log("step ${f}.${h}", total);`,
      '  if (total > 1000) {',
      '    return total / 2;',
      '  }',
      '  return total;',
      '}',
      '',
    );
  }
  for (let i = 0; i < 45; i++) lines.push(`export const constant${f}_${i} = ${i};`);
  return lines.join('\n') + '\n';
}

/** Hunk h of file f: one line of the h-th function changed, one added. */
function editHunk(text: string, f: number, h: number): string {
  return text.replace(`    total += value * ${h + 1};`, `    total += value * ${h + 1} + ${f};\n    total = Math.round(total);`);
}

export interface EditsBenchResult {
  files: number;
  hunks: number;
  partitions: number;
  proposeMs: number;
  /** Median over the runs, each a fresh integration and patch of the same change sets. */
  integrateMs: number;
  patchMs: number;
  totalMs: number;
  runs: number;
  /** Longest gap of a 5 ms timer while integrate + patch ran (the worst run). */
  longestStallMs: number;
  patchMegabytes: number;
  conflicts: number;
  resolutions: number;
  /** integrate with the semantic check: every before/after text parsed on two parser threads (one run). */
  semanticMs: number;
  semanticStallMs: number;
}

export async function editsBench(runs = 5): Promise<EditsBenchResult> {
  const base = new Map<string, string>();
  for (let f = 0; f < EDIT_FILES; f++) base.set(`src/mod${String(f).padStart(3, '0')}.ts`, sourceFile(f));
  const read = async (p: string) => base.get(p);
  const started = performance.now();
  const even = new ChangeSet(read);
  const odd = new ChangeSet(read);
  const moves = new ChangeSet(read);
  let f = 0;
  for (const [path, text] of base) {
    let mine = text;
    let theirs = text;
    for (let h = 0; h < HUNKS_PER_FILE; h++) {
      if (h % 2 === 0) mine = editHunk(mine, f, h);
      else theirs = editHunk(theirs, f, h);
    }
    await even.proposeEdit(path, mine, `even hunks of ${path}`);
    await odd.proposeEdit(path, theirs, `odd hunks of ${path}`);
    if (f % 20 === 0) await moves.proposeRename(path, path.replace('src/', 'src/moved/'), 'move');
    if (f % 20 === 10) await moves.proposeEdit(path.replace('.ts', '.extra.ts'), `export const extra${f} = ${f};\n`, 'new file');
    f++;
  }
  const proposeMs = performance.now() - started;
  const partitions = [{ partition: 'even', changes: even }, { partition: 'odd', changes: odd }, { partition: 'moves', changes: moves }];

  const samples: Array<{ integrateMs: number; patchMs: number }> = [];
  let longestStallMs = 0;
  let patch = '';
  let conflicts = 0;
  let resolutions = 0;
  for (let run = 0; run < runs; run++) {
    let t0 = 0;
    let t1 = 0;
    const { value: result, longestGapMs: stall } = await watchingTheEventLoop(async () => {
      t0 = performance.now();
      const integration = await integrate({ read, partitions });
      t1 = performance.now();
      patch = await toPatch(integration.changes);
      return integration;
    });
    const t2 = performance.now();
    samples.push({ integrateMs: t1 - t0, patchMs: t2 - t1 });
    longestStallMs = Math.max(longestStallMs, stall);
    conflicts = result.conflicts.length;
    resolutions = result.resolutions.length;
    const merged = result.changes.files().filter((file) => (file.text?.match(/Math\.round/g) ?? []).length === HUNKS_PER_FILE);
    if (merged.length !== EDIT_FILES) throw new Error(`only ${merged.length} of ${EDIT_FILES} files carry all ${HUNKS_PER_FILE} hunks after integration`);
  }
  // The semantic check: Tree-sitter on the parser threads (started before the clock, as a workspace has them running).
  const root = mkdtempSync(join(tmpdir(), 'rlm-bench-edits-'));
  const index = await SymbolIndex.open({ root, files: [], workers: 2 });
  let semanticMs = 0;
  let semanticStallMs = 0;
  try {
    await index.parseText('typescript', 'const warm = 1;');
    const watched = await watchingTheEventLoop(() => integrate({ read, partitions, symbols: syntaxSymbols(index) }));
    semanticMs = watched.took;
    semanticStallMs = watched.longestGapMs;
  } finally {
    index.dispose();
    rmSync(root, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const integrateMs = median(samples.map((s) => s.integrateMs));
  const patchMs = median(samples.map((s) => s.patchMs));
  return {
    files: EDIT_FILES, hunks: EDIT_FILES * HUNKS_PER_FILE, partitions: partitions.length, proposeMs,
    integrateMs, patchMs, totalMs: median(samples.map((s) => s.integrateMs + s.patchMs)), runs,
    longestStallMs, patchMegabytes: patch.length / 1e6, conflicts, resolutions, semanticMs, semanticStallMs,
  };
}

export function editsSection(r: EditsBenchResult): Section {
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  return {
    title: 'Edits: integrating partitions and writing the patch',
    rows: [
      { measure: `integrate + patch, ${r.files} files x ${HUNKS_PER_FILE} hunks from ${r.partitions} partitions (median of ${r.runs})`, value: ms(r.totalMs), target: `< ${ms(TARGET_MS)}`, ok: r.totalMs < TARGET_MS },
      { measure: 'of which integrate (three-way merges, renames, creations)', value: ms(r.integrateMs), target: '' },
      { measure: `of which toPatch (${r.patchMegabytes.toFixed(1)} MB of unified diff)`, value: ms(r.patchMs), target: '' },
      { measure: 'longest event-loop stall while they ran (5 ms timer)', value: ms(r.longestStallMs), target: `< ${ms(STALL_TARGET_MS)}`, ok: r.longestStallMs < STALL_TARGET_MS },
      { measure: `building the three change sets (${r.files * 2 + 50} proposals)`, value: ms(r.proposeMs), target: '' },
      { measure: 'integrate with the semantic check (Tree-sitter on 2 parser threads)', value: `${ms(r.semanticMs)} (longest stall ${ms(r.semanticStallMs)})`, target: '' },
    ],
    notes: [
      `Synthetic TypeScript-like files (bench/edits.ts): every file is changed by two partitions on alternate hunks (${r.files} three-way merges, ` +
        `all ${HUNKS_PER_FILE} hunks checked present after each run), a third partition renames 25 of them and creates 25 files; ` +
        `${r.conflicts} conflicts, ${r.resolutions} resolutions reported. The first rows run without the semantic check; the last adds it ` +
        '(syntaxSymbols over SymbolIndex.parseText: each partition\'s before and after texts parsed off the host thread).',
    ],
  };
}

if (require.main === module) {
  void editsBench().then((r) => console.log(renderSection(editsSection(r))));
}
