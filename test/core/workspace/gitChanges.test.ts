// A folder whose git configuration names programs (received as an archive or on a shared drive, so its
// .git/config is the sender's): listing its uncommitted changes runs none of them and still lists the changes.
// Real repositories and the real `git`; each attack is also run through plain git, to prove it is one.
// The fsmonitor hook is covered with the ordinary listing in test/core/loop/rlm.focus.test.ts.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { uncommittedChanges } from '../../../src/core/workspace/gitChanges';
import { createGitSandbox } from './gitFixture';

const sandbox = createGitSandbox('rlm-gitchanges-');
after(() => sandbox.cleanup());
// uncommittedChanges runs git with this process's environment: the sandbox's home is the "user's" config.
mkdirSync(sandbox.home);
process.env.HOME = sandbox.home;
process.env.GIT_CONFIG_NOSYSTEM = '1';
delete process.env.GIT_CONFIG_GLOBAL;

let repos = 0;
/** A committed repository with a.txt and b.md, both then modified, and the attributes given. */
async function repository(attributes: string): Promise<string> {
  const dir = join(sandbox.base, `repo${++repos}`);
  await sandbox.git(sandbox.base, 'init', '-q', dir);
  writeFileSync(join(dir, '.gitattributes'), attributes);
  writeFileSync(join(dir, 'a.txt'), 'one\n');
  writeFileSync(join(dir, 'b.md'), 'one\n');
  await sandbox.git(dir, 'add', '-A');
  await sandbox.git(dir, 'commit', '-qm', 'first');
  writeFileSync(join(dir, 'a.txt'), 'one\ntwo\n');
  writeFileSync(join(dir, 'b.md'), 'one\ntwo\n');
  return dir;
}

/** A shell command that leaves `marker` behind, then passes its input through like a harmless filter. */
const leaves = (marker: string) => `sh -c 'touch "${marker}"; cat'`;

const BOTH_CHANGED = [
  { path: 'a.txt', status: 'modified', added: 1, removed: 0, ranges: [[2, 2]] },
  { path: 'b.md', status: 'modified', added: 1, removed: 0, ranges: [[2, 2]] },
];

async function listed(dir: string) {
  return (await uncommittedChanges(dir)).sort((a, b) => a.path.localeCompare(b.path));
}

test("the repository's clean and process filters, one defined in a file its config includes, do not run; the changes are still listed", async () => {
  const dir = await repository('*.txt filter=evil\n*.md filter=proc\n');
  const clean = join(sandbox.base, 'clean-ran');
  const proc = join(sandbox.base, 'process-ran');
  await sandbox.git(dir, 'config', 'filter.evil.clean', leaves(clean));
  await sandbox.git(dir, 'config', 'filter.evil.required', 'true');
  const included = join(sandbox.base, 'included.gitconfig');
  writeFileSync(included, `[filter "proc"]\n\tprocess = "sh -c 'touch \\"${proc}\\"; exit 1'"\n\trequired = true\n`);
  await sandbox.git(dir, 'config', 'include.path', included);

  assert.deepEqual(await listed(dir), BOTH_CHANGED);
  assert.equal(existsSync(clean), false, 'the clean filter did not run');
  assert.equal(existsSync(proc), false, 'the process filter did not run');

  await sandbox.git(dir, 'diff', 'HEAD').catch(() => '');
  assert.deepEqual([existsSync(clean), existsSync(proc)], [true, true], 'plain git diff runs both');
});

test("a driver from the user's own config, on files the repository's attributes pick, does not run either", async () => {
  const dir = await repository('*.txt filter=mine\n');
  const marker = join(sandbox.base, 'user-filter-ran');
  await sandbox.git(sandbox.base, 'config', '--global', 'filter.mine.clean', leaves(marker));
  try {
    assert.deepEqual(await listed(dir), BOTH_CHANGED);
    assert.equal(existsSync(marker), false);
  } finally {
    await sandbox.git(sandbox.base, 'config', '--global', '--remove-section', 'filter.mine');
  }
});

test("a driver whose name -c cannot express ('=' in it) stops the listing before git could run it", async () => {
  const dir = await repository('*.txt filter=a=b\n');
  const marker = join(sandbox.base, 'equals-ran');
  await sandbox.git(dir, 'config', 'filter.a=b.clean', leaves(marker));
  await assert.rejects(uncommittedChanges(dir), /filter driver \("a=b"\) that cannot be switched off/);
  assert.equal(existsSync(marker), false);
});

test("a partial clone whose promisor remote's URL runs a program: the missing objects are not fetched; the change is listed without its lines", async () => {
  const origin = await repository('');
  await sandbox.git(origin, 'config', 'uploadpack.allowFilter', 'true');
  const dir = join(sandbox.base, `clone${repos}`);
  // No checkout, so no blob is fetched: the index knows HEAD's files, the folder holds only what is written here.
  await sandbox.git(sandbox.base, 'clone', '-q', '--no-checkout', '--filter=blob:none', `file://${origin}`, dir);
  await sandbox.git(dir, 'read-tree', 'HEAD');
  const marker = join(sandbox.base, 'fetch-ran');
  await sandbox.git(dir, 'config', 'remote.origin.url', `ext::sh -c touch% ${marker}`);
  await sandbox.git(dir, 'config', 'protocol.ext.allow', 'always');
  writeFileSync(join(dir, '.gitattributes'), '');
  writeFileSync(join(dir, 'b.md'), 'one\n');
  writeFileSync(join(dir, 'a.txt'), 'changed\n');

  assert.deepEqual(await listed(dir), [{ path: 'a.txt', status: 'modified' }]);
  assert.equal(existsSync(marker), false, 'no lazy fetch ran the remote');

  await sandbox.git(dir, 'diff', 'HEAD').catch(() => '');
  assert.equal(existsSync(marker), true, 'plain git diff fetches, and so runs the URL');
});
