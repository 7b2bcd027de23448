// Read-time confinement: whatever is opened must be the file the index admitted, even when the disk
// changed after indexing. Both verification methods (Linux's /proc/self/fd and the portable
// realpath + inode one) run every case, synchronously and asynchronously.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { WorkspaceIndex } from '../../../src/core/workspace/WorkspaceIndex';
import {
  checkConfined, ConfinementError, type ConfinedFile, type ConfinedReadOptions, readConfined, readConfinedSync,
} from '../../../src/core/workspace/confinedRead';
import { write } from './fixtureWorkspace';
import { createGitSandbox } from './gitFixture';

const sandbox = createGitSandbox('rlm-confined-');
after(() => sandbox.cleanup());
const root = join(sandbox.base, 'ws');
const outside = join(sandbox.base, 'outside.txt');
const at = (p: string) => join(root, p);
const MAX = 4096;
const MODULE = join(__dirname, '../../../src/core/workspace/confinedRead.ts');

const methods: Array<ConfinedReadOptions['verification']> = ['inode'];
if (existsSync('/proc/self/fd')) methods.unshift('proc-fd');

test('setup: a repository with a secret, a credential and a link', async () => {
  mkdirSync(root);
  await sandbox.git(root, 'init', '-q');
  write(at('.gitignore'), '.env.local\n');
  write(at('.env.local'), 'API_KEY=sk-live-123\n');
  write(at('deploy/id_ed25519'), '-----BEGIN OPENSSH PRIVATE KEY-----\n');
  write(outside, 'outside secret\n');
  for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) write(at(`src/${name}.ts`), `export const ${name} = 1;\n`);
  mkdirSync(at('lib'));
  symlinkSync('../src/a.ts', at('lib/a-link.ts'));
});

/** Runs `body` with a read function for every method, sync and async. */
function eachReader(body: (read: (file: ConfinedFile, maxBytes?: number) => Promise<string>, label: string) => Promise<void>): Promise<void[]> {
  return Promise.all(methods.flatMap((verification) => [
    body(async (file, maxBytes = MAX) => readConfinedSync(root, file, { maxBytes, verification }), `${verification} sync`),
    body((file, maxBytes = MAX) => readConfined(root, file, { maxBytes, verification }), `${verification} async`),
  ]));
}

async function refusal(promise: Promise<unknown>): Promise<ConfinementError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ConfinementError, `expected a ConfinementError, got ${error}`);
    return error;
  }
  assert.fail('the read was not refused');
}

test('a normal file and an indexed symlink read as they are', async () => {
  const index = WorkspaceIndex.open(root, { gitUserPaths: { home: sandbox.home } });
  const link = index.get('lib/a-link.ts')!;
  assert.equal(link.target, 'src/a.ts');
  await eachReader(async (read, label) => {
    assert.equal(await read(index.get('src/b.ts')!), 'export const b = 1;\n', label);
    assert.equal(await read(link), 'export const a = 1;\n', label);
  });
  checkConfined(root, index.get('src/b.ts')!);
  checkConfined(root, link);
});

test('seen: a file swapped for a symlink to outside the workspace after indexing is refused', async () => {
  const index = WorkspaceIndex.open(root, { gitUserPaths: { home: sandbox.home } });
  const record = index.get('src/c.ts')!;
  unlinkSync(at('src/c.ts'));
  symlinkSync(outside, at('src/c.ts'));
  await eachReader(async (read, label) => {
    const error = await refusal(read(record));
    assert.equal(error.problem, 'outside', label);
    assert.equal(error.message, "File 'src/c.ts' changed since it was indexed: it is now a symlink that leads outside the workspace", label);
    assert.ok(!error.message.includes(sandbox.base), 'the outside path is never named');
  });
  assert.throws(() => checkConfined(root, record), /it is now a symlink that leads outside the workspace/);
});

test('a folder swapped for a symlink to outside is refused (the real path of what was opened counts)', async () => {
  write(join(sandbox.base, 'elsewhere/d.ts'), 'outside d\n');
  const index = WorkspaceIndex.open(root, { gitUserPaths: { home: sandbox.home } });
  const record = index.get('src/d.ts')!;
  renameSync(at('src'), at('src-moved'));
  symlinkSync(join(sandbox.base, 'elsewhere'), at('src'));
  try {
    await eachReader(async (read, label) => assert.equal((await refusal(read(record))).problem, 'outside', label));
    assert.throws(() => checkConfined(root, record), ConfinementError);
  } finally {
    unlinkSync(at('src'));
    renameSync(at('src-moved'), at('src'));
  }
});

