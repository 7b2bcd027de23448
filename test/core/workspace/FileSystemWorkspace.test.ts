// files(), read() and summary() as model code calls them, on the fixture workspace.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPECTED_PATHS, FIXTURE_MAX_FILE_BYTES, FILES, createFixture, write } from './fixtureWorkspace';
import { FileSystemWorkspace } from '../../../src/core/workspace/FileSystemWorkspace';

const fixture = createFixture();
after(() => fixture.cleanup());
const workspace = FileSystemWorkspace.open(fixture.root, { maxFileBytes: FIXTURE_MAX_FILE_BYTES });
const paths = async (glob?: string) => (await workspace.files(glob)).items.map((f) => f.path);

test('files() lists every indexed file as plain FileInfo records, sorted', async () => {
  const all = (await workspace.files()).items;
  assert.deepEqual(all.map((f) => f.path), EXPECTED_PATHS);
  assert.deepEqual(Object.keys(all[0]).sort(), ['bytes', 'language', 'lines', 'path']);
});

test('files(glob): a glob without a slash matches file names at any depth', async () => {
  assert.deepEqual(await paths('*.ts'), ['link-in-file.ts', 'src/index.ts', 'src/legacy/keep.gen.ts', 'src/orders/OrderService.ts', 'src/server/http.ts']);
  assert.deepEqual(await paths('*.{py,go}'), ['go/main.go', 'py/app/models.py']);
  assert.deepEqual(await paths('.gitignore'), ['.gitignore', 'src/legacy/.gitignore']);
  assert.deepEqual(await paths('*.md'), ['README.md']);
});

test('files(glob): globs with a slash match the whole path; folders match everything under them', async () => {
  assert.deepEqual(await paths('src/**/*.ts'), ['src/index.ts', 'src/legacy/keep.gen.ts', 'src/orders/OrderService.ts', 'src/server/http.ts']);
  assert.deepEqual(await paths('src/*.ts'), ['src/index.ts']);
  assert.deepEqual(await paths('src/orders/'), ['src/orders/OrderService.ts']);
  assert.deepEqual(await paths('src/orders'), ['src/orders/OrderService.ts']);
  assert.deepEqual(await paths('./scripts/'), ['scripts/deploy', 'scripts/migrate']);
  assert.deepEqual(await paths('src/index.ts'), ['src/index.ts']);
  assert.deepEqual(await paths('nothing/**'), []);
});

test('read() returns whole files and 1-based inclusive ranges, clamped at the ends', async () => {
  assert.equal(await workspace.read('src/index.ts'), FILES['src/index.ts'].replace(/\n$/, ''));
  assert.equal(await workspace.read('src/server/http.ts', 4, 5), 'export function createServer(orders: OrderService): http.Server {\n  return http.createServer((req, res) => {');
  assert.equal(await workspace.read('src/server/http.ts', 13), '}');
  assert.equal(await workspace.read('src/server/http.ts', 12, 999), '  });\n}');
  assert.equal(await workspace.read('src/server/http.ts', -5, 1), "import * as http from 'node:http';");
  assert.equal(await workspace.read('src/server/http.ts', 14), '', 'a start past the end reads nothing');
  assert.equal(await workspace.read('windows.txt', 2, 2), 'second line', 'CRLF is not part of the line');
});

test('read() accepts ./ prefixes, backslashes and redundant segments', async () => {
  const expected = await workspace.read('src/index.ts', 1, 1);
  assert.equal(await workspace.read('./src/index.ts', 1, 1), expected);
  assert.equal(await workspace.read('src\\index.ts', 1, 1), expected);
  assert.equal(await workspace.read('src/server/../index.ts', 1, 1), expected);
});

test('read() refuses paths outside the workspace with a message that says what to do', async () => {
  await assert.rejects(workspace.read('../etc/passwd'), {
    message: "Path '../etc/passwd' is outside the workspace: use a workspace-relative path such as 'src/index.ts' (see files())",
  });
  await assert.rejects(workspace.read('src/../../outside/secret.txt'), /is outside the workspace/);
  await assert.rejects(workspace.read('/etc/passwd'), /Path '\/etc\/passwd' is outside the workspace/);
  await assert.rejects(workspace.read(join(fixture.root, 'src/index.ts')), { message: `Path '${join(fixture.root, 'src/index.ts')}' is absolute: use the workspace-relative path 'src/index.ts' instead` });
  await assert.rejects(workspace.read('link-out-file.txt'), /is a symlink that leads outside the workspace/);
  await assert.rejects(workspace.read('link-out-dir/inner.ts'), /is a symlink that leads outside the workspace/);
});

