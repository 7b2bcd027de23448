// What the user attaches to a question: resolveFocus checks each against the real workspace (an ignored or
// credential file, a path outside, a missing one are refused with the reason), the first message names each by
// name and size without its text, and model code finds them in context.focus; a follow-up without attachments
// has none. The uncommitted changes come from a real git repository.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeFocus, focusLabel, resolveFocus, type FocusRequest } from '../../../src/core/loop/focus';
import { FileSystemWorkspace } from '../../../src/core/workspace/FileSystemWorkspace';
import { hunksOf, uncommittedChanges } from '../../../src/core/workspace/gitChanges';
import { code, scripted, withSession } from '../../support/scriptedModels';

const SECRET_LINE = 'OPENAI_API_KEY=sk-live-attached-0000';
const BODY = 'export function total(items: number[]): number {\n  return items.reduce((a, b) => a + b, 0);\n}\n';

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-focus-'));
  mkdirSync(join(dir, 'src', 'cart'), { recursive: true });
  mkdirSync(join(dir, 'build'));
  writeFileSync(join(dir, '.gitignore'), 'build/\n');
  writeFileSync(join(dir, 'build', 'out.js'), 'x\n');
  writeFileSync(join(dir, '.env'), SECRET_LINE + '\n');
  writeFileSync(join(dir, 'src', 'cart', 'total.ts'), BODY);
  writeFileSync(join(dir, 'src', 'cart', 'tax.ts'), 'export const RATE = 0.2;\n');
  writeFileSync(join(dir, 'README.md'), '# shop\n');
  return dir;
}

