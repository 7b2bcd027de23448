// Peak memory of the whole workspace path in one process (file index, symbol index until ready, greps,
// symbols() queries, cache write), on the corpus and on the corpus twice over. What grows between the two
// should be the indexes (file records and symbols), never file texts: the file index keeps one small
// record per file, grep streams through rg, and parsing happens in threads that keep only symbols.
//
//   npm run build && node --import tsx bench/memory.ts
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, prepareCorpus, prepareDoubleCorpus, type Corpus } from './corpus';
import { GREP_PATTERNS } from './grep';
import { runPhase } from './phaseRunner';
import { loadLine, megabytes, renderSection, type Section } from './report';
import type { PhaseResult } from './workspacePhase';

export const MEMORY_TARGET_MB = 500;
/**
 * Peak RSS may grow by at most this multiple of the retained-heap growth, plus a fixed allowance: V8 lets a
 * heap run to about twice its live size between full collections, and the cache write briefly holds the
 * index once more as JSON.
 */
const GROWTH_FACTOR = 2;
const GROWTH_ALLOWANCE_MB = 32;
const QUERIES = [{ name: 'createProgram' }, { name: '/^parse[A-Z]/' }, { kind: 'class' }, { path: 'python3.11/asyncio/**' }];

export interface MemoryFigures {
  single: PhaseResult & { mbOnDisk: number };
  double: PhaseResult & { mbOnDisk: number };
}

function measure(root: string, label: string, mbOnDisk: number): PhaseResult & { mbOnDisk: number } {
  const cacheDir = join(BENCH_DIR, `memory-cache-${label}`);
  rmSync(cacheDir, { recursive: true, force: true });
  const result = runPhase({ phase: 'memory', root, cacheDir, queries: QUERIES, greps: GREP_PATTERNS });
  return { ...result, mbOnDisk };
}

export function memoryBench(corpus: Corpus): MemoryFigures {
  const mb = corpus.bytes / 1e6;
  return { single: measure(corpus.dir, '1x', mb), double: measure(prepareDoubleCorpus(), '2x', 2 * mb) };
}

export function memorySection(f: MemoryFigures): Section {
  const { single, double } = f;
  const symbolIndex = (p: PhaseResult) => p.heap.retainedMb - (p.heap.fileIndexMb ?? 0);
  const rssGrowth = double.maxRssMb - single.maxRssMb;
  const heapGrowth = double.heap.retainedMb - single.heap.retainedMb;
  const allowed = GROWTH_FACTOR * heapGrowth + GROWTH_ALLOWANCE_MB;
  const rows: Section['rows'] = [];
  for (const [label, p] of [['1x', single], ['2x', double]] as const) {
    const name = `${label}: ${p.files} files, ${p.mbOnDisk.toFixed(0)} MB`;
    rows.push({
      measure: `${name}: peak RSS`, value: megabytes(p.maxRssMb),
      target: label === '1x' ? `< ${MEMORY_TARGET_MB} MB` : '', ok: label === '1x' ? p.maxRssMb < MEMORY_TARGET_MB : undefined,
    });
    rows.push({ measure: `${name}: RSS when ready / before open`, value: `${megabytes(p.rssAtReadyMb)} / ${megabytes(p.baseRssMb)}`, target: '' });
    rows.push({
      measure: `${name}: retained JS heap (file index + symbol index)`,
      value: `${p.heap.retainedMb.toFixed(1)} MB (${(p.heap.fileIndexMb ?? 0).toFixed(1)} + ${symbolIndex(p).toFixed(1)})`,
      target: '',
    });
    rows.push({ measure: `${name}: symbols / cache file`, value: `${p.stats.symbols.toLocaleString('en-US')} / ${(p.cacheBytes / 1e6).toFixed(1)} MB`, target: '' });
  }
  rows.push({
    measure: 'peak RSS growth 1x -> 2x',
    value: `${rssGrowth.toFixed(0)} MB (retained heap +${heapGrowth.toFixed(0)} MB)`,
    target: `<= ${GROWTH_FACTOR} x heap growth + ${GROWTH_ALLOWANCE_MB} MB = ${allowed.toFixed(0)} MB`,
    ok: rssGrowth <= allowed,
  });
  const timing = (p: PhaseResult) => `ready ${(p.readyMs / 1000).toFixed(1)} s, greps ${p.greps.map((g) => `${g.ms.toFixed(0)} ms`).join('/')}, ` +
    `queries ${p.queries.map((q) => `${q.ms.toFixed(0)} ms`).join('/')}`;
  const notes = [
    'One process each (the bundled product path, 2 parser threads), cold: empty cache, so it parses everything, ' +
      `then runs ${GREP_PATTERNS.length} greps and ${QUERIES.length} symbols() queries, then writes the cache. ` +
      'The 2x corpus is the files twice under two folders, the second copy with a comment line appended so no text is shared. Retained heap: used JS heap after a full GC, ' +
      'minus the heap before anything was opened; the file index alone was measured first in the same process.',
    `1x: ${timing(single)}. 2x: ${timing(double)}.`,
  ];
  return { title: 'Memory of the whole workspace path', rows, notes };
}

if (require.main === module) {
  try {
    console.log(loadLine('at start'));
    console.log(renderSection(memorySection(memoryBench(prepareCorpus()))));
    console.log(loadLine('at end'));
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  }
}
