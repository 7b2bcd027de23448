// A sensitive edit in real VS Code, as a model that read planted instructions would slip it in: the packaged
// extension over the fixture shop, the fake server's root model proposing edits to two source files and, between
// them, a .vscode/settings.json whose rlm.validateCommand would create a marker file. The change set flags it with
// why; Accept All applies the other two (and the user's own validation runs, after asking); the settings file's
// own accept asks in a modal first, and Cancel writes nothing; once the user applies it, the validation never runs
// again for this change set and never asks, and the marker never appears.

import assert from 'node:assert/strict';
import { access, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { code } from '../support/scriptedModels';
import { e2eSuite, TIMEOUTS, waitFor, type VsCodeSession } from './harness';
import { ANSWER_TIMEOUT_MS, askInChat, changeSet, chatView, ended, fileRow, resizeSideBar, ROOT_MODEL, screenshotPath, ScriptedModels, SUB_MODEL, scriptedServerSettings } from './support';

const models = new ScriptedModels();
/** The user's own check: it leaves a file saying it ran. */
const VALIDATE = 'echo checked > validated.txt';
/** What the planted settings would run instead. */
const MARKER = 'pwned-by-workspace-settings';
const PLANTED = `{\n  "rlm.validateCommand": "touch ${MARKER}"\n}\n`;

const exists = (path: string) => access(path).then(() => true, () => false);

e2eSuite('sensitive edits in VS Code', {
  modelServer: models.respond,
  modelServerOptions: { models: [ROOT_MODEL, SUB_MODEL] },
  settings: ({ modelServer }) => ({
    ...scriptedServerSettings(modelServer),
    'rlm.validateCommand': VALIDATE,
    'files.autoSave': 'off',
  }),
}, (it) => {
  let exchangeId = '';
  const marker = (vs: VsCodeSession) => join(vs.workspace, MARKER);

  it('a proposal that touches .vscode/settings.json is flagged sensitive, with why', async (vs) => {
    models.script(
      code('The comment in cart.ts says to keep the workspace settings in step, so I will do that too.', `
propose_edit("src/cart.ts", [{find: "'quantity must be positive'", replace: "'quantity must be a positive number'"}], "a clearer message");
propose_edit(".vscode/settings.json", ${JSON.stringify(PLANTED)}, "keep the workspace settings in step");
propose_edit("src/receipt.ts", [{find: "\`total \${", replace: "\`Total: \${"}], "capitalise the total");`),
      code('Proposed.', 'FINAL("I proposed edits to src/cart.ts, src/receipt.ts and .vscode/settings.json.")'),
    );
    const asked = await askInChat(vs, 'Tidy the cart messages and the receipt total');
    exchangeId = asked.exchangeId;
    assert.equal(await ended(asked.chat, exchangeId), 'done');
    const set = changeSet(asked.chat, exchangeId);
    await waitFor(async () => (await set.locator('[data-testid=review-file]').count()) === 3, { timeoutMs: TIMEOUTS.webview, what: 'the three proposed files' });
    const settings = fileRow(asked.chat, exchangeId, '.vscode/settings.json');
    assert.equal(await settings.getAttribute('data-sensitive'), 'true');
    assert.match(await settings.locator('[data-testid=review-sensitive]').textContent() ?? '', /^Sensitive: \.vscode\/settings\.json is editor configuration: it can set commands the editor runs .*Not in Accept All/);
    assert.equal(await set.locator('[data-testid=review-file][data-sensitive=true]').count(), 1, 'the others are not');
    assert.equal(await set.locator('[data-testid=review-sensitive-count]').textContent(), '1 sensitive');
    assert.equal(await settings.locator('[data-testid=review-accept-file]').textContent(), 'Accept…');
    assert.equal(await exists(join(vs.workspace, '.vscode', 'settings.json')), false, 'nothing is written before an accept');
  });

  it('Accept All applies the other two and leaves it out; the user\'s own validation runs after asking', async (vs) => {
    const chat = await chatView(vs);
    await changeSet(chat, exchangeId).locator('[data-testid=review-accept-all]').click();
    const dialog = vs.workbench.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: TIMEOUTS.command });
    const text = await dialog.textContent() ?? '';
    assert.match(text, /Run the validation command in .+\?/);
    assert.ok(text.includes(VALIDATE), 'the modal shows the exact command');
    assert.match(text, /rlm\.validateCommand, from your user settings\./);
    await dialog.locator('.monaco-button', { hasText: /^Save and Run$/ }).click();
    const validation = changeSet(chat, exchangeId).locator('[data-testid=validation]');
    await waitFor(async () => (await validation.getAttribute('data-state', { timeout: 1000 })) === 'passed', { timeoutMs: ANSWER_TIMEOUT_MS, what: 'the validation to pass' });
    assert.equal(await readFile(join(vs.workspace, 'validated.txt'), 'utf8'), 'checked\n');
    const progress = async (path: string) => fileRow(chat, exchangeId, path).getAttribute('data-progress');
    assert.deepEqual([await progress('src/cart.ts'), await progress('src/receipt.ts'), await progress('.vscode/settings.json')], ['applied', 'applied', 'pending']);
    assert.equal(await exists(join(vs.workspace, '.vscode', 'settings.json')), false, 'Accept All left the sensitive file out');
    await resizeSideBar(vs, 520);
    await changeSet(chat, exchangeId).locator('.change-set-head').scrollIntoViewIfNeeded();
    await vs.workbench.screenshot(await screenshotPath('review-sensitive'), '.part.activitybar', '.part.sidebar');
  });

  it('its own accept asks first in a modal that names why; Cancel writes nothing', async (vs) => {
    const chat = await chatView(vs);
    await fileRow(chat, exchangeId, '.vscode/settings.json').locator('[data-testid=review-accept-file]').click();
    const dialog = vs.workbench.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: TIMEOUTS.command });
    const text = await dialog.textContent() ?? '';
    assert.match(text, /Apply RLM's change to \.vscode\/settings\.json\? It is a sensitive file\./);
    assert.match(text, /\.vscode\/settings\.json is editor configuration: it can set commands the editor runs/);
    assert.match(text, /A model that read instructions planted in the code can propose such a change/);
    await dialog.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
    const message = changeSet(chat, exchangeId).locator('[data-testid=review-message]');
    await waitFor(async () => (await message.textContent({ timeout: 1000 })) === 'Not applied: you chose not to apply the change to .vscode/settings.json.', { timeoutMs: TIMEOUTS.command, what: 'the review to say nothing was applied' });
    assert.equal(await exists(join(vs.workspace, '.vscode', 'settings.json')), false);
    assert.equal(await fileRow(chat, exchangeId, '.vscode/settings.json').getAttribute('data-progress'), 'pending');
  });

  it('applied after the warning: the validation is not run, and never asks; the planted command never runs', async (vs) => {
    const chat = await chatView(vs);
    await fileRow(chat, exchangeId, '.vscode/settings.json').locator('[data-testid=review-accept-file]').click();
    const dialog = vs.workbench.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: TIMEOUTS.command });
    await dialog.locator('.monaco-button', { hasText: /^Apply$/ }).click();
    await waitFor(async () => (await fileRow(chat, exchangeId, '.vscode/settings.json').getAttribute('data-progress')) === 'applied', { timeoutMs: TIMEOUTS.command, what: 'the settings file applied' });
    const message = changeSet(chat, exchangeId).locator('[data-testid=review-message]');
    await waitFor(async () => /Validation not run: The change set wrote 1 sensitive file, so the check could run what it wrote: \.vscode\/settings\.json is editor configuration/.test(await message.textContent({ timeout: 1000 }) ?? ''), { timeoutMs: TIMEOUTS.command, what: 'the review to say the validation does not run' });
    // Saved, the workspace settings now hold the planted command; the button still runs nothing, and asks nothing.
    await vs.workbench.runCommand('File: Save All Files');
    await waitFor(async () => (await readFile(join(vs.workspace, '.vscode', 'settings.json'), 'utf8').catch(() => '')) === PLANTED, { timeoutMs: TIMEOUTS.command, what: 'the settings file saved' });
    await changeSet(chat, exchangeId).locator('[data-testid=review-validate]').click();
    await waitFor(async () => /^Validation not run: The change set wrote 1 sensitive file/.test(await message.textContent({ timeout: 1000 }) ?? ''), { timeoutMs: TIMEOUTS.command, what: 'the validation refused again' });
    assert.equal(await vs.workbench.page.locator('.monaco-dialog-box').count(), 0, 'no modal asked to run it');
    assert.equal(await changeSet(chat, exchangeId).locator('[data-testid=validation]').getAttribute('data-state'), 'passed', 'the earlier result stays');
    // Every validation the review starts is logged before its process is spawned; the refusal above has ended this
    // click's path, so the log is proof that nothing was started, whatever the machine's load.
    assert.doesNotMatch(await vs.logs(), /validating with touch/, 'no validation started with the planted command');
    assert.equal(await exists(marker(vs)), false, 'the planted command never ran');
  });

  it('shuts down leaving no process behind', async (vs) => {
    assert.equal(await exists(marker(vs)), false);
    await rm(join(vs.workspace, 'validated.txt'), { force: true });
    assert.deepEqual(await vs.close(), []);
  });
});
