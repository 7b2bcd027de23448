// API keys in real VS Code. A user who picks OpenAI without a key is told so, with the button that fixes it, in
// the welcome and in the conversation. A key set through "RLM: Set API Key" (the password box) goes to the server
// as the bearer token, survives a window reload, and goes nowhere else: not the user settings, not the log, not the
// traces, not the workspace storage, not the answer, even when a model echoes it back.

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { code } from '../support/scriptedModels';
import { e2eSuite, TIMEOUTS, waitFor } from './harness';
import { askInChat, chatView, ended, exchange, lastUser, ROOT_MODEL, ScriptedModels, SUB_MODEL } from './support';

const KEY = 'sk-e2e-secret-7c41d09b5ae2f3816d';
const models = new ScriptedModels();

e2eSuite('API keys in VS Code', {
  modelServer: models.respond,
  modelServerOptions: { models: [ROOT_MODEL, SUB_MODEL] },
  settings: { 'rlm.provider': 'openai' },
}, (it) => {
  it('without an OpenAI key, the chat says so with "Set API Key", in the welcome and for a question asked anyway', async (vs) => {
    const chat = await chatView(vs);
    await waitFor(async () => /No OpenAI API key is set/.test(await chat.locator('[data-testid=welcome-problem]').textContent({ timeout: 1000 }) ?? ''), { timeoutMs: TIMEOUTS.webview, what: 'the welcome to say the key is missing' });
    const commands = await chat.locator('[data-testid=welcome-action]').evaluateAll((els) => els.map((el) => el.getAttribute('data-command')));
    assert.equal(commands[0], 'rlm.setApiKey');
    assert.equal(await chat.locator('[data-testid=send]').getAttribute('disabled'), '', 'nothing can be sent from the chat yet');

    // "RLM: Ask" from the palette goes ahead: the question stays in the conversation with the problem and its fix.
    await vs.workbench.runCommand('RLM: Ask');
    await vs.workbench.answerInput('Where is the discount applied?');
    const id = await waitFor(async () => chat.locator('[data-testid=exchange]').first().getAttribute('data-exchange-id', { timeout: 1000 }), { timeoutMs: TIMEOUTS.command, what: 'the question in the chat' });
    assert.equal(await ended(chat, id), 'error');
    const x = exchange(chat, id);
    assert.match(await x.locator('[data-testid=question-text]').textContent() ?? '', /Where is the discount applied\?/);
    assert.match(await x.locator('[data-testid=error]').textContent() ?? '', /No OpenAI API key is set/);
    const action = x.locator('[data-testid=error-action]').first();
    assert.equal(await action.getAttribute('data-command'), 'rlm.setApiKey');
    assert.equal(await action.textContent(), 'Set API Key');

    // The button opens the password box for OpenAI (dismissed here: this session has no OpenAI to talk to).
    await action.click();
    const input = vs.workbench.page.locator('.quick-input-widget .quick-input-box input');
    await waitFor(async () => (await input.getAttribute('type')) === 'password' && /OpenAI/.test(await vs.workbench.page.locator('.quick-input-widget .quick-input-title').textContent() ?? ''), { timeoutMs: TIMEOUTS.command, what: 'the password box for the OpenAI key' });
    await vs.workbench.page.keyboard.press('Escape');
    assert.deepEqual(vs.modelServer!.requests, [], 'nothing was sent anywhere');
  });

  it('a key set through "RLM: Set API Key" is sent as the bearer token to an OpenAI-compatible server', async (vs) => {
    // The provider and models through "RLM: Select Provider and Model": a server URL, then its listed models.
    await vs.workbench.runCommand('RLM: Select Provider and Model');
    await vs.workbench.pickItem('OpenAI-compatible server');
    await vs.workbench.answerInput(vs.modelServer!.openaiBaseUrl);
    await vs.workbench.pickItem(ROOT_MODEL);
    await vs.workbench.pickItem(SUB_MODEL);
    const settings = await waitFor(async () => {
      const json = (await vs.userSettings()).json;
      return json?.['rlm.subModel'] === SUB_MODEL && json;
    }, { timeoutMs: TIMEOUTS.command, what: 'the choices in settings.json' });
    assert.equal(settings['rlm.provider'], 'openai-compatible');
    assert.equal(settings['rlm.baseUrl'], vs.modelServer!.openaiBaseUrl);
    assert.equal(settings['rlm.rootModel'], ROOT_MODEL);

    await vs.workbench.runCommand('RLM: Set API Key');
    await vs.workbench.pickItem('OpenAI-compatible server');
    await waitFor(async () => (await vs.workbench.page.locator('.quick-input-widget .quick-input-box input').getAttribute('type')) === 'password', { timeoutMs: TIMEOUTS.command, what: 'the password box' });
    await vs.workbench.answerInput(KEY);
    await waitFor(async () => (await vs.workbench.notifications()).some((text) => /OpenAI-compatible server key is saved/.test(text)), { timeoutMs: TIMEOUTS.command, what: 'the notice that the key is saved' });

    // A sub-model that echoes the header it got: the key reaches the run's text, and must still not get out of it.
    models.sub = (req) => `I was called with: ${req.headers.authorization}`;
    models.script(code('Asking a sub-model.', 'const echo = await llm_query("What header did you get?");\nprint(echo);\nFINAL("The sub-model said: " + echo + " (see src/pricing.ts:11)");'));
    const { chat, exchangeId } = await askInChat(vs, 'Which key do you use?');
    assert.equal(await ended(chat, exchangeId), 'done');
    const requests = vs.modelServer!.requests;
    assert.deepEqual(requests.map((r) => `${r.model} ${r.headers.authorization}`), [`${ROOT_MODEL} Bearer ${KEY}`, `${SUB_MODEL} Bearer ${KEY}`]);
    assert.match(lastUser(requests[0]!), /Which key do you use\?/);
    const answer = await exchange(chat, exchangeId).locator('[data-testid=answer]').textContent() ?? '';
    assert.match(answer, /The sub-model said: I was called with: Bearer \[redacted\]/);
    assert.ok(!answer.includes(KEY), 'the answer shows no key');
  });

  it('the key survives a window reload in the secret storage, and is nowhere else: settings.json, logs, traces, storage, the page', async (vs) => {
    await vs.workbench.reload();
    models.script(code('Nothing to look up.', 'FINAL("Still the same server.")'));
    const { chat, exchangeId } = await askInChat(vs, 'Are you still there?');
    assert.equal(await ended(chat, exchangeId), 'done');
    assert.equal(vs.modelServer!.requests.at(-1)!.headers.authorization, `Bearer ${KEY}`, 'the key came back from the secret storage');

    const settings = await vs.userSettings();
    assert.ok(!settings.text.includes(KEY), 'not in settings.json');
    assert.match(settings.text, /"rlm\.provider": "openai-compatible"/, 'the settings file read is the one the choices went to');

    const logs = await vs.logs();
    assert.match(logs, /API key for openai-compatible saved in the secret storage/, 'the RLM log is among the logs read');
    assert.match(logs, /Question \S+\.q2: Which key do you use\?/);
    assert.ok(!logs.includes(KEY), `not in the logs: ${excerpt(logs, KEY)}`);

    // Every file of the session: user data (settings, logs, workspace storage with the traces), extensions, HOME, TMPDIR.
    const files = (await readdir(vs.root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
    const traces = files.filter((f) => f.endsWith('.rlm.jsonl'));
    assert.equal(traces.length, 2, `one trace per question: ${JSON.stringify(traces)}`);
    assert.ok(traces.every((f) => f.includes(`${join('User', 'workspaceStorage')}`)), 'the traces are in the workspace storage');
    const echoed = await readFile(traces.find((f) => f.endsWith('.q2.rlm.jsonl'))!, 'utf8');
    assert.match(echoed, /I was called with: Bearer \[redacted\]/, 'the echo is in the trace, redacted');
    for (const file of files) assert.ok(!(await readFile(file)).includes(KEY), `not in ${file}`);

    // The chat as the page holds it, and what VS Code keeps in the browser (code-server keeps workspace state there).
    assert.ok(!(await chat.content()).includes(KEY), 'not in the chat page');
    const browserStorage = await vs.workbench.page.evaluate(dumpBrowserStorage);
    assert.ok(Object.values(browserStorage).some((text) => text.includes('rlm.chats.v1')), `the chat store is among what was read: ${Object.keys(browserStorage).join(', ')}`);
    for (const [name, text] of Object.entries(browserStorage)) assert.ok(!text.includes(KEY), `not in the browser's ${name}`);
  });

  it('shuts down leaving no process behind', async (vs) => {
    assert.deepEqual(await vs.close(), []);
  });
});

function excerpt(text: string, secret: string): string {
  const at = text.indexOf(secret);
  return at < 0 ? '' : JSON.stringify(text.slice(Math.max(0, at - 200), at + secret.length + 50));
}

/** Every IndexedDB database and localStorage entry of the workbench's origin, as text per database. */
async function dumpBrowserStorage(): Promise<Record<string, string>> {
  const out: Record<string, string> = { localStorage: JSON.stringify({ ...localStorage }) };
  for (const info of await indexedDB.databases()) {
    const name = info.name!;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const parts: string[] = [];
    for (const store of [...db.objectStoreNames]) {
      const values = await new Promise<unknown[]>((resolve, reject) => {
        const request = db.transaction(store, 'readonly').objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const keys = await new Promise<unknown[]>((resolve, reject) => {
        const request = db.transaction(store, 'readonly').objectStore(store).getAllKeys();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      parts.push(JSON.stringify({ store, keys, values: values.map((v) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : v)) }));
    }
    db.close();
    out[name] = parts.join('\n');
  }
  return out;
}
