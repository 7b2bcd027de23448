// A huge answer and the chat history in real VS Code: the fake server's root model answers with 1.6 MB, which the
// chat shows in part ("Shown: the first 200 kB of 1.6 MB") and opens whole in an untitled Markdown editor, also
// after a window reload and from the Trajectory view's detail; "RLM: Export Chat History..." writes the chats and
// traces to the folder picked in the save dialog; "RLM: Clear Chat History" asks in a modal, then leaves no chat,
// no trace and no sub-call answer behind. The probe extension reports the untitled documents the editor holds.

import assert from 'node:assert/strict';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { formatSize } from '../../webview/shared/format';
import { code } from '../support/scriptedModels';
import { e2eSuite, TIMEOUTS, waitFor, type VsCodeSession } from './harness';
import { askInChat, answerFileDialog, chatView, ended, exchange, ROOT_MODEL, ScriptedModels, SUB_MODEL, scriptedServerSettings } from './support';

const models = new ScriptedModels();
const LINES = 30_000;
/** What the root model's code answers with, built in the sandbox: 1.6 MB of lines. */
const HUGE = `Array.from({length: ${LINES}}, (_, i) => "- line " + i + ": the total is computed in src/cart.ts:19").join("\\n")`;
const huge = Array.from({ length: LINES }, (_, i) => `- line ${i}: the total is computed in src/cart.ts:19`).join('\n');

