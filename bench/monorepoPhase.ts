// One measured run of the monorepo bench (bench/monorepo.ts) in a process of its own, bundled like the product
// (see phaseRunner.ts): the folder opened as the extension and `rlm ask` open it (CodeWorkspace.start, the
// default excludes, a symbol cache), then the first files(), the first symbols({name}), the whole index and,
// after it, the queries a long session makes. RSS is the whole process's (host thread plus parser and query
// threads); the host thread's longest stall is measured throughout. Prints a MonorepoPhaseResult as JSON.
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { CodeWorkspace } from '../src/core/workspace/CodeWorkspace';
import type { CodeSymbol } from '../src/core/workspace/syntax/types';
import { DEFAULT_EXCLUDES } from '../src/core/workspace/IgnoreRules';
import { watchEventLoop, type EventLoopFigures } from './eventLoopWatch';

export interface MonorepoPhaseRequest {
  /** cold: empty cache; warm: the cache a cold run wrote. */
  phase: 'cold' | 'warm';
  root: string;
  cacheDir: string;
  /** The name the first symbols({name}) asks for. */
  name: string;
  /** A second, common name asked for right after it, still cold. */
  commonName: string;
}

export interface Timed { ms: number; results: number; incomplete?: string }

export interface MonorepoPhaseResult {
  /** From CodeWorkspace.start until the first files() answered (it waits for the walk). */
  firstFiles: Timed;
  /** The first symbols({name}) call alone, right after files(). */
  firstName: Timed;
  /** Same call once the index is whole: the cold answer must equal it. */
  nameWhenReady: Timed & { sameAsFirst: boolean };
  /** The common name, cold, right after the first. */
  commonName: Timed & { sameWhenReady: boolean };
  /** From start until every file is parsed (or read from the cache) and the cache is written. */
  readyMs: number;
  flushMs: number;
  cpuMs: number;
  symbols: number;
  parsedFiles: number;
  cacheHits: number;
  /** RSS when the index was ready, and after each round of a session's queries after it (both after a collection). */
  rssAtReadyMb: number;
  rssRoundsMb: number[];
  /** Peak RSS of the whole process over the whole run (getrusage). */
  maxRssMb: number;
  /** The host thread's longest stall: until ready, and while the queries ran after it. */
  eventLoop: { indexingMs: number; afterMs: number; maxGapMs: number };
  /** Garbage collection on the host thread over the whole run: pauses, their total and the longest. */
  gc: { count: number; totalMs: number; longestMs: number };
  /** The queries after ready, each round: [label, ms, results]. */
  session: Array<[string, number, number]>;
}

const mb = (bytes: number) => bytes / 1024 / 1024;

/** A long session's calls once indexed: whole-workspace symbol dumps, name and path queries, globs, greps. */
const SESSION = (ws: CodeWorkspace, name: string): Array<[string, () => Promise<number>]> => [
  ['symbols({maxResults: 50000})', async () => (await ws.symbols({ maxResults: 50_000 })).items.length],
  [`symbols({name: "${name}"})`, async () => (await ws.symbols({ name })).items.length],
  ['symbols({name: "/^parse[A-Z]/"})', async () => (await ws.symbols({ name: '/^parse[A-Z]/', maxResults: 50_000 })).items.length],
  ['symbols({kind: "class", path: "copy-01/**"})', async () => (await ws.symbols({ kind: 'class', path: 'copy-01/**', maxResults: 50_000 })).items.length],
  ['files("**/*.ts")', async () => (await ws.files('**/*.ts')).items.length],
  ['grep("TODO|FIXME")', async () => (await ws.grep('TODO|FIXME', { maxResults: 10_000 })).matches.length],
  ['outline of 50 files', async () => {
    let n = 0;
    for (const f of (await ws.files('**/*.go')).items.slice(0, 50)) n += (await ws.outline(f.path)).length;
    return n;
  }],
];
/** Five rounds: the flat check compares the last with the second (see MONOREPO_TARGETS.rssGrowth). */
const SESSION_ROUNDS = 5;

/**
 * RSS after a full collection on the host thread (the phase runs with --expose-gc): what the work so far left
 * behind, not the garbage a collector has yet to reach, which a peak sampled during a round mostly measured.
 */
function retainedRssMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return mb(process.memoryUsage.rss());
}

