// The example RefactorBench report in the README and docs/eval.md: `rlm eval --suite refactorbench` on the fixture
// (test/fixtures/refactorbench) against the fake model server, the scripted models making the send_from_directory
// rename and nothing else (benchmarkModels.ts), priced at gpt-5 / gpt-5-mini list prices. Not a real model.
//   npm run build && node --import tsx test/support/fakeBenchmarkDemo.ts
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { FakeModelServer } from '../fakes/FakeModelServer';
import { refactorModels } from './benchmarkModels';

async function main(): Promise<void> {
  const server = await FakeModelServer.start(refactorModels('right'), { models: ['gpt-5', 'gpt-5-mini'] });
  const prices = join(mkdtempSync(join(tmpdir(), 'rlm-demo-')), 'prices.json');
  writeFileSync(prices, JSON.stringify({ 'gpt-5': { input: 1.25, output: 10, contextWindow: 400_000 }, 'gpt-5-mini': { input: 0.25, output: 2, contextWindow: 400_000 } }));
  const out = join(mkdtempSync(join(tmpdir(), 'rlm-demo-')), 'eval');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OPENAI|ANTHROPIC)_/.test(k)));
  const child = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'cli.js'), 'eval', '--suite', 'refactorbench', '--data', join(__dirname, '..', 'fixtures', 'refactorbench'),
    '--base-url', server.openaiBaseUrl, '--model', 'gpt-5', '--sub-model', 'gpt-5-mini', '--prices', prices, '--concurrency', '1', '--out', out,
    '--label', 'Fake model server (test/support/benchmarkModels.ts), not a real model'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  await server.close();
  process.exitCode = code ?? 1;
}

void main();
