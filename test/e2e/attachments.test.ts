// Attachments in the sidebar chat, in real VS Code: a file attached by typing `#` and part of its name, the editor's
// selection through the `+` menu, and a credential file picked in the file dialog, which its chip refuses. The
// question goes with the two it may take: the fake model server gets their names and sizes in the first message,
// none of their text and nothing of the credential file, and the model's code reads them as context.focus.
// (Dropping from the Explorer is a real drag between VS Code's parts that Playwright cannot make here; the page's
// side of it is tested in test/webview/attachments.test.ts, the host's in the same messages as the `+` menu.)
// Then the two sources the editor itself gathers when the `+` menu asks: the open editors (each file once, whatever
// its groups; an untitled editor is no file; none open is a notice) and the Problems list, as a linter extension (the
// probe) fills it: the folder's entries go with the question, one in a credential file is left out and counted, one
// outside the folder is not the chat's.

import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { code } from '../support/scriptedModels';
import { setProblems } from './chatPanel';
import { e2eSuite, TIMEOUTS, waitFor } from './harness';
import {
  answerFileDialog, chatView, ended, exchange, exchangeIds, lastUser, newExchange, ROOT_MODEL, ScriptedModels, scriptedServerSettings, SUB_MODEL,
} from './support';

const models = new ScriptedModels();
const SECRET = 'sk-live-e2e-attached-9f3b';

