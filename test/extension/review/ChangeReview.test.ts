// The review of a run's proposed edits without the editor: real change sets (and a real integration for the
// model's conflicts), the files "as they are now" in a Map the test changes as a user would (typing, a branch
// switch, an undo), and the plans applied to that Map the way the editor applies a WorkspaceEdit.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChangeSet } from '../../../src/core/edits/ChangeSet';
import { linesOf } from '../../../src/core/edits/lineDiff';
import { integrate } from '../../../src/core/edits/integrate';
import type { LineReplacement } from '../../../src/core/edits/hunks';
import { SensitivePaths } from '../../../src/core/edits/sensitive';
import type { RunConflict } from '../../../src/core/loop/RunEdits';
import { ChangeReview, type FileEdit } from '../../../src/extension/review/ChangeReview';

const CART = [
  '// A shopping cart.',
  'export class Cart {',
  '  add(item: string, quantity = 1): void {',
  "    if (quantity <= 0) throw new Error('quantity must be positive');",
  '  }',
  '',
  '  totalCents(): number {',
  '    return 0;',
  '  }',
  '}',
  '',
].join('\n');
const PRICING = 'export const RATE = 0.9;\n\nexport function applyDiscount(total: number) {\n  return total >= 5000 ? total * RATE : total;\n}\n';
const RECEIPT = 'export function receipt() {\n  return "total";\n}\n';

/** The workspace "now": what the review reads; the test edits it like a user. */
class Files {
  readonly texts = new Map<string, string>(Object.entries({ 'src/cart.ts': CART, 'src/pricing.ts': PRICING, 'src/receipt.ts': RECEIPT }));
  read = async (path: string) => this.texts.get(path);
  /** What the editor does with a plan: one edit, all of it. */
  apply(edits: readonly FileEdit[]): void {
    for (const e of edits) {
      if (e.kind === 'modify') this.texts.set(e.path, replaceLines(this.texts.get(e.path)!, e.replacements));
      else if (e.kind === 'create') this.texts.set(e.path, e.text);
      else if (e.kind === 'delete') this.texts.delete(e.path);
      else {
        this.texts.delete(e.from);
        this.texts.set(e.path, replaceLines(e.current, e.replacements));
      }
    }
  }
}

function replaceLines(text: string, replacements: readonly LineReplacement[]): string {
  const lines = linesOf(text);
  for (const r of [...replacements].reverse()) lines.splice(r.startLine, r.endLine - r.startLine, ...linesOf(r.text));
  return lines.join('');
}

/** The run's proposals: two hunks in cart.ts, one each in pricing.ts and receipt.ts. */
async function proposals(files: Files): Promise<ChangeSet> {
  const changes = new ChangeSet(files.read);
  await changes.proposeEdit('src/cart.ts', [
    { find: '// A shopping cart.', replace: '// A shopping cart: items and their total.' },
    { find: '    return 0;', replace: '    return this.sum();' },
  ], 'describe the cart; compute the total');
  await changes.proposeEdit('src/pricing.ts', [{ find: 'RATE = 0.9', replace: 'RATE = 0.85' }]);
  await changes.proposeEdit('src/receipt.ts', [{ find: '"total"', replace: '"Total:"' }]);
  return changes;
}

async function reviewOf(files: Files, conflicts: RunConflict[] = []): Promise<ChangeReview> {
  const review = ChangeReview.of(await proposals(files), conflicts);
  await review.assess(files.read);
  return review;
}

const fileOf = (review: ChangeReview, path: string) => review.view('x1').files.find((f) => f.path === path)!;

