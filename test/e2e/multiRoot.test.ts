// A multi-root window, as a user with two projects side by side meets it: a .code-workspace file naming two
// folders, alpha (a ledger in TypeScript) and beta (a parser in JavaScript), each with its own files. The fake
// server's root model answers every question with the files its workspace lists, so an answer says which folder
// the question went to. A question goes to the folder of the active editor; with no editor open the user is asked
// to pick one (dismissing the pick asks nothing and loses nothing); each folder keeps its own index, and a file
// added to one shows up there only.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Frame } from 'playwright-core';
import { code } from '../support/scriptedModels';
import { e2eSuite, TIMEOUTS, waitFor, type VsCodeSession } from './harness';
import { askInChat, chatView, ended, exchange, exchangeIds, ROOT_MODEL, ScriptedModels, SUB_MODEL, scriptedServerSettings } from './support';

const ALPHA_FILES = ['notes.md', 'src/ledger.ts'];
const BETA_FILES = ['docs/guide.md', 'lib/parser.js'];
/** The file added to beta while the window is open. */
const ADDED = 'lib/lexer.js';
const WORKSPACE_FILE = 'projects.code-workspace';
/** The placeholder of the extension's folder pick (extension.ts), to know the quick pick is ours. */
const PICK_PLACEHOLDER = 'Which folder is the question about?';

/** The two folders and the .code-workspace naming them, written once for the suite (the harness opens a copy). */
const fixture = mkdtempSync(join(tmpdir(), 'rlm-e2e-multiroot-'));
process.on('exit', () => rmSync(fixture, { recursive: true, force: true }));
writeFixture(fixture, {
  [WORKSPACE_FILE]: JSON.stringify({ folders: [{ path: 'alpha' }, { path: 'beta' }] }, null, 2),
  'alpha/notes.md': '# Ledger\n\nEntries are kept in cents.\n',
  'alpha/src/ledger.ts': 'export function balance(entries: number[]): number {\n  return entries.reduce((sum, cents) => sum + cents, 0);\n}\n',
  'beta/docs/guide.md': '# Parser\n\nSplits a line into words.\n',
  'beta/lib/parser.js': 'export function parse(line) {\n  return line.split(/\\s+/).filter(Boolean);\n}\n',
});

const models = new ScriptedModels();
/** One root turn: the files of the workspace the question was asked over, sorted. */
const LIST_FILES = code('Listing the files of this workspace.', 'FINAL("files: " + files().map((f) => f.path).sort().join(" "))');
const listed = (paths: string[]) => `files: ${[...paths].sort().join(' ')}`;

e2eSuite('a multi-root workspace', {
  workspace: fixture,
  workspaceFile: WORKSPACE_FILE,
  modelServer: models.respond,
  modelServerOptions: { models: [ROOT_MODEL, SUB_MODEL] },
  settings: ({ modelServer }) => scriptedServerSettings(modelServer),
}, (it) => {
  let betaChat = '';
  let alphaChat = '';

  it('asks the folder of the active editor: with a file of beta open, the answer lists beta\'s files and none of alpha\'s', async (vs) => {
    await vs.workbench.openFile('beta/lib/parser.js');
    models.script(LIST_FILES);
    const { chat, exchangeId } = await askInChat(vs, 'Which files are there?');
    assert.equal(await ended(chat, exchangeId), 'done');
    assert.equal(await answerOf(chat, exchangeId), listed(BETA_FILES));
    assert.equal(await pickShowing(vs), false, 'no folder pick: the active editor chose');
    betaChat = exchangeId.split('.')[0]!;
  });

  it('with no editor open, asks which folder: dismissing the pick asks nothing and loses nothing; picking alpha asks alpha', async (vs) => {
    let chat = await chatView(vs);
    await chat.locator('[data-testid=new-chat]').click();
    await waitFor(async () => (await chat.locator('[data-testid=empty-chat]').count()) === 1, { timeoutMs: TIMEOUTS.webview, what: 'a new, empty chat' });
    await vs.workbench.runCommand('View: Close All Editors');
    await waitFor(async () => (await vs.workbench.activeEditor()) === undefined, { timeoutMs: TIMEOUTS.editor, what: 'no editor open' });
    const requestsBefore = vs.modelServer!.requests.length;

    // Dismissed: the question stays in the conversation, marked as not asked; no model heard of it.
    const dismissed = await askInChat(vs, 'What is kept in cents?');
    chat = dismissed.chat;
    assert.deepEqual(await folderPick(vs), ['alpha', 'beta']);
    await vs.workbench.page.keyboard.press('Escape');
    assert.equal(await ended(chat, dismissed.exchangeId), 'cancelled');
    const notAsked = exchange(chat, dismissed.exchangeId);
    assert.equal(await notAsked.locator('[data-testid=question-text] .text').textContent(), 'What is kept in cents?');
    assert.match(await notAsked.textContent() ?? '', /No folder was picked, so the question was not asked\./);
    assert.equal(vs.modelServer!.requests.length, requestsBefore, 'nothing reached the model server');
    // The earlier chat is still in the history (its answer is checked when it is reopened, below).
    await chat.locator('[data-testid=history-toggle]').click();
    await chat.locator(`[data-testid=history-item][data-chat-id="${betaChat}"]`).waitFor({ timeout: TIMEOUTS.webview });
    await chat.locator('[data-testid=history-toggle]').click();

    // Asked again in the same chat: the pick comes back, and alpha is chosen.
    models.script(LIST_FILES);
    const asked = await askInChat(vs, 'What is kept in cents?');
    assert.deepEqual(await folderPick(vs), ['alpha', 'beta']);
    await vs.workbench.pickItem('alpha');
    assert.equal(await ended(chat, asked.exchangeId), 'done');
    assert.equal(await answerOf(chat, asked.exchangeId), listed(ALPHA_FILES));
    assert.deepEqual(await exchangeIds(chat), [dismissed.exchangeId, asked.exchangeId], 'the not-asked question stays beside the answered one');
    alphaChat = asked.exchangeId.split('.')[0]!;
  });

  it('keeps an index per folder: beta\'s chat still sees beta\'s files after alpha\'s; a file added to beta shows up in beta only; a chat stays in its folder', async (vs) => {
    // Back to beta's chat: its follow-up is answered over beta, with alpha's index open beside it.
    await openChat(vs, betaChat, 'beta');
    let chat = await chatView(vs);
    assert.equal(await answerOf(chat, `${betaChat}.q1`), listed(BETA_FILES), 'the first answer is still there');
    models.script(LIST_FILES);
    let exchangeId: string;
    ({ chat, exchangeId } = await askInChat(vs, 'And now?'));
    assert.equal(await ended(chat, exchangeId), 'done');
    assert.equal(await answerOf(chat, exchangeId), listed(BETA_FILES));

    // A file added to beta on disk, as another tool would: the editor's file watcher tells beta's index.
    await writeFile(join(vs.workspace, 'beta', ADDED), 'export function words(line) {\n  return line.match(/\\S+/g) ?? [];\n}\n');
    await waitForInExplorer(vs, 'lexer.js');
    models.script(LIST_FILES);
    ({ exchangeId } = await askInChat(vs, 'Anything new?'));
    assert.equal(await ended(chat, exchangeId), 'done');
    assert.equal(await answerOf(chat, exchangeId), listed([...BETA_FILES, ADDED]));

    // Alpha's chat does not see it; its follow-up stays in alpha though the editor shows beta's new file (a chat's
    // session works over one folder: the active editor chooses only for a chat's first question).
    await vs.workbench.openFile(`beta/${ADDED}`);
    await openChat(vs, alphaChat, 'alpha');
    models.script(LIST_FILES);
    ({ chat, exchangeId } = await askInChat(vs, 'Anything new here?'));
    assert.equal(await ended(chat, exchangeId), 'done');
    assert.equal(await answerOf(chat, exchangeId), listed(ALPHA_FILES));
    assert.equal(models.pending, 0);

    // Each folder was indexed once, on its first question, and kept: later questions and the new file reused it.
    const log = await waitFor(async () => {
      const text = await vs.logs();
      return /Question \S+: Anything new here\?/.test(text) && text;
    }, { timeoutMs: TIMEOUTS.command, what: 'the last question in the RLM log' });
    assert.deepEqual(log.match(/Indexed \w+: \d+ files/g), ['Indexed beta: 2 files', 'Indexed alpha: 2 files']);
  });

  it('shuts down leaving no process behind', async (vs) => {
    assert.deepEqual(await vs.close(), []);
  });
});

