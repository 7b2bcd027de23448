// A refactor as a user runs it: `rlm ask` over a copy of test/fixtures/refactor-shop (33 files, TypeScript and
// Python) renames computeTotal / compute_total everywhere. The scripted root splits the work into three
// partitions, each a child RLM proposing edits in parallel; integration finds one overlapping conflict (both
// TypeScript partitions rewrote the same export line) and one semantic conflict (a partition added a use of
// the old name the other partition renamed away); the root resolves both. Then --patch, --apply, --validate
// (the fixture's own checks) and --summary.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeModelServer, type FakeRequest } from '../fakes/FakeModelServer';
import { runCli as rlm } from '../support/cli';
import { code } from '../support/scriptedModels';

const REPO = join(__dirname, '..', '..');
const FIXTURE = join(REPO, 'test', 'fixtures', 'refactor-shop');
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
/** Children answer after this long, so three partitions in parallel overlap clearly. */
const CHILD_DELAY_MS = 400;

function copyFixture(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'rlm-refactor-')), 'shop');
  cpSync(FIXTURE, dir, { recursive: true });
  // A repository, so the patch can be checked with `git apply --check` against the untouched files.
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '-A');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'base');
  return dir;
}

const ROOT_TURNS = [
  code('Split the rename into three partitions and run them in parallel.', `
const p1 = ["ts/src/pricing.ts", "ts/src/index.ts", "ts/src/cart.ts", "ts/src/checkout.ts", "ts/src/invoice.ts", "ts/src/report.ts"];
const tsCallers = [...new Set(grep("computeTotal", {glob: "ts/**"}).map(h => h.path))].sort();
const p2 = tsCallers.filter(p => !p1.includes(p)).concat(["ts/src/index.ts", "ts/src/analytics.ts"]);
const p3 = [...new Set(grep("compute_total", {glob: "py/**"}).map(h => h.path))].sort();
const plan = [
  ["PARTITION TS-A: rename computeTotal to calculateTotal (the definition and these callers)", p1],
  ["PARTITION TS-B: rename computeTotal to calculateTotal in these callers", p2],
  ["PARTITION PY: rename compute_total to calculate_total everywhere in these files", p3],
];
const reports = await Promise.all(plan.map(([instruction, files]) => rlm_query(instruction, {files})));
print(reports.join("\\n---\\n"));
const first = pending_edits();
print(JSON.stringify(first.conflicts.map(c => [c.kind, c.path])));
`),
  code('Resolve both conflicts.', `
propose_edit("ts/src/index.ts", read("ts/src/index.ts").replace(/^export \\{[^}]*\\} from '\\.\\/pricing';$/m, "export { calculateTotal, lineCount } from './pricing';"), "resolve: one export of the new name");
propose_edit("ts/src/analytics.ts", read("ts/src/analytics.ts").replaceAll("computeTotal", "calculateTotal"), "resolve: the new helper uses the new name");
const after = pending_edits();
print(JSON.stringify(after.conflicts.map(c => [c.kind, c.path, c.resolved === true])));
`),
  code('Done.', 'FINAL("Renamed computeTotal to calculateTotal (TypeScript) and compute_total to calculate_total (Python) in three partitions; resolved the export conflict and the new use of the old name.")'),
];

/** The child runs: each partition renames in its files; TS-B also rewrites the export its own way and adds a helper that uses the old name. */
function childTurn(req: FakeRequest): string {
  const task = req.messages.find((m) => m.role === 'user')?.content ?? '';
  if (/PARTITION TS-A/.test(task)) {
    return code('Rename in my files.', `
for (const path of context.files) propose_edit(path, read(path).replaceAll("computeTotal", "calculateTotal"), "rename computeTotal");
FINAL("TS-A: renamed in " + context.files.length + " files");`);
  }
  if (/PARTITION TS-B/.test(task)) {
    return code('Rename in my files; keep the old export name working.', `
for (const path of context.files) {
  if (path === "ts/src/index.ts") propose_edit(path, [{find: "export { computeTotal, lineCount } from './pricing';", replace: "export { computeTotal as calculateTotal, lineCount } from './pricing';"}], "re-export under the new name");
  else if (path === "ts/src/analytics.ts") propose_edit(path, [
    {find: "import type { Order } from './types';", replace: "import { computeTotal } from './pricing';\\nimport type { Order } from './types';"},
    {find: "export function averageItems", replace: "export function averageTotal(orders: Order[]): number {\\n  return orders.length ? orders.reduce((n, o) => n + computeTotal(o.items), 0) / orders.length : 0;\\n}\\n\\nexport function averageItems"},
  ], "an average order total helper");
  else propose_edit(path, read(path).replaceAll("computeTotal", "calculateTotal"), "rename computeTotal");
}
FINAL("TS-B: renamed in " + context.files.length + " files");`);
  }
  if (/PARTITION PY/.test(task)) {
    return code('Rename in my files.', `
for (const path of context.files) propose_edit(path, read(path).replaceAll("compute_total", "calculate_total"), "rename compute_total");
FINAL("PY: renamed in " + context.files.length + " files");`);
  }
  return 'unexpected task';
}