test('read() of a missing file suggests the closest indexed path', async () => {
  await assert.rejects(workspace.read('src/index.tsx'), { message: "No file 'src/index.tsx' in the workspace. Did you mean 'src/index.ts'? List files with files('*.ts') or files('src/')" });
  await assert.rejects(workspace.read('src/OrderService.ts'), /Did you mean 'src\/orders\/OrderService.ts'\?/);
  await assert.rejects(workspace.read('src/server/htp.ts'), /Did you mean 'src\/server\/http.ts'\?/);
  await assert.rejects(workspace.read('zzz/qqq/xyz.rb'), { message: "No file 'zzz/qqq/xyz.rb' in the workspace. List files with files('*.ts') or files('src/')" });
});

test('read() of an excluded file says why it is not readable', async () => {
  await assert.rejects(workspace.read('assets/logo.png'), { message: "File 'assets/logo.png' is not readable: it is a binary file" });
  await assert.rejects(workspace.read('data/big.txt'), /is not readable: it is \d+ bytes, over the 16384-byte limit \(maxFileBytes\)/);
  await assert.rejects(workspace.read('secrets.txt'), { message: "File 'secrets.txt' is not readable: it is excluded by .gitignore" });
  await assert.rejects(workspace.read('public/vendor.js'), /is not readable: it looks minified/);
  await assert.rejects(workspace.read('link-in-dir/index.ts'), /inside a folder symlink/);
  await assert.rejects(workspace.read('src'), /is not readable: it is a folder \(list its files with files\(\)\)/);
  await assert.rejects(workspace.read('.'), /it is the workspace folder itself/);
});

test('read() rejects bad line arguments with a clear message', async () => {
  await assert.rejects(workspace.read('src/index.ts', 1.5), /startLine must be a whole line number/);
  await assert.rejects(workspace.read('src/index.ts', 5, 2), /endLine is before startLine/);
});

test('read() picks up a file created after indexing, and sees edits to a file it read before', async () => {
  write(join(fixture.root, 'src/late.ts'), 'export const late = 1;\n');
  assert.equal(await workspace.read('src/late.ts'), 'export const late = 1;');
  assert.ok((await workspace.files('src/')).items.some((f) => f.path === 'src/late.ts'));
  write(join(fixture.root, 'src/late.ts'), 'export const late = 2;\nexport const later = 3;\n');
  assert.equal(await workspace.read('src/late.ts', 2, 2), 'export const later = 3;');
});

test('read() of a file deleted or grown too large since indexing updates the index and says why', async () => {
  write(join(fixture.root, 'src/temp.ts'), 'export const temp = 1;\n');
  assert.equal(await workspace.read('src/temp.ts'), 'export const temp = 1;');
  unlinkSync(join(fixture.root, 'src/temp.ts'));
  await assert.rejects(workspace.read('src/temp.ts'), /No file 'src\/temp.ts' in the workspace/);
  assert.equal(workspace.index.get('src/temp.ts'), undefined);

  write(join(fixture.root, 'src/grows.ts'), 'export {};\n');
  assert.equal(await workspace.read('src/grows.ts'), 'export {};');
  write(join(fixture.root, 'src/grows.ts'), '// padding\n'.repeat(FIXTURE_MAX_FILE_BYTES / 8));
  await assert.rejects(workspace.read('src/grows.ts'), /is not readable: it is \d+ bytes, over the 16384-byte limit/);
  assert.equal(workspace.index.get('src/grows.ts'), undefined);
  unlinkSync(join(fixture.root, 'src/grows.ts'));
});

test('summary() names the folder (not its absolute path) and counts files, bytes and languages', async () => {
  const summary = workspace.summary();
  const files = (await workspace.files()).items;
  assert.equal(summary.root, 'shop');
  assert.equal(summary.files, files.length);
  assert.equal(summary.bytes, files.reduce((sum, f) => sum + f.bytes, 0));
  assert.equal(summary.languages.typescript, files.filter((f) => f.language === 'typescript').length);
  assert.equal(summary.languages.python, 2);
});

test('files() shows the lines of a file larger than 64 KB, counted by the walk, and again after it changes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-lines-'));
  try {
    write(join(dir, 'big.ts'), 'let x = 1;\n'.repeat(10_000)); // 110 KB
    write(join(dir, 'small.ts'), 'a\nb\n');
    const ws = FileSystemWorkspace.open(dir);
    assert.equal(ws.index.get('big.ts')!.lines, 10_000, 'counted by the walk, not by the answer that shows it');
    const lines = async (glob: string) => (await ws.files(glob)).items.map((f) => [f.path, f.lines]);
    assert.deepEqual(await lines('*.ts'), [['big.ts', 10_000], ['small.ts', 2]]);
    write(join(dir, 'big.ts'), 'let x = 1;\n'.repeat(12_000));
    ws.index.applyChange('big.ts', 'changed');
    assert.deepEqual(await lines('big.ts'), [['big.ts', 12_000]]);
    ws.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
