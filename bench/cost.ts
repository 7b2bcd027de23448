// Cost: what prompt caching, root-history compaction and the sub-call cache buy, through the whole engine, the
// official SDKs over HTTP and the fake server (which reports cache hits the way each provider does: the longest
// prefix an earlier request shared, 1,024 tokens at least; and refuses prompts over its window in each
// provider's words). Scripted models: the figures measure the engine, not a model.
//   - A 20-turn root run on each API, priced at GPT-5 and Claude Sonnet 4.5 list prices: the root's billed input
//     cost against the same tokens at the input price (no caching). Target: at most 40%.
//   - A 40-turn run with an 8k-token root window: the right answer, no request over the window (the server
//     enforces it), with the window known and with a llama.cpp-style server that refuses and a window we do not know.
//   - The same question twice over an unchanged workspace: the second run's sub-call tokens against the first's.
//     Target: at most 10%.
//   - Sub-call cache lookups (the prompt's SHA-256 and a Map read): p99 under 1 ms; loading a full cache file.
// Alone: node --import tsx bench/cost.ts
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RlmSession } from '../src/core/loop/RlmSession';
import { COMPACT_AT } from '../src/core/loop/RootHistory';
import { DEFAULT_CACHE_BYTES, subCallKey, SubCallCacheFile } from '../src/core/loop/SubCallCache';
import { createModel } from '../src/core/models/createModel';
import { defaultPriceTable } from '../src/core/models/pricing';
import type { RlmEvent } from '../src/core/trajectory/events';
import { FileSystemWorkspace } from '../src/core/workspace/FileSystemWorkspace';
import { FakeModelServer, type FakeRequest, type FakeServerOptions } from '../test/fakes/FakeModelServer';
import { watchingTheEventLoop } from '../test/support/eventLoop';
import { renderSection, type Section } from './report';

const CACHED_INPUT_TARGET = 0.4;
const REUSED_TOKENS_TARGET = 0.1;
const LOOKUP_P99_TARGET_MS = 1;
const ROOT_TURNS = 20;
const LONG_TURNS = 40;
const SMALL_WINDOW = 8_192;
/** Answers written to fill the cache past its cap before timing a load. */
const FILL_ANSWERS = 40_000;

const fence = (prose: string, body: string) => `${prose}\n\n\`\`\`repl\n${body}\n\`\`\``;
const isSummaryRequest = (req: FakeRequest) => /about to be compacted/.test(req.messages.at(-1)!.content);

/** Root and sub-model on the fake server, through the real SDK of `api`, named as the priced models. */
async function modelsOn(server: FakeModelServer, api: 'openai' | 'anthropic', names: { root: string; sub: string }, rootWindow?: number) {
  const common = { provider: api, baseUrl: api === 'openai' ? server.openaiBaseUrl : server.anthropicBaseUrl, apiKey: 'bench', retries: 0 } as const;
  return { root: await createModel({ ...common, model: names.root, contextWindow: rootWindow }), sub: await createModel({ ...common, model: names.sub }) };
}

// Claude Sonnet 4 has Sonnet 4.5's list prices; SDK 1.12 warns on every request naming 4.5 (deprecated on 2026-11-30).
const PRICED = { openai: { root: 'gpt-5', sub: 'gpt-5-mini' }, anthropic: { root: 'claude-sonnet-4', sub: 'claude-haiku-4-5' } } as const;
/** A local model the price table does not know: its window is a stand-in unless given. */
const LOCAL = { root: 'qwen2.5-coder:7b', sub: 'qwen2.5-coder:7b' };

export interface CachingFigures {
  api: 'openai' | 'anthropic';
  model: string;
  turns: number;
  inputTokens: number;
  cachedTokens: number;
  writtenTokens: number;
  /** The root turns' input as billed, and the same tokens at the input price. */
  billedInputUsd: number;
  listInputUsd: number;
  ratio: number;
  answered: boolean;
}

