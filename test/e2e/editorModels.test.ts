// A user with nothing set up, then with the editor's own language models. First the Chat view's welcome: what is
// missing and the buttons that fix it (the README's picture). Then a language model provider extension (the test
// fixture lm-extension, standing in for Copilot or a local-model extension) offers models backed by the fake server:
// with no rlm.* setting at all the chat becomes ready on its own, and a question is answered through
// vscode.lm, root turns and sub-calls alike reaching the fake server through that extension.

import assert from 'node:assert/strict';
import { code } from '../support/scriptedModels';
import { e2eSuite, TIMEOUTS, waitFor } from './harness';
import { askInChat, chatView, ended, exchange, lastUser, resizeSideBar, screenshotPath, ScriptedModels, setUserSetting } from './support';

const EDITOR_MODEL = 'e2e-coder';
/** The root model's requests carry the RLM system prompt (sent as user text: vscode.lm has no system role). */
const models = new ScriptedModels((req) => req.messages.some((m) => m.content.startsWith('You are tasked with answering a question about a context')));

e2eSuite('the editor\'s language models (vscode-lm)', {
  extensions: ['lm-extension'],
  modelServer: models.respond,
  modelServerOptions: { models: [EDITOR_MODEL] },
  // No rlm.* settings, and the test models' server not set yet: nothing answers.
}, (it) => {
  it('shows the welcome when nothing is set up: what is missing, and the buttons that fix it', async (vs) => {
    const chat = await chatView(vs);
    const welcome = chat.locator('[data-testid=welcome]');
    await welcome.waitFor({ timeout: TIMEOUTS.webview });
    // The welcome shows "Looking for language models…" until the host has looked (slower on a loaded machine). Then:
    // nothing answers, or (on a machine running Ollama, LM Studio or llama.cpp) a local server is offered.
    const problem = chat.locator('[data-testid=welcome-problem]');
    await waitFor(async () => /Choose how RLM reaches a model|answers at http:\/\/127\.0\.0\.1/.test(await problem.textContent({ timeout: 1000 }) ?? ''),
      { timeoutMs: TIMEOUTS.webview, what: 'the welcome to say what is missing' });
    const commands = await chat.locator('[data-testid=welcome-action]').evaluateAll((els) => els.map((el) => el.getAttribute('data-command')));
    assert.ok(commands.includes('rlm.setApiKey') && commands.includes('rlm.selectModel'), `the welcome offers a key and a provider: ${JSON.stringify(commands)}`);
    assert.equal(await chat.locator('[data-testid=send]').getAttribute('disabled'), '', 'nothing can be sent yet');
    await resizeSideBar(vs, 480);
    await vs.workbench.screenshot(await screenshotPath('welcome'), '.part.activitybar', '.part.sidebar');
  });

  it('becomes ready by itself once the editor offers models, and answers through them: root and sub-calls reach the server via vscode.lm', async (vs) => {
    // The test extension's server set in the Settings editor, as a user would: its models appear in vscode.lm.
    await setUserSetting(vs, 'rlmE2e.modelServerUrl', vs.modelServer!.openaiBaseUrl);
    const chat = await chatView(vs);
    // Before anything is spent, the chat says which models a question will use, and what caps them.
    const summary = chat.locator('[data-testid=setup-summary]');
    await waitFor(async () => /^vscode-lm · E2E e2e-coder · up to \$2\.00 a question · up to 300 requests$/.test(await summary.textContent({ timeout: 1000 }) ?? ''), { timeoutMs: TIMEOUTS.webview, what: 'the chat to be ready with the editor\'s model' });
    assert.equal(await chat.locator('[data-testid=welcome]').count(), 0);
    assert.equal(await chat.locator('[data-testid=empty-chat]').count(), 1);
    assert.equal(await chat.locator('[data-testid=unpriced-note]').textContent(),
      "The editor's models have no known price: the cost shows as unknown, the $2.00 cap cannot be enforced, and a question stops at 300 requests.");

    models.sub = (req) => (/^Which function/.test(lastUser(req)) ? 'formatCents' : 'unexpected sub-call');
    models.script(
      code('Looking at the receipt code.', 'const text = read("src/receipt.ts");\nconst fn = await llm_query("Which function turns cents into dollars here? Reply with its name only.\\n" + text);\nprint(fn);'),
      code('Found it.', 'const line = grep("function " + fn.trim())[0];\nFINAL(`Amounts are formatted by ${fn.trim()} at ${line.path}:${line.line}.`);'),
    );
    const { exchangeId } = await askInChat(vs, 'How are amounts printed on the receipt?');
    assert.equal(await ended(chat, exchangeId), 'done');
    const x = exchange(chat, exchangeId);
    assert.equal(await x.locator('[data-testid=answer]').textContent(), 'Amounts are formatted by formatCents at src/receipt.ts:4.\n');
    assert.equal(await x.locator('[data-testid=answer-footer] [data-field=cost]').textContent(), 'unknown', 'the editor\'s models have no price here: unknown, never $0');

    // Every request came through the test extension (its bearer token, streamed, for its model), none from RLM directly.
    const requests = vs.modelServer!.requests;
    assert.equal(requests.length, 3, 'two root turns and one sub-call');
    for (const request of requests) {
      assert.equal(request.headers.authorization, 'Bearer e2e');
      assert.equal(request.model, EDITOR_MODEL);
      assert.equal(request.stream, true);
    }
    assert.match(lastUser(requests[0]!), /How are amounts printed on the receipt\?/);
    assert.match(lastUser(requests[1]!), /^Which function turns cents into dollars here\?/);
    assert.equal(models.pending, 0);
  });

  it('shuts down leaving no process behind', async (vs) => {
    assert.deepEqual(await vs.close(), []);
  });
});
