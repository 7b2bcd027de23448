// Reviewing proposed edits in real VS Code, as a user meets it: the packaged extension over the fixture shop, the
// fake server's root model writing code that proposes edits to three files. The change set shows under the
// answer; the user types into one of the three files meanwhile (that file is flagged, and never overwritten); the
// diff views open (one file, then all); one hunk is accepted and another rejected; Accept All applies the rest as
// one edit, then the validation command runs after the user says yes; one undo in the editor reverts that edit;
// the conflict opens in the merge editor and its result is applied. The probe extension reports the documents
// as the editor holds them (unsaved edits included).

import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { code } from '../support/scriptedModels';
import { e2eSuite, TIMEOUTS, waitFor, type VsCodeSession } from './harness';
import { ANSWER_TIMEOUT_MS, askInChat, changeSet, chatView, ended, fileRow, resizeSideBar, ROOT_MODEL, screenshotPath, ScriptedModels, SUB_MODEL, scriptedServerSettings } from './support';

const models = new ScriptedModels();
const VALIDATE = 'grep -q "Total:" src/receipt.ts && echo "receipt check passed"';

/** The fixture's texts, before anything is applied. */
const FIXTURE = join(__dirname, 'fixtures', 'workspace');
const original = (path: string) => readFile(join(FIXTURE, path), 'utf8');

/** What the proposals change (see the root model's code below). */
const CART_1 = '// A shopping cart: items, quantities and the total the customer pays, in cents.';
const CART_8 = "    if (quantity <= 0) throw new Error('quantity must be a positive number');";
const CART_23 = '    return [...this.lines].sort(([a], [b]) => a.localeCompare(b));';
const PRICING_12 = '  return totalCents >= 5000 ? Math.round(totalCents * 0.85) : totalCents;';
const RECEIPT_10 = '  lines.push(`Total: ${formatCents(cart.totalCents())}`);';
/** What the user types at the end of pricing.ts line 12: the very line the proposal changes. */
const TYPED = ' // checked by hand';

