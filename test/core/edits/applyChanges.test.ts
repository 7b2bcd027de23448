// applyChanges on real folders: clean writes, the stale-base guard (re-applied by three-way merge when clean,
// refused otherwise, the user's text never overwritten), symlinks that would lead writes out, renames that
// free each other's paths, and a second apply of the same change set.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { applyChanges } from '../../../src/core/edits/applyChanges';
import { ChangeSet } from '../../../src/core/edits/ChangeSet';
import { sha256 } from '../../../src/core/edits/lineDiff';

const temp = mkdtempSync(join(tmpdir(), 'rlm-apply-'));
after(() => rmSync(temp, { recursive: true, force: true }));
let count = 0;

const BASE: Record<string, string> = {
  'src/a.ts': 'export const a = 1;\nexport const b = 2;\nexport const c = 3;\nexport const d = 4;\nexport const e = 5;\n',
  'src/old.ts': 'old\n',
  'src/move.ts': 'move me\n',
  'run.sh': '#!/bin/sh\necho hi\n',
};

function workspace(files: Record<string, string> = BASE): string {
  const root = join(temp, `ws${++count}`);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** A change set whose base is what the folder holds now (as the run read it). */
function changeSetOn(root: string): ChangeSet {
  return new ChangeSet(async (p) => (existsSync(join(root, p)) ? readFileSync(join(root, p), 'utf8') : undefined));
}

const disk = (root: string, path: string) => (existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined);

describe('applyChanges', () => {
  test('writes edits, new files (with their folders), deletes and renames; keeps file modes', async () => {
    const root = workspace();
    chmodSync(join(root, 'run.sh'), 0o755);
    const cs = changeSetOn(root);
    await cs.proposeEdit('src/a.ts', [{ find: 'b = 2', replace: 'b = 20' }]);
    await cs.proposeEdit('src/deep/new/file.ts', 'export {};');
    await cs.proposeDelete('src/old.ts');
    await cs.proposeRename('src/move.ts', 'lib/moved.ts');
    await cs.proposeEdit('lib/moved.ts', [{ find: 'move me', replace: 'moved' }]);
    await cs.proposeEdit('run.sh', [{ find: 'echo hi', replace: 'echo hello' }]);
    const report = await applyChanges(cs, { root });
    assert.deepEqual(report.refused, []);
    assert.deepEqual(report.merged, []);
    assert.deepEqual(report.applied.map((e) => [e.path, e.change, e.message]), [
      ['lib/moved.ts', 'rename', 'renamed from src/move.ts'], ['run.sh', 'modify', 'written'], ['src/a.ts', 'modify', 'written'],
      ['src/deep/new/file.ts', 'create', 'created'], ['src/old.ts', 'delete', 'deleted'],
    ]);
    for (const f of cs.files()) assert.equal(disk(root, f.path), f.text, f.path);
    assert.equal(disk(root, 'src/move.ts'), undefined);
    assert.equal(statSync(join(root, 'run.sh')).mode & 0o777, 0o755);
    // A second apply finds everything done and changes nothing.
    const again = await applyChanges(cs, { root });
    assert.deepEqual(again.refused, []);
    assert.deepEqual(again.applied.map((e) => e.message), ['already renamed, with this text', 'already has these changes', 'already has these changes', 'already there, with this text', 'already gone']);
  });

  test('stale base: a file changed since the run is re-applied by three-way merge when that is clean', async () => {
    const root = workspace({ ...BASE, 'src/move.ts': 'move me\nline 2\nline 3\n' });
    const cs = changeSetOn(root);
    await cs.proposeEdit('src/a.ts', [{ find: 'a = 1', replace: 'a = 10' }]);
    await cs.proposeRename('src/move.ts', 'moved.ts');
    await cs.proposeEdit('moved.ts', [{ find: 'move me', replace: 'moved' }]);
    writeFileSync(join(root, 'src/a.ts'), BASE['src/a.ts'].replace('e = 5', 'e = 50')); // the user typed meanwhile
    writeFileSync(join(root, 'src/move.ts'), 'move me\nline 2\nline 3\nplus a line the user added\n');
    const report = await applyChanges(cs, { root });
    assert.deepEqual(report.merged.map((e) => [e.path, e.message]), [
      ['moved.ts', 'src/move.ts changed since the run read it: the proposal was re-applied onto it by three-way merge and the file renamed to moved.ts'],
      ['src/a.ts', 'src/a.ts changed since the run read it: the proposal was re-applied onto it by three-way merge'],
    ]);
    assert.equal(disk(root, 'src/a.ts'), BASE['src/a.ts'].replace('a = 1', 'a = 10').replace('e = 5', 'e = 50'));
    assert.equal(disk(root, 'moved.ts'), 'moved\nline 2\nline 3\nplus a line the user added\n');
  });

  test('stale base: overlapping changes, a changed file to delete, a new target: refused, the user\'s text kept', async () => {
    const root = workspace();
    const cs = changeSetOn(root);
    await cs.proposeEdit('src/a.ts', [{ find: 'c = 3', replace: 'c = 30' }]);
    await cs.proposeDelete('src/old.ts');
    await cs.proposeEdit('src/new.ts', 'mine');
    await cs.proposeRename('src/move.ts', 'taken.ts');
    const userText = BASE['src/a.ts'].replace('c = 3', 'c = 33');
    writeFileSync(join(root, 'src/a.ts'), userText);
    writeFileSync(join(root, 'src/old.ts'), 'old, but edited\n');
    writeFileSync(join(root, 'src/new.ts'), 'theirs\n');
    writeFileSync(join(root, 'taken.ts'), 'someone else\n');
    const report = await applyChanges(cs, { root });
    assert.deepEqual(report.applied, []);
    assert.deepEqual(report.refused.map((e) => [e.path, e.message]), [
      ['src/a.ts', 'src/a.ts changed since the run read it, and the changes overlap the proposal (line 3 of the file now): not written; re-run, or merge by hand'],
      ['src/new.ts', 'src/new.ts exists on disk (created since the run read the workspace): not overwritten'],
      ['src/old.ts', 'src/old.ts changed since the run read it: not deleted'],
      ['taken.ts', 'taken.ts exists on disk (created since the run read the workspace): not overwritten'],
    ]);
    assert.equal(disk(root, 'src/a.ts'), userText);
    assert.equal(disk(root, 'src/old.ts'), 'old, but edited\n');
    assert.equal(disk(root, 'src/new.ts'), 'theirs\n');
    assert.equal(disk(root, 'src/move.ts'), 'move me\n', 'the refused rename left its source alone');
    const gone = workspace();
    const cs2 = changeSetOn(gone);
    await cs2.proposeEdit('src/a.ts', [{ find: 'a = 1', replace: 'a = 2' }]);
    rmSync(join(gone, 'src/a.ts'));
    assert.deepEqual((await applyChanges(cs2, { root: gone })).refused.map((e) => e.message), ['src/a.ts was deleted since the run read it: not written']);
    assert.equal(disk(gone, 'src/a.ts'), undefined);
  });

  test('symlinks never lead a write out of the workspace', async () => {
    const outside = join(temp, `outside${++count}`);
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'secret\n');
    const root = workspace();
    const cs = changeSetOn(root);
    await cs.proposeEdit('src/a.ts', [{ find: 'a = 1', replace: 'a = 2' }]);
    await cs.proposeEdit('linked/new.ts', 'x');
    // After the run: the file becomes a link out, and a folder on the way to a new file is a link out.
    rmSync(join(root, 'src/a.ts'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'src/a.ts'));
    symlinkSync(outside, join(root, 'linked'));
    const report = await applyChanges(cs, { root });
    assert.deepEqual(report.refused.map((e) => e.path), ['linked/new.ts', 'src/a.ts']);
    assert.match(report.refused[0].message, /'linked' is a symlink: RLM never writes through one/);
    assert.match(report.refused[1].message, /symlink/);
    assert.equal(readFileSync(join(outside, 'secret.txt'), 'utf8'), 'secret\n');
    assert.equal(existsSync(join(outside, 'new.ts')), false);
  });

  test('renames that free each other\'s paths: a swap and a move onto a moved-away path', async () => {
    const root = workspace({ 'a.txt': 'A\n', 'b.txt': 'B\n', 'c.txt': 'C\n' });
    const cs = changeSetOn(root);
    await cs.proposeRename('a.txt', 'tmp.txt');
    await cs.proposeRename('b.txt', 'a.txt');
    await cs.proposeRename('tmp.txt', 'b.txt');
    await cs.proposeRename('c.txt', 'd.txt');
    await cs.proposeEdit('c.txt', 'shim\n');
    const report = await applyChanges(cs, { root });
    assert.deepEqual(report.refused, []);
    assert.deepEqual(['a.txt', 'b.txt', 'c.txt', 'd.txt'].map((p) => disk(root, p)), ['B\n', 'A\n', 'shim\n', 'C\n']);
  });

  test('files refused up front (unresolved conflicts), and records that break the rules', async () => {
    const root = workspace();
    const cs = changeSetOn(root);
    await cs.proposeEdit('src/a.ts', [{ find: 'a = 1', replace: 'a = 2' }]);
    const report = await applyChanges(cs, { root, refuse: new Map([['src/a.ts', 'unresolved conflict c1 (overlap)']]) });
    assert.deepEqual(report.refused.map((e) => e.message), ['unresolved conflict c1 (overlap)']);
    assert.equal(disk(root, 'src/a.ts'), BASE['src/a.ts']);
    const forged = [
      { path: '.git/hooks/pre-commit', base: undefined, baseSha256: undefined, text: '#!/bin/sh\nrm -rf /\n', descriptions: [] },
      { path: '../escape.txt', base: undefined, baseSha256: undefined, text: 'x', descriptions: [] },
      { path: 'src/old.ts', base: 'old\n', baseSha256: sha256('old\n'), text: undefined, descriptions: [] },
      // .git as a case-insensitive file system sees it, and a backslash that Linux would keep in the name.
      { path: '.GIT/config', base: undefined, baseSha256: undefined, text: '[core]\n', descriptions: [] },
      { path: 'A\\b.txt', base: undefined, baseSha256: undefined, text: 'x', descriptions: [] },
    ];
    const r2 = await applyChanges(forged, { root });
    assert.deepEqual(r2.refused.map((e) => e.path), ['.git/hooks/pre-commit', '../escape.txt', '.GIT/config', 'A\\b.txt']);
    assert.match(r2.refused[2]!.message, /is inside a \.git folder/);
    assert.match(r2.refused[3]!.message, /contains a backslash/);
    assert.equal(existsSync(join(root, '.GIT')), false);
    assert.equal(existsSync(join(root, 'A')), false);
    assert.deepEqual(r2.applied.map((e) => e.path), ['src/old.ts']);
    assert.equal(existsSync(join(root, '.git')), false);
    assert.equal(existsSync(join(temp, 'escape.txt')), false);
  });
});
