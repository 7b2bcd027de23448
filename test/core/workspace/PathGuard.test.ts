// Confinement of model-written paths to the workspace root.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PathGuard } from '../../../src/core/workspace/PathGuard';
import { write } from './fixtureWorkspace';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'rlm-guard-')));
after(() => rmSync(base, { recursive: true, force: true }));
const root = join(base, 'root');
write(join(root, 'src/a.ts'), 'a\n');
write(join(base, 'outside.txt'), 'secret\n');
symlinkSync(join(base, 'outside.txt'), join(root, 'escape.txt'));
symlinkSync(base, join(root, 'escape-dir'));
symlinkSync('src/a.ts', join(root, 'inside.ts'));
const guard = new PathGuard(root);

test('normalises ./, backslashes, duplicate slashes, inner .. and trailing slashes', () => {
  assert.equal(guard.relative('./src/a.ts'), 'src/a.ts');
  assert.equal(guard.relative('src\\a.ts'), 'src/a.ts');
  assert.equal(guard.relative('src//x/../a.ts'), 'src/a.ts');
  assert.equal(guard.relative('src/'), 'src');
  assert.equal(guard.relative('.'), '');
  assert.equal(guard.relative(''), '');
});

test('refuses .. escapes and absolute paths, suggesting the relative form when it is inside', () => {
  assert.throws(() => guard.relative('../etc/passwd'), { message: "Path '../etc/passwd' is outside the workspace: use a workspace-relative path such as 'src/index.ts' (see files())" });
  assert.throws(() => guard.relative('src/../../x'), /outside the workspace/);
  assert.throws(() => guard.relative('..\\x'), /outside the workspace/);
  assert.throws(() => guard.relative('/etc/passwd'), /outside the workspace/);
  assert.throws(() => guard.relative('C:\\Windows\\win.ini'), /outside the workspace/);
  assert.throws(() => guard.relative(join(root, 'src/a.ts')), /is absolute: use the workspace-relative path 'src\/a.ts' instead/);
  assert.throws(() => guard.relative(42), /Expected a path string but got number/);
  assert.throws(() => guard.relative('a\0b'), /NUL character/);
});

test('confine() refuses symlinks whose real path leaves the root, and accepts those that stay', () => {
  assert.throws(() => guard.confine('escape.txt'), /symlink that leads outside the workspace/);
  assert.throws(() => guard.confine('escape-dir/outside.txt'), /symlink that leads outside the workspace/);
  assert.equal(guard.confine('inside.ts'), 'inside.ts');
  assert.equal(guard.confine('missing/file.ts'), 'missing/file.ts', 'missing paths are reported as missing by the caller');
});

test('contains() does not confuse a sibling with a common prefix', () => {
  assert.equal(guard.contains(join(root, 'src')), true);
  assert.equal(guard.contains(root), true);
  assert.equal(guard.contains(root + '-other/x'), false);
});