test('attachments are checked against the workspace: files and folders with their sizes; ignored, credential, outside and missing paths refused with the reason', async () => {
  const dir = project();
  const ws = FileSystemWorkspace.open(dir);
  try {
    const requests: FocusRequest[] = [
      { kind: 'path', path: 'src/cart/total.ts' },
      { kind: 'path', path: 'src/cart' },
      { kind: 'selection', path: 'src/cart/total.ts', startLine: 2, endLine: 40 },
      { kind: 'path', path: '.env' },
      { kind: 'path', path: 'build' },
      { kind: 'path', path: '../outside.txt' },
      { kind: 'path', path: 'src/nope.ts' },
    ];
    const { items, refused } = await resolveFocus(ws, requests);
    assert.deepEqual(items, [
      { kind: 'file', path: 'src/cart/total.ts', language: 'typescript', bytes: Buffer.byteLength(BODY), lines: 3 },
      { kind: 'folder', path: 'src/cart', files: 2, bytes: Buffer.byteLength(BODY) + 25 },
      { kind: 'selection', path: 'src/cart/total.ts', startLine: 2, endLine: 3 },
    ]);
    assert.deepEqual(refused.map((r) => r.label), ['.env', 'build', '../outside.txt', 'src/nope.ts']);
    assert.match(refused[0]!.reason, /not readable: it is a credential file/);
    assert.match(refused[1]!.reason, /Folder 'build' is not readable: it is excluded by \.gitignore/);
    assert.match(refused[2]!.reason, /outside the workspace/);
    assert.match(refused[3]!.reason, /No file 'src\/nope\.ts'/);
    assert.doesNotMatch(JSON.stringify({ items, refused }), /sk-live/);
  } finally {
    ws.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the Problems list and the changes keep only entries whose file may be read, and say how many were left out', async () => {
  const dir = project();
  const ws = FileSystemWorkspace.open(dir);
  try {
    const { items, refused } = await resolveFocus(ws, [
      { kind: 'problems', problems: [
        { path: 'src/cart/total.ts', line: 2, severity: 'error', message: 'Type string is not assignable to number' },
        { path: '.env', line: 1, severity: 'warning', message: `Unknown key in ${SECRET_LINE}` },
        { path: 'src/cart/tax.ts', line: 1, severity: 'info', message: 'x'.repeat(2_000) },
      ] },
      { kind: 'changes', changes: [
        { path: 'src/cart/total.ts', status: 'modified', added: 2, removed: 1, ranges: [[2, 3]] },
        { path: '.env', status: 'modified', added: 1, removed: 0 },
        { path: 'src/old.ts', status: 'deleted', removed: 4 },
        { path: 'secrets/id_rsa', status: 'deleted', removed: 9 },
      ] },
      { kind: 'problems', problems: [] },
    ]);
    assert.equal(items.length, 2);
    const [problems, changes] = items;
    assert.equal(problems!.kind, 'problems');
    if (problems!.kind !== 'problems' || changes!.kind !== 'changes') return;
    assert.deepEqual(problems.problems.map((p) => p.path), ['src/cart/total.ts', 'src/cart/tax.ts']);
    assert.equal(problems.hidden, 1);
    assert.ok(problems.problems[1]!.message.length <= 501, 'a long message is cut');
    assert.deepEqual(changes.changes.map((c) => c.path), ['src/cart/total.ts', 'src/old.ts']);
    assert.equal(changes.hidden, 2, 'the credential file, and a deleted file whose name is a credential file');
    assert.deepEqual(refused, [{ label: 'Problems', reason: 'The Problems list is empty' }]);
    assert.doesNotMatch(JSON.stringify(items), /sk-live|id_rsa/);
    assert.equal(describeFocus(items), [
      'The user attached these to the question; start with them. Their text is not included here: context.focus holds each (paths, line ranges, problems, changed lines), and read() gives you the files.',
      '- context.focus[0]: problems Problems (2 problems (1 error) in 2 files; 1 in files that may not be read left out)',
      '- context.focus[1]: changes Uncommitted changes (2 files (+2 -5); 2 that may not be read left out)',
    ].join('\n'));
  } finally {
    ws.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the first message names each attachment by name and size, never its text; model code reads context.focus; a follow-up without attachments has none', async () => {
  const dir = project();
  const ws = FileSystemWorkspace.open(dir);
  const s = await scripted([
    (req) => {
      const first = req.messages.find((m) => m.role === 'user')!.content;
      assert.match(first, /Question: Why is the total wrong\?/);
      assert.match(first, /- context\.focus\[0\]: file src\/cart\/total\.ts \(3 lines, \d+ bytes\)/);
      assert.match(first, /- context\.focus\[1\]: selection src\/cart\/total\.ts:2-3 \(2 lines\)/);
      assert.doesNotMatch(first, /items\.reduce/, 'the attached file is not pasted');
      return code('Look at what was attached.', `print(JSON.stringify(context.focus));
print(read(context.focus[1].path, context.focus[1].startLine, context.focus[1].endLine));`);
    },
    (req) => {
      const out = req.messages.at(-1)!.content;
      assert.match(out, /\[\{"kind":"file","path":"src\/cart\/total\.ts","language":"typescript","bytes":\d+,"lines":3\},\{"kind":"selection","path":"src\/cart\/total\.ts","startLine":2,"endLine":3\}\]/);
      assert.match(out, /items\.reduce/);
      return code('Done.', 'FINAL("reduce starts at 0")');
    },
    (req) => {
      assert.doesNotMatch(req.messages.find((m) => m.role === 'user')!.content, /context\.focus\[/, 'a follow-up without attachments names none');
      return code('Check.', 'print(JSON.stringify(context.focus)); FINAL("none")');
    },
  ]);
  try {
    await withSession(s, { models: s.models, context: { kind: 'workspace', workspace: ws } }, async (session) => {
      const { items } = await resolveFocus(ws, [{ kind: 'path', path: 'src/cart/total.ts' }, { kind: 'selection', path: 'src/cart/total.ts', startLine: 2, endLine: 3 }]);
      const first = await session.ask('Why is the total wrong?', { focus: items });
      assert.equal(first.answer, 'reduce starts at 0');
      const second = await session.ask('And now?');
      assert.equal(second.answer, 'none');
    });
  } finally {
    ws.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('uncommitted changes from a real repository: modified, added, deleted and untracked files with their changed lines; a folder outside git says so', async () => {
  const dir = project();
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'pipe' });
  try {
    git('init', '-q');
    writeFileSync(join(dir, 'src', 'old.ts'), 'a\nb\n');
    git('add', '-A');
    git('commit', '-qm', 'first');
    writeFileSync(join(dir, 'src', 'cart', 'total.ts'), BODY.replace('0);', '1);') + '// more\n');
    unlinkSync(join(dir, 'src', 'old.ts'));
    writeFileSync(join(dir, 'src', 'new.ts'), 'export {};\n');
    // A repository whose config names a program: opening its changes must not run it.
    git('config', 'core.fsmonitor', `touch ${join(dir, 'ran')}`);
    const changes = await uncommittedChanges(join(dir, 'src'));
    assert.deepEqual(changes.sort((a, b) => a.path.localeCompare(b.path)), [
      { path: 'cart/total.ts', status: 'modified', added: 2, removed: 1, ranges: [[2, 2], [4, 4]] },
      { path: 'new.ts', status: 'untracked' },
      { path: 'old.ts', status: 'deleted', added: 0, removed: 2, ranges: [] },
    ]);
    assert.throws(() => execFileSync('test', ['-e', join(dir, 'ran')]), 'the fsmonitor hook did not run');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const plain = mkdtempSync(join(tmpdir(), 'rlm-nogit-'));
  try {
    await assert.rejects(uncommittedChanges(plain), /not in a git repository/);
  } finally {
    rmSync(plain, { recursive: true, force: true });
  }
});

test('hunk headers: counts and ranges, a pure deletion has no range in the new text', () => {
  const stats = hunksOf(['diff --git a/x.ts b/x.ts', '--- a/x.ts', '+++ b/x.ts', '@@ -3 +3,2 @@', '-a', '+b', '+c', '@@ -10,2 +11,0 @@', '-d', '-e'].join('\n'));
  assert.deepEqual(stats.get('x.ts'), { added: 2, removed: 3, ranges: [[3, 4]] });
  assert.equal(focusLabel({ kind: 'folder', path: '', files: 1, bytes: 1 }), './');
});
