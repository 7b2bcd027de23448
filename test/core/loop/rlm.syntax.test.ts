// symbols(), outline() and ast_query() from model code over a CodeWorkspace (file index + Tree-sitter
// symbol index), before background indexing has finished, and kept current by index changes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RlmSession } from '../../../src/core/loop/RlmSession';
import { CodeWorkspace } from '../../../src/core/workspace/CodeWorkspace';
import { HOST_STALL_LIMIT_MS, watchingTheEventLoop } from '../../support/eventLoop';
import { code, scripted } from '../../support/scriptedModels';

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-syntax-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'cache.ts'), [
    'export interface Store { get(key: string): string | undefined }',
    'export class LruCache implements Store {',
    '  private map = new Map<string, string>();',
    '  get(key: string) { return this.map.get(key); }',
    '  set(key: string, value: string) { this.map.set(key, value); fetch("/audit"); }',
    '}',
    'export function makeCache(): Store { return new LruCache(); }',
  ].join('\n') + '\n');
  writeFileSync(join(dir, 'src', 'jobs.py'), 'class Scheduler:\n    def run(self):\n        pass\n\ndef schedule(job):\n    return Scheduler().run()\n');
  return dir;
}

test('model code reads structure: symbols, outline and ast_query', async () => {
  const s = await scripted([
    (req) => {
      assert.match(req.messages[0]!.content, /`symbols\(\{name, kind, path, maxResults\}\?\)`/, 'the prompt documents the syntax functions');
      return code('Find the classes and their methods.', `const classes = symbols({kind: "class"});
print(classes.map(c => c.path + ':' + c.line + ' ' + c.name).join('\\n'));
print(symbols({name: "/^(get|set|run)$/"}).map(m => m.container + '.' + m.name).join(' '));
print(outline("src/cache.ts"));
const calls = ast_query('(call_expression function: (identifier) @fn (#eq? @fn "fetch"))', {language: "typescript"});
print(JSON.stringify(calls.map(m => [m.path, m.captures[0].line])));
try { ast_query('(call_expresion)', {language: "typescript"}); } catch (e) { print('bad query: ' + e.message); }
try { outline("../x.ts"); } catch (e) { print('outline refused: ' + e.message); }`);
    },
    (req) => {
      const out = req.messages.at(-1)!.content;
      assert.match(out, /src\/cache\.ts:2 LruCache\nsrc\/jobs\.py:1 Scheduler/);
      assert.match(out, /LruCache\.get LruCache\.set Scheduler\.run/);
      assert.match(out, /class LruCache .*2-6/);
      assert.match(out, /\[\["src\/cache\.ts",5\]\]/);
      assert.match(out, /bad query: ast_query: invalid query for language "typescript"/);
      assert.match(out, /outline refused: .*outside the workspace/);
      return code('Done.', 'FINAL(classes.length)');
    },
  ]);
  const workspace = await CodeWorkspace.openAsync(project(), { cacheDir: false, workers: 1 });
  const session = await RlmSession.create({ models: s.models, context: { kind: 'workspace', workspace } });
  try {
    const result = await session.ask('Which classes are there?');
    assert.equal(result.stopReason, 'final', result.detail);
    assert.equal(result.answer, '2');
  } finally {
    session.dispose();
    workspace.dispose();
    await s.close();
  }
});

test('index changes flow into the symbol index without a rescan', async () => {
  const dir = project();
  const workspace = await CodeWorkspace.openAsync(dir, { cacheDir: false, workers: 1 });
  try {
    await workspace.ready;
    assert.deepEqual((await workspace.symbols({ name: 'retry' })).items, []);
    writeFileSync(join(dir, 'src', 'retry.go'), 'package net\n\nfunc retry(n int) int {\n\treturn n * 2\n}\n');
    workspace.index.applyChange('src/retry.go', 'created');
    const found = (await workspace.symbols({ name: 'retry' })).items;
    assert.deepEqual(found.map((s) => [s.path, s.kind, s.line]), [['src/retry.go', 'function', 3]]);
    workspace.index.applyChange('src/cache.ts', 'deleted');
    assert.deepEqual((await workspace.symbols({ path: 'src/cache.ts' })).items, []);
  } finally {
    workspace.dispose();
  }
});

