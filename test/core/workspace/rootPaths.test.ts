// The one check of whether a path lies inside a folder (PathGuard, confined reads, the sub-call cache, file events).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isInside, pathInside } from '../../../src/core/workspace/rootPaths';

test('pathInside: the relative path for the root and what is under it, undefined outside (a name starting with .. is inside)', () => {
  assert.equal(pathInside('/w/repo', '/w/repo'), '');
  assert.equal(pathInside('/w/repo/', '/w/repo/src/a.ts'), 'src/a.ts');
  assert.equal(pathInside('/w/repo', '/w/repo/..hidden/a.ts'), '..hidden/a.ts');
  assert.equal(pathInside('/w/repo', '/w/repo-other/a.ts'), undefined);
  assert.equal(pathInside('/w/repo', '/w'), undefined);
  assert.equal(isInside('/w/repo', '/w/repo/src'), true);
  assert.equal(isInside('/w/repo', '/etc/passwd'), false);
});
