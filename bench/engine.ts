// Engine benchmarks: sub-call fan-out against the ideal, per-cell sandbox overhead, and the root prompt
// size for a 1 MB and a 100 MB context. Real engine, real QuickJS, real SDK over HTTP to a fake server.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { RlmSession } from '../src/core/loop/RlmSession';
import { createModel } from '../src/core/models/createModel';
import { Sandbox } from '../src/core/sandbox/Sandbox';
import type { RlmEvent } from '../src/core/trajectory/events';
import { FakeModelServer } from '../test/fakes/FakeModelServer';
import { renderSection, type Section } from './report';

const fence = (body: string) => '```repl\n' + body + '\n```';

export interface EngineFigures {
  fanout: { prompts: number; latencyMs: number; concurrency: number; idealMs: number; cellMs: number; ratio: number; blockingMs: number };
  cell: { emptyCellMs: number; hostCallUs: number };
  prompt: Array<{ contextBytes: number; rootPromptChars: number }>;
}

/** Starts bench/fanoutServer.ts in a child process and resolves its base URL. */
function startRemoteServer(prompts: number, latencyMs: number): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fanoutServer.ts'), String(prompts), String(latencyMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (d) => resolve({ url: String(d).trim(), stop: () => child.kill() }));
  });
}

export async function fanout(prompts = 400, latencyMs = 100, concurrency = 16) {
  const server = await startRemoteServer(prompts, latencyMs);
  try {
    const common = { provider: 'openai', baseUrl: server.url, apiKey: 'bench' } as const;
    const root = await createModel({ ...common, model: 'root' });
    const sub = await createModel({ ...common, model: 'sub' });
    const session = await RlmSession.create({ models: { root, sub }, context: { kind: 'text', text: 'x' }, limits: { concurrency } });
    let cellMs = 0;
    const result = await session.ask('fan out', {
      onEvent: (e: RlmEvent) => {
        if (e.type === 'cell_end' && cellMs === 0) cellMs = e.durationMs;
      },
    });
    session.dispose();
    if (result.answer !== String(prompts)) throw new Error(`fan-out bench: unexpected answer ${result.answer} (${result.detail})`);
    const idealMs = Math.ceil(prompts / concurrency) * latencyMs;
    return { prompts, latencyMs, concurrency, idealMs, cellMs, ratio: cellMs / idealMs, blockingMs: prompts * latencyMs };
  } finally {
    server.stop();
  }
}

async function cellOverhead() {
  const sandbox = await Sandbox.create({ functions: { ping: { fn: () => 1 } } });
  try {
    for (let i = 0; i < 20; i++) await sandbox.run('1 + 1');
    const cells = 300;
    let t = performance.now();
    for (let i = 0; i < cells; i++) await sandbox.run(`const v${i % 10} = ${i}; v${i % 10} + 1`);
    const emptyCellMs = (performance.now() - t) / cells;
    const calls = 20_000;
    t = performance.now();
    await sandbox.run(`let s = 0; for (let i = 0; i < ${calls}; i++) s += ping(); s`);
    const hostCallUs = ((performance.now() - t) * 1000) / calls;
    return { emptyCellMs, hostCallUs };
  } finally {
    sandbox.dispose();
  }
}

async function promptSize(bytes: number) {
  const server = await FakeModelServer.start(() => fence('FINAL(String(context.length))'));
  try {
    const model = await createModel({ provider: 'openai', baseUrl: server.openaiBaseUrl, apiKey: 'bench', model: 'root' });
    const session = await RlmSession.create({ models: { root: model, sub: model }, context: { kind: 'text', text: 'x'.repeat(bytes) } });
    const result = await session.ask('How long is the context?');
    session.dispose();
    if (result.answer !== String(bytes)) throw new Error('prompt bench: wrong answer');
    const first = server.requests[0]!;
    return { contextBytes: bytes, rootPromptChars: first.messages.reduce((n, m) => n + m.content.length, 0) };
  } finally {
    await server.close();
  }
}

export async function engineBench(): Promise<EngineFigures> {
  const fan = await fanout();
  const cell = await cellOverhead();
  const prompt = [await promptSize(1_000_000), await promptSize(100_000_000)];
  return { fanout: fan, cell, prompt };
}

export const FANOUT_TARGET = 1.15;
/** The root prompt holds metadata about the context, never the context: it must not grow with it. */
const PROMPT_GROWTH_LIMIT_CHARS = 1_000;

export function engineSection(f: EngineFigures): Section {
  const { fanout: x } = f;
  const [small, large] = f.prompt;
  const growth = large.rootPromptChars - small.rootPromptChars;
  const rows: Section['rows'] = [
    {
      measure: `fan-out: ${x.prompts} prompts x ${x.latencyMs} ms, concurrency ${x.concurrency} (llm_query_batched, fake server)`,
      value: `${(x.cellMs / 1000).toFixed(2)} s (ideal ${(x.idealMs / 1000).toFixed(2)} s; blocking calls ${(x.blockingMs / 1000).toFixed(0)} s)`,
      target: `<= ${FANOUT_TARGET}x ideal: ${x.ratio.toFixed(3)}x`,
      ok: x.ratio <= FANOUT_TARGET,
    },
    { measure: 'sandbox per-cell overhead', value: `${f.cell.emptyCellMs.toFixed(2)} ms`, target: '' },
    { measure: 'sandbox sync host call', value: `${f.cell.hostCallUs.toFixed(1)} us`, target: '' },
  ];
  for (const p of f.prompt) {
    rows.push({ measure: `root prompt (system + first user message), ${(p.contextBytes / 1e6).toFixed(0)} MB context`, value: `${p.rootPromptChars.toLocaleString('en-US')} chars`, target: '' });
  }
  rows.push({
    measure: 'root prompt growth 1 MB -> 100 MB context',
    value: `${growth} chars`,
    target: `< ${PROMPT_GROWTH_LIMIT_CHARS} chars (metadata only)`,
    ok: growth < PROMPT_GROWTH_LIMIT_CHARS,
  });
  return { title: 'Engine', rows, notes: ['Real engine, real QuickJS, the official OpenAI SDK over HTTP to a fake server in its own process.'] };
}

export function printEngine(f: EngineFigures): void {
  console.log(renderSection(engineSection(f)));
}

if (require.main === module) {
  engineBench().then(printEngine).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