e2eSuite('a huge answer and the chat history', {
  modelServer: models.respond,
  modelServerOptions: { models: [ROOT_MODEL, SUB_MODEL] },
  extensions: ['probe'],
  settings: ({ modelServer, root }) => ({ ...scriptedServerSettings(modelServer), 'rlmE2eProbe.outputDir': root }),
}, (it) => {
  let exchangeId = '';

  it('shows a 1.6 MB answer in part, with how much, and opens it whole in an untitled Markdown editor', async (vs) => {
    // One sub-call first, so the folder's sub-call cache holds an answer for "Clear Chat History" to delete.
    models.script(code('Listing every line.', `const where = llm_query("Where is the total computed?");\nFINAL(${HUGE})`));
    const asked = await askInChat(vs, 'List every line');
    exchangeId = asked.exchangeId;
    assert.equal(await ended(asked.chat, exchangeId), 'done');
    await assertShownInPart(asked.chat, exchangeId);
    await openWhole(vs, await chatView(vs), exchangeId);
  });

  it('after a window reload the chat shows the same part, and the whole answer still opens', async (vs) => {
    await vs.workbench.reload();
    const chat = await chatView(vs);
    await waitFor(async () => (await exchange(chat, exchangeId).count()) === 1, { timeoutMs: TIMEOUTS.webview, what: 'the exchange to come back' });
    await assertShownInPart(chat, exchangeId);
    await openWhole(vs, chat, exchangeId);
  });

  it('the Trajectory view\'s detail shows the start of the run\'s answer and opens it whole', async (vs) => {
    const chat = await chatView(vs);
    await exchange(chat, exchangeId).locator('[data-testid=show-run]').click();
    const tree = await vs.workbench.webview('trajectory');
    const run = tree.locator('[data-testid=tree-row][data-kind=run]');
    await run.first().click({ timeout: TIMEOUTS.webview });
    const cut = tree.locator('[data-testid=cut-output]');
    await cut.waitFor({ timeout: TIMEOUTS.webview });
    assert.match(await cut.textContent() ?? '', /Shown: the first 20 kB of 1\.\d MB\./);
    await opensUntitled(vs, () => tree.locator('[data-testid=cut-output-open]').click());
  });

  it('"RLM: Export Chat History..." writes the chats and the traces to the folder picked in the save dialog', async (vs) => {
    const folder = join(vs.root, 'exported-history');
    await vs.workbench.runCommand('RLM: Export Chat History...');
    await answerFileDialog(vs, folder);
    const files = await waitFor(async () => (await readdir(join(folder, 'traces')).catch(() => [])).length > 0 && readdir(join(folder, 'traces')), { timeoutMs: TIMEOUTS.command, what: 'the exported traces' });
    assert.deepEqual(files, [`${exchangeId}.rlm.jsonl`]);
    const chats = (await readFile(join(folder, 'chats.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { exchanges: Array<{ id: string; answerChars?: number }> });
    assert.deepEqual(chats.map((c) => c.exchanges.map((e) => [e.id, e.answerChars])), [[[exchangeId, huge.length]]]);
  });

  it('"RLM: Clear Chat History" asks in a modal, then the chat, its history, its traces and its sub-call answers are gone', async (vs) => {
    const traces = async () => (await readdir(join(vs.root, 'user-data', 'User', 'workspaceStorage'), { recursive: true })).filter((f) => f.endsWith('.rlm.jsonl'));
    const subCallCaches = async () => (await readdir(join(vs.root, 'user-data', 'User', 'globalStorage'), { recursive: true })).filter((f) => /subcalls[\\/][0-9a-f]+\.jsonl$/.test(f));
    assert.equal((await traces()).length, 1);
    assert.equal((await subCallCaches()).length, 1, 'the sub-call answer is kept for reuse');
    await vs.workbench.runCommand('RLM: Clear Chat History');
    const dialog = vs.workbench.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: TIMEOUTS.command });
    assert.match(await dialog.textContent() ?? '', /Clear the RLM chat history of this workspace \(1 chat\)\?/);
    // Cancel first: nothing happens.
    await dialog.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
    const chat = await chatView(vs);
    assert.equal(await exchange(chat, exchangeId).count(), 1, 'cancelled: the chat is still there');
    await vs.workbench.runCommand('RLM: Clear Chat History');
    await dialog.waitFor({ timeout: TIMEOUTS.command });
    await dialog.locator('.monaco-button', { hasText: /^Clear History$/ }).click();
    await waitFor(async () => (await chat.locator('[data-testid=exchange]').count()) === 0, { timeoutMs: TIMEOUTS.webview, what: 'the conversation to empty' });
    assert.equal(await chat.locator('[data-testid=history-toggle]').textContent(), 'History');
    await waitFor(async () => (await traces()).length === 0, { timeoutMs: TIMEOUTS.command, what: 'the trace files to go' });
    await waitFor(async () => (await subCallCaches()).length === 0, { timeoutMs: TIMEOUTS.command, what: 'the sub-call cache file to go' });
    // After a reload it stays cleared.
    await vs.workbench.reload();
    const after = await chatView(vs);
    await after.locator('[data-testid=empty-chat], [data-testid=welcome]').first().waitFor({ timeout: TIMEOUTS.webview });
    assert.equal(await after.locator('[data-testid=exchange]').count(), 0);
    assert.equal(await after.locator('[data-testid=history-toggle]').textContent(), 'History');
  });

  it('shuts down leaving no process behind', async (vs) => {
    assert.deepEqual(await vs.close(), []);
  });
});

async function assertShownInPart(chat: Frame, exchangeId: string): Promise<void> {
  const x = exchange(chat, exchangeId);
  const shown = x.locator('[data-testid=answer-cut]');
  await shown.waitFor({ timeout: TIMEOUTS.webview });
  assert.equal(await shown.locator('[data-field=shown]').textContent(), `Shown: the first 200 kB of ${formatSize(huge.length)}.`);
  const answer = x.locator('[data-testid=answer]');
  await waitFor(async () => (await answer.getAttribute('data-rendering')) === null && Number(await answer.getAttribute('data-pieces')) > 1, { timeoutMs: TIMEOUTS.webview, what: 'the answer rendered in pieces' });
  assert.equal(await answer.locator('li').first().textContent(), 'line 0: the total is computed in src/cart.ts:19');
}

function openWhole(vs: VsCodeSession, chat: Frame, exchangeId: string): Promise<void> {
  return opensUntitled(vs, () => exchange(chat, exchangeId).locator('[data-testid=answer-cut-open]').click());
}

/**
 * `click` opens the whole answer in a new untitled Markdown editor (the window's title names the active editor),
 * which is then closed without saving, as a reader done with it would.
 */
async function opensUntitled(vs: VsCodeSession, click: () => Promise<void>): Promise<void> {
  const title = await vs.workbench.page.title();
  await click();
  const name = await waitFor(async () => {
    const now = await vs.workbench.page.title();
    return now !== title ? /Untitled-\d+/.exec(now)?.[0] : undefined;
  }, { timeoutMs: TIMEOUTS.editor, what: 'a new untitled editor to be the active one' });
  const opened = (await untitled(vs)).find((d) => d.name === name);
  assert.equal(opened?.languageId, 'markdown');
  assert.equal(opened?.text.length, huge.length);
  assert.ok(opened?.text === huge, 'the whole answer, as the model gave it');
  await vs.workbench.runCommand('View: Revert and Close Editor');
  await waitFor(async () => !(await vs.workbench.page.title()).includes(name), { timeoutMs: TIMEOUTS.editor, what: `${name} to close` });
}

/** The untitled documents the editor holds, through the probe extension. */
async function untitled(vs: VsCodeSession): Promise<Array<{ name: string; languageId: string; text: string }>> {
  const file = join(vs.root, 'documents.json');
  await rm(file, { force: true });
  await vs.workbench.runCommand('RLM E2E: Probe Documents');
  return (await waitFor(() => readFile(file, 'utf8').then(JSON.parse), { timeoutMs: TIMEOUTS.command, what: 'the probe\'s documents.json' }) as { untitled: Array<{ name: string; languageId: string; text: string }> }).untitled;
}