e2eSuite('attachments in the chat', {
  extensions: ['probe'],
  modelServer: models.respond,
  modelServerOptions: { models: [ROOT_MODEL, SUB_MODEL] },
  settings: ({ modelServer, root }) => ({ ...scriptedServerSettings(modelServer), 'rlmE2eProbe.outputDir': root }),
}, (it) => {
  it('attaches a file by #, the selection by +, refuses a credential file; the model gets names and sizes and reads context.focus', async (vs) => {
    await writeFile(join(vs.workspace, '.env'), `OPENAI_API_KEY=${SECRET}\n`);
    const chat = await chatView(vs);
    const chips = () => chat.locator('[data-testid=chip]').evaluateAll((els) => els.map((el) => ({
      label: el.querySelector('.chip-label')?.textContent ?? '', detail: el.querySelector('[data-testid=chip-detail]')?.textContent ?? '', refused: el.classList.contains('refused'),
    })));
    await waitFor(async () => (await chat.locator('[data-testid=send]').getAttribute('disabled')) === null, { timeoutMs: TIMEOUTS.webview, what: 'the Send button to be enabled' });

    // `#cart` in the question box: the workspace's files that match, Enter picks one and it becomes a chip.
    const box = chat.locator('[data-testid=question] textarea');
    await box.click();
    await box.pressSequentially('Why is the total off? #cart');
    const option = chat.locator('[data-testid=file-completions] [role=option]').first();
    await waitFor(async () => (await option.textContent().catch(() => '')) === 'src/cart.ts', { timeoutMs: TIMEOUTS.command, what: 'src/cart.ts offered for #cart' });
    await box.press('Enter');
    await waitFor(async () => (await chips()).length === 1, { timeoutMs: TIMEOUTS.command, what: 'the chip of src/cart.ts' });
    assert.deepEqual(await chips(), [{ label: 'src/cart.ts', detail: `25 lines, ${statSync(join(vs.workspace, 'src', 'cart.ts')).size} bytes`, refused: false }]);
    assert.equal(await box.inputValue(), 'Why is the total off? ', 'the #word left the question');
    // A credential file is no file of the workspace: # offers nothing for it.
    await box.pressSequentially('#.env');
    await waitFor(async () => /No file matches/.test(await chat.locator('[data-testid=file-completions]').textContent().catch(() => '') ?? ''), { timeoutMs: TIMEOUTS.command, what: 'no completion for .env' });
    for (let i = 0; i < 5; i++) await box.press('Backspace');

    // The selection in the editor, through the + menu: lines 10 to 13 of src/pricing.ts.
    await vs.workbench.openFile('src/pricing.ts', 10);
    for (let i = 0; i < 4; i++) await vs.workbench.page.keyboard.press('Shift+ArrowDown');
    await waitFor(async () => /Ln 14, Col 1 \(\d+ selected\)/.test(await vs.workbench.page.locator('[id="status.editor.selection"]').getAttribute('aria-label') ?? ''), { timeoutMs: TIMEOUTS.editor, what: 'lines 10 to 13 selected' });
    await chat.locator('[data-testid=attach-add]').click();
    await chat.locator('[data-testid=attach-menu] [data-source=selection]').click();
    await waitFor(async () => (await chips()).length === 2, { timeoutMs: TIMEOUTS.command, what: 'the chip of the selection' });
    assert.deepEqual((await chips())[1], { label: 'src/pricing.ts:10-13', detail: '4 lines', refused: false });

    // The credential file picked in the file dialog: its chip says why it is not attached.
    await chat.locator('[data-testid=attach-add]').click();
    await chat.locator('[data-testid=attach-menu] [data-source=files]').click();
    await answerFileDialog(vs, join(vs.workspace, '.env'));
    await waitFor(async () => (await chips()).length === 3, { timeoutMs: TIMEOUTS.command, what: 'the chip of .env' });
    const refused = (await chips())[2]!;
    assert.equal(refused.label, '.env');
    assert.equal(refused.refused, true);
    assert.match(refused.detail, /^not attached: File '\.env' is not readable: it is a credential file/);

    // Asked: the model gets the names and sizes, then reads context.focus in the REPL.
    let firstMessage = '';
    models.script(
      (req) => {
        firstMessage = req.messages.find((m) => m.role === 'user')?.content ?? '';
        return code('Look at what the user attached.', 'print(context.focus.map((f) => f.kind + " " + f.path + (f.startLine ? ":" + f.startLine + "-" + f.endLine : "")).join("; "));');
      },
      (req) => code('Answer.', `FINAL(${JSON.stringify(`Read from context.focus: ${/\[cell 1 output\]\n(.*)/.exec(lastUser(req))?.[1] ?? 'nothing'}. The discount at src/pricing.ts:11 rounds.`)})`),
    );
    const before = await exchangeIds(chat);
    await box.click();
    await box.press('End');
    await box.press('Enter');
    const id = await newExchange(chat, 'Why is the total off?', before);
    assert.equal(await ended(chat, id), 'done');
    const x = exchange(chat, id);
    assert.deepEqual(await x.locator('[data-testid=attached] .focus').allTextContents(), ['src/cart.ts', 'src/pricing.ts:10-13'], 'the refused .env did not go with it');
    assert.match(await x.locator('[data-testid=answer]').textContent() ?? '', /Read from context\.focus: file src\/cart\.ts; selection src\/pricing\.ts:10-13\./);
    assert.equal(await chat.locator('[data-testid=chip]').count(), 0, 'the chips went with the question');

    // What the fake server received: names and sizes, not the text; nothing of .env.
    assert.match(firstMessage, /- context\.focus\[0\]: file src\/cart\.ts \(25 lines, \d+ bytes\)/);
    assert.match(firstMessage, /- context\.focus\[1\]: selection src\/pricing\.ts:10-13 \(4 lines\)/);
    assert.doesNotMatch(firstMessage, /Math\.round|class Cart/, 'the attached text is not pasted');
    const everything = JSON.stringify(vs.modelServer!.requests);
    assert.doesNotMatch(everything, new RegExp(SECRET), 'nothing of the credential file reached the model');
    assert.doesNotMatch(firstMessage, /\.env/);
  });

  it('a drop on the question box, with the Explorer\'s URIs, goes through the host: a file of the folder is attached, one outside is refused; the changes of a folder outside git say why', async (vs) => {
    const chat = await chatView(vs);
    const chips = () => chat.locator('[data-testid=chip]').evaluateAll((els) => els.map((el) => `${el.querySelector('.chip-label')?.textContent} | ${el.querySelector('[data-testid=chip-detail]')?.textContent}`));
    const inside = pathToFileURL(join(vs.workspace, 'src', 'receipt.ts')).href;
    const outside = pathToFileURL(join(vs.root, 'elsewhere.ts')).href;
    // The drop event VS Code's Explorer makes (its own list type), dispatched in the real webview.
    await chat.locator('[data-testid=question]').evaluate((target, uris) => {
      const data = new DataTransfer();
      data.setData('application/vnd.code.uri-list', uris.join('\r\n'));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, [inside, outside]);
    await waitFor(async () => (await chips()).length === 2, { timeoutMs: TIMEOUTS.command, what: 'the chips of the dropped files' });
    const [receipt, elsewhere] = await chips();
    assert.match(receipt!, /^src\/receipt\.ts \| \d+ lines, \d+ bytes$/);
    assert.match(elsewhere!, /^elsewhere\.ts \| not attached: It is not in \S+, the folder this chat asks about/);
    await chat.locator('[data-testid=attach-add]').click();
    await chat.locator('[data-testid=attach-menu] [data-source=changes]').click();
    await waitFor(async () => (await chips()).length === 3, { timeoutMs: TIMEOUTS.command, what: 'the chip of the changes' });
    assert.equal((await chips())[2], 'Uncommitted changes | not attached: This folder is not in a git repository, so it has no uncommitted changes to attach');
    for (let left = 3; left > 0; left--) {
      await chat.locator('[data-testid=chip-remove]').first().click();
      await waitFor(async () => (await chips()).length === left - 1, { timeoutMs: TIMEOUTS.command, what: 'a chip removed' });
    }
  });

  it('the open editors and the Problems list, as the editor has them: each open file once, only files; the folder\'s problems go with the question, a credential file\'s are left out and counted', async (vs) => {
    const chat = await chatView(vs);
    const chips = () => chat.locator('[data-testid=chip]').evaluateAll((els) => els.map((el) => `${el.querySelector('.chip-label')?.textContent} | ${el.querySelector('[data-testid=chip-detail]')?.textContent}`));
    const attach = async (source: 'editors' | 'problems') => {
      await chat.locator('[data-testid=attach-add]').click();
      await chat.locator(`[data-testid=attach-menu] [data-source=${source}]`).click();
    };

    // No editor open: a notice says so, and nothing is attached.
    await vs.workbench.runCommand('View: Close All Editors');
    await attach('editors');
    await waitFor(async () => (await vs.workbench.notifications()).includes('RLM: no file is open in an editor.'), { timeoutMs: TIMEOUTS.command, what: 'the notice that no file is open' });
    assert.deepEqual(await chips(), []);

    // Two files, one of them in two groups, and an untitled editor: each file once, in tab order; the untitled one is none.
    await vs.workbench.openFile('src/cart.ts');
    await vs.workbench.openFile('src/receipt.ts');
    await vs.workbench.runCommand('View: Split Editor');
    await vs.workbench.runCommand('File: New Untitled Text File');
    await attach('editors');
    await waitFor(async () => (await chips()).length === 2, { timeoutMs: TIMEOUTS.command, what: 'the chips of the open editors' });
    const [cart, receipt] = await chips();
    assert.match(cart!, /^src\/cart\.ts \| 25 lines, \d+ bytes$/);
    assert.match(receipt!, /^src\/receipt\.ts \| 12 lines, \d+ bytes$/);

    // A linter's entries in the Problems list: two in the folder's files, one in .env, one outside the folder.
    await writeFile(join(vs.workspace, '.env'), `OPENAI_API_KEY=${SECRET}\n`);
    const lint = [
      { file: join(vs.workspace, 'src', 'pricing.ts'), line: 12, severity: 'error', message: 'Math.round drops half a cent', source: 'e2e-lint' },
      { file: join(vs.workspace, 'src', 'cart.ts'), line: 2, severity: 'warning', message: 'priceOf is imported for nothing', source: 'e2e-lint' },
      { file: join(vs.workspace, '.env'), line: 1, severity: 'error', message: `a key in plain text: ${SECRET}`, source: 'e2e-lint' },
      { file: join(vs.root, 'elsewhere.ts'), line: 1, severity: 'hint', message: 'not in this folder', source: 'e2e-lint' },
    ] as const;
    assert.ok(await setProblems(vs, lint) >= lint.length);
    await attach('problems');
    await waitFor(async () => (await chips()).length === 3, { timeoutMs: TIMEOUTS.command, what: 'the chip of the Problems list' });
    // The editor's own language features may add entries of their own: the counts are at least the linter's.
    assert.match((await chips())[2]!, /^Problems \| \d+ problems \(\d+ errors?\) in \d+ files; 1 in files that may not be read left out$/);

    // Asked: the model finds the folder's problems in context.focus, and nothing of .env or the file outside.
    let output = '';
    let firstMessage = '';
    models.script(
      (req) => {
        firstMessage = req.messages.find((m) => m.role === 'user')?.content ?? '';
        return code('Look at what the user attached.', 'const list = context.focus.find((f) => f.kind === "problems");\nprint(JSON.stringify({files: context.focus.filter((f) => f.kind === "file").map((f) => f.path), lint: list.problems.filter((p) => p.source === "e2e-lint"), hidden: list.hidden}));');
      },
      (req) => {
        output = /\[cell 1 output\]\n(.*)/.exec(lastUser(req))?.[1] ?? '';
        return code('Answer.', 'FINAL("The discount at src/pricing.ts:12 drops half a cent.")');
      },
    );
    const box = chat.locator('[data-testid=question] textarea');
    const before = await exchangeIds(chat);
    await box.fill('What do the open files and the problems say?');
    await box.press('Enter');
    const id = await newExchange(chat, 'What do the open files and the problems say?', before);
    assert.equal(await ended(chat, id), 'done');
    const seen = JSON.parse(output) as { files: string[]; lint: Array<{ path: string }>; hidden: number };
    assert.deepEqual(seen.files, ['src/cart.ts', 'src/receipt.ts']);
    assert.deepEqual(seen.lint.sort((a, b) => a.path.localeCompare(b.path)), [
      { path: 'src/cart.ts', line: 2, severity: 'warning', message: 'priceOf is imported for nothing', source: 'e2e-lint' },
      { path: 'src/pricing.ts', line: 12, severity: 'error', message: 'Math.round drops half a cent', source: 'e2e-lint' },
    ]);
    assert.equal(seen.hidden, 1, 'the .env entry is counted, never named');
    assert.match(firstMessage, /- context\.focus\[2\]: problems Problems \(\d+ problems \(\d+ errors?\) in \d+ files; 1 in files that may not be read left out\)/);
    const everything = JSON.stringify(vs.modelServer!.requests);
    assert.doesNotMatch(everything, new RegExp(SECRET), 'nothing of the credential file reached the model');
    assert.doesNotMatch(everything, /not in this folder/, 'nor the entry of a file outside the folder');
  });
});
