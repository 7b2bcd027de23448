// readText: the exact text a proposed edit starts from, and where a new file may be created. The same rules
// as read(): nothing outside the workspace, ignored or credential, and no write path through a symlink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSystemWorkspace } from '../../../src/core/workspace/FileSystemWorkspace';

test('readText keeps line endings and a missing final newline; a new path is undefined only where a file may be created', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'rlm-readtext-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const root = join(base, 'ws');
  const outside = join(base, 'outside');
  mkdirSync(join(root, 'src'), { recursive: true });
  mkdirSync(join(root, 'node_modules', 'lib'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, 'src', 'crlf.ts'), 'a\r\nb\r\n');
  writeFileSync(join(root, 'src', 'bare.py'), 'x = 1');
  writeFileSync(join(root, '.env'), 'TOKEN=secret');
  writeFileSync(join(root, 'node_modules', 'lib', 'index.js'), 'module.exports = 1;');
  writeFileSync(join(outside, 'secret.txt'), 'outside');
  symlinkSync(outside, join(root, 'linked'));

  const ws = await FileSystemWorkspace.openAsync(root);
  t.after(() => ws.dispose());
  assert.equal(await ws.readText('src/crlf.ts'), 'a\r\nb\r\n');
  assert.equal(await ws.readText('src/bare.py'), 'x = 1');
  assert.equal(await ws.readText('src/new/deep/file.ts'), undefined, 'new folders on the way are fine');
  assert.equal(await ws.readText('README.md'), undefined);

  const refusals: Array<[string, RegExp]> = [
    ['../outside/secret.txt', /outside|workspace/i],
    [join(outside, 'secret.txt'), /outside|workspace/i],
    // An existing credential file: said as what an edit cannot do to it (a rename onto it, a change), not as a failed read.
    ['.env', /Cannot change or replace '\.env': it is a credential file \(left out by default; see 'Credential files' in the README\), and edits never touch such a file$/],
    ['config/.env', /credential/i],
    ['node_modules/lib/index.js', /node_modules|ignored|exclude/i],
    ['node_modules/new.js', /node_modules|ignored|exclude/i],
    ['linked/secret.txt', /symlink/i],
    ['linked/new.txt', /symlink/i],
    ['src/bare.py/child.py', /is a file/i],
  ];
  for (const [path, message] of refusals) {
    await assert.rejects(ws.readText(path), message, path);
  }
});
