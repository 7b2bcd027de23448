// docs/eval.md's example report: `rlm eval` (the built dist/cli.js) against the fake model server, whose scripted
// models find the needle mechanically (evalModels.ts): the plain one in whatever part of the context fits its
// 32k-token window, the RLM root by splitting the context in code and asking the sub-model about each part.
// The figures show what the harness measures; they say nothing about any real model.
//   npm run build && node --import tsx test/support/fakeEvalDemo.ts [OUT_DIR]
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FakeModelServer } from '../fakes/FakeModelServer';
import { needleModels } from './evalModels';

async function main(): Promise<void> {
  // The server reports prompt-cache hits as OpenAI does: the root's resent history is billed at the cached rate.
  const server = await FakeModelServer.start(needleModels(), { models: ['fake-root', 'fake-sub'], promptCache: true });
  const dir = mkdtempSync(join(tmpdir(), 'rlm-eval-demo-'));
  const out = resolve(process.argv[2] ?? join(dir, 'out'));
  // Priced like gpt-5 and gpt-5-mini; the root's window is 32k tokens so the plain model's cut shows early.
  writeFileSync(join(dir, 'prices.json'), JSON.stringify({
    'fake-root': { input: 1.25, cachedInput: 0.125, output: 10, contextWindow: 32_000 },
    'fake-sub': { input: 0.25, cachedInput: 0.025, output: 2, contextWindow: 128_000 },
  }));
  const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
  const args = ['eval', '--suite', 'needle-text', '--sizes', '8k,32k,128k,512k', '--per-size', '3', '--base-url', server.openaiBaseUrl,
    '--model', 'fake-root', '--sub-model', 'fake-sub', '--prices', join(dir, 'prices.json'), '--out', out,
    '--label', 'Fake model server: scripted models, not a real model'];
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OPENAI|ANTHROPIC|RLM)_/.test(k)));
  const code = await new Promise<number | null>((done) => spawn(process.execPath, [cli, ...args], { stdio: 'inherit', env }).on('close', done));
  await server.close();
  process.exit(code ?? 1);
}

void main();
