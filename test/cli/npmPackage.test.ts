// The CLI as a package: `npm pack`'s tarball installed into an empty folder, and globally (`npm i -g`, into a
// prefix of the test's own), with the network shut (an unreachable registry and --offline, an empty npm cache):
// everything the CLI runs is bundled in dist/, so nothing is fetched. Then `rlm-code` answers from a workspace
// through the fake model server, `npx rlm-code` finds it, and `rlm-code mcp` serves tools/list to the SDK's client.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { FakeModelServer } from '../fakes/FakeModelServer';
import { cliEnv, runProcess as run } from '../support/cli';
import { closedPort } from '../support/closedPort';
import { code } from '../support/scriptedModels';

const REPO = join(__dirname, '..', '..');

/** npm with none of the outer npm's settings, an empty cache, and a registry nobody answers on. */
async function npmEnv(): Promise<NodeJS.ProcessEnv> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, npm_config_cache: mkdtempSync(join(tmpdir(), 'rlm-npm-cache-')), npm_config_registry: `http://127.0.0.1:${await closedPort()}/`, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
}

test('npm pack, then an install into an empty folder and a global one, offline: rlm-code ask, npx rlm-code and rlm-code mcp work', async () => {
  const env = await npmEnv();
  const packDir = mkdtempSync(join(tmpdir(), 'rlm-pack-'));
  let started = Date.now();
  const packed = await run('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: REPO, env, timeoutMs: 120_000 });
  assert.equal(packed.code, 0, packed.stderr);
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; size: number; unpackedSize: number; files: Array<{ path: string }> }>;
  const files = info!.files.map((f) => f.path);
  console.log(`# npm pack: ${(info!.size / 1e6).toFixed(1)} MB packed, ${(info!.unpackedSize / 1e6).toFixed(1)} MB unpacked, ${files.length} files, ${Date.now() - started} ms`);
  for (const f of ['dist/cli.js', 'dist/sandbox-worker.js', 'dist/syntaxWorker.js', 'dist/query-worker.js', 'dist/walk-worker.js', 'dist/cache-worker.js', 'dist/quickjs.wasm', 'dist/web-tree-sitter.wasm', 'package.json', 'README.md', 'LICENSE']) assert.ok(files.includes(f), f);
  assert.ok(files.some((f) => f.startsWith('dist/grammars/') && f.endsWith('.wasm')), 'the grammars');
  assert.ok(!files.some((f) => f.endsWith('.map') || f.startsWith('src/') || f.startsWith('test/') || f === 'dist/extension.js'), 'the CLI only, no sources or maps');
  const tarball = join(packDir, info!.filename);

  const local = mkdtempSync(join(tmpdir(), 'rlm-local-'));
  writeFileSync(join(local, 'package.json'), '{"private": true}\n');
  started = Date.now();
  const installed = await run('npm', ['install', tarball], { cwd: local, env, timeoutMs: 120_000 });
  assert.equal(installed.code, 0, installed.stderr);
  console.log(`# npm install of the tarball, offline: ${Date.now() - started} ms`);
  const global = mkdtempSync(join(tmpdir(), 'rlm-global-'));
  const globalInstall = await run('npm', ['install', '--global', '--prefix', global, tarball], { env, timeoutMs: 120_000 });
  assert.equal(globalInstall.code, 0, globalInstall.stderr);

  const version = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version;
  const runEnv = { ...cliEnv(), PATH: `${join(global, 'bin')}:${process.env.PATH}` };
  assert.equal((await run(join(local, 'node_modules', '.bin', 'rlm-code'), ['--version'], { env: runEnv })).stdout.trim(), version);
  assert.equal((await run(join(local, 'node_modules', '.bin', 'rlm'), ['--version'], { env: runEnv })).stdout.trim(), version);
  const npx = await run('npx', ['--offline', 'rlm-code', '--version'], { cwd: local, env: { ...env, ...runEnv }, timeoutMs: 60_000 });
  assert.equal(npx.stdout.trim(), version, npx.stderr);
  assert.equal((await run('rlm-code', ['--version'], { env: runEnv })).stdout.trim(), version, 'the global install is on PATH');

  const server = await FakeModelServer.start((req) => {
    if (req.model !== 'gpt-root') return 'sub';
    return req.messages.some((m) => m.role === 'assistant')
      ? code('Done.', 'FINAL(`backoff is in ${hits[0].path}:${hits[0].line}`)')
      : code('Find it.', 'const hits = grep("2 \\\\*\\\\* attempt");');
  }, { models: ['gpt-root'] });
  try {
    const dir = mkdtempSync(join(tmpdir(), 'rlm-pack-ws-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'retry.ts'), 'export function backoff(attempt: number) {\n  return Math.min(30_000, 2 ** attempt * 100);\n}\n');
    const asked = await run('rlm-code', ['ask', 'Where is the backoff computed?', '--workspace', dir, '--base-url', server.openaiBaseUrl, '--model', 'gpt-root', '--quiet'], { env: runEnv, timeoutMs: 60_000 });
    assert.equal(asked.code, 0, asked.stderr);
    assert.equal(asked.stdout, 'backoff is in src/retry.ts:2\n', 'the Tree-sitter grammars, QuickJS and the workers load from the installed package');

    const client = new Client({ name: 'rlm-pack-test', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: join(global, 'bin', 'rlm-code'), args: ['mcp', '--workspace', dir, '--base-url', server.openaiBaseUrl, '--model', 'gpt-root'], env: runEnv as Record<string, string>, stderr: 'ignore' }));
    try {
      assert.deepEqual((await client.listTools()).tools.map((t) => t.name), ['ask_codebase', 'propose_refactor', 'replay_trace']);
    } finally {
      await client.close();
    }
  } finally {
    await server.close();
  }
});