e2eSuite('reviewing proposed edits in VS Code', {
  modelServer: models.respond,
  modelServerOptions: { models: [ROOT_MODEL, SUB_MODEL] },
  extensions: ['probe'],
  settings: ({ modelServer, root }) => ({
    ...scriptedServerSettings(modelServer),
    'rlm.validateCommand': VALIDATE,
    'rlmE2eProbe.outputDir': root,
    // The web workbench saves after a second by default; desktop VS Code does not. Off, the user's typing stays an
    // unsaved buffer, which the review must respect.
    'files.autoSave': 'off',
  }),
}, (it) => {
  let exchangeId = '';

  it('a run that proposes edits to three files: the change set shows under the answer, nothing is written', async (vs) => {
    models.script(
      code('I will make the three changes and check them before answering.', `
propose_edit("src/cart.ts", [
  {find: ${JSON.stringify((await original('src/cart.ts')).split('\n')[0])}, replace: ${JSON.stringify(CART_1)}},
  {find: "'quantity must be positive'", replace: "'quantity must be a positive number'"},
  {find: "    return [...this.lines];", replace: ${JSON.stringify(CART_23)}},
], "clearer messages; items in name order");
propose_edit("src/pricing.ts", [{find: "totalCents * 0.9", replace: "totalCents * 0.85"}], "fifteen percent off");
propose_edit("src/receipt.ts", [{find: "\`total \${", replace: "\`Total: \${"}], "capitalise the total");
print(JSON.stringify(pending_edits().files.map((f) => [f.path, f.added, f.removed])));`),
      code('The three files are proposed.', 'FINAL("I proposed edits to src/cart.ts:1, src/pricing.ts:12 and src/receipt.ts:10. Review them below.")'),
    );
    const asked = await askInChat(vs, 'Tidy the cart, raise the discount to 15% and capitalise the receipt total');
    exchangeId = asked.exchangeId;
    assert.equal(await ended(asked.chat, exchangeId), 'done');
    const files = await reviewFiles(vs, exchangeId, (fs) => fs.length === 3);
    assert.deepEqual(files.map((f) => `${f.path} ${f.counts} ${f.status} ${f.hunks}`), [
      'src/cart.ts +3 -3 clean 3',
      'src/pricing.ts +1 -1 clean 1',
      'src/receipt.ts +1 -1 clean 1',
    ]);
    assert.equal(await changeSet(asked.chat, exchangeId).locator('.change-set-head [data-field="totals"]').textContent(), '3 files +5 -5');
    // The model proposed; nothing reached the files.
    const disk = await readFile(join(vs.workspace, 'src', 'cart.ts'), 'utf8');
    assert.equal(disk, await original('src/cart.ts'));
  });

  it('the user types into one of the three files meanwhile: it is flagged conflicted, and Accept is not offered for it', async (vs) => {
    await vs.workbench.openFile('src/pricing.ts', 12);
    await vs.workbench.page.keyboard.press('End');
    await vs.workbench.page.keyboard.type(TYPED);
    const files = await reviewFiles(vs, exchangeId, (fs) => fs[1]?.status === 'conflicted');
    assert.match(files[1]!.notes.join('\n'), /src\/pricing\.ts changed since the run read it, and the changes overlap the proposal \(line 12 of the file now\)/);
    const pricing = fileRow(await chatView(vs), exchangeId, 'src/pricing.ts');
    assert.equal(await pricing.locator('[data-testid=review-accept-file], [data-testid=review-accept-hunk]').count(), 0);
    assert.equal(await pricing.locator('[data-testid=review-resolve]').count(), 1);
    const { documents } = await probe(vs);
    assert.equal(documents['src/pricing.ts']!.dirty, true, 'typed, not saved');
  });

  it('the diff views open: one file against its proposal, then every file in one view', async (vs) => {
    const chat = await chatView(vs);
    await fileRow(chat, exchangeId, 'src/cart.ts').locator('[data-testid=review-file-open]').click();
    const diffTab = vs.workbench.page.locator('.tabs-container .tab', { hasText: 'cart.ts (RLM proposal)' });
    await diffTab.waitFor({ timeout: TIMEOUTS.editor });
    const diff = vs.workbench.page.locator('.editor-instance .monaco-diff-editor').first();
    await diff.waitFor({ timeout: TIMEOUTS.editor });
    // Monaco draws spaces as no-break spaces.
    await waitFor(async () => (await diff.locator('.editor.modified .view-lines').textContent())?.replace(/\u00a0/g, ' ').includes('return [...this.lines].sort(([a], [b])'), { timeoutMs: TIMEOUTS.editor, what: 'the proposal on the diff\'s right side' });
    const { tabs } = await probe(vs);
    const cartDiff = tabs.find((t) => t.label === 'cart.ts (RLM proposal)');
    assert.equal(cartDiff?.kind, 'diff');
    assert.match(cartDiff!.original!, /^file:\/\/.*\/src\/cart\.ts$/, 'the left side is the file itself (its open document)');
    assert.match(decodeURIComponent(cartDiff!.modified!), /^rlm-review:\/.*\/src\/cart\.ts\?review=.*&side=proposal$/, 'the right side is the read-only proposal, at the file\'s own path');
    await resizeSideBar(vs, 520);
    await vs.workbench.screenshot(await screenshotPath('review-diff'));

    await chat.locator(`[data-testid=change-set][data-exchange-id="${exchangeId}"] [data-testid=review-open-all]`).click();
    const allTab = vs.workbench.page.locator('.tabs-container .tab', { hasText: 'RLM: proposed changes (3 files)' });
    await allTab.waitFor({ timeout: TIMEOUTS.editor });
    await waitFor(async () => (await vs.workbench.page.locator('.multiDiffEditor .multiDiffEntry').count()) === 3, { timeoutMs: TIMEOUTS.editor, what: 'three files in the multi-file diff' });
    await vs.workbench.screenshot(await screenshotPath('review-changes'));
  });

  it('accepting one hunk and rejecting another: only the accepted change is in the document', async (vs) => {
    const chat = await chatView(vs);
    const cart = fileRow(chat, exchangeId, 'src/cart.ts');
    await cart.locator('[data-testid=review-hunk]').nth(0).locator('[data-testid=review-accept-hunk]').click();
    await waitFor(async () => (await cart.locator('[data-testid=review-hunk]').count()) === 2, { timeoutMs: TIMEOUTS.command, what: 'the accepted hunk to leave the list' });
    assert.match(await reviewMessage(chat, exchangeId), /^Applied 1 change in 1 file: one undo \(Ctrl\+Z in the editor\) reverts it\. Not saved yet\./);
    await cart.locator('[data-testid=review-hunk]').nth(0).locator('[data-testid=review-reject-hunk]').click();
    await waitFor(async () => (await cart.locator('[data-testid=review-hunk][data-rejected=true]').count()) === 1, { timeoutMs: TIMEOUTS.command, what: 'the rejected hunk marked' });
    const lines = (await textOf(vs, (await probe(vs)).documents, 'src/cart.ts')).split('\n');
    assert.equal(lines[0], CART_1, 'the accepted hunk is applied');
    assert.equal(lines[7], "    if (quantity <= 0) throw new Error('quantity must be positive');", 'the rejected hunk is not');
    assert.equal(lines[22], '    return [...this.lines];', 'the undecided hunk is not');
    assert.equal(await cart.getAttribute('data-status'), 'clean', 'what the review applied itself is no change under it');
  });

  it('Accept All applies the rest as one edit, skips the conflicted file, and runs the validation command after asking', async (vs) => {
    const chat = await chatView(vs);
    await chat.locator(`[data-testid=change-set][data-exchange-id="${exchangeId}"] [data-testid=review-accept-all]`).click();
    // Nothing acceptable is left: the validation command is offered, in a modal that shows it.
    const dialog = vs.workbench.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: TIMEOUTS.command });
    assert.match(await dialog.textContent() ?? '', /Run the validation command in .+\?/);
    assert.ok((await dialog.textContent() ?? '').includes(VALIDATE), 'the modal shows the command');
    await dialog.locator('.monaco-button', { hasText: /^Save and Run$/ }).click();
    const validation = changeSet(chat, exchangeId).locator('[data-testid=validation]');
    await waitFor(async () => (await validation.getAttribute('data-state', { timeout: 1000 })) === 'passed', { timeoutMs: ANSWER_TIMEOUT_MS, what: 'the validation to pass' });
    assert.match(await validation.locator('[data-testid=validation-output]').textContent() ?? '', /receipt check passed/);
    const files = await reviewFiles(vs, exchangeId, (fs) => fs[2]?.progress === 'applied');
    assert.deepEqual(files.map((f) => `${f.path} ${f.status} ${f.progress}`), [
      'src/cart.ts clean partly',
      'src/pricing.ts conflicted pending',
      'src/receipt.ts clean applied',
    ]);
    const { documents } = await probe(vs);
    assert.equal((await textOf(vs, documents, 'src/cart.ts')).split('\n')[22], CART_23);
    assert.equal((await textOf(vs, documents, 'src/receipt.ts')).split('\n')[9], RECEIPT_10);
    // The user's newer text is never overwritten: their line stays, unsaved, and the disk keeps the original.
    assert.equal(documents['src/pricing.ts']!.text.split('\n')[11], `  return totalCents >= 5000 ? Math.round(totalCents * 0.9) : totalCents;${TYPED}`);
    assert.equal(documents['src/pricing.ts']!.dirty, true);
    assert.equal(await readFile(join(vs.workspace, 'src', 'pricing.ts'), 'utf8'), await original('src/pricing.ts'));
    // The validation read the disk: the applied files were saved first.
    assert.equal((await readFile(join(vs.workspace, 'src', 'receipt.ts'), 'utf8')).split('\n')[9], RECEIPT_10);
    // The README's picture of the review: the chat alone in the side bar (the Trajectory view folded), the change set in view.
    const trajectoryHeader = vs.workbench.page.locator('.part.sidebar .pane-header', { has: vs.workbench.page.locator('h3.title', { hasText: /^Trajectory$/ }) });
    if ((await trajectoryHeader.getAttribute('aria-expanded')) === 'true') await trajectoryHeader.click();
    await changeSet(chat, exchangeId).locator('.change-set-head').scrollIntoViewIfNeeded();
    await vs.workbench.screenshot(await screenshotPath('review-chat'), '.part.activitybar', '.part.sidebar');
  });

  it('one undo in the editor reverts the Accept All edit in both files; the review shows those changes pending again', async (vs) => {
    await vs.workbench.openFile('src/receipt.ts');
    await vs.workbench.page.keyboard.press('Control+Z');
    // Undoing an edit that spans files: VS Code asks whether to undo it everywhere (on a loaded machine the question
    // may take seconds to show, so wait for the question or the undone text, whichever comes).
    const dialog = vs.workbench.page.locator('.monaco-dialog-box');
    let prompted = false;
    await waitFor(async () => {
      if (await dialog.isVisible()) {
        await dialog.locator('.monaco-button', { hasText: /^Undo in 2 Files$/ }).click();
        prompted = true;
      }
      return (await probe(vs)).documents['src/receipt.ts']?.text === await original('src/receipt.ts');
    }, { timeoutMs: TIMEOUTS.webview, what: 'receipt.ts back to its text before Accept All (after "Undo in 2 Files" when VS Code asks)' });
    console.log(`Undo across files: ${prompted ? 'VS Code asked "Undo in 2 Files"' : 'no question asked'}`);
    const lines = (await textOf(vs, (await probe(vs)).documents, 'src/cart.ts')).split('\n');
    assert.equal(lines[22], '    return [...this.lines];', 'cart.ts\'s part of the same edit is undone too');
    assert.equal(lines[0], CART_1, 'the earlier, separate accept stays');
    const files = await reviewFiles(vs, exchangeId, (fs) => fs[2]?.progress === 'pending' && fs[0]?.hunks === 2);
    assert.deepEqual(files.map((f) => `${f.path} ${f.status} ${f.progress}`), [
      'src/cart.ts clean pending',
      'src/pricing.ts conflicted pending',
      'src/receipt.ts clean pending',
    ]);
  });

  it('the conflict opens in the merge editor; its result becomes the proposal, and accepting it applies it', async (vs) => {
    const chat = await chatView(vs);
    await fileRow(chat, exchangeId, 'src/pricing.ts').locator('[data-testid=review-resolve]').click();
    const merge = vs.workbench.page.locator('.merge-editor');
    await merge.first().waitFor({ timeout: TIMEOUTS.editor });
    await waitFor(async () => (await vs.workbench.page.textContent('.merge-editor') ?? '').includes('Proposed by RLM'), { timeoutMs: TIMEOUTS.editor, what: 'the merge editor\'s sides named' });
    await vs.workbench.screenshot(await screenshotPath('review-merge'));
    const pricing = fileRow(chat, exchangeId, 'src/pricing.ts');
    assert.equal(await pricing.getAttribute('data-status'), 'conflicted', 'opening the merge changes nothing yet');
    // Take the proposal's side of the conflict, then complete the merge.
    await vs.workbench.runCommand('Merge Editor: Accept All Current Changes from Right');
    await vs.workbench.runCommand('Merge Editor: Complete Merge');
    await waitFor(async () => (await pricing.getAttribute('data-status')) === 'resolved', { timeoutMs: TIMEOUTS.command, what: 'pricing.ts resolved by the merge' });
    await pricing.locator('[data-testid=review-accept-file]').click();
    await waitFor(async () => (await pricing.getAttribute('data-progress')) === 'applied', { timeoutMs: TIMEOUTS.command, what: 'the merged proposal applied' });
    const { documents } = await probe(vs);
    assert.equal((await textOf(vs, documents, 'src/pricing.ts')).split('\n')[11], PRICING_12);
  });

  it('after a window reload the change set comes back as it was, with the validation\'s result', async (vs) => {
    // Saved first: the editor's own backups of unsaved buffers lag their last second, which is not what is tested here.
    await vs.workbench.runCommand('File: Save All Files');
    await waitFor(async () => Object.values((await probe(vs)).documents).every((d) => !d.dirty), { timeoutMs: TIMEOUTS.command, what: 'every document saved' });
    const before = await reviewFiles(vs, exchangeId, (fs) => fs.length === 3 && fs[1]?.progress === 'applied');
    await vs.workbench.reload();
    const after = await reviewFiles(vs, exchangeId, (fs) => fs.length === 3 && fs[1]?.progress === 'applied');
    assert.deepEqual(after.map((f) => `${f.path} ${f.status} ${f.progress} ${f.hunks}`), before.map((f) => `${f.path} ${f.status} ${f.progress} ${f.hunks}`));
    const chat = await chatView(vs);
    assert.equal(await changeSet(chat, exchangeId).locator('[data-testid=validation]').getAttribute('data-state'), 'passed');
  });

  it('shuts down leaving no process behind', async (vs) => {
    await rm(join(vs.root, 'documents.json'), { force: true });
    assert.deepEqual(await vs.close(), []);
  });
});

