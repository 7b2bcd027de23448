import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { kindMatcher, nameMatcher, namePrefilter, pathMatcher } from '../../../../src/core/workspace/syntax/symbolFilter';
import { buildTagsQuery, splitPatterns } from '../../../../src/core/workspace/syntax/tagsQuery';

describe('symbol filters', () => {
  test('names: exact, glob, /regex/flags', () => {
    assert.equal(nameMatcher('parse')('parse'), true);
    assert.equal(nameMatcher('parse')('parseFile'), false);
    assert.equal(nameMatcher('parse*')('parseFile'), true);
    assert.equal(nameMatcher('*.get')('Foo.get'), true, 'a dot is literal in a glob');
    assert.equal(nameMatcher('*.get')('Fooget'), false);
    assert.equal(nameMatcher('/^get[A-Z]/')('getName'), true);
    assert.equal(nameMatcher('/^GET/i')('getName'), true);
  });

  test('paths: a plain path selects a file or a folder; globs and regexes', () => {
    assert.equal(pathMatcher('src/core')('src/core/a.ts'), true);
    assert.equal(pathMatcher('src/core')('src/corex/a.ts'), false);
    assert.equal(pathMatcher('./src/a.ts')('src/a.ts'), true);
    assert.equal(pathMatcher('src/**/*.ts')('src/x/y/a.ts'), true);
    assert.equal(pathMatcher('**/*.py')('a/b.py'), true);
    assert.equal(pathMatcher('/test\\//')('x/test/a.ts'), true);
  });

  test('kinds: one or several, case-insensitive', () => {
    assert.equal(kindMatcher('Class')('class'), true);
    assert.equal(kindMatcher(['enum', 'struct'])('struct'), true);
    assert.equal(kindMatcher(['enum', 'struct'])('class'), false);
  });

  test('the text prefilter never rejects a file that defines a matching name', () => {
    const text = 'export class TaskQueue {\n  push() {}\n}\n';
    for (const name of ['TaskQueue', 'Task*', '*Queue', '/^Task/', '/Queue$/', '/^taskqueue$/i']) {
      assert.equal(namePrefilter(name)?.(text), true, name);
    }
    assert.equal(namePrefilter('Missing')?.(text), false);
    assert.equal(namePrefilter('*'), undefined, 'nothing literal to look for: parse everything');
    assert.equal(namePrefilter('/^a|^b/'), undefined, 'anchors inside the pattern cannot be moved to the text');
  });
});

describe('tags query preparation', () => {
  test('splits top-level patterns, keeping trailing captures and skipping comments and strings', () => {
    const src = '; comment (not a pattern)\n(a) @x\n\n[(b) (c)] @y\n((d) @n (#match? @n "^\\\\(x\\\\)$"))\n';
    assert.deepEqual(splitPatterns(src), ['(a) @x', '[(b) (c)] @y', '((d) @n (#match? @n "^\\\\(x\\\\)$"))']);
  });

  test('keeps definitions only and drops doc captures and the predicates web-tree-sitter ignores', () => {
    const stock = [
      '((comment)* @doc . (function_declaration name: (identifier) @name) @definition.function',
      '  (#strip! @doc "^//\\\\s*") (#set-adjacent! @doc @definition.function))',
      '(call_expression function: (identifier) @name) @reference.call',
    ].join('\n');
    const built = buildTagsQuery('go', stock);
    assert.match(built, /^\(\(function_declaration name: \(identifier\) @name\) @definition\.function\s*\)/);
    assert.doesNotMatch(built, /@doc|#strip!|#set-adjacent!|@reference/);
  });
});