test('a rename across 33 files in two languages: three parallel partitions, conflicts resolved by the root, patch, apply, validate, summary', { timeout: 120_000 }, async () => {
  let rootTurn = 0;
  const server = await FakeModelServer.start((req) => {
    if (req.model === 'gpt-root') return ROOT_TURNS[rootTurn++] ?? { status: 400, text: 'no more root turns' };
    return { text: childTurn(req), delayMs: CHILD_DELAY_MS };
  }, { models: ['gpt-root', 'gpt-sub'] });
  try {
    const dir = copyFixture();
    const out = mkdtempSync(join(tmpdir(), 'rlm-refactor-out-'));
    const patch = join(out, 'change.diff');
    const summary = join(out, 'summary.md');
    const trace = join(out, 'run.rlm.jsonl');
    const validate = `python3 -m unittest discover -s py -p "test_*.py" && "${process.execPath}" "${TSC}" -p ts`;
    const r = await rlm(['ask', 'Rename computeTotal to calculateTotal and compute_total to calculate_total everywhere', '--workspace', dir,
      '--base-url', server.openaiBaseUrl, '--model', 'gpt-root', '--sub-model', 'gpt-sub', '--max-depth', '2',
      '--patch', patch, '--apply', '--validate', validate, '--summary', summary, '--trace', trace, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    assert.equal(result.stopReason, 'final');

    // The partitions ran in parallel: every child run started before the first one ended.
    const events = readFileSync(trace, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const children = events.filter((e) => e.type === 'run_start' && e.depth === 1);
    const ends = events.filter((e) => e.type === 'run_end' && children.some((c) => c.id === e.id));
    assert.equal(children.length, 3);
    assert.ok(Math.max(...children.map((c) => c.time)) < Math.min(...ends.map((e) => e.time)), 'the three partitions overlap in time');
    assert.ok(events.some((e) => e.type === 'edit_proposed'), 'proposals are trajectory events');

    // Both conflicts were found and resolved by the root.
    const conflicts = result.changes.conflicts as Array<{ kind: string; paths: string[]; partitions: string[]; resolved: boolean }>;
    const overlap = conflicts.find((c) => c.kind === 'overlap' && c.paths.includes('ts/src/index.ts'));
    const semantic = conflicts.find((c) => c.kind === 'semantic' && c.paths.includes('ts/src/analytics.ts'));
    assert.ok(overlap?.resolved, JSON.stringify(conflicts));
    assert.ok(semantic?.resolved, JSON.stringify(conflicts));
    assert.match(overlap!.partitions.join(' | '), /TS-A.*\|.*TS-B/, 'the kept side is the earlier partition in the plan');
    assert.deepEqual(conflicts.filter((c) => !c.resolved), []);

    // Each description names its partition once (the first partition's were labelled again at each later fold).
    const descriptions = (result.changes.set.files as Array<{ descriptions: string[] }>).flatMap((f) => f.descriptions);
    assert.ok(descriptions.some((d) => d.startsWith('[partition 1: PARTITION TS-A')), JSON.stringify(descriptions));
    assert.deepEqual(descriptions.filter((d) => /^\[[^\]]*\] \[/.test(d)), []);

    // --json carries the whole change set: read back, it makes the same patch.
    const { ChangeSet } = await import('../../src/core/edits/ChangeSet');
    const { toPatch } = await import('../../src/core/edits/patch');
    assert.equal(await toPatch(ChangeSet.fromJSON(result.changes.set)), readFileSync(patch, 'utf8'));

    // The patch applies to the untouched tree.
    const clean = copyFixture();
    execFileSync('git', ['apply', '--check', patch], { cwd: clean });

    // Applied: no old name left anywhere; the fixture's own checks passed.
    const left = (sub: string, name: string) => readdirSync(join(dir, sub), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile()).filter((e) => readFileSync(join(e.parentPath, e.name), 'utf8').includes(name)).map((e) => e.name);
    assert.deepEqual(left('ts', 'computeTotal'), []);
    assert.deepEqual(left('py', 'compute_total'), []);
    assert.equal(result.validation.exitCode, 0, result.validation.output);
    execFileSync('python3', ['-m', 'unittest', 'discover', '-s', 'py', '-p', 'test_*.py'], { cwd: dir, stdio: 'pipe' });

    const md = readFileSync(summary, 'utf8');
    for (const part of ['TS-A', 'TS-B', 'PY', 'ts/src/index.ts', 'overlap', 'semantic', 'Receipt', 'passed']) assert.match(md, new RegExp(part), `the summary names ${part}`);
  } finally {
    await server.close();
  }
});

test('conflicts left unresolved go to the user: the conflicted files are refused by --apply (semantic ones too), the summary says so, the check does not run on half a change, exit 3', { timeout: 120_000 }, async () => {
  let rootTurn = 0;
  const turns = [
    code('Two TypeScript partitions.', `
const p1 = ["ts/src/pricing.ts", "ts/src/index.ts", "ts/src/cart.ts"];
const p2 = ["ts/src/index.ts", "ts/src/analytics.ts"];
await Promise.all([rlm_query("PARTITION TS-A: rename", {files: p1}), rlm_query("PARTITION TS-B: rename", {files: p2})]);
print(JSON.stringify(pending_edits().conflicts.map(c => c.kind)));`),
    code('Good enough.', 'FINAL("Renamed, with conflicts left for you.")'),
  ];
  const server = await FakeModelServer.start((req) => {
    if (req.model === 'gpt-root') return turns[rootTurn++] ?? { status: 400, text: 'no more root turns' };
    return childTurn(req);
  }, { models: ['gpt-root', 'gpt-sub'] });
  try {
    const dir = copyFixture();
    const out = mkdtempSync(join(tmpdir(), 'rlm-refactor-out-'));
    const summary = join(out, 'summary.md');
    const before = (path: string) => readFileSync(join(FIXTURE, ...path.split('/')), 'utf8');
    const r = await rlm(['ask', 'Rename computeTotal', '--workspace', dir, '--base-url', server.openaiBaseUrl, '--model', 'gpt-root', '--sub-model', 'gpt-sub',
      '--max-depth', '2', '--apply', '--validate', `"${process.execPath}" "${TSC}" -p ts`, '--summary', summary]);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout.trim(), 'Renamed, with conflicts left for you.');
    assert.match(r.stderr, /Unresolved conflict c1 \(overlap\) in ts\/src\/index.ts/);
    assert.match(r.stderr, /REFUSED\s+ts\/src\/index.ts: unresolved conflict c1 \(overlap\) between "partition 1: PARTITION TS-A: rename" and "partition 2: PARTITION TS-B: rename": not applied/);
    // The semantic conflict: its texts merge, but the new use in analytics.ts calls a name pricing.ts no longer defines.
    for (const path of ['ts/src/analytics.ts', 'ts/src/pricing.ts']) {
      assert.match(r.stderr, new RegExp(`REFUSED\\s+${path.replace(/[./]/g, '\\$&')}: unresolved semantic conflict c2: "partition 1: PARTITION TS-A: rename" removed or renamed \`computeTotal\`, which "partition 2: PARTITION TS-B: rename" uses at ts/src/analytics.ts:1: not applied`));
      assert.equal(readFileSync(join(dir, ...path.split('/')), 'utf8'), before(path), `${path} is not written`);
    }
    assert.match(r.stderr, /applied\s+ts\/src\/cart.ts/);
    assert.match(r.stderr, /Validation not run: 3 files were refused \(ts\/src\/analytics\.ts, ts\/src\/index\.ts, ts\/src\/pricing\.ts\), so the check would judge half of the change/);
    assert.doesNotMatch(r.stderr, /Validating:/);
    assert.equal(readFileSync(join(dir, 'ts', 'src', 'index.ts'), 'utf8'), before('ts/src/index.ts'), 'the conflicted file is not overwritten');
    assert.match(readFileSync(join(dir, 'ts', 'src', 'cart.ts'), 'utf8'), /calculateTotal/);
    const md = readFileSync(summary, 'utf8');
    assert.match(md, /c1 \(overlap\).*\*\*unresolved\*\*/);
    assert.match(md, /semantic.*\*\*unresolved\*\*/);
    assert.match(md, /`.*tsc" -p ts` was not run: 3 files were refused/);
  } finally {
    await server.close();
  }
});

test('a run cut short by a limit writes nothing with --apply (its proposals may be half a change); --patch still keeps them', { timeout: 60_000 }, async () => {
  const server = await FakeModelServer.start((req) => {
    const turns = req.messages.filter((m) => m.role === 'assistant').length;
    // Turn 1 proposes and does not finish; the last call for an answer (after the limit) answers in prose.
    return turns === 0 ? code('Start renaming.', 'propose_edit("ts/src/cart.ts", read("ts/src/cart.ts").replaceAll("computeTotal", "calculateTotal"));') : 'I renamed it in cart.ts so far.';
  }, { models: ['gpt-root'] });
  try {
    const dir = copyFixture();
    const out = mkdtempSync(join(tmpdir(), 'rlm-refactor-out-'));
    const patch = join(out, 'half.diff');
    const before = readFileSync(join(dir, 'ts', 'src', 'cart.ts'), 'utf8');
    const r = await rlm(['ask', 'Rename computeTotal', '--workspace', dir, '--base-url', server.openaiBaseUrl, '--model', 'gpt-root',
      '--max-iterations', '1', '--apply', '--patch', patch]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /Nothing was written: the run stopped before its final answer \(max_iterations\)/);
    assert.equal(readFileSync(join(dir, 'ts', 'src', 'cart.ts'), 'utf8'), before);
    assert.match(readFileSync(patch, 'utf8'), /\+import \{ calculateTotal \} from '.\/pricing';/);
  } finally {
    await server.close();
  }
});
