// What a webview may ask of the host, checked as if the page were hostile: a page that renders model text
// could be made to send anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { LocalServer } from '../../src/core/models/localServers';
import { ACTIONS } from '../../src/extension/problems';
import { confineToRoots } from '../../src/core/workspace/rootPaths';
import { checkChatMessage, checkTreeMessage, MAX_OPENED_TEXT_CHARS, MAX_QUESTION_CHARS, PAGE_CONFIRMATIONS, runPageCommand, WEBVIEW_COMMANDS, type Confirmation } from '../../src/extension/webviewMessages';
import { CHAT_TO_HOST_TYPES, TREE_TO_HOST_TYPES } from '../../src/protocol/messages';

const ok = (value: unknown) => {
  const checked = checkChatMessage(value);
  assert.ok(checked.ok, `refused ${JSON.stringify(value)}: ${!checked.ok && checked.reason}`);
  return checked.message;
};
const refused = (value: unknown, reason: RegExp) => {
  const checked = checkChatMessage(value);
  assert.ok(!checked.ok, `accepted ${JSON.stringify(value)}`);
  assert.match(checked.reason, reason);
};

test('well-formed messages pass, stripped of fields the protocol does not have', () => {
  assert.deepEqual(ok({ type: 'ready', extra: 1 }), { type: 'ready' });
  assert.deepEqual(ok({ type: 'chat/ask', question: 'Where?', injected: '<script>' }), { type: 'chat/ask', question: 'Where?' });
  assert.deepEqual(ok({ type: 'chat/open', chatId: 'cmbx1.abc' }), { type: 'chat/open', chatId: 'cmbx1.abc' });
  assert.deepEqual(ok({ type: 'chat/showRun', exchangeId: 'c1.q2' }), { type: 'chat/showRun', exchangeId: 'c1.q2' });
  assert.deepEqual(ok({ type: 'answer/open', exchangeId: 'c1.q2', text: 'forged' }), { type: 'answer/open', exchangeId: 'c1.q2' }, 'the host reads the answer: a page names the exchange only');
  assert.deepEqual(ok({ type: 'link/open', path: 'src/a.ts', line: 3, endLine: 5 }), { type: 'link/open', path: 'src/a.ts', line: 3, endLine: 5 });
  assert.deepEqual(ok({ type: 'link/open', path: 'src/a.ts', endLine: 5 }), { type: 'link/open', path: 'src/a.ts' }, 'an end without a start is dropped');
  assert.deepEqual(ok({ type: 'clipboard/copy', text: 'const x = 1;' }), { type: 'clipboard/copy', text: 'const x = 1;' });
  assert.deepEqual(ok({ type: 'command/run', command: 'rlm.setApiKey', args: ['anthropic'] }), { type: 'command/run', command: 'rlm.setApiKey', args: ['anthropic'] });
  assert.deepEqual(ok({ type: 'command/run', command: 'workbench.action.openSettings', args: ['rlm.baseUrl'] }), { type: 'command/run', command: 'workbench.action.openSettings', args: ['rlm.baseUrl'] });
  for (const type of CHAT_TO_HOST_TYPES) assert.ok(typeof type === 'string');
});

test('malformed or hostile messages are refused with a reason', () => {
  refused(null, /unknown message/);
  refused('chat/ask', /unknown message/);
  refused({ type: 'tree/reset', events: [] }, /unknown message "tree\/reset"/);
  refused({ type: 'chat/ask' }, /without a question/);
  refused({ type: 'chat/ask', question: '   ' }, /without a question/);
  refused({ type: 'chat/ask', question: 'x'.repeat(MAX_QUESTION_CHARS + 1) }, /at most/);
  refused({ type: 'chat/open', chatId: '../../etc' }, /valid chat id/);
  refused({ type: 'chat/showRun', exchangeId: { id: 1 } }, /valid exchange id/);
  refused({ type: 'answer/open', exchangeId: '../traces/x' }, /answer\/open without a valid exchange id/);
  refused({ type: 'link/open', path: '' }, /usable path/);
  refused({ type: 'link/open', path: 'a\0b' }, /usable path/);
  refused({ type: 'link/open', path: 'a.ts', line: 0 }, /whole number/);
  refused({ type: 'link/open', path: 'a.ts', line: '3' }, /whole number/);
  refused({ type: 'clipboard/copy', text: 42 }, /without text/);
  refused({ type: 'command/run', command: 'workbench.action.terminal.sendSequence', args: [{ text: 'rm -rf ~\n' }] }, /not one a page may run/);
  refused({ type: 'command/run', command: 'vscode.open', args: ['file:///etc/passwd'] }, /not one a page may run/);
  refused({ type: 'command/run', command: 'rlm.setApiKey', args: ['openai', 'sk-stolen'] }, /arguments it does not take/);
  refused({ type: 'command/run', command: 'rlm.setApiKey', args: ['evil'] }, /arguments it does not take/);
  refused({ type: 'command/run', command: 'workbench.action.openSettings', args: ['terminal.integrated.shell'] }, /arguments it does not take/);
  refused({ type: 'command/run', command: 'rlm.useLocalServer', args: ['http://attacker.example/v1'] }, /arguments it does not take/);
  refused({ type: 'command/run', command: 'rlm.newChat', args: 'x' }, /without a command/);
  // Deleting or copying the chat history happens only from the palette, after the user's choice in host UI.
  refused({ type: 'command/run', command: 'rlm.clearHistory' }, /not one a page may run/);
  refused({ type: 'command/run', command: 'rlm.exportHistory' }, /not one a page may run/);
});

