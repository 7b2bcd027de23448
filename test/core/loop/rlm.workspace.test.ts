// The loop over a workspace: files(), read() and grep() from model code, through the real sandbox and
// the real file index, on a small multi-language project (and on a generated one whose file list is partial).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodeWorkspace } from '../../../src/core/workspace/CodeWorkspace';
import { FileSystemWorkspace } from '../../../src/core/workspace/FileSystemWorkspace';
import { generateBigTree, timeUntil } from '../../support/bigTree';
import { code, scripted, withSession } from '../../support/scriptedModels';

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-ws-'));
  mkdirSync(join(dir, 'src', 'net'), { recursive: true });
  mkdirSync(join(dir, 'scripts'));
  writeFileSync(join(dir, '.gitignore'), 'build/\n');
  mkdirSync(join(dir, 'build'));
  writeFileSync(join(dir, 'build', 'out.js'), 'const retry = 1;\n');
  writeFileSync(join(dir, 'src', 'net', 'retry.ts'), [
    'export async function withRetry<T>(fn: () => Promise<T>, tries = 3): Promise<T> {',
    '  for (let i = 0; ; i++) {',
    '    try { return await fn(); } catch (e) { if (i + 1 >= tries) throw e; }',
    '    await sleep(2 ** i * 100);',
    '  }',
    '}',
  ].join('\n') + '\n');
  writeFileSync(join(dir, 'src', 'index.ts'), "import { withRetry } from './net/retry';\nexport const main = () => withRetry(() => fetch('/'));\n");
  writeFileSync(join(dir, 'scripts', 'deploy.py'), 'def deploy(retries=5):\n    for attempt in range(retries):\n        print(attempt)\n');
  return dir;
}

test('model code lists, greps and reads the workspace; ignored files stay out', async () => {
  const s = await scripted([
    code('Look around.', `print(JSON.stringify(context.workspace));
print(context.question);
print(files().map(f => f.path + ' ' + f.language + ' ' + f.lines).join('\\n'));
print(files("*.py").length);`),
    (req) => {
      const out = req.messages.at(-1)!.content;
      assert.match(out, /"files":4/);
      assert.match(out, /How are retries done\?/);
      assert.match(out, /scripts\/deploy\.py python 3\nsrc\/index\.ts typescript 2\nsrc\/net\/retry\.ts typescript 6/);
      assert.doesNotMatch(out, /build\/out\.js/);
      return code('Search for retries.', `const hits = grep("retr(y|ies)", {ignoreCase: true});
print(hits.map(h => h.path + ':' + h.line).join(' '));
print(read("src/net/retry.ts", 4, 4));`);
    },
    (req) => {
      const out = req.messages.at(-1)!.content;
      assert.match(out, /scripts\/deploy\.py:1 scripts\/deploy\.py:2 src\/index\.ts:1 src\/index\.ts:2 src\/net\/retry\.ts:1/);
      assert.match(out, /await sleep\(2 \*\* i \* 100\);/);
      return code('Check confinement and the grep cap.', `try { read("../outside.txt"); } catch (e) { print('refused: ' + e.message); }
const few = grep("e", {maxResults: 2});
print(few.length);`);
    },
    (req) => {
      const out = req.messages.at(-1)!.content;
      assert.match(out, /refused: .*outside the workspace/);
      assert.match(out, /\[grep: stopped at 2 matches \(maxResults\)/);
      return code('Done.', 'FINAL("src/net/retry.ts:4 doubles the delay each try")');
    },
  ]);
  await withSession(s, { models: s.models, context: { kind: 'workspace', workspace: FileSystemWorkspace.open(project()) } }, async (session) => {
    const result = await session.ask('How are retries done?');
    assert.equal(result.stopReason, 'final', result.detail);
    assert.equal(result.answer, 'src/net/retry.ts:4 doubles the delay each try');
    const first = s.rootRequests()[0]!.messages[1]!.content;
    assert.match(first, /code workspace of 4 files/);
    assert.match(first, /Files by language: typescript 2, ignore 1, python 1\./);
    assert.doesNotMatch(first, /withRetry/, 'no file text in the root prompt');
  });
});

test('a question asked before the file list is whole: the first message, context.workspace and files() say what is missing', async () => {
  const tree = generateBigTree(4_000, 'rlm-ws-partial-');
  const workspace = await CodeWorkspace.start(tree.root, { cacheDir: false, workers: 1 });
  try {
    // A walk stopped part way is a partial list for good: the same notes as while it runs, deterministically.
    await timeUntil(() => workspace.index.walkProgress().files >= 200, 60_000);
    workspace.index.stop();
    const listed = workspace.summary().files;
    assert.ok(listed < 4_000, `${listed} files listed`);
    const s = await scripted([
      code('Look around.', `print(JSON.stringify(context.workspace));
const all = files();
print('listed', all.length);
print('grep', grep('class Handler', {maxResults: 50000}).length);`),
      (req) => {
        const out = req.messages.at(-1)!.content;
        assert.match(out, new RegExp(`"files":${listed},.*"incomplete":true`));
        assert.match(out, new RegExp(`\\[files: the workspace's file list is incomplete: indexing was stopped \\(${listed.toLocaleString('en-US')} files found so far, [\\d,]+ folders not read yet\\)\\]\\nlisted ${listed}`));
        assert.match(out, /\[grep: the workspace's file list is incomplete: indexing was stopped/);
        return code('Done.', 'FINAL("partial")');
      },
    ]);
    await withSession(s, { models: s.models, context: { kind: 'workspace', workspace } }, async (session) => {
      const result = await session.ask('What is here?');
      assert.equal(result.stopReason, 'final', result.detail);
      const first = s.rootRequests()[0]!.messages[1]!.content;
      assert.match(first, new RegExp(`a code workspace still being indexed \\(${listed.toLocaleString('en-US')} files, [\\d,]+ bytes found so far; the functions wait for the rest or say what is missing\\)`));
    });
  } finally {
    workspace.dispose();
    rmSync(tree.root, { recursive: true, force: true });
  }
});