function writeFixture(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

async function answerOf(chat: Frame, exchangeId: string): Promise<string> {
  return (await exchange(chat, exchangeId).locator('[data-testid=answer]').textContent() ?? '').trim();
}

function pickShowing(vs: VsCodeSession): Promise<boolean> {
  return vs.workbench.page.locator('.quick-input-widget').isVisible();
}

/** Waits for the extension's folder pick and returns the labels it offers. */
async function folderPick(vs: VsCodeSession): Promise<string[]> {
  const input = vs.workbench.page.locator('.quick-input-widget .quick-input-box input');
  await waitFor(async () => (await pickShowing(vs)) && (await input.getAttribute('placeholder')) === PICK_PLACEHOLDER, { timeoutMs: TIMEOUTS.command, what: 'the folder pick' });
  return waitFor(async () => {
    const labels = await vs.workbench.quickPickLabels();
    return labels.length > 0 && labels;
  }, { timeoutMs: TIMEOUTS.command, what: 'the folder pick\'s items' });
}

/** Reopens an earlier chat from the Chat view's history list, where it names the folder it asks about. */
async function openChat(vs: VsCodeSession, chatId: string, folder: string): Promise<void> {
  const chat = await chatView(vs);
  await chat.locator('[data-testid=history-toggle]').click();
  const item = chat.locator(`[data-testid=history-item][data-chat-id="${chatId}"]`);
  assert.equal(await item.locator('[data-testid=history-folder]').textContent({ timeout: TIMEOUTS.webview }), folder);
  await item.click();
  await waitFor(async () => (await exchangeIds(chat))[0]?.startsWith(`${chatId}.`), { timeoutMs: TIMEOUTS.webview, what: `the chat ${chatId} on show` });
}

/** The explorer lists the file: the editor's file watcher has seen it (the extension hears of it from the same events). */
async function waitForInExplorer(vs: VsCodeSession, name: string): Promise<void> {
  await vs.workbench.page.locator('.part.activitybar .action-item .action-label[aria-label^="Explorer"]').click();
  // Unfold beta > lib (a click toggles: only unfold what is folded).
  for (const folder of ['beta', 'lib']) {
    const row = vs.workbench.page.locator('.explorer-folders-view .monaco-list-row', { hasText: new RegExp(`^${folder}$`) }).first();
    await row.waitFor({ timeout: TIMEOUTS.command });
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
  }
  await vs.workbench.page.locator('.explorer-folders-view .monaco-list-row', { hasText: new RegExp(`^${name.replace('.', '\\.')}$`) }).waitFor({ timeout: TIMEOUTS.command });
}