test('the trajectory tree may only ask for ready, links, the clipboard and a text opened in an editor', () => {
  assert.deepEqual(TREE_TO_HOST_TYPES, ['ready', 'link/open', 'clipboard/copy', 'text/open']);
  assert.deepEqual(checkTreeMessage({ type: 'ready' }), { ok: true, message: { type: 'ready' } });
  assert.ok(checkTreeMessage({ type: 'link/open', path: 'src/a.ts', line: 2 }).ok);
  assert.ok(!checkTreeMessage({ type: 'command/run', command: 'rlm.stop' }).ok);
  assert.ok(!checkTreeMessage({ type: 'chat/ask', question: 'x' }).ok);
  assert.ok(!checkTreeMessage({ type: 'answer/open', exchangeId: 'c1.q1' }).ok, 'the chat\'s message, not the tree\'s');
  assert.deepEqual(checkTreeMessage({ type: 'text/open', text: '# answer', language: 'markdown', path: '/etc/passwd' }), { ok: true, message: { type: 'text/open', text: '# answer', language: 'markdown' } });
  const refusedTree = (value: unknown, reason: RegExp) => {
    const checked = checkTreeMessage(value);
    assert.ok(!checked.ok && reason.test(checked.reason), JSON.stringify(checked));
  };
  refusedTree({ type: 'text/open', text: 1, language: 'markdown' }, /without text/);
  refusedTree({ type: 'text/open', text: 'x'.repeat(MAX_OPENED_TEXT_CHARS + 1), language: 'markdown' }, /more than a trace line holds/);
  refusedTree({ type: 'text/open', text: 'x', language: 'shellscript' }, /language it may not name/);
  refusedTree({ type: 'text/open', text: 'x' }, /language it may not name/);
});

test('every action the host offers passes the allow-list', () => {
  const server: LocalServer = { name: 'Ollama', baseUrl: 'http://127.0.0.1:11434/v1', models: ['m'] };
  const actions = [
    ACTIONS.setApiKey(), ACTIONS.setApiKey('openai'), ACTIONS.setApiKey('anthropic'), ACTIONS.setApiKey('openai-compatible'), ACTIONS.selectModel(),
    ACTIONS.openSettings(), ACTIONS.openSettings('rlm.baseUrl'), ACTIONS.openSettings('rlm.maxCostPerQuestion'), ACTIONS.useLocalServer(server),
    ACTIONS.refreshSetup(), ACTIONS.showLog(), ACTIONS.openFolder(), ACTIONS.manageTrust(),
  ];
  for (const action of actions) {
    assert.ok(checkChatMessage({ type: 'command/run', command: action.command, args: action.args }).ok, JSON.stringify(action));
    assert.ok(WEBVIEW_COMMANDS[action.command], action.command);
  }
});

test('link paths stay inside the workspace folders', () => {
  const a = join('/work', 'project-a');
  const b = join('/work', 'project-b');
  assert.deepEqual(confineToRoots('src/x.ts', [a, b]), [join(a, 'src/x.ts'), join(b, 'src/x.ts')]);
  assert.deepEqual(confineToRoots(join(b, 'lib/y.ts'), [a, b]), [join(b, 'lib/y.ts')], 'an absolute path inside a root');
  assert.deepEqual(confineToRoots('../project-b/secret.ts', [a]), []);
  assert.deepEqual(confineToRoots('/etc/passwd', [a, b]), []);
  assert.deepEqual(confineToRoots('src/../../../etc/passwd', [a]), []);
  assert.deepEqual(confineToRoots('..\\..\\etc\\passwd', [a]), [], 'backslashes are separators too');
  assert.deepEqual(confineToRoots('..foo/bar.ts', [a]), [join(a, '..foo/bar.ts')], 'a name that starts with two dots is inside');
  assert.deepEqual(confineToRoots(`file://${a}/src/x.ts`, [a]), [join(a, 'src/x.ts')]);
});

