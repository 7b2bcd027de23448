// rlm.include / --include: only the named folders are indexed, the other rules still apply inside them, the walk
// never enters the rest, and a glob a workspace wrote cannot make a path test slow.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createFixture, FIXTURE_MAX_FILE_BYTES, write } from './fixtureWorkspace';
import { IncludeRules } from '../../../src/core/workspace/IncludeRules';
import { WorkspaceIndex } from '../../../src/core/workspace/WorkspaceIndex';

const fixture = createFixture();
after(() => fixture.cleanup());
const open = (include: string[]) => WorkspaceIndex.open(fixture.root, { maxFileBytes: FIXTURE_MAX_FILE_BYTES, include });

test('a folder glob keeps only what lies under it; the ignore rules still apply there', () => {
  const index = open(['src']);
  assert.deepEqual(index.list().map((f) => f.path), [
    'src/components/Button.tsx', 'src/index.ts', 'src/legacy/.gitignore', 'src/legacy/keep.gen.ts', 'src/legacy/parser.js', 'src/orders/OrderService.ts', 'src/server/http.ts',
  ]);
  assert.deepEqual(index.explain('README.md'), { reason: 'ignored', message: 'it is outside the folders the include setting names (rlm.include, --include)' });
  assert.deepEqual([...index.directories()].sort(), ['', 'src', 'src/components', 'src/legacy', 'src/orders', 'src/server'], 'no other folder is read');
});

test('wildcards match segment by segment (a file a glob names is kept too); several globs add up; ./ and a trailing / change nothing', () => {
  assert.deepEqual(open(['src/*/']).list().map((f) => f.path).filter((p) => !p.startsWith('src/legacy/')),
    ['src/components/Button.tsx', 'src/index.ts', 'src/orders/OrderService.ts', 'src/server/http.ts']);
  assert.deepEqual(open(['./go', 'py/**/app', 'rust/sr?']).list().map((f) => f.path), ['go/main.go', 'py/app/models.py', 'rust/src/lib.rs']);
  assert.deepEqual(open(['**/app']).list().map((f) => f.path), ['py/app/models.py']);
  assert.deepEqual(open([]).list().length, WorkspaceIndex.open(fixture.root, { maxFileBytes: FIXTURE_MAX_FILE_BYTES }).list().length, 'an empty list is the whole folder');
});

test('single-path updates follow it: a new file outside is not taken in, one inside is', () => {
  const index = open(['src']);
  write(join(fixture.root, 'docs/new.md'), '# new\n');
  write(join(fixture.root, 'src/new.ts'), 'export const n = 1;\n');
  index.applyChanges([{ path: 'docs/new.md', kind: 'created' }, { path: 'src/new.ts', kind: 'created' }]);
  assert.equal(index.get('docs/new.md'), undefined);
  assert.ok(index.get('src/new.ts'));
  assert.match(index.explainNew('docs/other.md')?.message ?? '', /outside the folders the include setting names/);
});

test('a glob that names no folder inside, or that could backtrack, is refused with what to write instead', () => {
  assert.throws(() => new IncludeRules(['../elsewhere']), /is not a folder inside the workspace; name folders such as 'packages\/api'/);
  assert.throws(() => new IncludeRules(['']), /is not a folder inside the workspace/);
  assert.throws(() => new IncludeRules(['src/*a*a*b']), /more than 2 '\*' in one folder name/);
  const rules = new IncludeRules(['*a*b', 'x/**/y']);
  const started = performance.now();
  for (let i = 0; i < 1000; i++) rules.classify(`${'a'.repeat(250)}c/${'x/'.repeat(40)}z`);
  assert.ok(performance.now() - started < 500, 'a thousand deep, failing paths test quickly');
  assert.equal(rules.classify('x/1/2/y/file.ts'), 'inside');
  assert.equal(rules.classify('x/1/2'), 'toward');
  assert.equal(rules.classify('q'), 'outside');
});
