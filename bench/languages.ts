// Symbol recall and speed per grammar, against universal-ctags on the same files in the same run
// (corpora: bench/languageCorpus.ts). For each language: `ctags -L` on the corpus's file list (one thread)
// and a cold symbol index through the product path (CodeWorkspace.openAsync until ready, then the cache
// write), in its own bundled process; then the share of ctags' function/method/class/struct/interface/enum
// definitions that symbols() reports with the same path and name, misses grouped by cause.
//
//   npm run build && node --import tsx bench/languages.ts [language...]      (needs universal-ctags)
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCtags, type CtagsRun, type CtagsTag } from './ctags';
import { LANGUAGES_DIR, prepareLanguageCorpora, type LanguageCorpus } from './languageCorpus';
import { runPhase } from './phaseRunner';
import { measureRecall, recallValue, sourceLine, type Recall } from './recall';
import { loadLine, renderSection, type Section } from './report';
import { indexedMs, SYMBOL_TARGETS } from './symbols';
import type { PhaseResult } from './workspacePhase';

const MB = 1_000_000;
/** Best of this many alternating runs per language: other sessions' load only ever adds time, to either side. */
const RUNS = 2;
const CAUSES_PER_LANGUAGE = 4;
const EXAMPLES_PER_CAUSE = 2;

export interface LanguageFigure {
  corpus: LanguageCorpus;
  ctags: Omit<CtagsRun, 'tags'> & { tags: number };
  ours: PhaseResult;
  recall: Recall;
  /** Recall on the `.h` files alone (C and C++ corpora): whether headers get the right grammar. */
  headerRecall?: Recall;
  /** How the product recorded the corpus's files (`.h` files are C or C++ by their content). */
  recordedAs: Record<string, number>;
}

export function languageBench(corpora: readonly LanguageCorpus[]): LanguageFigure[] {
  const figures: LanguageFigure[] = [];
  for (const corpus of corpora) {
    if (corpus.files.length === 0) continue;
    process.stderr.write(`${corpus.language} `);
    const work = join(LANGUAGES_DIR, 'work', corpus.language);
    mkdirSync(work, { recursive: true });
    const cacheDir = join(work, 'symbol-cache');
    const dumpFile = join(work, 'ours.tsv');
    let ctags: CtagsRun | undefined;
    let ours: PhaseResult | undefined;
    for (let i = 0; i < RUNS; i++) {
      rmSync(cacheDir, { recursive: true, force: true });
      const c = runCtags(corpus.dir, corpus.listFile, work);
      const p = runPhase({ phase: 'cold', root: corpus.dir, cacheDir, dumpFile });
      if (!ctags || c.ms < ctags.ms) ctags = c;
      if (!ours || indexedMs(p) < indexedMs(ours)) ours = p;
    }
    if (!ctags || !ours) continue;
    const language = new Map(corpus.files.map((f) => [f.path, f.language]));
    const languageOf = (p: string) => language.get(p) ?? 'unknown';
    const recall = measureRecall(corpus.dir, ctags.tags, dumpFile, languageOf);
    const headers = ctags.tags.filter((t: CtagsTag) => t.path.endsWith('.h'));
    const headerRecall = corpus.files.some((f) => f.path.endsWith('.h')) ? measureRecall(corpus.dir, headers, dumpFile, languageOf) : undefined;
    const recordedAs: Record<string, number> = {};
    for (const f of corpus.files) recordedAs[f.language] = (recordedAs[f.language] ?? 0) + 1;
    figures.push({ corpus, ctags: { ...ctags, tags: ctags.tags.length }, ours, recall, headerRecall, recordedAs });
  }
  process.stderr.write('\n');
  return figures;
}

const pct = (share: number) => `${(100 * share).toFixed(1)}%`;
const rate = (bytes: number, ms: number) => (ms > 0 ? (bytes / MB / (ms / 1000)).toFixed(1) : '-');

