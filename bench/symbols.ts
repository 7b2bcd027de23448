// Symbol index benchmark on code no one on this team wrote: the TS/JS sources of node_modules (ours and
// the system npm's) plus Python's standard library, copied once to a temp dir so the set stays fixed.
// Compares a cold index with `ctags -R` on the same files, then measures a warm start (cache hit), peak
// RSS, and recall against ctags' function/method/class/struct/interface/enum definitions.
//
//   node --import tsx bench/symbols.ts            (needs universal-ctags: apt-get install universal-ctags)
// Each index phase runs in a child process so its RSS and start-up are its own.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { SymbolIndex } from '../src/core/workspace/syntax/SymbolIndex';
import { locateSyntaxAssets } from '../src/core/workspace/syntax/SyntaxAssets';
import type { SourceFileRecord } from '../src/core/workspace/syntax/types';

const WORK = join(tmpdir(), 'rlm-bench-symbols');
const CORPUS = join(WORK, 'corpus');
const SOURCES = [
  { from: join(__dirname, '..', 'node_modules'), as: 'node_modules' },
  { from: '/usr/lib/node_modules', as: 'usr-node_modules' },
  { from: '/usr/lib/python3.11', as: 'python3.11' },
];
const LANGUAGE: Record<string, string> = {
  ts: 'typescript', mts: 'typescript', cts: 'typescript', tsx: 'tsx',
  js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'javascript', py: 'python',
};
// ctags kinds counted for recall; Python calls methods "member".
const RECALL_KINDS = new Set(['function', 'method', 'class', 'struct', 'interface', 'enum', 'member']);
const ANONYMOUS = /^Anonymous(Function|Class|Object)[0-9a-f]+$/;
const TARGETS = { coldVsCtags: 3, warmShare: 0.1, rssMb: 500, recall: 0.95 };

interface PhaseResult {
  ms: number;
  /** User + system CPU of the whole process (main thread and workers). */
  cpuMs: number;
  maxRssMb: number;
  /** RSS of the process before open(): node (+ tsx here) without any index. */
  baseRssMb: number;
  workerEntry: string;
  /** Warm phase: wall time of a few typical symbols() calls on the full index. */
  queries?: Array<[string, number, number]>;
  cacheMb?: number;
  stats: ReturnType<SymbolIndex['stats']>;
}

function languageOf(path: string): string | undefined {
  const m = /\.([a-z]+)$/.exec(path);
  return m ? LANGUAGE[m[1]] : undefined;
}

function buildCorpus(): SourceFileRecord[] {
  const manifest = join(WORK, 'manifest.json');
  if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')) as SourceFileRecord[];
  rmSync(WORK, { recursive: true, force: true });
  const records: SourceFileRecord[] = [];
  const walk = (dir: string, base: string, as: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, entry.name);
      if (entry.isDirectory()) walk(abs, base, as);
      else if (entry.isFile() && languageOf(entry.name)) {
        const path = `${as}/${relative(base, abs).split('\\').join('/')}`;
        mkdirSync(dirname(join(CORPUS, path)), { recursive: true });
        copyFileSync(abs, join(CORPUS, path));
        const st = statSync(join(CORPUS, path));
        records.push({ path, language: languageOf(entry.name)!, bytes: st.size, mtimeMs: st.mtimeMs });
      }
    }
  };
  for (const s of SOURCES) if (existsSync(s.from)) walk(s.from, s.from, s.as);
  writeFileSync(manifest, JSON.stringify(records));
  return records;
}

