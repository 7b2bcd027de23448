// A workspace inside a git repository: the repository's rules apply, as git applies them. Every case
// runs on a real repository made with `git`, and the verdicts are checked against `git check-ignore`.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileSystemWorkspace } from '../../../src/core/workspace/FileSystemWorkspace';
import { WorkspaceIndex, type WorkspaceIndexOptions } from '../../../src/core/workspace/WorkspaceIndex';
import { write } from './fixtureWorkspace';
import { createGitSandbox, gitIgnored } from './gitFixture';

const sandbox = createGitSandbox();
after(() => sandbox.cleanup());
const { base, home, git } = sandbox;
/** Git's user-level files come from the sandbox's home, never the real one. */
const user: WorkspaceIndexOptions = { gitUserPaths: { home } };
const paths = (index: WorkspaceIndex) => index.list().map((f) => f.path);

/** A repository `repo` whose workspace is the subfolder `app`, with rules at every level above it. */
async function subfolderRepo(name: string): Promise<{ repo: string; app: string }> {
  const repo = join(base, name);
  mkdirSync(repo, { recursive: true });
  await git(repo, 'init', '-q');
  write(join(repo, '.gitignore'), ['.env', '/app/anchored.txt', '*.secret', 'build/', ''].join('\n'));
  write(join(repo, 'app/.gitignore'), '!public.secret\n');
  write(join(repo, 'app/.env'), 'API_KEY=sk-live-123\n');
  write(join(repo, 'app/anchored.txt'), 'only app/anchored.txt is meant\n');
  write(join(repo, 'app/sub/anchored.txt'), 'not this one\n');
  write(join(repo, 'app/private.secret'), 'secret\n');
  write(join(repo, 'app/public.secret'), 'a negation in the workspace overrides the repository\n');
  write(join(repo, 'app/build/out.js'), 'built\n');
  write(join(repo, 'app/src/index.ts'), 'export const a = 1;\n');
  write(join(repo, 'app/notes/local.md'), 'excluded by info/exclude\n');
  write(join(repo, '.git/info/exclude'), '/app/notes/\n');
  return { repo, app: join(repo, 'app') };
}

test('seen: a workspace in a subfolder of a git repository honours the repository .gitignore (.env stays out)', async () => {
  const { app } = await subfolderRepo('sub');
  const index = WorkspaceIndex.open(app, user);
  assert.equal(index.get('.env'), undefined, 'the .env listed in the repository .gitignore is not sent');
  assert.deepEqual(index.explain('.env'), { reason: 'ignored', message: 'it is excluded by ../.gitignore' });
  assert.deepEqual(paths(index), ['.gitignore', 'public.secret', 'src/index.ts', 'sub/anchored.txt']);
  assert.equal(index.explain('anchored.txt')?.message, 'it is excluded by ../.gitignore', 'anchored to its own folder');
  assert.equal(index.explain('build/out.js')?.message, 'it is excluded by ../.gitignore');
  assert.equal(index.explain('notes/local.md')?.message, 'it is excluded by ../.git/info/exclude');
  // The same verdicts as git's own.
  const candidates = ['.env', 'anchored.txt', 'sub/anchored.txt', 'private.secret', 'public.secret', 'build/out.js', 'src/index.ts', 'notes/local.md'];
  const ours = candidates.filter((p) => index.explain(p)?.reason === 'ignored' || index.explain(p)?.reason === 'credential').sort();
  assert.deepEqual(ours, await gitIgnored(sandbox, app, candidates));
  // What model code sees.
  const workspace = FileSystemWorkspace.open(app, { ...user, ripgrep: false });
  assert.throws(() => workspace.read('.env'), { message: "File '.env' is not readable: it is excluded by ../.gitignore" });
  assert.deepEqual(workspace.grep('sk-live').matches, []);
});

test('.gitignore files in every folder between the repository root and the workspace apply, relative to their folder', async () => {
  const repo = join(base, 'deep');
  mkdirSync(repo);
  await git(repo, 'init', '-q');
  write(join(repo, 'a/.gitignore'), '/b/c/top.txt\n*.tmp\n');
  write(join(repo, 'a/b/.gitignore'), '!keep.tmp\n/c/mid.txt\n');
  write(join(repo, 'a/b/c/top.txt'), 'x\n');
  write(join(repo, 'a/b/c/mid.txt'), 'x\n');
  write(join(repo, 'a/b/c/x.tmp'), 'x\n');
  write(join(repo, 'a/b/c/keep.tmp'), 'x\n');
  write(join(repo, 'a/b/c/main.py'), 'x = 1\n');
  const workspace = join(repo, 'a/b/c');
  const index = WorkspaceIndex.open(workspace, user);
  assert.deepEqual(paths(index), ['keep.tmp', 'main.py']);
  assert.equal(index.explain('top.txt')?.message, 'it is excluded by ../../.gitignore');
  assert.equal(index.explain('mid.txt')?.message, 'it is excluded by ../.gitignore');
  assert.deepEqual(await gitIgnored(sandbox, workspace, ['top.txt', 'mid.txt', 'x.tmp', 'keep.tmp', 'main.py']), ['mid.txt', 'top.txt', 'x.tmp']);
});