export function languageSection(figures: readonly LanguageFigure[], skipped: readonly LanguageCorpus[] = []): Section {
  const target = SYMBOL_TARGETS.recall;
  const rows: Section['rows'] = [];
  for (const f of figures) {
    rows.push({
      measure: `${f.corpus.language}: recall vs ctags`,
      value: recallValue(f.recall, 1),
      target: `>= ${100 * target}% (${f.recall.found} of ${f.recall.counted - f.recall.misread})`,
      ok: f.recall.shareOfDefinitions >= target,
    });
    if (f.headerRecall && f.corpus.language !== 'c') {
      rows.push({
        measure: `${f.corpus.language}: recall on .h headers`,
        value: recallValue(f.headerRecall, 1),
        target: `>= ${100 * target}% (${f.headerRecall.found} of ${f.headerRecall.counted - f.headerRecall.misread})`,
        ok: f.headerRecall.shareOfDefinitions >= target,
      });
    }
  }
  const notes = [
    'Speed: corpus MB over wall time. ctags is one thread; ours is the product path (2 parser threads on this 2-core machine) ' +
      'from openAsync until every file is parsed **and the symbol cache is written**; "per CPU-s" divides by the CPU time of all ' +
      `threads instead, the load-independent figure. Best of ${RUNS} alternating runs each.`,
    '',
    'Recall: the share of ctags\' function/method/class/struct/interface/enum definitions (by each ctags parser\'s own ' +
      'kind names) that symbols() reports with the same path and name. The target applies to real definitions: ' +
      'misses that are ctags misreadings (object literals it calls classes, keywords it calls methods, `def`s inside ' +
      'strings of Ruby code) are listed below but not counted against us; the raw share counts them.',
    '',
    '| language | files | MB | ctags MB/s | ours MB/s (wall) | ours MB/s per CPU-s | ctags MB/s per CPU-s | recall | raw recall | symbols (ours) | failed |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const f of figures) {
    const { corpus, ctags, ours } = f;
    notes.push(`| ${corpus.language} | ${corpus.files.length} | ${(corpus.bytes / MB).toFixed(1)} | ${rate(corpus.bytes, ctags.ms)} | ` +
      `${rate(corpus.bytes, indexedMs(ours))} | ${rate(corpus.bytes, ours.cpuMs)} | ${rate(corpus.bytes, ctags.cpuMs)} | ` +
      `${pct(f.recall.shareOfDefinitions)} | ${pct(f.recall.share)} (${f.recall.found}/${f.recall.counted}) | ` +
      `${ours.stats.symbols.toLocaleString('en-US')} | ${ours.stats.failedFiles} |`);
  }
  notes.push('', 'Sources (sampled to a fixed size per source, then cut to the files the product indexes):', '');
  for (const f of figures) {
    const recorded = Object.entries(f.recordedAs).map(([l, n]) => `${n} ${l}`).join(', ');
    notes.push(`- ${f.corpus.language}: ${f.corpus.sources.join('; ')}. Recorded as ${recorded}.` +
      (f.corpus.missing.length ? ` Missing: ${f.corpus.missing.join('; ')}.` : ''));
  }
  for (const s of skipped) notes.push(`- ${s.language}: **skipped**, no sources: ${s.missing.join('; ')}.`);
  notes.push('', 'Largest recall misses per language, by cause:', '');
  for (const f of figures) {
    for (const miss of f.recall.misses.slice(0, CAUSES_PER_LANGUAGE)) {
      const examples = miss.tags.slice(0, EXAMPLES_PER_CAUSE)
        .map((t) => `\`${t.name.slice(0, 40)}\` ${t.path}:${t.line} \`${sourceLine(f.corpus.dir, t).slice(0, 60).replace(/`/g, "'")}\``).join('; ');
      notes.push(`- ${f.corpus.language}: ${miss.tags.length} ${miss.cause}${miss.ctagsMisread ? ' (not counted)' : ''} (e.g. ${examples})`);
    }
  }
  return { title: 'Symbols per language vs universal-ctags (same files)', rows, notes };
}

if (require.main === module) {
  try {
    console.log(loadLine('at start'));
    const corpora = prepareLanguageCorpora({ only: process.argv.slice(2) });
    const figures = languageBench(corpora);
    console.log(renderSection(languageSection(figures, corpora.filter((c) => c.files.length === 0))));
    console.log(loadLine('at end'));
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  }
}
