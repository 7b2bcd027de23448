// The Chat view's attachments on the host, in plain Node with the real engine, workspace and fake server: chips
// with sizes or the reason for a refusal, `#file` completions of the workspace's files only, and a question whose
// attachments are checked again when it is sent, named to the model by name and size and read as context.focus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { harness } from '../../support/chatHarness';
import { code } from '../../support/scriptedModels';

const SECRET = 'sk-live-attached-env-1234';

test('chips: name and size, or why not (a credential file, a missing one, an empty Problems list, no git); the changes and problems come from the editor', async () => {
  const h = await harness({ attachments: {
    problems: () => [{ path: 'src/retry.ts', line: 2, severity: 'error', message: 'Cannot find name Math2' }, { path: '.env', line: 1, severity: 'warning', message: SECRET }],
    changes: async () => { throw new Error('This folder is not in a git repository, so it has no uncommitted changes to attach'); },
  } });
  try {
    writeFileSync(join(h.dir, '.env'), `OPENAI_API_KEY=${SECRET}\n`);
    const chips = await h.service.attachmentChips([
      { kind: 'path', path: 'src/retry.ts' }, { kind: 'path', path: 'src' }, { kind: 'path', path: '.env' }, { kind: 'path', path: 'nope.ts' },
      { kind: 'selection', path: 'src/retry.ts', startLine: 1, endLine: 2 }, { kind: 'problems' }, { kind: 'changes' },
    ], h.folder);
    assert.deepEqual(chips.map((c) => [c.label, c.detail, c.refused ?? false]), [
      ['src/retry.ts', '3 lines, 92 bytes', false],
      ['src/', '1 file, 92 bytes', false],
      ['.env', "File '.env' is not readable: it is a credential file (left out by default; see 'Credential files' in the README)", true],
      ['nope.ts', "No file 'nope.ts' in the workspace. List files with files('*.ts') or files('src/')", true],
      ['src/retry.ts:1-2', '2 lines', false],
      ['Problems', '1 problem (1 error) in 1 file; 1 in files that may not be read left out', false],
      ['Uncommitted changes', 'This folder is not in a git repository, so it has no uncommitted changes to attach', true],
    ]);
    assert.doesNotMatch(JSON.stringify(chips), new RegExp(SECRET));
  } finally {
    await h.close();
  }
});

test('#file completion lists the workspace\'s files that match, best first; ignored and credential files are none of them', async () => {
  const h = await harness();
  try {
    writeFileSync(join(h.dir, '.env'), `OPENAI_API_KEY=${SECRET}\n`);
    writeFileSync(join(h.dir, 'src', 'retry.test.ts'), 'test;\n');
    writeFileSync(join(h.dir, 'src', 'noretryhere.ts'), 'x;\n');
    assert.deepEqual(await h.service.completePaths('retry', h.folder), { paths: ['src/retry.ts', 'src/retry.test.ts', 'src/noretryhere.ts'], partial: false });
    assert.deepEqual(await h.service.completePaths('env', h.folder), { paths: [], partial: false });
    assert.deepEqual(await h.service.completePaths('READ', h.folder), { paths: ['README.md'], partial: false }, 'case-insensitive');
  } finally {
    await h.close();
  }
});

test('a question with attachments: checked again when sent, named by name and size in the first message (never their text), context.focus in the REPL; a refused one is logged and left out', async () => {
  const h = await harness({ attachments: { problems: () => [{ path: 'src/retry.ts', line: 2, severity: 'warning', message: 'Magic number 30000' }], changes: async () => [] } });
  try {
    writeFileSync(join(h.dir, '.env'), `OPENAI_API_KEY=${SECRET}\n`);
    h.rootQueue.push((req) => {
      const first = req.messages.find((m) => m.role === 'user')!.content;
      assert.match(first, /- context\.focus\[0\]: file src\/retry\.ts \(3 lines, 92 bytes\)/);
      assert.match(first, /- context\.focus\[1\]: selection src\/retry\.ts:2 \(1 line\)/);
      assert.match(first, /- context\.focus\[2\]: problems Problems \(1 problem \(0 errors\) in 1 file\)/);
      assert.doesNotMatch(first, /Math\.min|Magic number|\.env|sk-live/, 'names and sizes only; nothing of the refused file');
      return code('Read what was attached.', 'print(JSON.stringify(context.focus.map(f => f.kind)), context.focus[2].problems[0].message);');
    });
    h.rootQueue.push((req) => {
      assert.match(req.messages.at(-1)!.content, /\["file","selection","problems"\] Magic number 30000/);
      return code('Done.', 'FINAL("the cap is 30 s")');
    });
    const x = await h.service.ask('Why 30000?', { folder: h.folder, attachments: [
      { kind: 'path', path: 'src/retry.ts' }, { kind: 'path', path: '.env' }, { kind: 'selection', path: 'src/retry.ts', startLine: 2, endLine: 2 }, { kind: 'problems' }, { kind: 'changes' },
    ] });
    assert.equal(x?.answer, 'the cap is 30 s', `${x?.status}: ${x?.detail}`);
    assert.deepEqual(x?.attached, ['src/retry.ts', '.env', 'src/retry.ts:2', 'Problems', 'Uncommitted changes']);
    assert.ok(h.log.lines.some((l) => /\.env is not attached: File '\.env' is not readable: it is a credential file/.test(l)));
    assert.ok(h.log.lines.some((l) => /Uncommitted changes is not attached: There are no uncommitted changes/.test(l)));
    assert.doesNotMatch(JSON.stringify(h.server.requests), new RegExp(SECRET));
  } finally {
    await h.close();
  }
});
