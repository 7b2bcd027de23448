// Reading git's own files without running git: the [core] excludesFile value and the .git pointer files.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coreExcludesFile, findGitRepository, globalExcludesFile } from '../../../src/core/workspace/GitRepository';
import { write } from './fixtureWorkspace';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'rlm-gitrepo-')));
after(() => rmSync(base, { recursive: true, force: true }));

test('core.excludesFile: section and key ignore case, subsections and other sections do not count, the last value wins', () => {
  assert.equal(coreExcludesFile('[core]\n\texcludesfile = ~/a\n'), '~/a');
  assert.equal(coreExcludesFile('[CORE]\n\tExcludesFile=~/b\n[user]\n\texcludesFile = nope\n'), '~/b');
  assert.equal(coreExcludesFile('[core "sub"]\n\texcludesFile = nope\n'), undefined);
  assert.equal(coreExcludesFile('[core]\n\texcludesFile = one\n[alias]\n[core]\n\texcludesFile = two\n'), 'two');
  assert.equal(coreExcludesFile('[core] excludesFile = same-line\n'), 'same-line');
  assert.equal(coreExcludesFile('[core]\n\texcludesFile\n'), undefined, 'a bare key has no path');
  assert.equal(coreExcludesFile('[core]\n\texcludesFile =\n'), '', 'an empty value turns the default off');
  assert.equal(coreExcludesFile('[core]\r\n\texcludesFile = crlf\r\n'), 'crlf');
});

test('core.excludesFile values: quotes, escapes and comments as git reads them', () => {
  assert.equal(coreExcludesFile('[core]\n\texcludesFile = "  x y " ; comment\n'), '  x y ');
  assert.equal(coreExcludesFile('[core]\n\texcludesFile = a b   # comment\n'), 'a b');
  assert.equal(coreExcludesFile('[core]\n\texcludesFile = "with # hash"\n'), 'with # hash');
  assert.equal(coreExcludesFile('[core]\n\texcludesFile = back\\\\slash \\"q\\"\n'), 'back\\slash "q"');
});

test('paths: ~/ is the injected home, relative paths start at the working tree, unset falls back to XDG or ~/.config', () => {
  const repo = { worktree: '/w', gitDir: join(base, 'none'), commonDir: join(base, 'none') };
  const home = join(base, 'home');
  assert.equal(globalExcludesFile(repo, { home }), join(home, '.config/git/ignore'));
  assert.equal(globalExcludesFile(repo, { home, xdgConfigHome: '/xdg' }), '/xdg/git/ignore');
  write(join(home, '.gitconfig'), '[core]\n\texcludesFile = ~/ignores\n');
  assert.equal(globalExcludesFile(repo, { home }), join(home, 'ignores'));
  write(join(home, '.gitconfig'), '[core]\n\texcludesFile = rel/ignores\n');
  assert.equal(globalExcludesFile(repo, { home }), '/w/rel/ignores');
  write(join(home, '.gitconfig'), '[core]\n\texcludesFile =\n');
  assert.equal(globalExcludesFile(repo, { home }), undefined);
});

test('.git files: gitdir relative to their folder, commondir relative to the git dir; a bad pointer stops the search', () => {
  write(join(base, 'wt/.git'), 'gitdir: ../main/.git/worktrees/wt\n');
  write(join(base, 'main/.git/worktrees/wt/commondir'), '../..\n');
  assert.deepEqual(findGitRepository(join(base, 'wt')), {
    worktree: join(base, 'wt'), gitDir: join(base, 'main/.git/worktrees/wt'), commonDir: join(base, 'main/.git'),
  });
  write(join(base, 'main/src/x.ts'), '');
  assert.equal(findGitRepository(join(base, 'main/src'))?.worktree, join(base, 'main'));
  write(join(base, 'main/bad/.git'), 'not a pointer\n');
  assert.equal(findGitRepository(join(base, 'main/bad')), undefined);
});
