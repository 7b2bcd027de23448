// `npm run bench`: every benchmark in one go (engine, symbol index vs ctags, grep vs rg, memory, trajectory fold), one
// markdown report with each figure, its target and pass/fail, printed and written to .bench/results.md.
// Needs universal-ctags and ripgrep (apt-get install universal-ctags ripgrep) and a build (npm run build).
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { prepareCorpus } from './corpus';
import { ctagsVersion } from './ctags';
import { engineBench, engineSection } from './engine';
import { grepBench, grepSection, ripgrepVersion } from './grep';
import { memoryBench, memorySection } from './memory';
import { buildPhaseBundle } from './phaseRunner';
import { BUSY_LOAD, loadLine, machineLine, renderSection, type Section } from './report';
import { symbolBench, symbolSection } from './symbols';
import { trajectoryBench, trajectorySection } from './trajectory';

const RESULTS = join(__dirname, '..', '.bench', 'results.md');

function checkTools(): { ctags: string; rg: string } {
  const ctags = ctagsVersion();
  const rg = ripgrepVersion();
  const missing = [!ctags && 'universal-ctags', !rg && 'ripgrep'].filter(Boolean);
  if (missing.length > 0) {
    throw new Error(`The benchmarks compare against ${missing.join(' and ')}, which ${missing.length > 1 ? 'are' : 'is'} not installed: ` +
      `run apt-get update && apt-get install -y universal-ctags ripgrep`);
  }
  return { ctags: ctags!, rg: rg! };
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
  const tools = checkTools();
  const startedAt = new Date();
  const loadAtStart = loadLine('at start');
  buildPhaseBundle();
  const corpus = prepareCorpus();
  const sections: Section[] = [];
  sections.push(await timedSection('engine', async () => engineSection(await engineBench())));
  sections.push(await timedSection('symbol index vs ctags', () => symbolSection(symbolBench(corpus))));
  sections.push(await timedSection('grep vs rg', async () => grepSection(await grepBench(corpus), corpus)));
  sections.push(await timedSection('memory', () => memorySection(memoryBench(corpus))));
  sections.push(await timedSection('trajectory fold', () => trajectorySection(trajectoryBench())));
  const loadAtEnd = loadLine('at end');

  const languages = Object.entries(corpus.languages)
    .map(([l, v]) => `${l} ${v.files} files / ${(v.bytes / 1e6).toFixed(1)} MB`).join(', ');
  const pruned = Object.entries(corpus.pruned).map(([reason, v]) => `${v.files} ${reason} (${(v.bytes / 1e6).toFixed(1)} MB)`).join(', ');
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
    `- Corpus (${corpus.dir}): ${corpus.files.length} files, ${(corpus.bytes / 1e6).toFixed(1)} MB, exactly the files WorkspaceIndex indexes ` +
      `(1 MB limit, binary and minified filters): ${languages}. Copied from ${corpus.sources.join('; ')}; ` +
      `${corpus.copied.files} code files (${(corpus.copied.bytes / 1e6).toFixed(1)} MB) copied, pruned: ${pruned || 'none'}.`,
    `- Verdict: ${failed.length === 0 ? 'every target met' : `${failed.length} target(s) missed: ${failed.map((r) => r.measure).join('; ')}`}.`,
  ];
  const markdown = [header.join('\n'), ...sections.map(renderSection)].join('\n\n') + '\n';
  mkdirSync(join(RESULTS, '..'), { recursive: true });
  writeFileSync(RESULTS, markdown);
  console.log(markdown);
  console.log(`(written to ${RESULTS})`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