test('swapped for symlinks to .git/config, to a gitignored .env or to a credential file: refused and named', async () => {
  const index = WorkspaceIndex.open(root, { gitUserPaths: { home: sandbox.home } });
  const cases: Array<[string, string]> = [['src/e.ts', '.git/config'], ['src/f.ts', '.env.local'], ['src/g.ts', 'deploy/id_ed25519']];
  for (const [path, target] of cases) {
    const record = index.get(path)!;
    unlinkSync(at(path));
    symlinkSync(at(target), at(path));
    await eachReader(async (read, label) => {
      const error = await refusal(read(record));
      assert.equal(error.problem, 'moved', label);
      assert.equal(error.message, `File '${path}' changed since it was indexed: it is now a symlink to '${target}'`, label);
    });
    assert.throws(() => checkConfined(root, record), { message: `File '${path}' changed since it was indexed: it is now a symlink to '${target}'` });
  }
  // A record that claims to be a plain file but is a link to .git/config (never admitted) is refused too.
  symlinkSync('.git/config', at('forged.txt'));
  await eachReader(async (read) => assert.equal((await refusal(read({ path: 'forged.txt' }))).problem, 'moved'));
  // A link retargeted after indexing.
  const link = index.get('lib/a-link.ts')!;
  unlinkSync(at('lib/a-link.ts'));
  symlinkSync('../.env.local', at('lib/a-link.ts'));
  await eachReader(async (read) => {
    assert.equal((await refusal(read(link))).message, "File 'lib/a-link.ts' changed since it was indexed: it now leads to '.env.local' instead of 'src/a.ts'");
  });
});

test('a missing file, a folder, a FIFO and a grown file are refused with clear messages', async () => {
  write(at('tmp/grows.txt'), 'small\n');
  const index = WorkspaceIndex.open(root, { gitUserPaths: { home: sandbox.home } });
  const grows = index.get('tmp/grows.txt')!;
  writeFileSync(at('tmp/grows.txt'), 'x'.repeat(MAX + 1));
  await eachReader(async (read) => {
    const error = await refusal(read({ path: 'tmp/gone.txt' }));
    assert.equal(error.problem, 'missing');
    assert.equal(error.message, "File 'tmp/gone.txt' is gone: it was deleted or moved since it was indexed");
    assert.equal((await refusal(read({ path: 'tmp' }))).problem, 'not-a-file');
    const large = await refusal(read(grows));
    assert.equal(large.problem, 'too-large');
    assert.equal(large.message, `File 'tmp/grows.txt' has grown past the ${MAX}-byte limit since it was indexed`);
    assert.equal(await read(grows, MAX + 1), 'x'.repeat(MAX + 1), 'exactly at the limit is fine');
  });
  assert.throws(() => checkConfined(root, { path: 'tmp/gone.txt' }), { name: 'ConfinementError', problem: 'missing' } as object);
  if (spawnSync('mkfifo', [at('tmp/pipe')]).status === 0) {
    // Opening a FIFO for reading would wait for a writer forever; the read must not.
    await eachReader(async (read) => assert.equal((await refusal(read({ path: 'tmp/pipe' }))).problem, 'not-a-file'));
    assert.throws(() => checkConfined(root, { path: 'tmp/pipe' }), /no longer a regular file/);
  }
  rmSync(at('tmp'), { recursive: true });
});

test('a bad maxBytes is a programming error, reported as such', () => {
  assert.throws(() => readConfinedSync(root, { path: 'src/b.ts' }, { maxBytes: -1 }), /maxBytes must be a positive number/);
});

test('loads in a worker thread (imports nothing but node:fs, node:path and rootPaths, which imports only those) and reads there', async () => {
  const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^import [^;]*? from '([^']+)';/gms)].map((m) => m[1]).sort();
  assert.deepEqual(importsOf(MODULE), ['./rootPaths', 'node:fs', 'node:fs/promises', 'node:path']);
  assert.deepEqual(importsOf(join(dirname(MODULE), 'rootPaths.ts')), ['node:fs', 'node:fs/promises', 'node:path']);
  const worker = new Worker(
    // tsx's --import hooks do not reach workers: register its require hook first (as ParsePool does).
    `require('tsx/cjs');
     const { parentPort, workerData } = require('node:worker_threads');
     const { readConfinedSync, ConfinementError } = require(workerData.module);
     const ok = readConfinedSync(workerData.root, { path: 'src/b.ts' }, { maxBytes: 4096 });
     let refused;
     try { readConfinedSync(workerData.root, { path: 'src/c.ts' }, { maxBytes: 4096 }); } catch (e) { refused = e instanceof ConfinementError && e.problem; }
     parentPort.postMessage({ ok, refused });`,
    { eval: true, workerData: { module: MODULE, root } },
  );
  const [reply] = await once(worker, 'message');
  await worker.terminate();
  assert.deepEqual(reply, { ok: 'export const b = 1;\n', refused: 'outside' });
});
