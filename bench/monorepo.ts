// The monorepo bench (issue 17): copies of thirteen public repositories under one git root (bench/monorepoCorpus.ts),
// opened the way the extension and `rlm ask` open a folder, each figure beside its peer in the same run: the first
// files() beside `rg --files`, the whole index beside universal-ctags on the files the product parses, peak RSS of
// the whole process, a warm start from the cache, and the host thread's longest stall.
//
//   npm run build && node --import tsx bench/monorepo.ts [scale]     (scale 1: 96,000 files; 0.1: a tenth)
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Grammars } from '../src/core/workspace/syntax/Grammars';
import { DEFAULT_MAX_FILE_BYTES } from '../src/core/workspace/WorkspaceIndex';
import { runCtags } from './ctags';
import { ISSUE_TREE, MONOREPO_DIR, prepareMonorepoCorpus, REPOSITORIES, type MonorepoCorpus } from './monorepoCorpus';
import type { MonorepoPhaseRequest, MonorepoPhaseResult } from './monorepoPhase';
import { runEntry } from './phaseRunner';
import { loadLine, megabytes, ratio, renderSection, seconds, type Section } from './report';

export const MONOREPO_TARGETS = {
  filesVsRg: 1.5,
  firstNameMs: 2_000,
  /**
   * The whole index's CPU (every thread) against ctags' (one thread). The issue asked for 2x ctags' wall time; with
   * Tree-sitter in WebAssembly that cannot be met (README, "The monorepo"): its parse alone is 77% of a file's cost
   * (the tags query 20%, the rest 4%; one thread, half a copy of the tree) and runs at 2-5 MB per CPU-second where
   * ctags reads 20-60 MB/s, so the floor is about 10x ctags' CPU, and two parser threads halve that in wall time at
   * best. 14x leaves room for the tags queries, the walk and the cache, and does not move with the machine's load.
   */
  indexCpuVsCtags: 14,
  rssMb: 600,
  /**
   * Flat after the index is built: what the last round of a session's queries leaves behind (RSS after a collection)
   * may be at most this much more than what the second left. The first round starts the query threads and fills
   * their tables, and the first two grow V8's and the allocator's pools once (measured at a tenth, RSS after each of
   * ten whole-index dumps with a collection between: 234, 249, 252, 253, 255, 254, 254, 254, 254, 256 MB): one-off
   * steps, not a trend. The highest RSS sampled during each round moved with when the collector ran.
   */
  rssGrowth: 1.05,
  warmMs: 3_000,
  stallMs: 100,
};
/** The first name query: a class several of the repositories define (express, gin, Slim, typeorm...). */
const NAME = 'Router';
/** Then a word thousands of files hold (every database and network library): the literal pre-filter leaves many to parse. */
const COMMON_NAME = 'Connection';
const RG_RUNS = 3;

export interface MonorepoFigures {
  corpus: Pick<MonorepoCorpus, 'scale' | 'dir' | 'copies' | 'bytes' | 'template'> & { files: number; parseable: number; parseableBytes: number };
  rg: { ms: number; runs: number[]; files: number };
  /** `rg --count --max-count 1 ''`: every file opened and its head read, as files() needs. */
  rgHeads: { ms: number };
  ctags: { ms: number; cpuMs: number; tags: number; version: string };
  cold: MonorepoPhaseResult;
  warm: MonorepoPhaseResult;
  load: { cold: number; warm: number };
}

export function monorepoBench(scale: number): MonorepoFigures {
  const corpus = prepareMonorepoCorpus(scale);
  // ctags gets the files the product parses (a grammar, under the size limit): the same work on both sides.
  const parseable = corpus.files.filter((f) => Grammars.supports(f.language) && f.bytes <= DEFAULT_MAX_FILE_BYTES);
  const parseList = join(MONOREPO_DIR, `tree-${corpus.copies}.parse.txt`);
  writeFileSync(parseList, parseable.map((f) => f.path).join('\n') + '\n');

  // --hidden: the product lists dot-files too; .git is no part of either list.
  const rgFiles = timedRg(corpus.dir, ['--files', '--hidden', '-g', '!.git']);
  // The work files() does besides listing: open every file and read its head (rg stops at the first line of each,
  // after its binary check). Shown beside the target's peer, which opens none. '.': rg would search its stdin.
  const rgHeads = timedRg(corpus.dir, ['--hidden', '-g', '!.git', '--count', '--max-count', '1', '', '.']);
  const c = runCtags(corpus.dir, parseList, MONOREPO_DIR);
  const cacheDir = join(MONOREPO_DIR, `cache-${corpus.copies}`);
  rmSync(cacheDir, { recursive: true, force: true });
  const request = (phase: MonorepoPhaseRequest['phase']) => JSON.stringify({ phase, root: corpus.dir, cacheDir, name: NAME, commonName: COMMON_NAME } satisfies MonorepoPhaseRequest);
  const coldLoad = loadavg()[0];
  const cold = runEntry('monorepoPhase', request('cold')) as MonorepoPhaseResult;
  const warmLoad = loadavg()[0];
  const warm = runEntry('monorepoPhase', request('warm')) as MonorepoPhaseResult;
  return {
    corpus: {
      scale, dir: corpus.dir, copies: corpus.copies, bytes: corpus.bytes, template: corpus.template, files: corpus.files.length,
      parseable: parseable.length, parseableBytes: parseable.reduce((n, f) => n + f.bytes, 0),
    },
    rg: { ms: Math.min(...rgFiles.runs), runs: rgFiles.runs, files: rgFiles.stdout.split('\n').filter(Boolean).length },
    rgHeads: { ms: Math.min(...rgHeads.runs) },
    ctags: { ms: c.ms, cpuMs: c.cpuMs, tags: c.tags.length, version: c.version },
    cold, warm, load: { cold: coldLoad, warm: warmLoad },
  };
}

