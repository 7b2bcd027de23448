// The one workspace flag parsed here: --allow-credential-file lets chosen credential files through.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCli, type AskArgs } from '../../src/cli/args';

test('--allow-credential-file is repeatable and defaults to none', () => {
  const ask = (...extra: string[]) => parseCli(['ask', 'q?', '--workspace', '.', ...extra], {}) as AskArgs;
  assert.deepEqual(ask().allowCredentialFiles, []);
  assert.deepEqual(ask('--allow-credential-file', 'test/fixtures/*.pem', '--allow-credential-file', '.env.test').allowCredentialFiles, ['test/fixtures/*.pem', '.env.test']);
});
