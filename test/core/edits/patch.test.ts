// The patch is checked by the tool it is for: real `git apply --check` and `git apply` in a temporary
// repository holding the base, then every file compared byte for byte with the change set's texts.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { ChangeSet } from '../../../src/core/edits/ChangeSet';
import { filePatch, toPatch } from '../../../src/core/edits/patch';
import { GOLDEN, runChangesCase } from './goldenCases';

const run = promisify(execFile);
const temp = mkdtempSync(join(tmpdir(), 'rlm-patch-'));
after(() => rmSync(temp, { recursive: true, force: true }));
let repos = 0;

/** A git repository holding these files, committed (so a stray change shows). */
async function repoWith(files: ReadonlyMap<string, string> | Record<string, string>): Promise<string> {
  const dir = join(temp, `repo${++repos}`);
  mkdirSync(dir);
  for (const [path, text] of files instanceof Map ? files : Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const git = (...args: string[]) => run('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'core.autocrlf=false', ...args], { cwd: dir });
  await git('init', '-q');
  await git('add', '-A');
  await git('commit', '-qm', 'base', '--allow-empty');
  return dir;
}

/** Applies the change set's patch with git and checks the result byte for byte. */
async function applyAndCompare(dir: string, changes: ChangeSet): Promise<string> {
  const patch = await toPatch(changes);
  const file = join(dir, '..', `${repos}.diff`);
  writeFileSync(file, patch);
  await run('git', ['apply', '--check', file], { cwd: dir });
  await run('git', ['apply', file], { cwd: dir });
  for (const f of changes.files()) {
    const onDisk = existsSync(join(dir, f.path)) ? readFileSync(join(dir, f.path), 'utf8') : undefined;
    assert.equal(onDisk, f.text, `${f.path} after git apply`);
    if (f.from !== undefined && !changes.file(f.from)) assert.equal(existsSync(join(dir, f.from)), false, `${f.from} was renamed away`);
  }
  return patch;
}

const read = (files: Record<string, string>) => async (p: string) => (Object.hasOwn(files, p) ? files[p] : undefined);

describe('toPatch through git apply', { timeout: 60_000 }, () => {
  for (const name of readdirSync(join(GOLDEN, 'changes')).sort()) {
    test(`golden case ${name}`, async () => {
      const { base, integration } = await runChangesCase(name);
      await applyAndCompare(await repoWith(base), integration.changes);
    });
  }

  test('unusual paths: spaces, quotes, tabs, unicode, a leading dash', async () => {
    const base = { 'my file.txt': 'a\n', 'quote"d.txt': 'q\n', 'tab\there.txt': 't\n', 'ünïcødé/日本.ts': 'u\n', '-dash.txt': 'd\n' };
    const cs = new ChangeSet(read(base));
    for (const p of Object.keys(base)) await cs.proposeEdit(p, [{ find: base[p as keyof typeof base].trim(), replace: 'changed' }]);
    await cs.proposeRename('my file.txt', 'dir with space/renamed file.txt');
    await cs.proposeEdit('new dir/ñew.txt', 'new\n');
    const patch = await applyAndCompare(await repoWith(base), cs);
    assert.match(patch, /diff --git "a\/\\303\\274n/, 'non-ASCII paths are quoted as git quotes them');
  });

  test('empty files: created empty, emptied, an empty file deleted, a file filled', async () => {
    const base = { 'full.txt': 'content\n', 'empty.txt': '', 'gone-empty.txt': '' };
    const cs = new ChangeSet(read(base));
    await cs.proposeEdit('new-empty.txt', '');
    await cs.proposeEdit('full.txt', [{ find: 'content\n', replace: '' }]);
    await cs.proposeEdit('empty.txt', 'filled');
    await cs.proposeDelete('gone-empty.txt');
    const patch = await applyAndCompare(await repoWith(base), cs);
    assert.match(patch, /diff --git a\/new-empty.txt b\/new-empty.txt\nnew file mode 100644\n(?!---)/);
  });

  test('renames without content changes, a rename chain and a swap', async () => {
    const base = { 'a.txt': 'A\n', 'b.txt': 'B\n', 'c.txt': 'C\n', 'd.txt': 'D\n' };
    const cs = new ChangeSet(read(base));
    await cs.proposeRename('a.txt', 'x/a.txt');
    await cs.proposeRename('b.txt', 'tmp.txt');
    await cs.proposeRename('c.txt', 'b.txt');
    await cs.proposeRename('tmp.txt', 'c.txt');
    await cs.proposeRename('d.txt', 'd1.txt');
    await cs.proposeRename('d1.txt', 'd2.txt');
    assert.deepEqual(cs.files().map((f) => [f.path, f.from]), [['b.txt', 'c.txt'], ['c.txt', 'b.txt'], ['d2.txt', 'd.txt'], ['x/a.txt', 'a.txt']]);
    const patch = await applyAndCompare(await repoWith(base), cs);
    assert.doesNotMatch(patch, /^@@/m, 'pure renames have no hunks');
  });

  test('CRLF and no final newline, kept through the patch', async () => {
    const base = { 'w.txt': 'a\r\nb\r\nc\r\n', 'n.txt': 'x\ny', 'mixed.txt': 'p\r\nq\nr' };
    const cs = new ChangeSet(read(base));
    await cs.proposeEdit('w.txt', [{ find: 'b\nc', replace: 'B\nC' }]);
    await cs.proposeEdit('n.txt', [{ find: 'y', replace: 'y\nz' }]);
    await cs.proposeEdit('mixed.txt', [{ find: 'r', replace: 'r\n' }]);
    const patch = await applyAndCompare(await repoWith(base), cs);
    assert.match(patch, /-b\r\n-c\r\n\+B\r\n\+C\r\n/);
    assert.match(patch, /\\ No newline at end of file/);
  });

  test('a large file rewritten wholesale (one hunk past the diff bound) and many hunks in one file', async () => {
    const big = Array.from({ length: 3000 }, (_, i) => `old line ${i}\n`).join('');
    const scattered = Array.from({ length: 2000 }, (_, i) => `keep ${i}\n`).join('');
    const base = { 'big.txt': big, 'scattered.txt': scattered };
    const cs = new ChangeSet(read(base));
    await cs.proposeEdit('big.txt', Array.from({ length: 3000 }, (_, i) => `new line ${i}`).join('\n'));
    await cs.proposeEdit('scattered.txt', scattered.split('\n').map((l, i) => (i % 40 === 0 && l ? `${l} (edited)` : l)).join('\n'));
    const patch = await applyAndCompare(await repoWith(base), cs);
    assert.match(patch, /@@ -1,3000 \+1,3000 @@/);
  });

  test('filePatch of an unchanged record is empty', () => {
    assert.equal(filePatch({ path: 'a', base: 'x\n', baseSha256: undefined, text: 'x\n', descriptions: [] }), '');
  });
});