describe('ChangeReview', () => {
  test('a fresh change set: every file clean and pending, hunks with their lines, totals as proposed', async () => {
    const files = new Files();
    const review = await reviewOf(files);
    const view = review.view('x1');
    assert.deepEqual(view.totals, { files: 3, added: 4, removed: 4 });
    assert.deepEqual(view.files.map((f) => [f.path, f.change, f.status, f.progress, f.added, f.removed, f.hunks.length, f.perHunk]), [
      ['src/cart.ts', 'modify', 'clean', 'pending', 2, 2, 2, true],
      ['src/pricing.ts', 'modify', 'clean', 'pending', 1, 1, 1, true],
      ['src/receipt.ts', 'modify', 'clean', 'pending', 1, 1, 1, true],
    ]);
    const cart = fileOf(review, 'src/cart.ts');
    assert.deepEqual(cart.hunks.map((h) => [h.line, h.oldLines, h.preview]), [
      [1, 1, ['-// A shopping cart.', '+// A shopping cart: items and their total.']],
      [8, 1, ['-    return 0;', '+    return this.sum();']],
    ]);
    assert.deepEqual(review.paths, ['src/cart.ts', 'src/pricing.ts', 'src/receipt.ts']);
  });

  test('accept one hunk, reject another: only the accepted one is written; the file then counts as partly applied', async () => {
    const files = new Files();
    const review = await reviewOf(files);
    const [first, second] = fileOf(review, 'src/cart.ts').hunks;
    const plan = review.plan({ path: 'src/cart.ts', hunk: first!.key });
    assert.equal(plan.edits.length, 1);
    assert.equal(plan.hunks, 1);
    files.apply(plan.edits);
    review.recordApplied(plan.edits);
    assert.match(files.texts.get('src/cart.ts')!, /items and their total/);
    assert.match(files.texts.get('src/cart.ts')!, /return 0;/, 'the other hunk is not written');
    assert.ok(review.reject('src/cart.ts', second!.key, true));
    await review.assess(files.read);
    const cart = fileOf(review, 'src/cart.ts');
    assert.equal(cart.status, 'clean', 'text the review wrote itself is not a change under it');
    assert.equal(cart.progress, 'partly');
    assert.equal(cart.applied, 1);
    assert.deepEqual(cart.hunks.map((h) => [h.key, h.rejected]), [[second!.key, true]]);
    // Accept All leaves the rejected hunk alone and applies the other files in one plan.
    const all = review.plan({});
    assert.deepEqual(all.edits.map((e) => e.path), ['src/pricing.ts', 'src/receipt.ts']);
    assert.deepEqual(all.skipped, []);
    // Taking the rejection back makes it pending again.
    review.reject('src/cart.ts', second!.key, false);
    await review.assess(files.read);
    assert.equal(fileOf(review, 'src/cart.ts').progress, 'pending');
  });

  test('an undo puts the text back: the applied hunks are pending again', async () => {
    const files = new Files();
    const review = await reviewOf(files);
    const plan = review.plan({});
    assert.equal(plan.hunks, 4);
    files.apply(plan.edits);
    review.recordApplied(plan.edits);
    await review.assess(files.read);
    assert.deepEqual(review.view('x1').files.map((f) => [f.progress, f.applied, f.hunks.length]), [['applied', 2, 0], ['applied', 1, 0], ['applied', 1, 0]]);
    assert.deepEqual(review.plan({}).edits, [], 'nothing left to apply');
    // Undo: the editor puts the texts back.
    files.texts.set('src/cart.ts', CART);
    files.texts.set('src/pricing.ts', PRICING);
    files.texts.set('src/receipt.ts', RECEIPT);
    await review.assess(files.read);
    assert.deepEqual(review.view('x1').files.map((f) => [f.status, f.progress, f.applied]), [['clean', 'pending', 0], ['clean', 'pending', 0], ['clean', 'pending', 0]]);
  });

  test('two accepts, then an undo of the second: back to what the first wrote, which is not a change under the review', async () => {
    const files = new Files();
    const review = await reviewOf(files);
    const [first] = fileOf(review, 'src/cart.ts').hunks;
    const once = review.plan({ path: 'src/cart.ts', hunk: first!.key });
    files.apply(once.edits);
    review.recordApplied(once.edits);
    const afterFirst = files.texts.get('src/cart.ts')!;
    await review.assess(files.read);
    const all = review.plan({});
    files.apply(all.edits);
    review.recordApplied(all.edits);
    files.texts.set('src/cart.ts', afterFirst);
    await review.assess(files.read);
    assert.deepEqual([fileOf(review, 'src/cart.ts').status, fileOf(review, 'src/cart.ts').progress, fileOf(review, 'src/cart.ts').applied], ['clean', 'pending', 1]);
    // The user's own text is another matter: typed after the first accept, it is a change the proposal merges onto.
    files.texts.set('src/cart.ts', afterFirst.replace('  add(item: string, quantity = 1): void {', '  add(item: string, quantity = 1): void { // mine'));
    await review.assess(files.read);
    assert.equal(fileOf(review, 'src/cart.ts').status, 'merged');
  });

  test('the user typed elsewhere in the file: the proposal is merged onto their text, which is kept, and they are told', async () => {
    const files = new Files();
    const review = await reviewOf(files);
    files.texts.set('src/pricing.ts', PRICING.replace('export function applyDiscount', '/** Orders of $50 or more. */\nexport function applyDiscount'));
    await review.assess(files.read);
    const pricing = fileOf(review, 'src/pricing.ts');
    assert.equal(pricing.status, 'merged');
    assert.match(pricing.notes[0]!, /changed since the run read it: the proposal was re-applied onto it by three-way merge/);
    assert.deepEqual(pricing.hunks.map((h) => h.preview), [['-export const RATE = 0.9;', '+export const RATE = 0.85;']], 'only the proposal is left to decide, not the user\'s lines');
    const plan = review.plan({ path: 'src/pricing.ts' });
    files.apply(plan.edits);
    review.recordApplied(plan.edits);
    assert.equal(files.texts.get('src/pricing.ts'), 'export const RATE = 0.85;\n\n/** Orders of $50 or more. */\nexport function applyDiscount(total: number) {\n  return total >= 5000 ? total * RATE : total;\n}\n');
    await review.assess(files.read);
    assert.deepEqual([fileOf(review, 'src/pricing.ts').status, fileOf(review, 'src/pricing.ts').progress], ['merged', 'applied']);
  });

  test('the user changed the same lines: conflicted, skipped by Accept All, never overwritten; the merge editor\'s result then applies', async () => {
    const files = new Files();
    const review = await reviewOf(files);
    const mine = PRICING.replace('RATE = 0.9', 'RATE = 0.8');
    files.texts.set('src/pricing.ts', mine);
    await review.assess(files.read);
    const pricing = fileOf(review, 'src/pricing.ts');
    assert.equal(pricing.status, 'conflicted');
    assert.equal(pricing.canResolve, true);
    assert.match(pricing.notes[0]!, /changed since the run read it, and the changes overlap the proposal \(line 1 of the file now\): nothing is applied until you merge them/);
    const plan = review.plan({});
    assert.deepEqual(plan.edits.map((e) => e.path), ['src/cart.ts', 'src/receipt.ts']);
    assert.deepEqual(plan.skipped.map((s) => s.path), ['src/pricing.ts']);
    assert.deepEqual(review.plan({ path: 'src/pricing.ts' }).edits, [], 'not by name either');
    files.apply(plan.edits);
    assert.equal(files.texts.get('src/pricing.ts'), mine);
    // Both versions for the merge editor: base, the file now, the proposal.
    const input = review.mergeInput('src/pricing.ts')!;
    assert.deepEqual([input.base, input.ours.text, input.theirs.text, input.anchor], [PRICING, mine, PRICING.replace('0.9', '0.85'), mine]);
    assert.match(review.resolve('src/pricing.ts', input.anchor, `<<<<<<< ours\n${mine}=======\n>>>>>>> theirs\n`)!, /still has conflict markers/);
    assert.equal(review.resolve('src/pricing.ts', input.anchor, mine.replace('0.8', '0.82')), undefined);
    await review.assess(files.read);
    assert.deepEqual([fileOf(review, 'src/pricing.ts').status, fileOf(review, 'src/pricing.ts').progress], ['resolved', 'pending']);
    const resolved = review.plan({ path: 'src/pricing.ts' });
    files.apply(resolved.edits);
    assert.match(files.texts.get('src/pricing.ts')!, /RATE = 0\.82;/);
  });

  test('a file deleted since (a branch switch) is conflicted; created, deleted and renamed files are decided whole', async () => {
    const files = new Files();
    files.texts.set('old/name.ts', 'export const x = 1;\n');
    files.texts.set('legacy.ts', 'gone soon\n');
    const changes = new ChangeSet(files.read);
    await changes.proposeEdit('src/new.ts', 'export const created = true;\n');
    await changes.proposeDelete('legacy.ts');
    await changes.proposeRename('old/name.ts', 'src/name.ts');
    await changes.proposeEdit('src/name.ts', [{ find: 'x = 1', replace: 'x = 2' }]);
    await changes.proposeEdit('src/receipt.ts', [{ find: '"total"', replace: '"sum"' }]);
    const review = ChangeReview.of(changes, []);
    files.texts.delete('src/receipt.ts');
    await review.assess(files.read);
    assert.deepEqual(review.view('x1').files.map((f) => [f.path, f.change, f.status, f.perHunk, f.hunks.length]), [
      ['legacy.ts', 'delete', 'clean', false, 1],
      ['src/name.ts', 'rename', 'clean', false, 1],
      ['src/new.ts', 'create', 'clean', false, 1],
      ['src/receipt.ts', 'modify', 'conflicted', true, 1],
    ]);
    assert.match(fileOf(review, 'src/receipt.ts').notes[0]!, /was deleted since the run read it/);
    assert.equal(fileOf(review, 'src/name.ts').from, 'old/name.ts');
    review.reject('legacy.ts', undefined, true);
    const plan = review.plan({});
    assert.deepEqual(plan.edits.map((e) => `${e.kind} ${e.path}`), ['rename src/name.ts', 'create src/new.ts']);
    files.apply(plan.edits);
    review.recordApplied(plan.edits);
    assert.equal(files.texts.get('src/name.ts'), 'export const x = 2;\n');
    assert.equal(files.texts.has('old/name.ts'), false);
    await review.assess(files.read);
    assert.deepEqual(review.view('x1').files.map((f) => [f.path, f.progress]), [
      ['legacy.ts', 'rejected'], ['src/name.ts', 'applied'], ['src/new.ts', 'applied'], ['src/receipt.ts', 'pending'],
    ]);
    // A file created by someone else where the run creates one is not overwritten.
    const other = new Files();
    const created = new ChangeSet(other.read);
    await created.proposeEdit('src/new.ts', 'mine\n');
    const second = ChangeReview.of(created, []);
    other.texts.set('src/new.ts', 'theirs\n');
    await second.assess(other.read);
    assert.equal(second.view('x2').files[0]!.status, 'conflicted');
    assert.deepEqual(second.plan({}).edits, []);
  });

  test('conflicts the model left: an overlap blocks its file and opens as kept side against the other partition; a semantic one is a note, and keeps its file out of Accept All', async () => {
    const files = new Files();
    const a = new ChangeSet(files.read);
    await a.proposeEdit('src/pricing.ts', [{ find: 'RATE = 0.9', replace: 'RATE = 0.85' }]);
    const b = new ChangeSet(files.read);
    await b.proposeEdit('src/pricing.ts', [{ find: 'RATE = 0.9', replace: 'RATE = 0.95' }]);
    await b.proposeEdit('src/receipt.ts', [{ find: '"total"', replace: '"sum"' }]);
    const merged = await integrate({ read: files.read, partitions: [{ partition: 'ts', changes: a }, { partition: 'py', changes: b }] });
    assert.equal(merged.conflicts.length, 1);
    const semantic: RunConflict = {
      id: 'c2', kind: 'semantic', paths: ['src/receipt.ts'], partitions: ['ts', 'py'], revision: 0, resolved: false,
      description: 'Conflict c2 (semantic): "ts" removed total, which "py" uses at src/receipt.ts:2.\nMore detail.',
    };
    const review = ChangeReview.of(merged.changes, [...merged.conflicts.map((c) => ({ ...c, resolved: false })), semantic]);
    await review.assess(files.read);
    const pricing = fileOf(review, 'src/pricing.ts');
    assert.equal(pricing.status, 'conflicted');
    assert.equal(pricing.canResolve, true);
    assert.match(pricing.notes[0]!, /^Conflict c1 \(overlap\) between ts and py was left unresolved by the model/);
    const input = review.mergeInput('src/pricing.ts')!;
    assert.deepEqual([input.ours.title, input.theirs.title], ['Kept: partition ts', 'Not applied: partition py']);
    assert.match(input.ours.text, /0\.85/);
    assert.match(input.theirs.text, /0\.95/);
    const receipt = fileOf(review, 'src/receipt.ts');
    assert.equal(receipt.status, 'clean');
    assert.deepEqual(receipt.notes, ['Semantic conflict c2: Conflict c2 (semantic): "ts" removed total, which "py" uses at src/receipt.ts:2.']);
    assert.equal(receipt.heldBack, true);
    // Accept All never writes a file with an unresolved conflict of any kind, as --apply; the file's own accept does.
    const all = review.plan({});
    assert.deepEqual(all.edits.map((e) => e.path), []);
    assert.deepEqual(all.skipped, [
      { path: 'src/pricing.ts', why: pricing.notes[0] },
      { path: 'src/receipt.ts', why: 'Accept All leaves out files with a semantic conflict the model left unresolved (c2): check the note, then accept it on its own.' },
    ]);
    assert.deepEqual(review.plan({ path: 'src/receipt.ts' }).edits.map((e) => e.path), ['src/receipt.ts']);
    review.resolve('src/pricing.ts', input.anchor, PRICING.replace('0.9', '0.9 /* both */'));
    await review.assess(files.read);
    assert.equal(fileOf(review, 'src/pricing.ts').status, 'resolved');
  });

  test('sensitive files: flagged with why, left out of Accept All (which says so), applied by their own accept; a rename into .github too', async () => {
    const files = new Files();
    files.texts.set('.vscode/settings.json', '{\n  "editor.tabSize": 2\n}\n');
    files.texts.set('docs/ci.yml', 'on: push\n');
    const changes = await proposals(files);
    await changes.proposeEdit('.vscode/settings.json', [{ find: '"editor.tabSize": 2', replace: '"editor.tabSize": 2,\n  "rlm.validateCommand": "touch pwned"' }]);
    await changes.proposeRename('docs/ci.yml', '.github/workflows/ci.yml');
    const review = ChangeReview.of(changes, []);
    await review.assess(files.read);
    const settings = fileOf(review, '.vscode/settings.json');
    assert.match(settings.sensitive!, /^\.vscode\/settings\.json is editor configuration: it can set commands the editor runs/);
    assert.equal(settings.heldBack, true);
    assert.match(fileOf(review, '.github/workflows/ci.yml').sensitive!, /is CI configuration/);
    assert.equal(fileOf(review, 'src/cart.ts').sensitive, undefined);
    const all = review.plan({});
    assert.deepEqual(all.edits.map((e) => e.path), ['src/cart.ts', 'src/pricing.ts', 'src/receipt.ts']);
    assert.deepEqual(all.skipped.map((x) => x.path), ['.github/workflows/ci.yml', '.vscode/settings.json']);
    assert.match(all.skipped[1]!.why, /^Accept All leaves sensitive files out: \.vscode\/settings\.json is editor configuration: .*\. Read its diff, then accept it on its own\.$/);
    files.apply(all.edits);
    review.recordApplied(all.edits);
    await review.assess(files.read);
    assert.equal(review.acceptable, 0, 'nothing left for Accept All: the sensitive files wait for their own accept');
    const own = review.plan({ path: '.vscode/settings.json' });
    assert.deepEqual([own.edits.map((e) => e.path), own.skipped], [['.vscode/settings.json'], []]);
    assert.deepEqual([...(await review.sensitiveFiles(new SensitivePaths())).keys()], ['.github/workflows/ci.yml', '.vscode/settings.json']);
    // The user's own patterns add to the list.
    await review.assess(files.read, new SensitivePaths(['src/pricing.ts'], 'rlm.sensitivePaths'));
    assert.equal(fileOf(review, 'src/pricing.ts').sensitive, "src/pricing.ts is listed in rlm.sensitivePaths ('src/pricing.ts')");
  });

  test('decisions, what was applied, resolutions and the validation survive JSON (a window reload)', async () => {
    const files = new Files();
    const review = await reviewOf(files);
    const [first, second] = fileOf(review, 'src/cart.ts').hunks;
    const plan = review.plan({ path: 'src/cart.ts', hunk: first!.key });
    files.apply(plan.edits);
    review.recordApplied(plan.edits);
    review.reject('src/cart.ts', second!.key, true);
    review.validation = { command: 'npm test', state: 'passed', exitCode: 0, outputTail: 'ok\n', durationMs: 12 };
    const again = ChangeReview.fromJSON(JSON.parse(JSON.stringify(review)));
    await again.assess(files.read);
    await review.assess(files.read);
    assert.deepEqual(again.view('x1'), review.view('x1'));
    assert.equal(again.view('x1').validation?.state, 'passed');
    assert.throws(() => ChangeReview.fromJSON({ version: 2 }), /Not a saved review/);
    assert.throws(() => ChangeReview.fromJSON({ version: 1, changes: { version: 1, files: [{ path: 'a', base: 'x', baseSha256: 'bad', text: 'y', descriptions: [] }] } }), /does not match its SHA-256/);
  });

  test('CRLF files and a file without a final newline: the plan keeps their line breaks', async () => {
    const files = new Files();
    files.texts.set('win.ts', 'a\r\nb\r\nc\r\n');
    files.texts.set('tail.ts', 'x\ny');
    const changes = new ChangeSet(files.read);
    await changes.proposeEdit('win.ts', [{ find: 'a', replace: 'A' }, { find: 'c', replace: 'C' }]);
    await changes.proposeEdit('tail.ts', [{ find: 'y', replace: 'Y' }]);
    const review = ChangeReview.of(changes, []);
    await review.assess(files.read);
    const win = review.view('x').files.find((f) => f.path === 'win.ts')!;
    const plan = review.plan({ path: 'win.ts', hunk: win.hunks[1]!.key });
    files.apply(plan.edits);
    assert.equal(files.texts.get('win.ts'), 'a\r\nb\r\nC\r\n');
    files.apply(review.plan({ path: 'tail.ts' }).edits);
    assert.equal(files.texts.get('tail.ts'), 'x\nY');
  });
});