/** Child process: open the index, wait for ready, report time and RSS, dump symbols for the recall check. */
async function runPhase(phase: 'cold' | 'warm'): Promise<void> {
  const files = JSON.parse(readFileSync(join(WORK, 'manifest.json'), 'utf8')) as SourceFileRecord[];
  // Measure the shipped worker (dist/syntaxWorker.js, built by `npm run build`) when there is one: from
  // source every worker thread also loads tsx, which costs time and ~40 MB each.
  const bundledWorker = join(__dirname, '..', 'dist', 'syntaxWorker.js');
  const assets = locateSyntaxAssets();
  if (existsSync(bundledWorker)) assets.workerEntry = bundledWorker;
  const baseRssMb = process.memoryUsage().rss / 1024 / 1024;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const index = await SymbolIndex.open({ root: CORPUS, files, cacheDir: join(WORK, 'cache'), assets });
  await index.ready;
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const result: PhaseResult = {
    ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, baseRssMb,
    workerEntry: relative(join(__dirname, '..'), assets.workerEntry), stats: index.stats(),
  };
  if (phase === 'warm') {
    result.queries = [];
    for (const filter of [{ name: 'createProgram' }, { name: '/^parse[A-Z]/' }, { kind: 'class', path: 'node_modules/openai' }]) {
      const t = performance.now();
      const n = index.symbols(filter).length;
      result.queries.push([JSON.stringify(filter), n, performance.now() - t]);
    }
    const cacheDir = join(WORK, 'cache');
    result.cacheMb = readdirSync(cacheDir).reduce((sum, f) => sum + statSync(join(cacheDir, f)).size, 0) / 1e6;
  }
  if (phase === 'cold') {
    const dump = index.symbols().map((s) => `${s.path}\t${s.name}\t${s.kind}\t${s.line}`).join('\n');
    writeFileSync(join(WORK, 'ours.tsv'), dump);
  }
  index.dispose();
  process.stdout.write(JSON.stringify(result));
}