interface FileSummary {
  path: string;
  status: string;
  progress: string;
  counts: string;
  hunks: number;
  notes: string[];
}

/** The change set's files as the chat shows them, once `ok` holds. */
async function reviewFiles(vs: VsCodeSession, exchangeId: string, ok: (files: FileSummary[]) => boolean): Promise<FileSummary[]> {
  const chat = await chatView(vs);
  return waitFor(async () => {
    const files = await changeSet(chat, exchangeId).locator('[data-testid=review-file]').evaluateAll((els) => els.map((el) => ({
      path: el.getAttribute('data-path') ?? '',
      status: el.getAttribute('data-status') ?? '',
      progress: el.getAttribute('data-progress') ?? '',
      counts: el.querySelector('.review-file-row .counts')?.textContent ?? '',
      hunks: el.querySelectorAll('[data-testid=review-hunk]').length,
      notes: [...el.querySelectorAll('[data-testid=review-note]')].map((n) => n.textContent ?? ''),
    })));
    return ok(files) && files;
  }, { timeoutMs: TIMEOUTS.webview, what: 'the change set in the chat' });
}

async function reviewMessage(chat: Frame, exchangeId: string): Promise<string> {
  return (await changeSet(chat, exchangeId).locator('[data-testid=review-message]').textContent({ timeout: TIMEOUTS.command })) ?? '';
}

/** A file as the editor has it: its open document (unsaved edits included), else the disk. */
async function textOf(vs: VsCodeSession, documents: Record<string, { text: string }>, path: string): Promise<string> {
  return documents[path]?.text ?? readFile(join(vs.workspace, path), 'utf8');
}

/** The documents and tabs as the editor holds them, through the probe extension. */
async function probe(vs: VsCodeSession): Promise<{ documents: Record<string, { text: string; dirty: boolean }>; tabs: Array<{ label: string; kind: string; original?: string; modified?: string }> }> {
  const file = join(vs.root, 'documents.json');
  await rm(file, { force: true });
  await vs.workbench.runCommand('RLM E2E: Probe Documents');
  return waitFor(() => readFile(file, 'utf8').then(JSON.parse), { timeoutMs: TIMEOUTS.command, what: 'the probe\'s documents.json' });
}