test("git's core.excludesFile: the repository config, then ~/.gitconfig, then $XDG_CONFIG_HOME/git/config, else ~/.config/git/ignore", async () => {
  const repo = join(base, 'global');
  mkdirSync(repo);
  await git(repo, 'init', '-q');
  write(join(repo, 'a.xdg'), 'x\n');
  write(join(repo, 'a.home'), 'x\n');
  write(join(repo, 'a.gitconfig'), 'x\n');
  write(join(repo, 'a.repo'), 'x\n');
  write(join(repo, 'main.go'), 'package main\n');
  const all = ['a.gitconfig', 'a.home', 'a.repo', 'a.xdg', 'main.go'];

  // Unset everywhere: git's default file under the home folder.
  write(join(home, '.config/git/ignore'), '*.home\n');
  assert.deepEqual(paths(WorkspaceIndex.open(repo, user)), ['a.gitconfig', 'a.repo', 'a.xdg', 'main.go']);
  assert.equal(WorkspaceIndex.open(repo, user).explain('a.home')?.message, "it is excluded by git's global excludes file (core.excludesFile)");
  assert.deepEqual(await gitIgnored(sandbox, repo, all), ['a.home']);

  // $XDG_CONFIG_HOME moves the default file.
  const xdg = join(base, 'xdg');
  write(join(xdg, 'git/ignore'), '*.xdg\n');
  assert.deepEqual(paths(WorkspaceIndex.open(repo, { gitUserPaths: { home, xdgConfigHome: xdg } })), ['a.gitconfig', 'a.home', 'a.repo', 'main.go']);

  // Set in the XDG config, overridden by ~/.gitconfig (a '~/' path), overridden by the repository config.
  write(join(xdg, 'git/config'), '[core]\n\texcludesFile = ' + join(xdg, 'git/ignore') + '\n');
  write(join(home, 'global-ignore'), '*.gitconfig\n');
  write(join(home, '.gitconfig'), '# a comment\n[user]\n\tname = x\n[Core]\n\tExcludesFile = "~/global-ignore" ; trailing comment\n');
  assert.deepEqual(paths(WorkspaceIndex.open(repo, { gitUserPaths: { home, xdgConfigHome: xdg } })), ['a.home', 'a.repo', 'a.xdg', 'main.go']);
  assert.deepEqual(await gitIgnored(sandbox, repo, all), ['a.gitconfig']);
  write(join(repo, 'repo-ignore'), '*.repo\n');
  await git(repo, 'config', 'core.excludesFile', 'repo-ignore'); // relative: to the working tree's top folder
  assert.deepEqual(paths(WorkspaceIndex.open(repo, user)), ['a.gitconfig', 'a.home', 'a.xdg', 'main.go', 'repo-ignore']);
  assert.deepEqual(await gitIgnored(sandbox, repo, all), ['a.repo']);
});

test('a linked worktree (.git is a file) uses the shared info/exclude of the main repository', async () => {
  const repo = join(base, 'main-repo');
  mkdirSync(repo);
  await git(repo, 'init', '-q');
  await git(repo, 'commit', '-q', '--allow-empty', '-m', 'init');
  const worktree = join(base, 'linked');
  await git(repo, 'worktree', 'add', '-q', worktree);
  write(join(repo, '.git/info/exclude'), 'scratch.txt\n');
  write(join(worktree, 'scratch.txt'), 'local only\n');
  write(join(worktree, 'src/a.ts'), 'export {};\n');
  const index = WorkspaceIndex.open(worktree, user);
  assert.deepEqual(paths(index), ['src/a.ts']);
  assert.equal(index.explain('scratch.txt')?.message, "it is excluded by the git repository's info/exclude");
  assert.equal(index.explain('.git')?.reason, 'ignored', 'the .git file itself stays out');
  assert.deepEqual(await gitIgnored(sandbox, worktree, ['scratch.txt', 'src/a.ts']), ['scratch.txt']);
});