function childPhase(phase: 'cold' | 'warm'): PhaseResult {
  const r = spawnSync(process.execPath, [...process.execArgv, __filename, '--phase', phase], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${phase} phase failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as PhaseResult;
}

interface CtagsTag { name: string; path: string; line: number; kind: string }

function runCtags(records: SourceFileRecord[]): { ms: number; cpuMs: number; tags: CtagsTag[] } {
  const list = join(WORK, 'ctags-files.txt');
  writeFileSync(list, records.map((r) => r.path).join('\n'));
  const out = join(WORK, 'ctags.tags');
  const started = performance.now();
  // bash's `times` reports the children's CPU; ctags is single-threaded, so wall and CPU differ only by machine load.
  const args = ['-L', list, '-f', out, '--excmd=number', '--fields=+nK', '--langmap=JavaScript:+.cjs,TypeScript:+.mts.cts'];
  const timed = spawnSync('bash', ['-c', 'ctags "$@" || exit 1; times', 'bash', ...args], { cwd: CORPUS, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (timed.status !== 0) throw new Error(`ctags failed: ${timed.stderr}`);
  const seconds = (t: string) => { const m = /(\d+)m([\d.]+)s/.exec(t); return m ? Number(m[1]) * 60 + Number(m[2]) : 0; };
  const [user, sys] = timed.stdout.trim().split('\n').pop()!.split(/\s+/).map(seconds);
  const cpuMs = (user + sys) * 1000;
  const tags: CtagsTag[] = [];
  for (const line of readFileSync(out, 'utf8').split('\n')) {
    if (line.startsWith('!_TAG_') || line === '') continue;
    const cols = line.split('\t');
    const kind = cols[3];
    const lineField = cols.find((c) => c.startsWith('line:'));
    if (!kind || !lineField) continue;
    tags.push({ name: cols[0], path: cols[1], kind, line: Number(lineField.slice(5)) });
  }
  return { ms, cpuMs, tags };
}

function recall(tags: CtagsTag[], records: SourceFileRecord[], maxFileBytes: number) {
  const ours = new Map<string, Set<string>>(); // path -> names
  const oursByLine = new Map<string, string[]>(); // path:line -> names
  for (const row of readFileSync(join(WORK, 'ours.tsv'), 'utf8').split('\n')) {
    const [path, name, , line] = row.split('\t');
    if (!path) continue;
    let names = ours.get(path);
    if (!names) ours.set(path, (names = new Set()));
    names.add(name);
    const key = `${path}:${line}`;
    oursByLine.set(key, [...(oursByLine.get(key) ?? []), name]);
  }
  const sizes = new Map(records.map((r) => [r.path, r.bytes]));
  // ctags invents names for anonymous functions and classes (AnonymousFunction1a2b...): nothing to look up.
  const counted = tags.filter((t) => RECALL_KINDS.has(t.kind) && !ANONYMOUS.test(t.name));
  const misses = new Map<string, CtagsTag[]>();
  let found = 0;
  for (const t of counted) {
    // ctags drops the '#' of private JS methods (but keeps it in TS); our names keep it.
    const names = ours.get(t.path);
    if (names?.has(t.name) || names?.has(`#${t.name}`)) { found++; continue; }
    const cause = (sizes.get(t.path) ?? 0) > maxFileBytes ? 'file over maxFileBytes'
      : oursByLine.has(`${t.path}:${t.line}`) ? `${t.kind}: other name on that line (${oursByLine.get(`${t.path}:${t.line}`)![0]})`.replace(/\(.*\)/, '(we name it differently)')
        : `${t.kind}: no definition on that line`;
    misses.set(cause, [...(misses.get(cause) ?? []), t]);
  }
  return { total: counted.length, found, misses };
}

function sourceLine(t: CtagsTag): string {
  try {
    return readFileSync(join(CORPUS, t.path), 'utf8').split('\n')[t.line - 1]?.trim().slice(0, 100) ?? '';
  } catch {
    return '';
  }
}

async function main(): Promise<void> {
  const phaseArg = process.argv.indexOf('--phase');
  if (phaseArg > 0) return runPhase(process.argv[phaseArg + 1] as 'cold' | 'warm');
  try {
    execFileSync('ctags', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('universal-ctags is missing: apt-get update && apt-get install -y universal-ctags');
  }
  const records = buildCorpus();
  const mb = records.reduce((s, r) => s + r.bytes, 0) / 1e6;
  console.log(`corpus: ${records.length} files, ${mb.toFixed(1)} MB in ${CORPUS}`);
  rmSync(join(WORK, 'cache'), { recursive: true, force: true });

  const ctags = runCtags(records);
  const cold = childPhase('cold');
  const warm = childPhase('warm');
  const maxFileBytes = 16 * 1024 * 1024;
  const r = recall(ctags.tags, records, maxFileBytes);

  const rows: Array<[string, string, string, boolean]> = [
    ['ctags -L (1 thread)', `${(ctags.ms / 1000).toFixed(2)} s`, `${(mb / (ctags.ms / 1000)).toFixed(1)} MB/s`, true],
    ['ctags CPU', `${(ctags.cpuMs / 1000).toFixed(2)} s`, '', true],
    ['cold index', `${(cold.ms / 1000).toFixed(2)} s`, `${(cold.ms / ctags.ms).toFixed(2)}x ctags (target <= ${TARGETS.coldVsCtags}x)`, cold.ms <= TARGETS.coldVsCtags * ctags.ms],
    ['cold index CPU', `${(cold.cpuMs / 1000).toFixed(2)} s`, `${(cold.cpuMs / ctags.cpuMs).toFixed(2)}x ctags CPU, ${cold.stats.parsedInBackground} files in workers`, true],
    ['warm start (cache)', `${(warm.ms / 1000).toFixed(2)} s`, `${((100 * warm.ms) / cold.ms).toFixed(1)}% of cold (target <= ${100 * TARGETS.warmShare}%)`, warm.ms <= TARGETS.warmShare * cold.ms],
    ['peak RSS cold', `${cold.maxRssMb.toFixed(0)} MB`, `target < ${TARGETS.rssMb} MB; ${cold.baseRssMb.toFixed(0)} MB before open()`, cold.maxRssMb < TARGETS.rssMb],
    ['peak RSS warm', `${warm.maxRssMb.toFixed(0)} MB`, '', true],
    ['recall vs ctags', `${((100 * r.found) / r.total).toFixed(2)}%`, `${r.found}/${r.total} (target >= ${100 * TARGETS.recall}%)`, r.found / r.total >= TARGETS.recall],
  ];
  console.log('\n| measure | value | note | ok |\n|---|---|---|---|');
  for (const [a, b, c, ok] of rows) console.log(`| ${a} | ${b} | ${c} | ${ok ? 'yes' : 'NO'} |`);
  console.log(`\nworkers: ${cold.workerEntry}; machine load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other processes slow both sides)`);
  console.log(`index: ${cold.stats.symbols} symbols in ${cold.stats.indexedFiles} files; warm cache hits ${warm.stats.cacheHits}, reparsed ${warm.stats.parsedInBackground}; failed ${cold.stats.failedFiles}, too large ${cold.stats.tooLargeFiles}`);

  console.log(`cache file: ${warm.cacheMb?.toFixed(1)} MB`);
  for (const [filter, n, ms] of warm.queries ?? []) console.log(`symbols(${filter}): ${n} results in ${ms.toFixed(1)} ms`);

  console.log('\nmisses by cause:');
  const groups = [...r.misses.entries()].sort((a, b) => b[1].length - a[1].length);
  for (const [cause, list] of groups) {
    console.log(`  ${String(list.length).padStart(6)}  ${cause}`);
    for (const t of list.slice(0, Number(process.env.BENCH_EXAMPLES ?? 3))) console.log(`            ${t.name} @ ${t.path}:${t.line}  ${sourceLine(t)}`);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
