// Preparing the stock tags queries for web-tree-sitter: definitions only, without the predicates it ignores.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTagsQuery, splitPatterns } from '../../../../src/core/workspace/syntax/tagsQuery';

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