test('engine messages in the editor\'s terms: settings and commands instead of flags and variables', async () => {
  const { inEditorTerms } = await import('../../src/extension/problems');
  assert.equal(inEditorTerms('Could not pick a model for --model auto: The server at http://x/v1 returned 401 Unauthorized: the server wants an API key: set OPENAI_API_KEY or pass the key in the configuration.'),
    'Could not list the server\'s models: The server at http://x/v1 returned 401 Unauthorized: the server wants an API key: set its key with "RLM: Set API Key".');
  assert.equal(inEditorTerms('Could not reach http://x/v1 (ECONNREFUSED) after 5 tries. Is the server running? Check --base-url.'), 'Could not reach http://x/v1 (ECONNREFUSED) after 5 tries. Is the server running? Check rlm.baseUrl.');
  assert.equal(inEditorTerms('OpenAI returned 401 Unauthorized: check OPENAI_API_KEY.'), 'OpenAI returned 401 Unauthorized: check the API key ("RLM: Set API Key").');
  assert.equal(inEditorTerms('Raise --max-cost, or pick a cheaper --sub-model.'), 'Raise rlm.maxCostPerQuestion, or pick a cheaper rlm.subModel.');
});

test('review messages: an exchange id, a change set path and a hunk key, nothing else; a command is never among them', () => {
  const key = '0123456789abcdef.0';
  assert.deepEqual(ok({ type: 'review/open', exchangeId: 'c1.q1', extra: 1 }), { type: 'review/open', exchangeId: 'c1.q1' });
  assert.deepEqual(ok({ type: 'review/open', exchangeId: 'c1.q1', path: 'src/a.ts' }), { type: 'review/open', exchangeId: 'c1.q1', path: 'src/a.ts' });
  assert.deepEqual(ok({ type: 'review/accept', exchangeId: 'c1.q1' }), { type: 'review/accept', exchangeId: 'c1.q1' });
  assert.deepEqual(ok({ type: 'review/accept', exchangeId: 'c1.q1', path: 'src/a.ts', hunk: key }), { type: 'review/accept', exchangeId: 'c1.q1', path: 'src/a.ts', hunk: key });
  assert.deepEqual(ok({ type: 'review/reject', exchangeId: 'c1.q1', path: 'new.ts', hunk: '*', rejected: false }), { type: 'review/reject', exchangeId: 'c1.q1', path: 'new.ts', hunk: '*', rejected: false });
  assert.deepEqual(ok({ type: 'review/resolve', exchangeId: 'c1.q1', path: 'src/a.ts' }), { type: 'review/resolve', exchangeId: 'c1.q1', path: 'src/a.ts' });
  assert.deepEqual(ok({ type: 'review/validate', exchangeId: 'c1.q1', command: 'rm -rf ~' }), { type: 'review/validate', exchangeId: 'c1.q1' }, 'the command comes from the settings, never from the page');
  assert.deepEqual(ok({ type: 'review/stopValidation', exchangeId: 'c1.q1' }), { type: 'review/stopValidation', exchangeId: 'c1.q1' });
  refused({ type: 'review/accept', exchangeId: '../x' }, /valid exchange id/);
  refused({ type: 'review/accept', exchangeId: 'c1.q1', hunk: key }, /a hunk without its path/);
  refused({ type: 'review/accept', exchangeId: 'c1.q1', path: 'a.ts', hunk: 'x; rm' }, /path or hunk that is not one/);
  refused({ type: 'review/open', exchangeId: 'c1.q1', path: '/etc/passwd' }, /path or hunk that is not one/);
  refused({ type: 'review/open', exchangeId: 'c1.q1', path: 'a\0b' }, /path or hunk that is not one/);
  for (const path of ['../outside.ts', 'src/../../x.ts', './src/a.ts', 'src/a.ts/', '.git/config', 'C:/x.ts', 'a\\b.ts']) {
    refused({ type: 'review/open', exchangeId: 'c1.q1', path }, /path or hunk that is not one/);
  }
  refused({ type: 'review/reject', exchangeId: 'c1.q1', path: 'a.ts' }, /without a path or a decision/);
  refused({ type: 'review/resolve', exchangeId: 'c1.q1' }, /without a path/);
});

