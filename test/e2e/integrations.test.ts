// Where users already work, in real VS Code (code-server 4.117, no Copilot): `@rlm` in VS Code's own Chat view, with
// the test extension's model picked there as the root (its "mini" sibling answers the sub-calls), progress per turn
// and per batch, the files read as references, `path:line` anchors, the run's button, a follow-up that keeps the
// REPL, `/refactor` handing its change set to the sidebar's review (sensitive file held out), and a cancel that ends
// the run. Then the agent-mode tools as another extension sees them: listed by vscode.lm.tools, called through
// vscode.lm.invokeTool (the answer and its files; a refactor as a patch, nothing written; a bad argument; a cancel).
// Last, RLM's MCP server as VS Code is offered it: none while only the editor's models answer (a process outside the
// editor cannot use them), then, with rlm.baseUrl set to the fake server, listed and started by VS Code.

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakeRequest } from '../fakes/FakeModelServer';
import { code } from '../support/scriptedModels';
import { e2eSuite, TIMEOUTS, waitFor } from './harness';
import { cancelTool, execute, invokeTool, lastResponse, listedTools, recordChat, recorded, responseShows, sendInChatView } from './chatPanel';
import { ANSWER_TIMEOUT_MS, changeSet, chatView, fileRow, lastUser, ScriptedModels, setUserSetting } from './support';

const PICKED = { vendor: 'e2etest', id: 'e2e-coder' };
const SIBLING = 'e2e-coder-mini';
/** The root model's requests carry the RLM system prompt (vscode.lm has no system role: it is user text). */
const isRoot = (req: FakeRequest) => req.messages.some((m) => m.content.startsWith('You are tasked with answering a question about a context'));
const models = new ScriptedModels(isRoot);
/** Each root turn takes this long, so every progress line stays on screen long enough to be seen. */
const TURN_MS = 600;

