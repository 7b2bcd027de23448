// A symlink inside the workspace is refused like its target: a link to something ignored, excluded,
// under .git, a credential file or outside the root is never indexed, and indexed links record the
// workspace-relative real path of their target.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceIndex, type WorkspaceIndexOptions } from '../../../src/core/workspace/WorkspaceIndex';
import { write } from './fixtureWorkspace';
import { createGitSandbox } from './gitFixture';

const sandbox = createGitSandbox('rlm-links-');
after(() => sandbox.cleanup());
const root = join(sandbox.base, 'ws');
const options: WorkspaceIndexOptions = { gitUserPaths: { home: sandbox.home } };
const at = (p: string) => join(root, p);

test('setup: a real repository with links to its secrets', async () => {
  mkdirSync(root);
  await sandbox.git(root, 'init', '-q');
  write(at('.gitignore'), 'secrets/\nlocal.txt\n');
  write(at('.env'), 'API_KEY=sk-live-123\n');
  write(at('secrets/token.txt'), 'token\n');
  write(at('local.txt'), 'ignored by .gitignore\n');
  write(at('deploy/id_rsa'), '-----BEGIN OPENSSH PRIVATE KEY-----\n');
  write(at('node_modules/pkg/index.js'), 'module.exports = 1;\n');
  write(at('src/a.ts'), 'export const a = 1;\n');
  write(join(sandbox.base, 'outside.txt'), 'outside\n');
  symlinkSync('.git/config', at('git-config.txt'));
  symlinkSync('../.env', at('src/env-link.ts'));
  symlinkSync('secrets/token.txt', at('token-link.txt'));
  symlinkSync('local.txt', at('local-link.txt'));
  symlinkSync('deploy/id_rsa', at('key-link.txt'));
  symlinkSync('node_modules/pkg/index.js', at('pkg-link.js'));
  symlinkSync(join(sandbox.base, 'outside.txt'), at('outside-link.txt'));
  symlinkSync('../src/a.ts', at('deploy/a-link.ts'));
  symlinkSync('src', at('src-dir-link'));
  symlinkSync('src-dir-link/a.ts', at('via-dir-link.ts')); // resolves through a folder link: the real path counts
});

test('seen: in-workspace symlinks to .git/config or to a gitignored .env are not indexed', () => {
  const index = WorkspaceIndex.open(root, options);
  assert.equal(index.get('git-config.txt'), undefined);
  assert.equal(index.get('src/env-link.ts'), undefined);
  assert.deepEqual(index.explain('git-config.txt'), { reason: 'symlink', message: "it is a symlink to '.git/config', which is excluded by the exclude option" });
  assert.deepEqual(index.explain('src/env-link.ts'), {
    reason: 'symlink',
    message: "it is a symlink to '.env', which is a credential file (left out by default; see 'Credential files' in the README)",
  });
});

test('links to ignored, excluded, credential and outside files are refused like their targets', () => {
  const index = WorkspaceIndex.open(root, options);
  const refused = ['git-config.txt', 'src/env-link.ts', 'token-link.txt', 'local-link.txt', 'key-link.txt', 'pkg-link.js', 'outside-link.txt'];
  assert.deepEqual(refused.filter((p) => index.get(p)), []);
  assert.equal(index.explain('token-link.txt')?.message, "it is a symlink to 'secrets/token.txt', which is excluded by .gitignore");
  assert.equal(index.explain('pkg-link.js')?.message, "it is a symlink to 'node_modules/pkg/index.js', which is excluded by the exclude option");
  assert.equal(index.explain('outside-link.txt')?.message, 'it is a symlink that leads outside the workspace');
  // Without the credential list, a link to a credential file is as good as the file.
  const noCredentials = WorkspaceIndex.open(root, { ...options, credentialFiles: [] });
  assert.equal(noCredentials.get('key-link.txt')?.target, 'deploy/id_rsa');
});

test('indexed links carry the workspace-relative real path of their target; plain files carry none', () => {
  const index = WorkspaceIndex.open(root, options);
  assert.equal(index.get('deploy/a-link.ts')?.target, 'src/a.ts');
  assert.equal(index.get('via-dir-link.ts')?.target, 'src/a.ts');
  assert.equal(index.get('src/a.ts')?.target, undefined);
  assert.ok(!('target' in index.get('src/a.ts')!));
});

test('a link retargeted at an ignored file, or whose target becomes ignored, leaves the index', () => {
  const index = WorkspaceIndex.open(root, options);
  assert.ok(index.get('deploy/a-link.ts'));
  unlinkSync(at('deploy/a-link.ts'));
  symlinkSync('../.env', at('deploy/a-link.ts'));
  assert.deepEqual(index.applyChange('deploy/a-link.ts', 'changed').map((c) => `${c.kind} ${c.path}`), ['deleted deploy/a-link.ts']);
  unlinkSync(at('deploy/a-link.ts'));
  symlinkSync('../src/a.ts', at('deploy/a-link.ts'));
  index.applyChange('deploy/a-link.ts', 'changed');
  assert.equal(index.get('deploy/a-link.ts')?.target, 'src/a.ts');

  // The target's folder gains a .gitignore that ignores it: the link in another folder goes too.
  writeFileSync(at('src/.gitignore'), 'a.ts\n');
  const changes = index.applyChange('src/.gitignore', 'created').map((c) => `${c.kind} ${c.path}`).sort();
  assert.deepEqual(changes, ['created src/.gitignore', 'deleted deploy/a-link.ts', 'deleted src/a.ts', 'deleted via-dir-link.ts']);
  unlinkSync(at('src/.gitignore'));
  index.applyChange('src/.gitignore', 'deleted');
  assert.equal(index.get('deploy/a-link.ts')?.target, 'src/a.ts', 'and comes back with it');
});

test('a FIFO reported by the editor is refused at once instead of blocking the thread', () => {
  const index = WorkspaceIndex.open(root, options);
  const fifo = at('src/pipe');
  const made = spawnSync('mkfifo', [fifo]);
  if (made.status !== 0) return; // no mkfifo on this system
  try {
    assert.deepEqual(index.applyChange('src/pipe', 'created'), []);
    assert.equal(index.explain('src/pipe')?.reason, 'not-a-file');
  } finally {
    rmSync(fifo, { force: true });
  }
});