test('a page may ask for a state change; the host acts only after the user says yes in its own modal', async () => {
  // Clearing a key is never a page's to ask: no button offers it, and a hostile page must not delete keys.
  refused({ type: 'command/run', command: 'rlm.clearApiKey' }, /not one a page may run/);
  refused({ type: 'command/run', command: 'rlm.clearApiKey', args: ['openai'] }, /not one a page may run/);
  const ran: string[] = [];
  const asked: Confirmation[] = [];
  const host = (answer: boolean) => ({
    context: () => ({ localServer: { name: 'Ollama', baseUrl: 'http://127.0.0.1:11434/v1' } }),
    confirm: async (c: Confirmation) => {
      asked.push(c);
      return answer;
    },
    execute: async (command: string) => {
      ran.push(command);
    },
  });
  // Pinning the local server rewrites the user settings: a modal first, naming the server and what changes.
  assert.equal(await runPageCommand('rlm.useLocalServer', [], host(false)), false);
  assert.deepEqual(ran, [], 'dismissed: nothing ran');
  assert.equal(asked[0]!.message, 'Use Ollama at http://127.0.0.1:11434/v1?');
  assert.match(asked[0]!.detail, /sets rlm\.provider and rlm\.baseUrl in your user settings/);
  assert.equal(await runPageCommand('rlm.useLocalServer', [], host(true)), true);
  assert.deepEqual(ran, ['rlm.useLocalServer']);
  // Commands that open the host's own UI (a password box, quick picks) or change nothing that lasts run at once.
  for (const command of ['rlm.setApiKey', 'rlm.selectModel', 'rlm.refreshSetup', 'workbench.action.openSettings', 'workbench.trust.manage']) {
    assert.equal(await runPageCommand(command, [], host(false)), true, command);
  }
  assert.equal(asked.length, 2, 'no modal for those');
  assert.deepEqual(Object.keys(PAGE_CONFIRMATIONS).filter((c) => !WEBVIEW_COMMANDS[c]), [], 'a confirmation is only for a command a page may ask for');
});

test('attachment messages: refs rebuilt field by field (a path, a selection with whole lines, the Problems list, the changes), sources and URIs checked', () => {
  assert.deepEqual(ok({ type: 'chat/ask', question: 'Why?', attachments: [
    { kind: 'path', path: 'src/a.ts', bytes: 1e9 }, { kind: 'selection', path: 'src/a.ts', startLine: 2, endLine: 4 }, { kind: 'problems', problems: [{ path: '/etc/passwd' }] }, { kind: 'changes' },
  ] }), { type: 'chat/ask', question: 'Why?', attachments: [
    { kind: 'path', path: 'src/a.ts' }, { kind: 'selection', path: 'src/a.ts', startLine: 2, endLine: 4 }, { kind: 'problems' }, { kind: 'changes' },
  ] }, 'a page cannot hand the host a Problems list or a size: the host gathers and measures them');
  assert.deepEqual(ok({ type: 'attach/pick', source: 'selection' }), { type: 'attach/pick', source: 'selection' });
  assert.deepEqual(ok({ type: 'attach/add', refs: [{ kind: 'path', path: 'README.md' }] }), { type: 'attach/add', refs: [{ kind: 'path', path: 'README.md' }] });
  assert.deepEqual(ok({ type: 'attach/drop', uris: ['file:///w/a.ts'] }), { type: 'attach/drop', uris: ['file:///w/a.ts'] });
  assert.deepEqual(ok({ type: 'attach/complete', query: '' }), { type: 'attach/complete', query: '' });
  refused({ type: 'chat/ask', question: 'Why?', attachments: [{ kind: 'path', path: '/etc/passwd' }] }, /attachments that are not ones/);
  refused({ type: 'chat/ask', question: 'Why?', attachments: [{ kind: 'selection', path: 'a.ts', startLine: 5, endLine: 2 }] }, /attachments that are not ones/);
  refused({ type: 'chat/ask', question: 'Why?', attachments: [{ kind: 'shell', command: 'rm -rf /' }] }, /attachments that are not ones/);
  refused({ type: 'chat/ask', question: 'Why?', attachments: Array.from({ length: 51 }, () => ({ kind: 'changes' })) }, /attachments that are not ones/);
  refused({ type: 'attach/pick', source: 'terminal' }, /no known source/);
  refused({ type: 'attach/add', refs: [] }, /without attachments/);
  refused({ type: 'attach/drop', uris: ['file:///a\0b'] }, /without URIs/);
  refused({ type: 'attach/complete', query: 'x'.repeat(201) }, /without a query/);
});