/** A 20-turn root run: each turn prints a part of the context and asks a sub-model about it. */
async function cachingRun(api: 'openai' | 'anthropic'): Promise<CachingFigures> {
  let turn = 0;
  const server = await FakeModelServer.start((req) => {
    if (req.model !== PRICED[api].root) return `notes on ${req.messages.at(-1)!.content.length} characters`;
    turn++;
    if (turn < ROOT_TURNS) return fence(`Part ${turn}.`, `const part${turn} = context.slice(${(turn - 1) * 1500}, ${turn * 1500});\nprint(part${turn});\nprint(await llm_query("Summarise: " + part${turn}));`);
    return fence('Done.', `FINAL("read ${ROOT_TURNS - 1} parts")`);
  }, { promptCache: true });
  try {
    const models = await modelsOn(server, api, PRICED[api]);
    const text = Array.from({ length: 4_000 }, (_, i) => `line ${i}: the quick brown fox jumps over the lazy dog`).join('\n');
    const session = await RlmSession.create({ models, context: { kind: 'text', text }, costOf: (m, u) => defaultPriceTable.costUsd(m, u) });
    const turns: Array<Extract<RlmEvent, { type: 'turn_end' }>> = [];
    const result = await session.ask('Read the context part by part.', { onEvent: (e) => e.type === 'turn_end' && turns.push(e) });
    session.dispose();
    let billed = 0;
    let list = 0;
    let cached = 0;
    let written = 0;
    let input = 0;
    for (const { usage } of turns) {
      // The input's part of the price: as billed, and the same tokens at the input price.
      billed += defaultPriceTable.costUsd(PRICED[api].root, { ...usage, outputTokens: 0 })!;
      list += defaultPriceTable.costUsd(PRICED[api].root, { inputTokens: usage.inputTokens, outputTokens: 0 })!;
      cached += usage.cachedInputTokens ?? 0;
      written += usage.cacheWriteTokens ?? 0;
      input += usage.inputTokens;
    }
    return {
      api, model: PRICED[api].root, turns: turns.length, inputTokens: input, cachedTokens: cached, writtenTokens: written,
      billedInputUsd: billed, listInputUsd: list, ratio: billed / list, answered: result.answer === `read ${ROOT_TURNS - 1} parts`,
    };
  } finally {
    await server.close();
  }
}

export interface CompactionFigures {
  label: string;
  turns: number;
  answered: boolean;
  compactions: number;
  refusals: number;
  /** Largest prompt the server accepted, in its tokens. */
  largestPrompt: number;
  requests: number;
}

/** A long run that counts in a REPL variable: right only if the variable survived every compaction. */
async function compactionRun(label: string, server: FakeServerOptions, rootWindow: number | undefined): Promise<CompactionFigures> {
  let turn = 0;
  const fake = await FakeModelServer.start((req) => {
    if (isSummaryRequest(req)) return 'So far: the REPL variable `count` holds the running count (`count.n`). Nothing failed. Next: keep adding, then FINAL(count.n).';
    turn++;
    if (turn === 1) return fence('Start.', `const count = { n: 1 };\nprint("${'a'.repeat(60)}\\n".repeat(40))`);
    if (turn < LONG_TURNS) return fence(`Turn ${turn}.`, `count.n++;\nprint("${'b'.repeat(60)}\\n".repeat(40))`);
    return fence('Done.', 'FINAL(String(count.n))');
  }, server);
  try {
    const models = await modelsOn(fake, 'openai', LOCAL, rootWindow);
    const session = await RlmSession.create({ models, context: { kind: 'text', text: 'abc' }, limits: { maxIterations: LONG_TURNS + 5 } });
    const result = await session.ask('Count the turns.');
    session.dispose();
    const accepted = fake.requests.filter((r) => !r.refused);
    return {
      label, turns: result.iterations, answered: result.answer === String(LONG_TURNS - 1), compactions: result.compactions,
      refusals: fake.requests.length - accepted.length, largestPrompt: Math.max(...accepted.map((r) => r.promptTokens)), requests: fake.requests.length,
    };
  } finally {
    await fake.close();
  }
}

export interface ReuseFigures {
  files: number;
  firstSubTokens: number;
  secondSubTokens: number;
  firstSubUsd: number;
  secondSubUsd: number;
  savedUsd: number;
  reused: number;
  sameAnswer: boolean;
}