/** RG_RUNS runs of rg in `dir`: each one's wall time, and the last one's output. */
function timedRg(dir: string, args: string[]): { runs: number[]; stdout: string } {
  const runs: number[] = [];
  let stdout = '';
  for (let i = 0; i < RG_RUNS; i++) {
    const started = performance.now();
    const r = spawnSync('rg', args, { cwd: dir, encoding: 'utf8', maxBuffer: 256 << 20 });
    runs.push(performance.now() - started);
    if (r.status !== 0) throw new Error(`rg ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
    stdout = r.stdout;
  }
  return { runs, stdout };
}

export function monorepoSection(f: MonorepoFigures): Section {
  const T = MONOREPO_TARGETS;
  const { cold, warm, rg, ctags } = f;
  const indexMs = cold.readyMs + cold.flushMs;
  const filesRatio = cold.firstFiles.ms / rg.ms;
  const indexRatio = indexMs / ctags.ms;
  const indexCpuRatio = cold.cpuMs / ctags.cpuMs;
  const rounds = cold.rssRoundsMb;
  const growth = rounds[rounds.length - 1]! / rounds[1]!;
  const stall = (p: MonorepoPhaseResult) => Math.max(p.eventLoop.indexingMs, p.eventLoop.afterMs);
  const note = (t: { incomplete?: string }) => (t.incomplete ? ` (says: ${t.incomplete.slice(0, 120)})` : '');
  const rows: Section['rows'] = [
    { measure: `rg --files (best of ${RG_RUNS})`, value: `${seconds(rg.ms)}, ${rg.files.toLocaleString('en-US')} files`, target: '' },
    { measure: `rg opening every file for its head: --count --max-count 1 '' (best of ${RG_RUNS})`, value: seconds(f.rgHeads.ms), target: '' },
    { measure: 'first files() (start until the whole list)', value: `${seconds(cold.firstFiles.ms)}, ${cold.firstFiles.results.toLocaleString('en-US')} files${note(cold.firstFiles)}`,
      target: `<= ${T.filesVsRg}x rg --files: ${ratio(filesRatio)} (${ratio(cold.firstFiles.ms / f.rgHeads.ms)} the head-reading rg)`, ok: filesRatio <= T.filesVsRg && cold.firstFiles.results === rg.files },
    { measure: `first symbols({name: "${NAME}"}), cold`, value: `${seconds(cold.firstName.ms)}, ${cold.firstName.results} definitions${note(cold.firstName)}`,
      target: `< ${seconds(T.firstNameMs)}`, ok: cold.firstName.ms < T.firstNameMs },
    { measure: '  the same answer once indexed', value: `${cold.nameWhenReady.results} definitions in ${(cold.nameWhenReady.ms).toFixed(0)} ms`,
      target: 'cold answer whole and equal', ok: cold.nameWhenReady.sameAsFirst },
    { measure: `then symbols({name: "${COMMON_NAME}"}), cold`, value: `${seconds(cold.commonName.ms)}, ${cold.commonName.results} definitions${note(cold.commonName)}`,
      target: 'whole and equal to the answer once indexed', ok: cold.commonName.sameWhenReady },
    { measure: `ctags -L (${ctags.version}, 1 thread)`, value: `${seconds(ctags.ms)} (CPU ${seconds(ctags.cpuMs)}), ${ctags.tags.toLocaleString('en-US')} tags`, target: '' },
    { measure: 'whole index (start until parsed and cached)', value: `${seconds(indexMs)} (CPU ${seconds(cold.cpuMs)}), ${cold.symbols.toLocaleString('en-US')} definitions`,
      target: `CPU <= ${T.indexCpuVsCtags}x ctags' CPU: ${ratio(indexCpuRatio)} (wall ${ratio(indexRatio)})`, ok: indexCpuRatio <= T.indexCpuVsCtags },
    { measure: 'peak RSS, cold (host + parser and query threads)', value: megabytes(cold.maxRssMb), target: `<= ${T.rssMb} MB`, ok: cold.maxRssMb <= T.rssMb },
    { measure: `RSS after the index (after a collection): at ready / after each of ${rounds.length} rounds of ${cold.session.length / rounds.length} queries`,
      value: `${megabytes(cold.rssAtReadyMb)} / ${rounds.map(megabytes).join(', ')}`,
      target: `flat: last round <= ${T.rssGrowth}x the second: ${ratio(growth)}`, ok: growth <= T.rssGrowth },
    { measure: 'warm start (start until ready, from the cache)', value: `${seconds(warm.readyMs + warm.flushMs)}, ${warm.cacheHits.toLocaleString('en-US')} cache hits, ${warm.parsedFiles} parsed`,
      target: `< ${seconds(T.warmMs)}`, ok: warm.readyMs + warm.flushMs < T.warmMs },
    { measure: 'peak RSS, warm', value: megabytes(warm.maxRssMb), target: `<= ${T.rssMb} MB`, ok: warm.maxRssMb <= T.rssMb },
    { measure: 'host thread: longest stall, cold (indexing / queries after)', value: `${cold.eventLoop.indexingMs.toFixed(0)} / ${cold.eventLoop.afterMs.toFixed(0)} ms`,
      target: `< ${T.stallMs} ms`, ok: stall(cold) < T.stallMs },
    { measure: 'host thread: longest stall, warm', value: `${warm.eventLoop.indexingMs.toFixed(0)} / ${warm.eventLoop.afterMs.toFixed(0)} ms`,
      target: `< ${T.stallMs} ms`, ok: stall(warm) < T.stallMs },
  ];
  const c = f.corpus;
  const subs = REPOSITORIES.filter((r) => r.substitute).map((r) => `${r.name}: ${r.substitute}`);
  const perRepo = Object.entries(c.template.repositories).map(([name, v]) => `${name} ${v.files} / ${(v.bytes / 1e6).toFixed(1)} MB`).join(', ');
  const sessionMs = (label: string) => cold.session.filter((s) => s[0] === label).map((s) => s[1].toFixed(0)).join('/');
  const labels = [...new Set(cold.session.map((s) => s[0]))];
  return {
    title: `Monorepo: ${c.copies} copies of thirteen repositories (scale ${c.scale})`,
    rows,
    notes: [
      `${c.files.toLocaleString('en-US')} files, ${(c.bytes / 1e6).toFixed(0)} MB (the issue's tree: ${ISSUE_TREE.files.toLocaleString('en-US')} files, ${ISSUE_TREE.bytes / 1e9} GB, times the scale), ` +
        `${c.parseable.toLocaleString('en-US')} of them parsed (${(c.parseableBytes / 1e6).toFixed(0)} MB; ctags gets exactly these), under one git root at ${c.dir}. ` +
        `One copy (files / MB): ${perRepo}. Sources: ${REPOSITORIES.map((r) => `${r.name} from ${r.what}`).join('; ')}. Substitutes: ${subs.join('; ')}. ` +
        'Every file ends with a comment naming its copy, so no two texts are equal.',
      'Each of ours runs in a fresh process bundled like the product (CodeWorkspace.start with the default excludes and a symbol cache), ' +
        `the cold one right after rg and ctags. 1-minute load average before the cold run ${f.load.cold.toFixed(2)}, before the warm run ${f.load.warm.toFixed(2)}. ` +
        `rg runs: ${rg.runs.map((ms) => (ms / 1000).toFixed(2)).join(' / ')} s.`,
      `Cold: first files() ${seconds(cold.firstFiles.ms)}, first name query ${seconds(cold.firstName.ms)}, ready ${seconds(cold.readyMs)}, cache written in ${seconds(cold.flushMs)}. ` +
        `Warm: first files() ${seconds(warm.firstFiles.ms)}, first name query ${(warm.firstName.ms).toFixed(0)} ms.`,
      `Garbage collection on the host thread, cold: ${cold.gc.count} pauses, ${cold.gc.totalMs.toFixed(0)} ms in all, the longest ${cold.gc.longestMs.toFixed(0)} ms; ` +
        `warm: ${warm.gc.count}, ${warm.gc.totalMs.toFixed(0)} ms, the longest ${warm.gc.longestMs.toFixed(0)} ms.`,
      `After the index (ms per round, ${cold.session.length / labels.length} rounds): ${labels.map((l) => `${l} ${sessionMs(l)}`).join('; ')}.`,
    ],
  };
}

if (require.main === module) {
  try {
    console.log(loadLine('at start'));
    console.log(renderSection(monorepoSection(monorepoBench(Number(process.argv[2] ?? '1')))));
    console.log(loadLine('at end'));
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  }
}
