// `npm run bench`: every benchmark in one go (engine, symbol index vs ctags, symbols per language vs ctags,
// grep vs rg, memory, host-thread event-loop delay, trajectory fold, the eval harness, edit integration and patch,
// cost: prompt caching, compaction, sub-call reuse), one markdown report with each figure, its target and pass/fail, printed
// and written to .bench/results.md. Needs universal-ctags and ripgrep (apt-get install universal-ctags ripgrep)
// and a build (npm run build); the per-language corpora install their Debian packages when missing
// (bench/languageCorpus.ts).
//
//   npm run bench                                        every section
//   npm run bench -- --only symbols,languages            some sections (engine, symbols, languages, grep, memory,
//                                                        eventloop, trajectory, eval, edits, cost)
//   npm run bench -- --only languages --languages c,cpp  some languages (typescript, tsx, javascript, python, go,
//                                                        rust, java, c, cpp, csharp, ruby, php)
//   npm run bench -- --only monorepo                     the 96,000-file monorepo (bench/monorepo.ts; only when asked:
//                                                        it builds a 0.8 GB tree and takes several minutes)
//   npm run bench -- --only monorepo --monorepo-scale 0.1  the same at a tenth of the size
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { prepareCorpus, type Corpus } from './corpus';
import { costBench, costSection } from './cost';
import { ctagsVersion } from './ctags';
import { editsBench, editsSection } from './edits';
import { engineBench, engineSection } from './engine';
import { evalBench, evalSection } from './eval';
import { eventLoopBench, eventLoopSection } from './eventLoop';
import { grepBench, grepSection, ripgrepVersion } from './grep';
import { LANGUAGE_CORPORA, prepareLanguageCorpora } from './languageCorpus';
import { languageBench, languageSection } from './languages';
import { memoryBench, memorySection } from './memory';
import { monorepoBench, monorepoSection } from './monorepo';
import { buildPhaseBundle } from './phaseRunner';
import { BUSY_LOAD, loadLine, machineLine, renderSection, type Section } from './report';
import { symbolBench, symbolSection } from './symbols';
import { trajectoryBench, trajectorySection } from './trajectory';

const RESULTS = join(__dirname, '..', '.bench', 'results.md');

const SECTIONS = ['engine', 'symbols', 'languages', 'grep', 'memory', 'eventloop', 'trajectory', 'eval', 'edits', 'cost', 'monorepo'] as const;
type SectionName = (typeof SECTIONS)[number];
/** Run only when named in --only: the monorepo builds its own 0.8 GB tree and takes minutes. */
const ON_REQUEST: readonly SectionName[] = ['monorepo'];

interface Args { sections: readonly SectionName[]; chosen: boolean; languages: string[]; monorepoScale: number }

/**
 * `--only a,b` (or `--only=a,b`, repeatable), `--languages x,y` and `--monorepo-scale n`; unknown names are an
 * error, not a silent full run.
 */
function parseArgs(argv: readonly string[]): Args {
  const lists: Record<string, string[]> = { only: [], languages: [], 'monorepo-scale': [] };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(only|languages|monorepo-scale)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`Unknown argument ${argv[i]}. Use --only ${SECTIONS.join(',')}, --languages ${LANGUAGE_CORPORA.map((c) => c.language).join(',')} and --monorepo-scale 0.1`);
    const value = m[2] ?? argv[++i];
    if (!value) throw new Error(`--${m[1]} needs a value`);
    lists[m[1]].push(...value.split(',').map((v) => v.trim()).filter(Boolean));
  }
  const unknown = lists.only.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`No benchmark section ${unknown.join(', ')}; sections: ${SECTIONS.join(', ')}`);
  const monorepoScale = Number(lists['monorepo-scale'].pop() ?? '1');
  if (!(monorepoScale > 0 && monorepoScale <= 1)) throw new Error('--monorepo-scale takes a number in (0, 1], e.g. 0.1');
  const sections = lists.only.length > 0 ? SECTIONS.filter((s) => lists.only.includes(s)) : SECTIONS.filter((s) => !ON_REQUEST.includes(s));
  return { sections, chosen: lists.only.length > 0, languages: lists.languages, monorepoScale };
}

function checkTools(sections: readonly SectionName[]): { ctags: string; rg: string } {
  const ctags = ctagsVersion();
  const rg = ripgrepVersion();
  const needsCtags = sections.includes('symbols') || sections.includes('languages') || sections.includes('monorepo');
  const needsRg = sections.includes('grep') || sections.includes('monorepo');
  const missing = [needsCtags && !ctags && 'universal-ctags', needsRg && !rg && 'ripgrep'].filter(Boolean);
  if (missing.length > 0) {
    throw new Error(`The benchmarks compare against ${missing.join(' and ')}, which ${missing.length > 1 ? 'are' : 'is'} not installed: ` +
      `run apt-get update && apt-get install -y universal-ctags ripgrep`);
  }
  return { ctags: ctags ?? 'no ctags', rg: rg ?? 'no ripgrep' };
}