/** A question that has every file of a workspace summarised, asked twice in two sessions sharing one cache. */
async function reuseRun(): Promise<ReuseFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-bench-cost-'));
  const files = 40;
  mkdirSync(join(dir, 'src'));
  for (let f = 0; f < files; f++) {
    const body = Array.from({ length: 60 }, (_, i) => `export function f${f}_${i}(x: number): number {\n  return x * ${i} + ${f};\n}`).join('\n');
    writeFileSync(join(dir, 'src', `mod${f}.ts`), body);
  }
  const root = (req: FakeRequest) => req.messages.filter((m) => m.role === 'assistant').length === 0
    ? fence('Summarise every file.', 'const paths = files("src/**/*.ts").map((f) => f.path);\nconst notes = await llm_query_batched(paths.map((p) => "Summarise this file:\\n" + read(p)));\nprint(notes.length);')
    : fence('Done.', 'FINAL(notes.join("\\n"))');
  const server = await FakeModelServer.start((req) => (req.model === PRICED.openai.root ? root(req) : `a module of ${req.messages.at(-1)!.content.length} characters`), { promptCache: true });
  // Outside the workspace, as the CLI and the extension keep it.
  const cacheDir = mkdtempSync(join(tmpdir(), 'rlm-bench-cost-cache-'));
  const cacheFile = join(cacheDir, 'subcalls', 'w.jsonl');
  const workspace = await FileSystemWorkspace.openAsync(dir);
  try {
    const models = await modelsOn(server, 'openai', PRICED.openai);
    const ask = async () => {
      const cache = new SubCallCacheFile(cacheFile);
      const session = await RlmSession.create({ models, context: { kind: 'workspace', workspace }, costOf: (m, u) => defaultPriceTable.costUsd(m, u), subCallCache: cache });
      try {
        return await session.ask('What does each module do?');
      } finally {
        session.dispose();
        await cache.close();
      }
    };
    const first = await ask();
    const second = await ask();
    const tokens = (r: typeof first) => r.usage.sub.inputTokens + r.usage.sub.outputTokens;
    return {
      files, firstSubTokens: tokens(first), secondSubTokens: tokens(second), firstSubUsd: first.usage.sub.costUsd, secondSubUsd: second.usage.sub.costUsd,
      savedUsd: second.usage.sub.savedUsd ?? 0, reused: second.usage.sub.reusedCalls ?? 0, sameAnswer: first.answer === second.answer && first.answer !== '',
    };
  } finally {
    workspace.dispose();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

export interface LookupFigures {
  lookups: number;
  promptKb: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The same lookups in CPU time: what they cost the thread, without the time other processes took the core. */
  cpuP99Ms: number;
  fullCacheMb: number;
  written: number;
  fullCacheEntries: number;
  loadMs: number;
  loadStallMs: number;
}

/** Hash and lookup of realistic sub-call prompts (file chunks), hits and misses; then loading a full cache file. */
async function lookupRun(): Promise<LookupFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-bench-lookup-'));
  try {
    const file = join(dir, 'subcalls', 'w.jsonl');
    const cache = new SubCallCacheFile(file);
    const chunk = (i: number) => `Summarise this file:\n${`export const value${i} = ${i}; // a line of code in file ${i}\n`.repeat(300)}`;
    const prompts = Array.from({ length: 4_000 }, (_, i) => chunk(i));
    const answer = (i: number) => ({ text: `summary ${i} `.repeat(40), model: 'gpt-5-mini', usage: { inputTokens: 4_000, outputTokens: 120, estimated: false }, costUsd: 0.00124 });
    for (let i = 0; i < prompts.length; i += 2) cache.set(subCallKey('gpt-5-mini', '', prompts[i]!), answer(i));
    await cache.get('warm');
    const times: number[] = [];
    const cpu: number[] = [];
    for (const prompt of prompts) {
      const t = performance.now();
      const c = process.cpuUsage();
      await cache.get(subCallKey('gpt-5-mini', '', prompt));
      const used = process.cpuUsage(c);
      times.push(performance.now() - t);
      cpu.push((used.user + used.system) / 1000);
    }
    // Fill to the cap, then time a fresh load of the file (what a session's first sub-call waits for).
    for (let i = prompts.length; i < FILL_ANSWERS; i++) cache.set(subCallKey('gpt-5-mini', '', `prompt ${i}`), { ...answer(i), text: `summary ${i} `.repeat(80) });
    await cache.close();
    const reopened = new SubCallCacheFile(file);
    const load = await watchingTheEventLoop(() => reopened.size());
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(file));
    const at = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
    return {
      lookups: times.length, promptKb: prompts[0]!.length / 1024, p50Ms: at(times, 0.5), p99Ms: at(times, 0.99), maxMs: Math.max(...times), cpuP99Ms: at(cpu, 0.99),
      fullCacheMb: size / 2 ** 20, written: FILL_ANSWERS - prompts.length / 2, fullCacheEntries: load.value, loadMs: load.took, loadStallMs: load.longestGapMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface CostFigures {
  caching: CachingFigures[];
  compaction: CompactionFigures[];
  reuse: ReuseFigures;
  lookup: LookupFigures;
}

export async function costBench(): Promise<CostFigures> {
  return {
    caching: [await cachingRun('openai'), await cachingRun('anthropic')],
    compaction: [
      await compactionRun(`window known (8,192 tokens), the server refusing above it`, { contextWindow: SMALL_WINDOW }, SMALL_WINDOW),
      await compactionRun('window unknown to the engine, a llama.cpp-style server refusing above 8,192 tokens', { contextWindow: SMALL_WINDOW, refusal: 'llama.cpp' }, undefined),
    ],
    reuse: await reuseRun(),
    lookup: await lookupRun(),
  };
}

export function costSection(r: CostFigures): Section {
  const usd = (x: number) => `$${x.toFixed(4)}`;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const k = (n: number) => n.toLocaleString('en-US');
  const rows: Section['rows'] = [];
  for (const c of r.caching) {
    rows.push({
      measure: `${c.api === 'openai' ? 'OpenAI API' : 'Anthropic API'}, ${c.turns}-turn root run priced as ${c.model}: billed root input cost / the same tokens uncached`,
      value: `**${pct(c.ratio)}** (${usd(c.billedInputUsd)} of ${usd(c.listInputUsd)}; ${k(c.cachedTokens)} of ${k(c.inputTokens)} prompt tokens read from the cache${c.writtenTokens ? `, ${k(c.writtenTokens)} written` : ''})`,
      target: `<= ${pct(CACHED_INPUT_TARGET)}`,
      ok: c.ratio <= CACHED_INPUT_TARGET && c.answered,
    });
  }
  for (const c of r.compaction) {
    rows.push({
      measure: `${LONG_TURNS}-turn run, 8k root window: ${c.label}`,
      value: `${c.answered ? 'right answer' : '**wrong answer**'} after ${c.turns} turns; ${c.compactions} compactions, ${c.refusals} of ${c.requests} requests refused; largest prompt accepted ${k(c.largestPrompt)} tokens`,
      target: `right answer, no request over ${k(SMALL_WINDOW)} tokens`,
      ok: c.answered && c.largestPrompt <= SMALL_WINDOW,
    });
  }
  const reuse = r.reuse;
  const share = reuse.firstSubTokens > 0 ? reuse.secondSubTokens / reuse.firstSubTokens : 1;
  rows.push({
    measure: `the same question twice over an unchanged workspace (${reuse.files} files summarised): the second run's sub-call tokens / the first's`,
    value: `**${pct(share)}** (${k(reuse.secondSubTokens)} of ${k(reuse.firstSubTokens)}; ${reuse.reused} answers reused, ${usd(reuse.savedUsd)} saved${reuse.sameAnswer ? ', same answer' : ', **answers differ**'})`,
    target: `<= ${pct(REUSED_TOKENS_TARGET)}`,
    ok: share <= REUSED_TOKENS_TARGET && reuse.sameAnswer,
  });
  const l = r.lookup;
  rows.push({
    measure: `sub-call cache lookup (SHA-256 of a ${l.promptKb.toFixed(0)} kB prompt and a Map read), ${k(l.lookups)} lookups, half hits: p99 in CPU time; wall clock p50 / p99 / max`,
    value: `**${l.cpuP99Ms.toFixed(3)} ms**; ${l.p50Ms.toFixed(3)} / ${l.p99Ms.toFixed(3)} / ${l.maxMs.toFixed(1)} ms`,
    target: `p99 < ${LOOKUP_P99_TARGET_MS} ms`,
    ok: l.cpuP99Ms < LOOKUP_P99_TARGET_MS,
  });
  rows.push({
    measure: `loading a full cache: ${k(l.written)} answers written under the ${DEFAULT_CACHE_BYTES / 2 ** 20} MB cap, ${k(l.fullCacheEntries)} kept, a ${l.fullCacheMb.toFixed(1)} MB file (rewritten past 1.5x the cap)`,
    value: `${l.loadMs} ms, longest event-loop stall ${l.loadStallMs.toFixed(0)} ms`,
    target: '',
  });
  return {
    title: 'Cost: prompt caching, compaction, sub-call answers reused',
    rows,
    notes: [
      'Scripted models through the official SDKs over HTTP against the fake server (test/fakes/FakeModelServer.ts), which counts ' +
        'characters / 4 as tokens and reports cache hits as each provider does (FakePromptCache.ts): OpenAI caches every prompt ' +
        'of 1,024 tokens or more and reports the longest prefix an earlier prompt shared, in 128-token steps; Anthropic reads the ' +
        'longest prefix an earlier cache_control breakpoint wrote and bills the rest up to the newest breakpoint as a cache write ' +
        '(1.25x the input price). Prices: the built-in table (GPT-5 $1.25 input / $0.125 cached; Claude Sonnet 4 and 4.5 $3 input / ' +
        '$0.30 cache read / $3.75 cache write, per 1M tokens).',
      `Compaction (bench/cost.ts): each turn adds about 700 tokens to the root history; the history is compacted before a request ` +
        `would fill ${COMPACT_AT * 100}% of the window, and the answer is a count kept in a REPL variable across every compaction.`,
      'Lookups: the target holds on CPU time (process.cpuUsage around each lookup); the wall clock beside it also counts the ' +
        'time other processes held the core (this machine is shared: see the load average), and its maximum a garbage collection.',
    ],
  };
}

if (require.main === module) {
  void costBench().then((r) => console.log(renderSection(costSection(r))));
}