test('wrong argument types to workspace and syntax functions get a clear error naming the function and the parameter', async () => {
  const calls = [
    'files(3)', 'read(5)', 'read("src/cache.ts", "one")', 'grep(42)', 'grep("x", "src")', 'grep("x", {maxResults: "all"})',
    'symbols("Cache")', 'symbols({kind: 3})', 'symbols({name: {}})', 'symbols({path: 7})', 'ast_query(3)', 'ast_query("(x)", [1])',
    'ast_query("(x)", {language: 3})', 'outline(null)', 'files("**/*a*a*a*a*a*a*a*a*a*a*a*a*b")',
  ];
  const expected = [
    /^files: glob must be a string/, /^read: path must be a workspace-relative path string/, /^read: endLine must be a line number|^read: startLine must be a line number/,
    /^grep: pattern must be a regular expression as a non-empty string/, /^grep: options must be an object/, /grep option maxResults must be an integer/,
    /^symbols: options must be an object|^symbols: the filter must be an object/, /^symbols: kind must be a string or an array of strings/,
    /^symbols: name must be a string/, /^symbols: path must be a string/, /^ast_query: query must be a Tree-sitter query string/,
    /^ast_query: options must be an object/, /^ast_query: no grammar for language 3/, /^outline: path must be a workspace-relative path string/,
    /^$/,
  ];
  const s = await scripted([
    code('Try everything wrong.', `const errors = [];
for (const call of ${JSON.stringify(calls)}) {
  try { eval(call); errors.push(''); } catch (e) { errors.push(e.message); }
}
print(JSON.stringify(errors));`),
    (req) => {
      const errors = JSON.parse(/\[cell 1 output\]\n(.*)/.exec(req.messages.at(-1)!.content)![1]!) as string[];
      errors.forEach((message, i) => assert.match(message, expected[i]!, `${calls[i]} gave: ${message}`));
      return code('Done.', 'FINAL("ok")');
    },
  ]);
  const workspace = await CodeWorkspace.openAsync(project(), { cacheDir: false, workers: 1 });
  const session = await RlmSession.create({ models: s.models, context: { kind: 'workspace', workspace } });
  try {
    const result = await session.ask('?');
    assert.equal(result.answer, 'ok', result.detail);
  } finally {
    session.dispose();
    workspace.dispose();
    await s.close();
  }
});

test('seen: symbols() and outline() before indexing finishes no longer parse on the host thread', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-syntax-big-'));
  mkdirSync(join(dir, 'src'));
  // About 3 MB of TypeScript: parsing it on the host thread took seconds.
  const body = Array.from({ length: 300 }, (_, i) => `export class Service${i} {\n  run${i}(x: number): number { return x * ${i}; }\n}\n`).join('');
  for (let f = 0; f < 150; f++) writeFileSync(join(dir, 'src', `file${f}.ts`), body.replace(/Service/g, `S${f}_`));
  // A budget the parsing fits in even on a busy machine: this test is about where the parsing runs, not how fast.
  const workspace = await CodeWorkspace.openAsync(dir, { cacheDir: false, workers: 1, timeBudgetMs: 90_000 });
  try {
    const { longestGapMs } = await watchingTheEventLoop(async () => {
      assert.equal(workspace.symbolIndex.stats().ready, false);
      const classes = await workspace.symbols({ kind: 'class', maxResults: 100_000 });
      assert.equal(classes.items.length, 45_000, classes.incomplete);
      assert.match(await workspace.outline('src/file7.ts'), /class S7_299/);
      assert.equal((await workspace.astQuery('(class_declaration name: (type_identifier) @n)', { glob: 'src/file1.ts', maxResults: 1000 })).items.length, 300);
    });
    assert.ok(longestGapMs < HOST_STALL_LIMIT_MS, `the host thread was held for ${Math.round(longestGapMs)} ms (parsing it here took over a second)`);
  } finally {
    workspace.dispose();
  }
});