/** Runs one benchmark, noting the load it ran under (other sessions share the machine). */
async function timedSection(name: string, run: () => Section | Promise<Section>): Promise<Section> {
  const load = loadavg()[0];
  const started = performance.now();
  process.stderr.write(`bench: ${name}... `);
  const section = await run();
  const s = (performance.now() - started) / 1000;
  process.stderr.write(`${s.toFixed(0)} s\n`);
  section.notes.push('', `_Section took ${s.toFixed(0)} s; 1-minute load average when it started: ${load.toFixed(2)}${load > BUSY_LOAD ? ' (busy)' : ''}._`);
  return section;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const run = (name: SectionName) => args.sections.includes(name);
  const tools = checkTools(args.sections);
  const startedAt = new Date();
  const loadAtStart = loadLine('at start');
  buildPhaseBundle();
  const needsCorpus = run('symbols') || run('grep') || run('memory') || run('eventloop');
  const corpus = needsCorpus ? prepareCorpus() : undefined;
  const sections: Section[] = [];
  if (run('engine')) sections.push(await timedSection('engine', async () => engineSection(await engineBench())));
  if (corpus && run('symbols')) sections.push(await timedSection('symbol index vs ctags', () => symbolSection(symbolBench(corpus))));
  if (run('languages')) {
    sections.push(await timedSection('symbols per language vs ctags', () => {
      const corpora = prepareLanguageCorpora({ only: args.languages });
      return languageSection(languageBench(corpora), corpora.filter((c) => c.files.length === 0));
    }));
  }
  if (corpus && run('grep')) sections.push(await timedSection('grep vs rg', async () => grepSection(await grepBench(corpus), corpus)));
  if (corpus && run('memory')) sections.push(await timedSection('memory', () => memorySection(memoryBench(corpus))));
  if (corpus && run('eventloop')) sections.push(await timedSection('event-loop delay', () => eventLoopSection(eventLoopBench(corpus), corpus)));
  if (run('trajectory')) sections.push(await timedSection('trajectory fold', () => trajectorySection(trajectoryBench())));
  if (run('eval')) sections.push(await timedSection('eval harness', () => evalSection(evalBench())));
  if (run('edits')) sections.push(await timedSection('edits', async () => editsSection(await editsBench())));
  if (run('cost')) sections.push(await timedSection('cost', async () => costSection(await costBench())));
  if (run('monorepo')) sections.push(await timedSection('monorepo', () => monorepoSection(monorepoBench(args.monorepoScale))));
  const loadAtEnd = loadLine('at end');

  const rows = sections.flatMap((s) => s.rows);
  const failed = rows.filter((r) => r.ok === false);
  const header = [
    '# Benchmark results',
    '',
    `${startedAt.toISOString()}; took ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s.`,
    '',
    `- Machine: ${machineLine()}`,
    `- ${loadAtStart}`,
    `- ${loadAtEnd}`,
    `- Tools: ${tools.ctags}; ${tools.rg}`,
    ...(args.chosen ? [`- Sections run: ${args.sections.join(', ')}${run('monorepo') ? ` (monorepo scale ${args.monorepoScale})` : ''}${args.languages.length ? ` (languages: ${args.languages.join(', ')})` : ''}`] : []),
    ...(corpus ? [corpusLine(corpus)] : []),
    `- Verdict: ${failed.length === 0 ? 'every target met' : `${failed.length} target(s) missed: ${failed.map((r) => r.measure).join('; ')}`}.`,
  ];
  const markdown = [header.join('\n'), ...sections.map(renderSection)].join('\n\n') + '\n';
  mkdirSync(join(RESULTS, '..'), { recursive: true });
  writeFileSync(RESULTS, markdown);
  console.log(markdown);
  console.log(`(written to ${RESULTS})`);
}

function corpusLine(corpus: Corpus): string {
  const languages = Object.entries(corpus.languages)
    .map(([l, v]) => `${l} ${v.files} files / ${(v.bytes / 1e6).toFixed(1)} MB`).join(', ');
  const pruned = Object.entries(corpus.pruned).map(([reason, v]) => `${v.files} ${reason} (${(v.bytes / 1e6).toFixed(1)} MB)`).join(', ');
  return `- Corpus (${corpus.dir}): ${corpus.files.length} files, ${(corpus.bytes / 1e6).toFixed(1)} MB, exactly the files WorkspaceIndex indexes ` +
    `(1 MB limit, binary and minified filters): ${languages}. Copied from ${corpus.sources.join('; ')}; ` +
    `${corpus.copied.files} code files (${(corpus.copied.bytes / 1e6).toFixed(1)} MB) copied, pruned: ${pruned || 'none'}.`;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
