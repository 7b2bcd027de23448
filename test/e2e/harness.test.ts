// The harness itself, on real VS Code: what the scenario tests build on (the command palette, input boxes, quick
// picks, notifications, Go to File, the active editor and line, settings.json, the logs, a window reload) does what
// it says. The probe fixture stands in for the RLM commands that will use the same paths (Set API Key...).

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { e2eSuite, waitFor } from './harness';
import { isRunning } from './harness/processes';

const SECRET = 'sk-e2e-harness-0123456789';

e2eSuite('the e2e harness drives VS Code', {
  extensions: ['probe'],
  settings: ({ root }) => ({ 'rlmE2eProbe.outputDir': root }),
}, (it) => {
  it('opens a workspace file at a line and reads the active editor back', async (vs) => {
    await vs.workbench.openFile('src/pricing.ts', 11);
    assert.deepEqual(await vs.workbench.activeEditor(), { path: 'src/pricing.ts', line: 11, column: 1 });
    await vs.workbench.openFile('src/cart.ts');
    assert.equal((await vs.workbench.activeEditor())?.path, 'src/cart.ts');
  });

  it('answers a command\'s password input box, and sees its notification', async (vs) => {
    await vs.workbench.runCommand('RLM E2E: Probe Input Box');
    await vs.workbench.answerInput(SECRET);
    const result = await waitFor(() => readFile(join(vs.root, 'input.json'), 'utf8').then(JSON.parse), { timeoutMs: 15_000, what: 'the probe\'s input.json' });
    assert.equal(result.value, SECRET);
    await waitFor(async () => (await vs.workbench.notifications()).some((text) => text.includes(`Probe input: ${SECRET.length} characters`)), { timeoutMs: 10_000, what: 'the probe\'s notification' });
  });

  it('picks from a quick pick; the choice lands in settings.json, and the typed secret is in neither settings nor logs', async (vs) => {
    await vs.workbench.runCommand('Preferences: Color Theme');
    const themes = await vs.workbench.quickPickLabels();
    const dark = themes.find((label) => /^Dark/.test(label) && !/High Contrast/.test(label));
    assert.ok(dark, `a dark theme is offered: ${JSON.stringify(themes)}`);
    await vs.workbench.pickItem(dark);
    const settings = await waitFor(async () => {
      const current = await vs.userSettings();
      return current.json?.['workbench.colorTheme'] === dark && current;
    }, { timeoutMs: 10_000, what: `workbench.colorTheme to become "${dark}"` });
    assert.ok(!settings.text.includes(SECRET));
    assert.ok(!(await vs.logs()).includes(SECRET));
  });

  it('reloads the window and finds the workbench and the open editor again', async (vs) => {
    const before = vs.workbench.console.length;
    await vs.workbench.reload();
    assert.ok(vs.workbench.console.length > before, 'the reloaded window logged again');
    await waitFor(async () => (await vs.workbench.activeEditor())?.path === 'src/cart.ts', { timeoutMs: 15_000, what: 'src/cart.ts to be restored' });
  });

  it('reports and ends a process an extension left behind when the session closes', async (vs) => {
    await vs.workbench.runCommand('RLM E2E: Leak A Process');
    const { pid } = await waitFor(() => readFile(join(vs.root, 'leakProcess.json'), 'utf8').then(JSON.parse), { timeoutMs: 15_000, what: 'the probe\'s leakProcess.json' });
    const strays = await vs.close();
    assert.ok(strays.some((line) => line.startsWith(`${pid} sleep 600`)), `reported: ${JSON.stringify(strays)}`);
    assert.equal(await isRunning(pid), false, 'the leaked process was ended');
  });
});
