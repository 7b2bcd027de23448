// The one check of whether a path lies inside a folder (PathGuard, confined reads, the sub-call cache, file events).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInside, pathInside, realPathToBe } from '../../../src/core/workspace/rootPaths';

test('pathInside: the relative path for the root and what is under it, undefined outside (a name starting with .. is inside)', () => {
  assert.equal(pathInside('/w/repo', '/w/repo'), '');
  assert.equal(pathInside('/w/repo/', '/w/repo/src/a.ts'), 'src/a.ts');
  assert.equal(pathInside('/w/repo', '/w/repo/..hidden/a.ts'), '..hidden/a.ts');
  assert.equal(pathInside('/w/repo', '/w/repo-other/a.ts'), undefined);
  assert.equal(pathInside('/w/repo', '/w'), undefined);
  assert.equal(isInside('/w/repo', '/w/repo/src'), true);
  assert.equal(isInside('/w/repo', '/etc/passwd'), false);
});

test('realPathToBe: through real symlinks, for paths that exist and paths not made yet; a link loop ends', () => {
  const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'rlm-real-')));
  mkdirSync(join(tmp, 'ws', 'src'), { recursive: true });
  symlinkSync(join(tmp, 'ws'), join(tmp, 'to-ws'));
  symlinkSync(join(tmp, 'ws', '.cache'), join(tmp, 'to-nowhere-yet'));
  symlinkSync('ws/src', join(tmp, 'relative'));
  symlinkSync(join(tmp, 'loop-b'), join(tmp, 'loop-a'));
  symlinkSync(join(tmp, 'loop-a'), join(tmp, 'loop-b'));
  assert.equal(realPathToBe(join(tmp, 'to-ws')), join(tmp, 'ws'));
  assert.equal(realPathToBe(join(tmp, 'to-ws', 'not', 'made')), join(tmp, 'ws', 'not', 'made'), 'the nearest existing ancestor is a link');
  assert.equal(realPathToBe(join(tmp, 'to-nowhere-yet', 'subcalls')), join(tmp, 'ws', '.cache', 'subcalls'), 'a link to a folder not made yet');
  assert.equal(realPathToBe(join(tmp, 'relative', 'x')), join(tmp, 'ws', 'src', 'x'), 'a relative link, from its own folder');
  assert.equal(realPathToBe(join(tmp, 'plain', 'dir')), join(tmp, 'plain', 'dir'));
  assert.match(realPathToBe(join(tmp, 'loop-a', 'x')), /\/loop-[ab]\/x$/, 'a loop leads nowhere, and ends');
});
