// Smoke test in real VS Code (code-server 4.117 in Chromium): the packaged .vsix installs and activates, the RLM
// container shows its two webview views, both pages load under their Content-Security-Policy and render what the
// host sends, and a language model registered through vscode.lm by another extension (the fixture that the
// `vscode-lm` provider will use) is selectable and answers from the fake server.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { e2eSuite, EXTENSION_ID, EXTENSION_VERSION, TIMEOUTS, waitFor } from './harness';

const PROBE_REPLY = 'pong from the fake server';

e2eSuite('VS Code with the packaged extension', {
  extensions: ['lm-extension', 'probe'],
  modelServer: () => PROBE_REPLY,
  modelServerOptions: { models: ['fake-model', 'fake-mini'] },
  settings: ({ modelServer, root }) => ({
    'rlmE2e.modelServerUrl': modelServer!.openaiBaseUrl,
    'rlmE2eProbe.outputDir': root,
  }),
}, (it) => {
  it('installs the .vsix and shows the RLM container in the activity bar', async (vs) => {
    const installed = await vs.codeServer.installedExtensions();
    assert.ok(installed.includes(`${EXTENSION_ID}@${EXTENSION_VERSION}`), `installed: ${installed.join(', ')}`);
    await vs.workbench.openViewContainer('RLM');
    assert.deepEqual(await vs.workbench.sideBarViews(), ['Chat', 'Trajectory']);
  });

  it('loads both webview pages under the CSP; each renders what the host sent', async (vs) => {
    const chat = await vs.workbench.webview('chat');
    const tree = await vs.workbench.webview('trajectory');
    // The host answers `ready` with the chat's state: the editor's models from the test extension make it ready, so the
    // question box shows (no welcome); the tree is empty and says how to fill it.
    // The question box is drawn from the start (disabled during the welcome); the welcome goes once the test
    // extension's models are seen (at activation, or at the next look while the welcome shows, every 4 s).
    await waitFor(async () => (await chat.locator('[data-testid=question]').count()) === 1, { timeoutMs: TIMEOUTS.webview, what: 'the chat page to show the question box' });
    await waitFor(async () => (await chat.locator('[data-testid=welcome]').count()) === 0, { timeoutMs: TIMEOUTS.webview, what: 'no welcome: the editor\'s models are set up' });
    await waitFor(async () => (await tree.locator('#app').textContent())?.includes('No run yet'), { timeoutMs: TIMEOUTS.webview, what: 'the trajectory page to show the host\'s title' });
    for (const frame of [chat, tree]) {
      const page = await frame.evaluate(() => ({
        csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '',
        styles: [...document.styleSheets].map((sheet) => sheet.href ?? 'inline'),
        // Scripts with a source are the page's own (VS Code adds an inline one of its own to provide acquireVsCodeApi).
        scripts: [...document.scripts].filter((script) => script.src).map((script) => ({ src: script.src, nonce: script.nonce !== '' })),
      }));
      assert.match(page.csp, /default-src 'none'/);
      assert.match(page.csp, /script-src 'nonce-[^']+'/);
      assert.ok(page.scripts.length > 0 && page.scripts.every((s) => s.nonce && s.src.includes('/dist/webview/')), JSON.stringify(page.scripts));
      assert.ok(page.styles.some((href) => /\/dist\/webview\/\w+\.css/.test(href)), `the page's stylesheet is loaded: ${JSON.stringify(page.styles)}`);
    }
    assert.deepEqual(vs.workbench.cspViolations(), []);
  });

  it('sees a CSP violation when a webview has one (the check above is not blind)', async (vs) => {
    const chat = await vs.workbench.webview('chat');
    await chat.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineScriptRan = true';
      document.body.append(script);
    });
    await waitFor(() => vs.workbench.cspViolations().length > 0, { timeoutMs: 10_000, what: 'Chromium to report the inline script' });
    assert.equal(await chat.evaluate(() => (window as unknown as { inlineScriptRan?: boolean }).inlineScriptRan), undefined, 'the inline script was blocked');
    assert.match(vs.workbench.cspViolations()[0].text, /script-src/);
  });

  it('offers the test language model through vscode.lm to another extension, answering from the fake server', async (vs) => {
    await vs.workbench.runCommand('RLM E2E: Probe Language Models');
    const probeFile = join(vs.root, 'languageModels.json');
    const probe = await waitFor(() => readFile(probeFile, 'utf8').then((text) => JSON.parse(text)), { timeoutMs: 30_000, what: 'the probe\'s result file' });
    assert.equal(probe.error, undefined);
    assert.deepEqual(probe.models.map((m: { vendor: string; id: string }) => `${m.vendor}/${m.id}`).sort(), ['e2etest/fake-mini', 'e2etest/fake-model']);
    assert.equal(probe.reply, PROBE_REPLY);
    const request = vs.modelServer!.requests.at(-1)!;
    assert.equal(request.stream, true);
    assert.match(request.messages.at(-1)!.content, /probe: say pong/);
  });

  it('shuts down leaving no process behind', async (vs) => {
    assert.deepEqual(await vs.close(), []);
  });
});
