// Reviews of proposed edits without the editor: the real engine proposes them (QuickJS, the workspace over a real
// folder, the OpenAI SDK over HTTP to the fake server, a scripted root model), the real ChatService keeps them,
// and the Chat view's messages accept, reject, merge and validate. The editor's part is a stand-in over the same
// folder on disk: it reads the files and applies each plan as the editor applies a WorkspaceEdit (all of it or
// nothing), and records what it was asked to show and confirm.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { LineReplacement } from '../../../src/core/edits/hunks';
import { linesOf } from '../../../src/core/edits/lineDiff';
import { FileSystemWorkspace } from '../../../src/core/workspace/FileSystemWorkspace';
import { ChatService } from '../../../src/extension/chats/ChatService';
import { ChatStore, type FolderRef } from '../../../src/extension/chats/ChatStore';
import type { Log } from '../../../src/extension/log';
import { prepareModels, type ModelSources } from '../../../src/extension/models/modelSetup';
import type { DiffSpec, FileEdit, MergeInput } from '../../../src/extension/review/ChangeReview';
import { ReviewService, type ReviewEditor } from '../../../src/extension/review/ReviewService';
import { SETTING_DEFAULTS, type RlmSettings } from '../../../src/extension/settings';
import type { HostToChat, MessageOf, Review, ReviewToHost } from '../../../src/protocol/messages';
import { FakeModelServer } from '../../fakes/FakeModelServer';
import { code } from '../../support/scriptedModels';
import { MapMemento } from '../../support/MapMemento';
import type { SettingSource } from '../../../src/extension/settings';

const ROOT = 'root-model';
const SUB = 'sub-model';
const CART = "// A cart.\nexport function total(prices: number[]): number {\n  let sum = 0;\n  for (const p of prices) sum += p;\n  return sum;\n}\n\nexport function count(prices: number[]): number {\n  return prices.length;\n}\n";
const PRICING = 'export const RATE = 0.9;\n';
const RECEIPT = 'export const TITLE = "Receipt";\n';

const quiet: Log = { debug() {}, info() {}, warn() {}, error() {} };

/** The editor's part over the folder on disk: reads files, applies a plan all or nothing, records the rest. */
class DiskEditor implements ReviewEditor {
  readonly shown: DiffSpec[][] = [];
  readonly merges: MergeInput[] = [];
  readonly saved: string[][] = [];
  readonly sensitiveAsked: Array<Array<{ path: string; reason: string }>> = [];
  readonly validationAsked: Array<{ command: string; source: SettingSource }> = [];
  confirm = true;
  refuse = false;
  applySensitive = false;
  command: string | undefined;
  source: SettingSource = 'user';
  /** What saving the files does to rlm.validateCommand (a saved .vscode/settings.json changes it). */
  commandAfterSave: { command: string; source: SettingSource } | undefined;
  patterns: string[] = [];
  constructor(readonly root: string) {}
  async read(_folder: FolderRef, path: string) {
    return readFile(join(this.root, path), 'utf8').catch(() => undefined);
  }
  async apply(_folder: FolderRef, edits: readonly FileEdit[]) {
    if (this.refuse) return false;
    for (const e of edits) {
      if (e.kind === 'modify') await writeFile(join(this.root, e.path), replaceLines(e.current, e.replacements));
      else if (e.kind === 'create') await writeFile(join(this.root, e.path), e.text);
      else if (e.kind === 'delete') await rm(join(this.root, e.path));
      else {
        await rm(join(this.root, e.from));
        await writeFile(join(this.root, e.path), replaceLines(e.current, e.replacements));
      }
    }
    return true;
  }
  async showDiffs(_folder: FolderRef, _exchangeId: string, diffs: readonly DiffSpec[]) {
    this.shown.push([...diffs]);
  }
  async showMerge(_folder: FolderRef, _exchangeId: string, input: MergeInput) {
    this.merges.push(input);
  }
  validateCommand() {
    return this.command ? { command: this.command, source: this.source } : undefined;
  }
  async confirmValidation(command: string, source: SettingSource) {
    this.validationAsked.push({ command, source });
    return this.confirm;
  }
  sensitivePatterns() {
    return this.patterns;
  }
  async confirmSensitive(_folder: FolderRef, files: ReadonlyArray<{ path: string; reason: string }>) {
    this.sensitiveAsked.push([...files]);
    return this.applySensitive;
  }
  async save(_folder: FolderRef, paths: readonly string[]) {
    this.saved.push([...paths]);
    if (this.commandAfterSave) ({ command: this.command, source: this.source } = this.commandAfterSave);
  }
  folderPath() {
    return this.root;
  }
}