test('a .git file pointing to a separate git dir (as in submodules) is followed, in the workspace and below it', async () => {
  const project = join(base, 'separate');
  mkdirSync(project);
  await git(project, 'init', '-q', '--separate-git-dir', join(base, 'separate.git'));
  write(join(base, 'separate.git/info/exclude'), 'local.cfg\n');
  write(join(project, 'local.cfg'), 'x\n');
  write(join(project, 'main.c'), 'int main(void) { return 0; }\n');
  // A nested repository (a submodule checkout) with its own info/exclude.
  const nested = join(project, 'vendor/lib');
  mkdirSync(nested, { recursive: true });
  await git(nested, 'init', '-q', '--separate-git-dir', join(base, 'modules-lib.git'));
  write(join(base, 'modules-lib.git/info/exclude'), 'generated.h\n');
  write(join(nested, 'generated.h'), 'x\n');
  write(join(nested, 'lib.c'), 'int f(void) { return 1; }\n');
  const index = WorkspaceIndex.open(project, user);
  assert.deepEqual(paths(index), ['main.c', 'vendor/lib/lib.c']);
  assert.equal(index.explain('vendor/lib/generated.h')?.message, "it is excluded by vendor/lib's git info/exclude");
  assert.deepEqual(await gitIgnored(sandbox, nested, ['generated.h', 'lib.c']), ['generated.h']);
});

test('a workspace folder that the repository ignores as a whole holds nothing, and explain says why', async () => {
  const repo = join(base, 'ignored-whole');
  mkdirSync(repo);
  await git(repo, 'init', '-q');
  write(join(repo, '.gitignore'), 'vendored/\n');
  write(join(repo, 'vendored/lib/index.js'), 'module.exports = 1;\n');
  const workspace = join(repo, 'vendored/lib');
  const index = WorkspaceIndex.open(workspace, user);
  assert.deepEqual(paths(index), []);
  assert.deepEqual(index.explain('index.js'), { reason: 'ignored', message: 'it is excluded by ../../.gitignore (which excludes the workspace folder itself)' });
  assert.deepEqual(await gitIgnored(sandbox, workspace, ['index.js']), ['index.js']);
});

test('a workspace inside a repository .git folder holds nothing', async () => {
  const repo = join(base, 'inside-git');
  mkdirSync(repo);
  await git(repo, 'init', '-q');
  writeFileSync(join(repo, '.git/description'), 'x\n');
  const index = WorkspaceIndex.open(join(repo, '.git'), user);
  assert.deepEqual(paths(index), []);
  assert.match(index.explain('config')!.message, /inside the repository's \.git folder/);
});

test('outside any repository only the workspace rules apply, and the async walk agrees', async () => {
  const plain = join(base, 'plain');
  write(join(plain, '.gitignore'), '*.log\n');
  write(join(plain, 'a.log'), 'x\n');
  write(join(plain, 'a.ts'), 'x\n');
  const otherHome = join(base, 'home-plain');
  write(join(otherHome, '.config/git/ignore'), '*.ts\n'); // git's global file applies only inside a repository
  const index = WorkspaceIndex.open(plain, { gitUserPaths: { home: otherHome } });
  assert.deepEqual(paths(index), ['.gitignore', 'a.ts']);
  const { app } = await subfolderRepo('async');
  assert.deepEqual((await WorkspaceIndex.openAsync(app, user)).list(), WorkspaceIndex.open(app, user).list());
});

test('applyChange on the root re-reads the repository rules above the workspace', async () => {
  const { repo, app } = await subfolderRepo('reload');
  const index = WorkspaceIndex.open(app, user);
  assert.ok(index.get('src/index.ts'));
  writeFileSync(join(repo, '.gitignore'), '.env\nsrc/\n');
  index.applyChange('', 'changed');
  assert.equal(index.get('src/index.ts'), undefined);
  assert.ok(index.get('anchored.txt'));
});

test('rule files that are FIFOs or devices are skipped instead of blocking the thread', async () => {
  const repo = join(base, 'hostile');
  mkdirSync(repo);
  await git(repo, 'init', '-q');
  write(join(repo, 'src/a.ts'), 'export {};\n');
  const fifo = spawnSync('mkfifo', [join(repo, 'src/.gitignore')]);
  if (fifo.status !== 0) return; // no mkfifo here
  await git(repo, 'config', 'core.excludesFile', '/dev/zero');
  const started = Date.now();
  const index = WorkspaceIndex.open(repo, user);
  assert.deepEqual(paths(index), ['src/a.ts']);
  assert.ok(Date.now() - started < 2000);
});