const key = (s: CodeSymbol) => `${s.path}:${s.line}:${s.kind}:${s.name}`;

async function run(req: MonorepoPhaseRequest): Promise<MonorepoPhaseResult> {
  const gc = { count: 0, totalMs: 0, longestMs: 0 };
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      // The bench's own full collections (retainedRssMb) are not the product's pauses.
      if (((entry as { detail?: { flags?: number } }).detail?.flags ?? 0) & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) continue;
      gc.count++;
      gc.totalMs += entry.duration;
      gc.longestMs = Math.max(gc.longestMs, entry.duration);
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const indexingWatch = watchEventLoop();

  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const ws = await CodeWorkspace.start(req.root, { exclude: DEFAULT_EXCLUDES, cacheDir: req.cacheDir });
  const files = await ws.files();
  const firstFiles: Timed = { ms: performance.now() - started, results: files.items.length, ...(files.incomplete ? { incomplete: files.incomplete } : {}) };
  let t = performance.now();
  const first = await ws.symbols({ name: req.name, maxResults: 50_000 });
  const firstName: Timed = { ms: performance.now() - t, results: first.items.length, ...(first.incomplete ? { incomplete: first.incomplete } : {}) };
  t = performance.now();
  const common = await ws.symbols({ name: req.commonName, maxResults: 50_000 });
  const commonMs = performance.now() - t;
  await ws.ready;
  const readyMs = performance.now() - started;
  await ws.symbolIndex.flush();
  const flushMs = performance.now() - started - readyMs;
  const cpu = process.cpuUsage(cpuBefore);
  const indexing = indexingWatch.stop();
  const rssAtReadyMb = retainedRssMb();
  const stats = ws.symbolIndex.stats();

  // Watched in stretches that leave out the bench's own full collections (retainedRssMb holds the thread 0.1-0.2 s).
  let afterWatch = watchEventLoop();
  const afterFigures: EventLoopFigures[] = [];
  t = performance.now();
  const whole = await ws.symbols({ name: req.name, maxResults: 50_000 });
  const firstKeys = first.items.map(key).join('\n');
  const nameWhenReady = {
    ms: performance.now() - t, results: whole.items.length, sameAsFirst: !first.incomplete && firstKeys === whole.items.map(key).join('\n'),
    ...(whole.incomplete ? { incomplete: whole.incomplete } : {}),
  };
  const commonWhole = await ws.symbols({ name: req.commonName, maxResults: 50_000 });
  const commonName = {
    ms: commonMs, results: common.items.length, ...(common.incomplete ? { incomplete: common.incomplete } : {}),
    sameWhenReady: !common.incomplete && common.items.map(key).join('\n') === commonWhole.items.map(key).join('\n'),
  };
  const session: MonorepoPhaseResult['session'] = [];
  const rssRoundsMb: number[] = [];
  for (let round = 0; round < SESSION_ROUNDS; round++) {
    for (const [label, call] of SESSION(ws, req.name)) {
      const s = performance.now();
      const results = await call();
      session.push([label, performance.now() - s, results]);
    }
    afterFigures.push(afterWatch.stop());
    rssRoundsMb.push(retainedRssMb());
    afterWatch = watchEventLoop();
  }
  afterFigures.push(afterWatch.stop());
  const after = { maxMs: Math.max(...afterFigures.map((f) => f.maxMs)), maxGapMs: Math.max(...afterFigures.map((f) => f.maxGapMs)) };
  gcObserver.disconnect();
  ws.dispose();
  return {
    firstFiles, firstName, nameWhenReady, commonName, readyMs, flushMs, cpuMs: (cpu.user + cpu.system) / 1000,
    symbols: stats.symbols, parsedFiles: stats.parsedInBackground + stats.parsedUrgently, cacheHits: stats.cacheHits,
    rssAtReadyMb, rssRoundsMb, maxRssMb: process.resourceUsage().maxRSS / 1024,
    eventLoop: { indexingMs: indexing.maxMs, afterMs: after.maxMs, maxGapMs: Math.max(indexing.maxGapMs, after.maxGapMs) },
    session, gc,
  };
}

run(JSON.parse(process.argv[2] ?? '{}') as MonorepoPhaseRequest).then(
  (result) => process.stdout.write(JSON.stringify(result)),
  (err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
