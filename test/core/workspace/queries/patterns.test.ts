// The filters model code writes: files() globs, symbols() name and path filters. Literal ones are answered on the
// host thread with string comparisons; globs and regexes compile only in a query worker.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkPattern, compilePattern, literalMatcher, nameLiterals } from '../../../../src/core/workspace/queries/patterns';

describe('patterns', () => {
  test('names: exact, glob, /regex/flags', () => {
    assert.equal(compilePattern('symbolName', 'parse')('parse'), true);
    assert.equal(compilePattern('symbolName', 'parse')('parseFile'), false);
    assert.equal(compilePattern('symbolName', 'parse*')('parseFile'), true);
    assert.equal(compilePattern('symbolName', '*.get')('Foo.get'), true, 'a dot is literal in a glob');
    assert.equal(compilePattern('symbolName', '*.get')('Fooget'), false);
    assert.equal(compilePattern('symbolName', '/^get[A-Z]/')('getName'), true);
    assert.equal(compilePattern('symbolName', '/^GET/i')('getName'), true);
  });

  test('symbol paths: a plain path selects a file or a folder; globs and regexes', () => {
    assert.equal(compilePattern('symbolPath', 'src/core')('src/core/a.ts'), true);
    assert.equal(compilePattern('symbolPath', 'src/core')('src/corex/a.ts'), false);
    assert.equal(compilePattern('symbolPath', './src/a.ts')('src/a.ts'), true);
    assert.equal(compilePattern('symbolPath', 'src/**/*.ts')('src/x/y/a.ts'), true);
    assert.equal(compilePattern('symbolPath', '**/*.py')('a/b.py'), true);
    assert.equal(compilePattern('symbolPath', '/test\\//')('x/test/a.ts'), true);
  });

  test('file globs: a name at any depth without a slash, the whole path with one, a folder for everything under it', () => {
    assert.equal(compilePattern('fileGlob', '*.ts')('a/b/c.ts'), true);
    assert.equal(compilePattern('fileGlob', 'src/*.ts')('src/a/c.ts'), false);
    assert.equal(compilePattern('fileGlob', 'src/')('src/a/c.ts'), true);
    assert.equal(compilePattern('fileGlob', '.env*')('config/.env.local'), true, 'dotfiles match like any other file');
  });

  test('only literal patterns get a host-thread matcher', () => {
    assert.ok(literalMatcher('fileGlob', 'src/core/'));
    assert.ok(literalMatcher('fileGlob', 'README.md'));
    assert.equal(literalMatcher('fileGlob', '*.ts'), undefined);
    assert.equal(literalMatcher('fileGlob', 'src/{a,b}'), undefined);
    assert.ok(literalMatcher('symbolName', 'parseConfig'));
    assert.equal(literalMatcher('symbolName', 'parse*'), undefined);
    assert.equal(literalMatcher('symbolName', '/^a/'), undefined);
    assert.ok(literalMatcher('symbolPath', 'src/core'));
    assert.equal(literalMatcher('symbolPath', 'src/**'), undefined);
    assert.equal(literalMatcher('fileGlob', 'src/core/')!('src/core/a.ts'), true);
  });

  test('a name\'s literal parts pick the files that can define it; a regex or a bare * picks every file', () => {
    assert.deepEqual(nameLiterals('TaskQueue'), ['TaskQueue']);
    assert.deepEqual(nameLiterals('Task*Queue?'), ['Task', 'Queue']);
    assert.equal(nameLiterals('*'), undefined);
    assert.equal(nameLiterals('/^Task/'), undefined);
  });

  test('bad patterns are refused by name of the function and parameter, without being run', () => {
    assert.throws(() => checkPattern('symbolName', '/(/', 'symbols', 'name'), /Invalid name regex \/\(\/: .*Write it as \/source\/flags/);
    assert.throws(() => checkPattern('fileGlob', 3, 'files', 'glob'), /^Error: files: glob must be a string .*got number 3/);
    assert.equal(checkPattern('symbolPath', undefined, 'symbols', 'path'), undefined);
  });
});