e2eSuite('where users already work: @rlm in VS Code\'s Chat view', {
  extensions: ['lm-extension', 'probe'],
  modelServer: models.respond,
  modelServerOptions: { models: [PICKED.id, SIBLING] },
  // No rlm.* settings: the editor's models are all there is; the model picked in the Chat view is the root.
  settings: ({ modelServer, root }) => ({ 'rlmE2e.modelServerUrl': modelServer!.openaiBaseUrl, 'rlmE2eProbe.outputDir': root }),
}, (it) => {
  it('@rlm answers in the Chat view: progress per turn and per batch, references, a path:line anchor, the run\'s button', async (vs, t) => {
    // The extension is active (its views load) before the first question, as it is once a user has opened the sidebar.
    await chatView(vs);
    models.sub = (req) => ({ text: /formats cents/.test(lastUser(req)) ? 'formatCents' : 'none', delayMs: 300 });
    models.script(
      { text: code('Reading the receipt.', 'const text = read("src/receipt.ts");\nconst names = await llm_query_batched(["Which function formats cents? Name only.\\n" + text, "Which function sums a cart? Name only.\\n" + text, "Which function prints a line? Name only.\\n" + text]);\nprint(names);'), delayMs: TURN_MS },
      { text: code('Found it.', 'const line = grep("function " + names[0].trim())[0];\nFINAL(`Amounts are formatted by \\`${names[0].trim()}\\` at ${line.path}:${line.line}.`);'), delayMs: TURN_MS },
    );
    await recordChat(vs);
    await sendInChatView(vs, '@rlm How are amounts printed on the receipt?', PICKED);
    await responseShows(vs, ['Show the run', 'could not answer'], ANSWER_TIMEOUT_MS);

    const { progress, requests } = await recorded(vs);
    const lines = progress.map((p) => p.text);
    for (const line of ['Opening the workspace…', 'Turn 1: e2e-coder is writing code…', 'Turn 1: 3 sub-calls to e2e-coder-mini in parallel…', 'Turn 2: e2e-coder is writing code…']) {
      assert.ok(lines.includes(line), `progress "${line}" in ${JSON.stringify(lines)}`);
    }
    const sent = requests.find((r) => r.text.includes('How are amounts printed'))!;
    const first = progress.find((p) => p.text === 'Opening the workspace…')!;
    const firstProgressMs = first.at - sent.at;
    t.diagnostic(`time from the request drawn to the first progress line, the window's first chat request: ${firstProgressMs} ms`);
    // The window's first request also pays for VS Code's own first use of the Chat view; the next question is held to 1 s.
    assert.ok(firstProgressMs < 2500, `first progress ${firstProgressMs} ms after the request`);

    const response = lastResponse(vs);
    assert.match(await response.locator('.chat-markdown-part p').first().textContent() ?? '', /^Amounts are formatted by formatCents at receipt\.ts:4\.$/);
    const anchor = response.locator('a.chat-inline-anchor-widget');
    assert.match(await anchor.getAttribute('data-href') ?? '', /\/workspace\/src\/receipt\.ts#4/);
    assert.equal(await response.locator('.chat-used-context-label').textContent(), 'Used 1 reference');
    assert.match(await response.textContent() ?? '', /2 turns · 3 sub-calls · cost unknown · 5 requests to models with no known price/);

    // Root turns on the picked model, sub-calls on its cheaper sibling; all through the editor's model API.
    const served = vs.modelServer!.requests;
    assert.deepEqual(served.filter((r) => r.model === PICKED.id).length, 2);
    assert.deepEqual(served.filter((r) => r.model === SIBLING).length, 3);
    // Saved like any question: its trace is in the extension's storage, and the chat in the sidebar's history.
    const traces = await tracesIn(vs.root);
    assert.equal(traces.length, 1, traces.join(', '));

    // The run's button shows the tree of that question in the Trajectory view.
    await response.locator('.chat-command-button a', { hasText: 'Show the run' }).click();
    const tree = await vs.workbench.webview('trajectory');
    await waitFor(async () => (await tree.locator('#app').textContent())?.includes('How are amounts printed'), { timeoutMs: TIMEOUTS.webview, what: 'the Trajectory view to show the run' });
    assert.equal(models.pending, 0);
  });

  it('a follow-up in the same conversation continues the same session: the REPL variables persist; its first progress under a second', async (vs, t) => {
    models.script({ text: code('Still have it?', 'FINAL(typeof text === "string" ? "still here: " + text.split("\\n").length + " lines" : "gone")'), delayMs: TURN_MS });
    const before = vs.modelServer!.requests.length;
    await recordChat(vs);
    await sendInChatView(vs, '@rlm How long is that file?', PICKED);
    await responseShows(vs, ['Show the run', 'could not answer'], ANSWER_TIMEOUT_MS);
    const { progress, requests } = await recorded(vs);
    const sent = requests.find((r) => r.text.includes('How long is that file'))!;
    const first = progress.find((p) => p.text === 'Opening the workspace…' && p.at >= sent.at)!;
    t.diagnostic(`time from the request drawn to the first progress line, a follow-up: ${first.at - sent.at} ms`);
    assert.ok(first.at - sent.at < 1000, `first progress ${first.at - sent.at} ms after the request`);
    assert.match(await lastResponse(vs).locator('.chat-markdown-part p').first().textContent() ?? '', /^still here: \d+ lines$/);
    const rootRequest = vs.modelServer!.requests.slice(before).find((r) => r.model === PICKED.id)!;
    assert.match(lastUser(rootRequest), /Earlier questions in this session \(the variables you created for them still exist/);
  });

  it('/refactor proposes a change; "Review the changes" opens the sidebar\'s review, the sensitive file held out of Accept All', async (vs) => {
    models.script({ text: code('Renaming.', [
      'propose_edit("src/receipt.ts", [{find: "export function formatCents", replace: "export function formatAmount"}], "rename");',
      'propose_edit(".vscode/settings.json", "{\\"editor.formatOnSave\\": true}\\n", "format on save");',
      'FINAL("Renamed formatCents to formatAmount.");',
    ].join('\n')), delayMs: TURN_MS });
    await sendInChatView(vs, '@rlm /refactor Rename formatCents to formatAmount', PICKED);
    await responseShows(vs, ['Review the changes', 'could not answer'], ANSWER_TIMEOUT_MS);
    const text = await lastResponse(vs).textContent() ?? '';
    assert.match(text, /Proposed changes: 2 files, \+2 −1\. Nothing is written until you accept them in the review\./);
    assert.match(text, /\.vscode\/settings\.json create \+1 −0 — sensitive: \.vscode\/settings\.json is editor configuration.*not in Accept All/);
    const rootRequest = vs.modelServer!.requests.filter((r) => r.model === PICKED.id).at(-1)!;
    assert.match(lastUser(rootRequest), /Rename formatCents to formatAmount\n\n\(Make this change: propose the edits with propose_edit/);

    await lastResponse(vs).locator('.chat-command-button a', { hasText: 'Review the changes' }).click();
    const chat = await chatView(vs);
    const exchangeId = await waitFor(async () => (await chat.locator('[data-testid=change-set]').last().getAttribute('data-exchange-id', { timeout: 1000 })) ?? undefined, { timeoutMs: TIMEOUTS.webview, what: 'the sidebar to show the change set' });
    const settings = fileRow(chat, exchangeId, '.vscode/settings.json');
    await waitFor(async () => (await settings.getAttribute('data-sensitive', { timeout: 1000 })) === 'true', { timeoutMs: TIMEOUTS.webview, what: 'the settings file flagged sensitive in the review' });
    assert.equal(await fileRow(chat, exchangeId, 'src/receipt.ts').getAttribute('data-sensitive'), 'false');
    assert.match(await changeSet(chat, exchangeId).locator('[data-testid=review-accept-all]').getAttribute('title') ?? '', /Leaves out 1 file/);
    // The diff of the proposals opened beside, as the sidebar's Review button does.
    await waitFor(async () => (await vs.workbench.page.locator('.tabs-container .tab').allTextContents()).some((t) => /receipt\.ts|RLM/.test(t)), { timeoutMs: TIMEOUTS.editor, what: 'the diff to open' });
  });

  it('cancelling in the Chat view ends the run within a second, though VS Code leaves the provider\'s request open; RLM is free for the next question', async (vs, t) => {
    // VS Code 1.117 forwards no cancellation to a language-model provider once it has begun, so the provider's request
    // runs on by itself: the run must not wait for it. (The delay keeps it short enough to end before shutdown.)
    models.script({ text: code('Thinking for a long time.', 'FINAL("too late")'), delayMs: 8_000 });
    await sendInChatView(vs, '@rlm Take all the time you need', PICKED);
    await waitFor(async () => vs.modelServer!.inFlight > 0, { timeoutMs: ANSWER_TIMEOUT_MS, what: 'the root call to be in flight' });
    const chat = await chatView(vs);
    await execute(vs, 'workbench.action.chat.cancel');
    // VS Code closes a cancelled response before the participant's last words: the run's end is what counts, timed in
    // the RLM log (the token's cancellation, then the run's end), and seen in the sidebar (Send is enabled again).
    const times = await waitFor(async () => {
      const logs = await vs.logs();
      const cancelled = logs.match(/^(\S+ \S+) \[info\] @rlm: the Chat view cancelled the question$/m)?.[1];
      const ended = logs.match(/^(\S+ \S+) \[info\] \S+ ended cancelled/m)?.[1];
      return cancelled && ended ? { cancelled: Date.parse(cancelled), ended: Date.parse(ended) } : undefined;
    }, { timeoutMs: TIMEOUTS.command, what: 'the RLM log to show the cancel and the run\'s end' });
    t.diagnostic(`from the Chat view's cancellation to the run's end: ${times.ended - times.cancelled} ms`);
    assert.ok(times.ended - times.cancelled < 1000, `the run ended ${times.ended - times.cancelled} ms after the cancel`);
    await waitFor(async () => (await chat.locator('[data-testid=send]').getAttribute('disabled')) === null, { timeoutMs: TIMEOUTS.command, what: 'RLM to be free for the next question' });
    assert.ok(vs.modelServer!.inFlight > 0, 'the provider\'s request is still open (VS Code did not cancel it), and the run did not wait for it');
    models.script(code('Quick.', 'FINAL("ready again")'));
    await sendInChatView(vs, '@rlm Are you free?', PICKED);
    await responseShows(vs, ['ready again'], ANSWER_TIMEOUT_MS);
  });

  it('the agent-mode tools are listed by vscode.lm.tools and answer through vscode.lm.invokeTool: the answer with its files, the caller\'s higher limit not heeded', async (vs) => {
    const tools = await listedTools(vs);
    const ask = tools.find((t) => t.name === 'rlm_ask_codebase');
    assert.ok(ask, JSON.stringify(tools.map((t) => t.name)));
    assert.deepEqual(ask.inputSchema?.required, ['question']);
    assert.ok(ask.tags.includes('rlm'));
    assert.ok(tools.some((t) => t.name === 'rlm_propose_refactor'));

    models.script({ text: code('Reading.', 'const t = read("src/receipt.ts");\nFINAL("Cents are formatted by formatCents at src/receipt.ts:4.")'), delayMs: TURN_MS });
    const before = vs.modelServer!.requests.length;
    const answered = await invokeTool(vs, 'rlm_ask_codebase', { question: 'Where are cents formatted?', paths: ['src/receipt.ts'], limits: { maxIterations: 500, maxCostUsd: 0.5 } }, { timeoutMs: ANSWER_TIMEOUT_MS, confirm: 'Yes' });
    // The confirmation says the caps before anything is sent: the settings' 30 turns (not the 500 asked), the $0.50 asked (under the settings' $2).
    assert.match(answered.confirmation!, /Ask RLM about the codebase\?RLM will answer a question about the workspace with the models set for it, sending the code it reads to their provider: at most 30 turns, 1000 sub-calls, \$0\.5000, 300 requests to models with no known price\./);
    assert.equal(answered.error, undefined);
    assert.match(answered.text!, /^Cents are formatted by formatCents at src\/receipt\.ts:4\.\n\nFiles this answer rests on:\n- src\/receipt\.ts\n\n\(RLM: 1 turns, 0 sub-calls, cost unknown, run \S+\.q1/);
    const root = vs.modelServer!.requests.slice(before).find((r) => isRoot(r))!;
    assert.match(lastUser(root), /Where are cents formatted\?\n\n\(Start from "src\/receipt\.ts"\.\)/);
    const logs = await vs.logs();
    assert.match(logs, /maxIterations 500 is above the 30 in force, which was kept: a call may lower a limit, never raise it/);
    assert.match(logs, /The rlm_ask_codebase tool was called/);
  });

  it('rlm_propose_refactor returns the summary and a patch and writes nothing', async (vs) => {
    const file = join(vs.root, 'workspace', 'src', 'receipt.ts');
    const original = await readFile(file, 'utf8');
    models.script({ text: code('Renaming.', 'propose_edit("src/receipt.ts", [{find: "export function formatCents", replace: "export function formatAmount"}], "rename");\nFINAL("Renamed.")'), delayMs: TURN_MS });
    const proposed = await invokeTool(vs, 'rlm_propose_refactor', { question: 'Rename formatCents to formatAmount' }, { timeoutMs: ANSWER_TIMEOUT_MS, confirm: 'Yes' });
    assert.match(proposed.confirmation!, /Let RLM propose a refactor\?RLM will propose a change to the workspace \(nothing is written\)/);
    assert.equal(proposed.error, undefined);
    assert.match(proposed.text!, /src\/receipt\.ts/);
    assert.match(proposed.text!, /```diff\n[^]*--- a\/src\/receipt\.ts\n\+\+\+ b\/src\/receipt\.ts\n[^]*-export function formatCents[^]*\+export function formatAmount[^]*```/);
    assert.match(proposed.text!, /nothing was written/);
    assert.equal(await readFile(file, 'utf8'), original, 'the file on disk is untouched');
  });

  it('a bad argument is refused by name before any model is asked; a declined confirmation runs nothing; a cancelled call ends within a second', async (vs, t) => {
    const before = vs.modelServer!.requests.length;
    const empty = await invokeTool(vs, 'rlm_ask_codebase', { question: '   ' }, { confirm: 'Yes' });
    assert.match(empty.confirmation!, /the call's input will be refused: Invalid input: question: Too small/);
    assert.match(empty.error ?? '', /Invalid input: question: Too small/);
    const negative = await invokeTool(vs, 'rlm_ask_codebase', { question: 'Anything?', limits: { maxIterations: -1 } }, { timeoutMs: ANSWER_TIMEOUT_MS, confirm: 'Yes' });
    assert.match(negative.error ?? '', /maxIterations must be a whole number above 0, got -1/);
    const declined = await invokeTool(vs, 'rlm_ask_codebase', { question: 'Anything?' }, { confirm: 'Cancel' });
    assert.ok(declined.error, 'a declined call is an error for the caller');
    assert.equal(vs.modelServer!.requests.length, before, 'no model was asked');

    models.script({ text: code('Slow.', 'FINAL("too late")'), delayMs: 8_000 });
    const calling = invokeTool(vs, 'rlm_ask_codebase', { question: 'Take your time' }, { timeoutMs: ANSWER_TIMEOUT_MS, confirm: 'Yes' });
    await waitFor(async () => vs.modelServer!.inFlight > 0, { timeoutMs: ANSWER_TIMEOUT_MS, what: 'the root call to be in flight' });
    assert.equal(await cancelTool(vs), true);
    const cancelled = await calling;
    t.diagnostic(`a tool call cancelled in flight ended ${cancelled.afterCancelMs} ms after the cancel`);
    assert.match(cancelled.error ?? '', /Cancel/i);
    assert.ok(cancelled.afterCancelMs! < 1000, `ended ${cancelled.afterCancelMs} ms after the cancel`);
  });

  it('RLM\'s MCP server is offered to VS Code only when it can run outside the editor: none with the editor\'s models, the log says why; "RLM: workspace" once rlm.baseUrl is set, and VS Code starts it', async (vs) => {
    // The editor's models only: the server could not use them, so VS Code is offered none.
    await chatView(vs);
    await vs.workbench.runCommand('MCP: List Servers');
    await waitFor(async () => /RLM's MCP server is not offered to VS Code for workspace: No API key or rlm\.baseUrl is set, so RLM would answer with the editor's language models/.test(await vs.logs()),
      { timeoutMs: TIMEOUTS.command, what: 'the RLM log to say why no MCP server is offered' });
    const without = await waitFor(async () => {
      const shown = await vs.workbench.quickPickLabels().catch(() => []);
      return shown.length > 0 ? shown : undefined;
    }, { timeoutMs: TIMEOUTS.command, what: 'the MCP server list' });
    assert.ok(!without.some((l) => l.includes('RLM')), JSON.stringify(without));
    await vs.workbench.page.keyboard.press('Escape');

    // An OpenAI-compatible server in the settings (the fake one): the server is offered, and starts when VS Code asks.
    await setUserSetting(vs, 'rlm.baseUrl', vs.modelServer!.openaiBaseUrl);
    await vs.workbench.runCommand('MCP: List Servers');
    await waitFor(async () => (await vs.workbench.quickPickLabels().catch(() => [])).some((l) => l.includes('RLM: workspace')) || undefined,
      { timeoutMs: TIMEOUTS.command, what: 'the MCP server list to name RLM\'s server' });
    assert.match(await vs.logs(), /RLM's MCP server is offered to VS Code for workspace again/);
    await vs.workbench.pickItem('RLM: workspace');
    await vs.workbench.pickItem('Start Server');
    await waitFor(async () => /VS Code starts RLM's MCP server for workspace/.test(await vs.logs()), { timeoutMs: TIMEOUTS.command, what: 'VS Code to ask for the server\'s start' });
    // The server's own output channel lives in the page (the web workbench keeps no file of it): shown, then read.
    await vs.workbench.runCommand('MCP: List Servers');
    await vs.workbench.pickItem('RLM: workspace');
    await vs.workbench.pickItem('Show Output');
    const output = vs.workbench.page.locator('.part.panel .monaco-editor .view-lines');
    const shown = await waitFor(async () => {
      const text = (await output.allTextContents().catch(() => [])).join('').replace(/\u00a0/g, ' ');
      return /Discovered 3 tools/.test(text) ? text : undefined;
    }, { timeoutMs: TIMEOUTS.command, what: 'the server\'s output to show it started and listed its tools' });
    assert.match(shown, /\[server stderr\] rlm mcp: serving/, 'its note on stderr: it runs with the settings\' provider');
  });

  it('shuts down leaving no process behind', async (vs) => {
    assert.deepEqual(await vs.close(), []);
  });
});

/** The trace files the extension wrote in the window's storage. */
async function tracesIn(root: string): Promise<string[]> {
  const storage = join(root, 'user-data', 'User', 'workspaceStorage');
  const found: string[] = [];
  for (const workspace of await readdir(storage).catch(() => [])) {
    const dir = join(storage, workspace, 'rlm-code.rlm-code', 'traces');
    for (const name of await readdir(dir).catch(() => [])) if (name.endsWith('.rlm.jsonl')) found.push(name);
  }
  return found;
}
