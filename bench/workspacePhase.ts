// One measured phase of the workspace benchmarks, run in its own process by bench/phaseRunner.ts (bundled,
// like the product). It takes the product path: CodeWorkspace.openAsync (file index, then the symbol
// index: cache read, parser threads), `await ready`, then optionally symbols() queries and greps.
// Prints a PhaseResult as JSON on stdout. Needs --expose-gc for the retained-heap figures.
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeWorkspace } from '../src/core/workspace/CodeWorkspace';
import type { SymbolFilter, SymbolIndexStats } from '../src/core/workspace/syntax/types';
import { WorkspaceIndex } from '../src/core/workspace/WorkspaceIndex';

export interface PhaseRequest {
  /** cold: empty cache; warm: cache from a cold run; memory: cold plus the queries and greps below. */
  phase: 'cold' | 'warm' | 'memory';
  root: string;
  cacheDir: string;
  /** Where to write every symbol as `path\tname\tkind\tline` lines (for the recall check). */
  dumpFile?: string;
  queries?: SymbolFilter[];
  greps?: Array<{ pattern: string; ignoreCase?: boolean }>;
}

export interface PhaseResult {
  /** openAsync: file index walk + symbol index open (cache read, threads started). */
  openMs: number;
  /** From the start of openAsync until `ready` resolved: what a user waits for the full index. */
  readyMs: number;
  /** Writing the symbol cache right after ready (SymbolIndex.flush), which a cold index must pay before it is done. */
  flushMs: number;
  /** dispose(): what is left after the flush (threads, grammars; the cache again only if queries changed it). */
  disposeMs: number;
  /** User + system CPU of the whole process (main thread and parser threads) until ready and flushed. */
  cpuMs: number;
  /** RSS before anything was opened (node alone, with the phase bundle loaded). */
  baseRssMb: number;
  rssAtReadyMb: number;
  /** Peak RSS of the whole process over the whole phase. */
  maxRssMb: number;
  /** JS heap kept after a full GC: the file index alone (memory phase), and everything once ready. */
  heap: { fileIndexMb?: number; retainedMb: number };
  files: number;
  stats: SymbolIndexStats;
  cacheBytes: number;
  queries: Array<{ filter: SymbolFilter; results: number; ms: number }>;
  greps: Array<{ pattern: string; matches: number; capped: boolean; engine: string; ms: number }>;
}

const mb = (bytes: number) => bytes / 1024 / 1024;

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the phase with node --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function cacheBytes(dir: string): number {
  try {
    return readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
  } catch {
    return 0;
  }
}

async function run(req: PhaseRequest): Promise<PhaseResult> {
  const baseRssMb = mb(process.memoryUsage().rss);
  const heapBefore = heapAfterGc();
  let fileIndexMb: number | undefined;
  if (req.phase === 'memory') {
    // The file index on its own, to tell its share of the retained heap from the symbol index's.
    let alone: WorkspaceIndex | undefined = WorkspaceIndex.open(req.root, { exclude: [] });
    fileIndexMb = mb(heapAfterGc() - heapBefore);
    alone = undefined;
    void alone;
  }
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const ws = await CodeWorkspace.openAsync(req.root, { exclude: [], cacheDir: req.cacheDir });
  const openMs = performance.now() - started;
  await ws.ready;
  const readyMs = performance.now() - started;
  // Time the cache write here rather than leave it to the timer that ready schedules: it is part of the cold cost.
  await ws.symbolIndex.flush();
  const flushMs = performance.now() - started - readyMs;
  const cpu = process.cpuUsage(cpuBefore);
  const rssAtReadyMb = mb(process.memoryUsage().rss);

  const queries: PhaseResult['queries'] = [];
  for (const filter of req.queries ?? []) {
    const t = performance.now();
    const results = (await ws.symbols({ ...filter, maxResults: 50_000 })).items.length;
    queries.push({ filter, results, ms: performance.now() - t });
  }
  const greps: PhaseResult['greps'] = [];
  for (const g of req.greps ?? []) {
    const t = performance.now();
    const { result, engine } = await ws.grepWithEngine(g.pattern, { ignoreCase: g.ignoreCase, maxResults: 10_000 });
    greps.push({ pattern: g.pattern, matches: result.matches.length, capped: result.capped, engine, ms: performance.now() - t });
  }
  if (req.dumpFile) {
    // Every definition, straight from the index (symbols() caps what one call returns to model code).
    const lines: string[] = [];
    for (const file of ws.symbolIndex.files()) {
      for (const s of ws.symbolIndex.symbolsOf(file.path) ?? []) lines.push(`${file.path}\t${s.name}\t${s.kind}\t${s.line}`);
    }
    writeFileSync(req.dumpFile, lines.join('\n'));
  }
  const retainedMb = mb(heapAfterGc() - heapBefore);
  const stats = ws.symbolIndex.stats();
  const files = ws.index.size;
  const t = performance.now();
  ws.dispose();
  const disposeMs = performance.now() - t;
  return {
    openMs, readyMs, flushMs, disposeMs, cpuMs: (cpu.user + cpu.system) / 1000,
    baseRssMb, rssAtReadyMb, maxRssMb: process.resourceUsage().maxRSS / 1024,
    heap: { fileIndexMb, retainedMb }, files, stats, cacheBytes: cacheBytes(req.cacheDir), queries, greps,
  };
}

run(JSON.parse(process.argv[2] ?? '{}') as PhaseRequest).then(
  (result) => process.stdout.write(JSON.stringify(result)),
  (err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