describe('ChangeReview on the host thread', () => {
  test('400 files of 300 lines with 10 hunks each, a quarter changed under the review: assess, view and plan never hold the event loop', async () => {
    const { HOST_STALL_LIMIT_MS, watchingTheEventLoop } = await import('../../support/eventLoop');
    const files = new Map<string, string>();
    const proposals = new Map<string, string>();
    for (let f = 0; f < 400; f++) {
      const lines = Array.from({ length: 300 }, (_, i) => `  const value${i} = compute(${f}, ${i}); // line ${i}\n`);
      files.set(`src/m${f}.ts`, lines.join(''));
      proposals.set(`src/m${f}.ts`, lines.map((l, i) => (i % 30 === 5 ? l.replace('compute', 'computeAll') : l)).join(''));
    }
    const read = async (p: string) => files.get(p);
    const changes = new ChangeSet(read);
    for (const [path, text] of proposals) await changes.proposeEdit(path, text);
    const review = ChangeReview.of(changes, []);
    // The user changed a quarter of the files since, away from the proposal's lines: those are merged.
    for (let f = 0; f < 400; f += 4) files.set(`src/m${f}.ts`, files.get(`src/m${f}.ts`)!.replace('// line 17\n', '// line 17, edited\n'));
    const { value, took, longestGapMs } = await watchingTheEventLoop(async () => {
      await review.assess(read);
      const view = review.view('x');
      const plan = review.plan({});
      return { view, plan };
    });
    console.log(`assess + view + plan of 400 files x 10 hunks: ${took} ms, longest event-loop gap ${longestGapMs.toFixed(1)} ms`);
    assert.equal(value.view.files.filter((f) => f.status === 'merged').length, 100);
    assert.equal(value.plan.hunks, 4000);
    assert.ok(longestGapMs < HOST_STALL_LIMIT_MS, `the event loop waited ${longestGapMs.toFixed(1)} ms`);
  });
});
