// "Did you mean" suggestions for missing paths.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closestPath } from '../../../src/core/workspace/closestPath';

const paths = ['src/index.ts', 'src/orders/OrderService.ts', 'src/server/http.ts', 'src/components/Button.tsx', 'README.md', 'test/orders.test.ts'];

test('prefers a different letter case, then the same file name elsewhere, then the same stem, then a small edit', () => {
  assert.equal(closestPath('readme.md', paths), 'README.md');
  assert.equal(closestPath('lib/OrderService.ts', paths), 'src/orders/OrderService.ts');
  assert.equal(closestPath('src/components/Button.ts', paths), 'src/components/Button.tsx');
  assert.equal(closestPath('src/server/htpp.ts', paths), 'src/server/http.ts');
});

test('suggests nothing when nothing is close', () => {
  assert.equal(closestPath('docs/architecture/overview.rst', paths), undefined);
  assert.equal(closestPath('x', []), undefined);
});
