// Where a proposed file may be written (the editor's accept, the CLI's --apply): plain folders and files inside the
// workspace folder, never through a symlink.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ensureFolders, unwritableBecause } from '../../../src/core/edits/confinedWrite';

test('plain paths may be written, new folders included; a symlink on the way, a file used as a folder or a ".." may not', async () => {
  const root = mkdtempSync(join(tmpdir(), 'rlm-writable-'));
  const outside = mkdtempSync(join(tmpdir(), 'rlm-outside-'));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src', 'a.ts'), 'x\n');
  symlinkSync(outside, join(root, 'linked'));
  symlinkSync(join(outside, 'bashrc'), join(root, 'src', 'rc.ts'));
  assert.equal(await unwritableBecause(root, 'src/a.ts'), undefined);
  assert.equal(await unwritableBecause(root, 'src/new/deep/b.ts'), undefined);
  assert.equal(await unwritableBecause(root, 'linked/b.ts'), "'linked' is a symlink: RLM never writes through one");
  assert.equal(await unwritableBecause(root, 'src/rc.ts'), "'src/rc.ts' is a symlink: RLM never writes through one");
  assert.equal(await unwritableBecause(root, 'src/a.ts/b.ts'), "'src/a.ts' is a file, not a folder");
  assert.match((await unwritableBecause(root, '../x.ts'))!, /not a plain path/);
  assert.match((await unwritableBecause(root, 'src//x.ts'))!, /not a plain path/);
});

test('the CLI\'s writes make missing folders and refuse the same paths with the same reasons', async () => {
  const root = mkdtempSync(join(tmpdir(), 'rlm-writable-'));
  const outside = mkdtempSync(join(tmpdir(), 'rlm-outside-'));
  writeFileSync(join(root, 'a.ts'), 'x\n');
  symlinkSync(outside, join(root, 'linked'));
  await ensureFolders(root, 'src/new/deep/b.ts');
  assert.ok(statSync(join(root, 'src', 'new', 'deep')).isDirectory());
  await ensureFolders(root, 'top.ts');
  const why = await unwritableBecause(root, 'linked/b.ts');
  await assert.rejects(ensureFolders(root, 'linked/b.ts'), { message: why });
  await assert.rejects(ensureFolders(root, 'a.ts/b.ts'), { message: "'a.ts' is a file, not a folder" });
});