function replaceLines(text: string, replacements: readonly LineReplacement[]): string {
  const lines = linesOf(text);
  for (const r of [...replacements].reverse()) lines.splice(r.startLine, r.endLine - r.startLine, ...linesOf(r.text));
  return lines.join('');
}

/** A window: the chat and its reviews over a folder with three files, the fake server's root model scripted. */
async function windowOver(options: { dir?: string; memento?: MapMemento; tracesDir?: string } = {}) {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'rlm-review-ws-'));
  if (!options.dir) {
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'cart.ts'), CART);
    writeFileSync(join(dir, 'src', 'pricing.ts'), PRICING);
    writeFileSync(join(dir, 'src', 'receipt.ts'), RECEIPT);
  }
  const roots: string[] = [];
  const server = await FakeModelServer.start((req) => (req.model === ROOT ? roots.shift() ?? { status: 400, text: 'no root reply queued' } : 'sub'), { models: [ROOT, SUB] });
  const tracesDir = options.tracesDir ?? join(mkdtempSync(join(tmpdir(), 'rlm-review-traces-')), 'traces');
  const memento = options.memento ?? new MapMemento();
  const folder: FolderRef = { uri: `file://${dir}`, name: 'shop' };
  const posted: Array<MessageOf<HostToChat>> = [];
  const editor = new DiskEditor(dir);
  const reviews = new ReviewService({ dir: tracesDir, editor, post: (m) => posted.push(m), log: quiet, settleMs: 20 });
  const settings: RlmSettings = { ...SETTING_DEFAULTS, provider: 'openai-compatible', baseUrl: server.openaiBaseUrl, rootModel: ROOT, subModel: SUB };
  const sources: ModelSources = {
    editorModels: async () => [],
    editorApi: { message: () => ({}), cancellationSource: () => { throw new Error('no editor here'); } },
    key: async () => undefined,
    findLocalServer: async () => undefined,
  };
  let workspace: FileSystemWorkspace | undefined;
  const chats = new ChatService({
    store: new ChatStore(memento),
    tracesDir,
    settings: () => settings,
    prepareModels: (s) => prepareModels(s, sources),
    workspace: async () => (workspace ??= await FileSystemWorkspace.openAsync(dir)),
    pickFolder: async () => folder,
    secrets: [],
    log: quiet,
    post: (m) => posted.push(m),
    notify: () => undefined,
    setup: () => ({ ready: true, provider: 'openai-compatible', maxCostUsd: 2 }),
    batchMs: 20,
    reviews,
  });
  /** The next review/state after `from` messages that `ok` accepts. */
  const state = async (ok: (r: Review) => boolean = () => true, from = 0): Promise<Review> => {
    for (let i = 0; i < 500; i++) {
      const found = posted.slice(from).filter((m): m is Extract<MessageOf<HostToChat>, { type: 'review/state' }> => m.type === 'review/state').map((m) => m.review).reverse().find(ok);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no review/state like that; the last: ${JSON.stringify(posted.filter((m) => m.type === 'review/state').at(-1))}`);
  };
  /** Sends a Chat view message and waits for the review it leads to. */
  const send = async (message: ReviewToHost, ok: (r: Review) => boolean = (r) => !r.busy) => {
    const from = posted.length;
    reviews.handle(message);
    return state((r) => ok(r), from);
  };
  /** The root model proposes PROPOSE's edits for a question: its exchange id and the first review of them. */
  const propose = async () => {
    roots.push(...PROPOSE);
    const { id } = (await chats.ask('Make the cart and receipts clearer'))!;
    return { id, first: await state((r) => r.files.length === 3) };
  };
  return {
    dir, tracesDir, memento, folder, posted, editor, reviews, chats, roots, state, send, propose,
    file: (path: string) => readFileSync(join(dir, path), 'utf8'),
    close: async () => {
      chats.dispose();
      reviews.dispose();
      workspace?.dispose();
      await server.close();
    },
  };
}

/** The root model's turn that proposes the refactor, then its answer. */
const PROPOSE = [
  code('I will propose the edits.', `
propose_edit("src/cart.ts", [
  {find: "// A cart.", replace: "// A cart: totals and counts."},
  {find: "  return prices.length;", replace: "  return prices.filter((p) => p > 0).length;"},
], "document the cart; count only priced items");
propose_edit("src/pricing.ts", [{find: "RATE = 0.9", replace: "RATE = 0.85"}], "a bigger discount");
propose_edit("src/receipt.ts", [{find: '"Receipt"', replace: '"Your receipt"'}]);
print(JSON.stringify(pending_edits().files.map((f) => f.path)));`),
  code('Checked.', 'FINAL("Proposed edits to src/cart.ts, src/pricing.ts and src/receipt.ts.")'),
];

describe('ReviewService', () => {
  test('a run that proposes edits: kept beside its trace, shown clean and pending, nothing written before an accept', async () => {
    const w = await windowOver();
    try {
      w.roots.push(...PROPOSE);
      const exchange = await w.chats.ask('Make the cart and receipts clearer');
      assert.equal(exchange?.status, 'done', JSON.stringify(exchange));
      assert.deepEqual(exchange?.changes, { files: 3, added: 4, removed: 4 });
      assert.equal('changesFile' in exchange!, false, 'the view gets no file names');
      assert.ok(existsSync(join(w.tracesDir, `${exchange!.id}.changes.json`)));
      const review = await w.state((r) => r.files.length === 3);
      assert.equal(review.exchangeId, exchange!.id);
      assert.deepEqual(review.totals, { files: 3, added: 4, removed: 4 });
      assert.deepEqual(review.files.map((f) => [f.path, f.status, f.progress, f.hunks.length]), [
        ['src/cart.ts', 'clean', 'pending', 2], ['src/pricing.ts', 'clean', 'pending', 1], ['src/receipt.ts', 'clean', 'pending', 1],
      ]);
      assert.equal(w.file('src/cart.ts'), CART, 'nothing is written without an accept');
      // The diff views: one file, then all.
      await w.send({ type: 'review/open', exchangeId: exchange!.id, path: 'src/cart.ts' });
      await w.send({ type: 'review/open', exchangeId: exchange!.id });
      assert.deepEqual(w.editor.shown.map((s) => s.map((d) => d.path)), [['src/cart.ts'], ['src/cart.ts', 'src/pricing.ts', 'src/receipt.ts']]);
      assert.match(w.editor.shown[0]![0]!.proposal!, /totals and counts/);
    } finally {
      await w.close();
    }
  });

  test('accept one hunk, reject another; the user changes a file meanwhile: flagged, skipped by Accept All, not overwritten', async () => {
    const w = await windowOver();
    try {
      const { id, first } = await w.propose();
      const [comment, count] = first.files[0]!.hunks;
      let review = await w.send({ type: 'review/accept', exchangeId: id, path: 'src/cart.ts', hunk: comment!.key });
      assert.match(review.message!, /^Applied 1 change in 1 file: one undo \(Ctrl\+Z in the editor\) reverts it\. Not saved yet\.$/);
      assert.match(w.file('src/cart.ts'), /totals and counts/);
      assert.match(w.file('src/cart.ts'), /return prices\.length;/);
      review = await w.send({ type: 'review/reject', exchangeId: id, path: 'src/cart.ts', hunk: count!.key, rejected: true });
      assert.deepEqual(review.files[0]!.hunks.map((h) => h.rejected), [true]);
      assert.equal(review.files[0]!.progress, 'partly');
      // The user edits pricing.ts on the line the proposal changes (a save, or a branch switch: the disk changes).
      writeFileSync(join(w.dir, 'src', 'pricing.ts'), 'export const RATE = 0.8;\n');
      w.reviews.filesChanged(w.folder.uri, ['src/pricing.ts']);
      review = await w.state((r) => r.files[1]!.status === 'conflicted');
      assert.match(review.files[1]!.notes[0]!, /changed since the run read it, and the changes overlap/);
      assert.equal(review.files[1]!.canResolve, true);
      review = await w.send({ type: 'review/accept', exchangeId: id });
      assert.match(review.message!, /^Applied 1 change in 1 file.*\nsrc\/pricing\.ts was not applied: src\/pricing\.ts changed since the run read it/s);
      assert.equal(w.file('src/pricing.ts'), 'export const RATE = 0.8;\n', 'the user\'s text stays');
      assert.equal(w.file('src/receipt.ts'), 'export const TITLE = "Your receipt";\n');
      assert.match(w.file('src/cart.ts'), /return prices\.length;/, 'the rejected hunk stays out');
      assert.deepEqual(review.files.map((f) => [f.path, f.status, f.progress]), [
        ['src/cart.ts', 'clean', 'partly'], ['src/pricing.ts', 'conflicted', 'pending'], ['src/receipt.ts', 'clean', 'applied'],
      ]);
      // Resolving in the merge editor: the result becomes the proposal, and accepting it applies it.
      await w.send({ type: 'review/resolve', exchangeId: id, path: 'src/pricing.ts' });
      assert.deepEqual(w.editor.merges.map((m) => [m.ours.text, m.theirs.text]), [['export const RATE = 0.8;\n', 'export const RATE = 0.85;\n']]);
      const from = w.posted.length;
      w.reviews.resolved(id, 'src/pricing.ts', 'export const RATE = 0.82;\n');
      review = await w.state((r) => r.files[1]!.status === 'resolved', from);
      assert.match(review.message!, /Your merge of src\/pricing\.ts is now its proposal/);
      review = await w.send({ type: 'review/accept', exchangeId: id, path: 'src/pricing.ts' });
      assert.equal(w.file('src/pricing.ts'), 'export const RATE = 0.82;\n');
      assert.equal(review.files[1]!.progress, 'applied');
    } finally {
      await w.close();
    }
  });

  test('the review survives a window reload: decisions and what was applied come back from the file beside the trace', async () => {
    const w = await windowOver();
    let dir = '';
    try {
      const { id, first } = await w.propose();
      await w.send({ type: 'review/accept', exchangeId: id, path: 'src/receipt.ts' });
      const before = await w.send({ type: 'review/reject', exchangeId: id, path: 'src/cart.ts', hunk: first.files[0]!.hunks[1]!.key, rejected: true });
      dir = w.dir;
      w.chats.dispose();
      w.reviews.dispose();
      const again = await windowOver({ dir, memento: w.memento, tracesDir: w.tracesDir });
      try {
        again.chats.postState();
        const after = await again.state((r) => r.exchangeId === id);
        assert.deepEqual(after.files, before.files);
        assert.deepEqual(again.chats.viewState().chat.exchanges[0]!.changes, { files: 3, added: 4, removed: 4 });
      } finally {
        await again.close();
      }
    } finally {
      await w.close();
    }
  });

  test('validation: asked each time, the files saved first, the result shown; refused, stopped, or not set up', async () => {
    const w = await windowOver();
    try {
      const { id } = await w.propose();
      w.editor.command = 'grep -q "Your receipt" src/receipt.ts && echo "receipt ok"';
      // Accepting everything leaves nothing to decide: the validation is offered at once.
      let review = await w.send({ type: 'review/accept', exchangeId: id }, (r) => r.validation?.state === 'passed');
      assert.equal(review.validation!.exitCode, 0);
      assert.match(review.validation!.outputTail!, /receipt ok/);
      assert.equal(review.validateCommand, w.editor.command);
      assert.deepEqual(w.editor.saved, [['src/cart.ts', 'src/pricing.ts', 'src/receipt.ts']]);
      // Asked again, and refused this time: nothing runs.
      w.editor.confirm = false;
      review = await w.send({ type: 'review/validate', exchangeId: id }, (r) => /Validation not run/.test(r.message ?? ''));
      assert.equal(review.validation!.state, 'passed', 'the last result stays');
      assert.equal(w.editor.saved.length, 1);
      // A slow command is stopped from the chat.
      w.editor.confirm = true;
      w.editor.command = 'sleep 30';
      await w.send({ type: 'review/validate', exchangeId: id }, (r) => r.validation?.state === 'running');
      review = await w.send({ type: 'review/stopValidation', exchangeId: id }, (r) => r.validation?.state === 'stopped');
      assert.equal(review.validation!.exitCode, null);
      w.editor.command = 'exit 4';
      review = await w.send({ type: 'review/validate', exchangeId: id }, (r) => r.validation?.state === 'failed');
      assert.equal(review.validation!.exitCode, 4);
      w.editor.command = undefined;
      review = await w.send({ type: 'review/validate', exchangeId: id }, (r) => /No validation command is set/.test(r.message ?? ''));
    } finally {
      await w.close();
    }
  });

  test('the editor refuses the edit: nothing is recorded as applied; a change set file that is gone says so', async () => {
    const w = await windowOver();
    try {
      const { id } = await w.propose();
      w.editor.refuse = true;
      const review = await w.send({ type: 'review/accept', exchangeId: id });
      assert.match(review.message!, /The editor did not apply the changes/);
      assert.deepEqual(review.files.map((f) => f.progress), ['pending', 'pending', 'pending']);
      await rm(join(w.tracesDir, `${id}.changes.json`));
      const fresh = new ReviewService({ dir: w.tracesDir, editor: w.editor, post: (m) => w.posted.push(m), log: quiet });
      const from = w.posted.length;
      fresh.show({ id: 'c', title: 't', createdAt: 0, updatedAt: 0, folder: w.folder, exchanges: [{ id, question: 'q', status: 'done', startedAt: 0, changesFile: `${id}.changes.json` }] });
      const gone = await w.state((r) => r.error !== undefined, from);
      assert.match(gone.error!, /could not be read back \(ENOENT\)/);
      fresh.dispose();
    } finally {
      await w.close();
    }
  });
  test('a proposal hidden among others touches .vscode/settings.json: flagged with why, not in Accept All, its own accept asks first; the validation then does not run', async () => {
    const w = await windowOver();
    try {
      mkdirSync(join(w.dir, '.vscode'));
      writeFileSync(join(w.dir, '.vscode', 'settings.json'), '{\n  "editor.tabSize": 2\n}\n');
      w.roots.push(
        code('The comment in cart.ts asks me to set up the workspace too.', `
propose_edit("src/cart.ts", [{find: "// A cart.", replace: "// A cart: totals and counts."}]);
propose_edit(".vscode/settings.json", [{find: '"editor.tabSize": 2', replace: '"editor.tabSize": 2,\\n  "rlm.validateCommand": "touch pwned"'}], "format settings");
propose_edit("src/receipt.ts", [{find: '"Receipt"', replace: '"Your receipt"'}]);`),
        code('Done.', 'FINAL("Tidied.")'),
      );
      const { id } = (await w.chats.ask('Tidy the cart'))!;
      const first = await w.state((r) => r.files.length === 3);
      const settings = first.files.find((f) => f.path === '.vscode/settings.json')!;
      assert.match(settings.sensitive!, /^\.vscode\/settings\.json is editor configuration: it can set commands the editor runs/);
      assert.equal(settings.heldBack, true);
      assert.deepEqual(first.files.filter((f) => f.sensitive).map((f) => f.path), ['.vscode/settings.json']);
      // Accept All: the two ordinary files, and a line saying the sensitive one was left out and why. No modal.
      w.editor.command = 'grep -q "Your receipt" src/receipt.ts';
      let review = await w.send({ type: 'review/accept', exchangeId: id }, (r) => r.validation?.state === 'passed');
      const said = w.posted.flatMap((m) => (m.type === 'review/state' && m.review.message ? [m.review.message] : []));
      assert.ok(said.some((m) => /^Applied 2 changes in 2 files: .*\n\.vscode\/settings\.json was not applied: Accept All leaves sensitive files out: \.vscode\/settings\.json is editor configuration: .*\. Read its diff, then accept it on its own\.$/s.test(m)), said.join('\n---\n'));
      assert.equal(w.file('.vscode/settings.json'), '{\n  "editor.tabSize": 2\n}\n');
      assert.match(w.file('src/receipt.ts'), /Your receipt/);
      assert.deepEqual(w.editor.sensitiveAsked, []);
      assert.deepEqual(review.files.map((f) => [f.path, f.progress]), [['.vscode/settings.json', 'pending'], ['src/cart.ts', 'applied'], ['src/receipt.ts', 'applied']]);
      // Its own accept (as a page could send it): the host asks, naming the file and why; no means nothing is written.
      review = await w.send({ type: 'review/accept', exchangeId: id, path: '.vscode/settings.json' });
      assert.equal(review.message, 'Not applied: you chose not to apply the change to .vscode/settings.json.');
      assert.deepEqual(w.editor.sensitiveAsked, [[{ path: '.vscode/settings.json', reason: settings.sensitive }]]);
      assert.equal(w.file('.vscode/settings.json'), '{\n  "editor.tabSize": 2\n}\n');
      // A hunk of it asks too.
      await w.send({ type: 'review/accept', exchangeId: id, path: '.vscode/settings.json', hunk: settings.hunks[0]!.key });
      assert.equal(w.editor.sensitiveAsked.length, 2);
      // Yes: applied; the validation after it is not run (it could run what the change set wrote), and says so.
      w.editor.applySensitive = true;
      review = await w.send({ type: 'review/accept', exchangeId: id, path: '.vscode/settings.json' }, (r) => /Validation not run/.test(r.message ?? ''));
      assert.match(w.file('.vscode/settings.json'), /touch pwned/);
      assert.match(review.message!, /^Applied 1 change in 1 file: .*\nValidation not run: The change set wrote 1 sensitive file, so the check could run what it wrote: \.vscode\/settings\.json is editor configuration/s);
      assert.equal(w.editor.validationAsked.length, 1, 'asked once, for the Accept All before');
      review = await w.send({ type: 'review/validate', exchangeId: id }, (r) => /Validation not run/.test(r.message ?? ''));
      assert.equal(w.editor.validationAsked.length, 1, 'the button does not ask either');
      assert.equal(existsSync(join(w.dir, 'pwned')), false);
    } finally {
      await w.close();
    }
  });

  test('validation: a command that changed as the files were saved is not run; nor one that runs a file the review wrote', async () => {
    const w = await windowOver();
    try {
      const { id } = await w.propose();
      w.editor.command = 'true';
      w.editor.confirm = false;
      await w.send({ type: 'review/accept', exchangeId: id }, (r) => /Validation not run: true/.test(r.message ?? ''));
      w.editor.confirm = true;
      w.editor.commandAfterSave = { command: 'touch pwned', source: 'workspace' };
      let review = await w.send({ type: 'review/validate', exchangeId: id }, (r) => /Validation not run/.test(r.message ?? ''));
      assert.equal(review.message, 'Validation not run: rlm.validateCommand changed as the files were saved (now "touch pwned", from the workspace settings), so it is not the command you agreed to run. Look at what changed it before running the validation again.');
      assert.deepEqual(w.editor.validationAsked.at(-1), { command: 'true', source: 'user' }, 'the modal named the command in force then');
      assert.equal(existsSync(join(w.dir, 'pwned')), false);
      w.editor.commandAfterSave = undefined;
      w.editor.command = `node ${join(w.dir, 'src', 'receipt.ts')}`;
      const asked = w.editor.validationAsked.length;
      review = await w.send({ type: 'review/validate', exchangeId: id }, (r) => /Validation not run/.test(r.message ?? ''));
      assert.equal(review.message, 'Validation not run: The command runs src/receipt.ts, which the change set wrote: it would run what the model wrote. Read the change, then run the check yourself.');
      assert.equal(w.editor.validationAsked.length, asked, 'not even asked');
    } finally {
      await w.close();
    }
  });
});
