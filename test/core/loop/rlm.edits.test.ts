// Proposed edits through the sandbox: propose_edit / propose_rename / propose_delete / pending_edits, read()
// through the proposals, events under the cell, nothing written; partitions (child runs) folded in plan order
// whatever order they finish in; a child cancelled with its cell merges nothing and holds nobody up.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RlmEvent } from '../../../src/core/trajectory/events';
import { FileSystemWorkspace } from '../../../src/core/workspace/FileSystemWorkspace';
import type { FakeRequest } from '../../fakes/FakeModelServer';
import { code, scripted, withSession } from '../../support/scriptedModels';

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-edits-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'a.ts'), 'export const one = 1;\nexport const two = 2;\n');
  writeFileSync(join(dir, 'src', 'b.ts'), 'export const b = "b";\n');
  writeFileSync(join(dir, 'src', 'dup.ts'), 'a a\n');
  writeFileSync(join(dir, 'src', 'gone.ts'), 'export {};\n');
  writeFileSync(join(dir, '.env'), 'TOKEN=secret\n');
  return dir;
}

const outputs = (events: RlmEvent[]) => events.filter((e): e is Extract<RlmEvent, { type: 'cell_end' }> => e.type === 'cell_end').map((e) => e.output).join('\n');

test('proposals: read() sees them, grep the disk; a failed one changes nothing; each is an event under its cell; nothing is written', async () => {
  const dir = project();
  const s = await scripted([
    code('Propose and check.', `
const r1 = propose_edit("src/a.ts", [{find: "one", replace: "uno"}], "spanish");
print("R1 " + JSON.stringify([r1.path, r1.change, r1.added, r1.removed]));
print("READ " + read("src/a.ts", 1, 1));
for (const [path, edit] of [["src/a.ts", [{find: "missing", replace: "y"}]], ["src/dup.ts", [{find: "a", replace: "b"}]], ["../outside.ts", "x"], [".env", "TOKEN=mine"], ["src/a.ts", 42]]) {
  try { propose_edit(path, edit); print("NO ERROR for " + path); } catch (e) { print("ERR " + path + ": " + e.message); }
}
print("STILL " + read("src/a.ts", 1, 1));
propose_edit("./src/new.ts", "export const n = 1;\\n", "a new module");
propose_delete("src/gone.ts");
try { read("src/gone.ts"); } catch (e) { print("GONE " + e.message); }
propose_rename("src/b.ts", "src/c.ts");
print("MOVED " + read("src/c.ts"));
print("GREP " + grep("uno").length + " " + grep("one =").length);
const p = pending_edits();
print("PENDING " + JSON.stringify(p.files.map(f => [f.change, f.path, f.added, f.removed])) + " " + p.conflicts.length);
print("DIFF " + p.files.find(f => f.path === "src/a.ts").diff.includes("+export const uno = 1;"));
`),
    code('Done.', 'FINAL("proposed")'),
  ]);
  const workspace = await FileSystemWorkspace.openAsync(dir);
  const events: RlmEvent[] = [];
  await withSession(s, { models: s.models, context: { kind: 'workspace', workspace } }, async (session) => {
    const result = await session.ask('Rename one to uno', { onEvent: (e) => events.push(e) });
    assert.equal(result.stopReason, 'final');
    const out = outputs(events);
    assert.match(out, /R1 \["src\/a.ts","modify",1,1\]/);
    assert.match(out, /READ export const uno = 1;/);
    assert.match(out, /ERR src\/a.ts: .*missing.*(0|no|zero)/i);
    assert.match(out, /ERR src\/dup.ts: .*(2|twice|several)/i);
    assert.match(out, /ERR \.\.\/outside.ts: .*outside/i);
    assert.match(out, /ERR \.env: .*credential/i);
    assert.match(out, /ERR src\/a.ts: propose_edit: the edit must be/);
    assert.doesNotMatch(out, /NO ERROR/);
    assert.match(out, /STILL export const uno = 1;/, 'a failed proposal leaves the pending text as it was');
    assert.match(out, /GONE .*delete or move/);
    assert.match(out, /MOVED export const b = "b";/);
    assert.match(out, /GREP 0 1/, 'grep searches the files on disk');
    assert.match(out, /PENDING .*\["modify","src\/a.ts",1,1\].*\["create","src\/new.ts",1,0\].*0$/m);
    assert.match(out, /DIFF true/);

    const cell = events.find((e) => e.type === 'cell_start')!;
    const proposed = events.filter((e): e is Extract<RlmEvent, { type: 'edit_proposed' }> => e.type === 'edit_proposed');
    assert.deepEqual(proposed.map((e) => [e.change, e.path, e.parentId]), [
      ['modify', 'src/a.ts', (cell as { id: string }).id], ['create', 'src/new.ts', (cell as { id: string }).id],
      ['delete', 'src/gone.ts', (cell as { id: string }).id], ['rename', 'src/c.ts', (cell as { id: string }).id],
    ]);
    assert.equal(proposed[0]!.description, 'spanish');
    assert.match(proposed[0]!.diff ?? '', /-export const one = 1;\n\+export const uno = 1;/);
    assert.equal(new Set(proposed.map((e) => e.id)).size, 4);

    const changes = result.edits!.changes;
    assert.deepEqual((await changes.summary()).map((f) => [f.change, f.path]).sort(), [['create', 'src/new.ts'], ['delete', 'src/gone.ts'], ['modify', 'src/a.ts'], ['rename', 'src/c.ts']]);
    // Nothing reached the disk.
    assert.equal(readFileSync(join(dir, 'src', 'a.ts'), 'utf8'), 'export const one = 1;\nexport const two = 2;\n');
    assert.equal(readFileSync(join(dir, 'src', 'gone.ts'), 'utf8'), 'export {};\n');
    assert.equal(readFileSync(join(dir, 'src', 'b.ts'), 'utf8'), 'export const b = "b";\n');
  });
  workspace.dispose();
});

/** A child that renames `one` its own way after `delayMs`: two of them collide on the same line. */
function partitionChild(req: FakeRequest): { text: string; delayMs: number } {
  const task = req.messages.find((m) => m.role === 'user')?.content ?? '';
  const [, name, replacement, delay] = /PART (\w+) -> (\w+) after (\d+)/.exec(task) ?? [];
  return {
    text: code(`Partition ${name}.`, `propose_edit("src/a.ts", [{find: "export const one", replace: "export const ${replacement}"}], "${name}");\nFINAL("${name} done");`),
    delayMs: Number(delay),
  };
}

test('partitions fold in plan order: the later one finishing first still comes second, and its collision is a conflict the root resolves', async () => {
  const dir = project();
  const s = await scripted([
    code('Two partitions.', `
const done = [];
const answers = await Promise.all([
  rlm_query("PART first -> uno after 600", {files: ["src/a.ts"]}).then(a => { done.push("first"); return a; }),
  rlm_query("PART second -> eins after 0", {files: ["src/a.ts"]}).then(a => { done.push("second"); return a; }),
]);
print("ORDER " + done.join(","));
print(answers.join("\\n====\\n"));
print("TEXT " + read("src/a.ts", 1, 1));
print("CONFLICTS " + JSON.stringify(pending_edits().conflicts.map(c => [c.kind, c.paths, c.resolved])));
`),
    code('Resolve.', `
propose_edit("src/a.ts", [{find: "export const uno", replace: "export const uno_eins"}], "both names");
print("AFTER " + JSON.stringify(pending_edits().conflicts.map(c => c.resolved)));
FINAL("merged");`),
  ], (req) => partitionChild(req));
  const workspace = await FileSystemWorkspace.openAsync(dir);
  const events: RlmEvent[] = [];
  await withSession(s, { models: s.models, context: { kind: 'workspace', workspace }, limits: { maxDepth: 2 } }, async (session) => {
    const result = await session.ask('Two partitions', { onEvent: (e) => events.push(e) });
    assert.equal(result.stopReason, 'final', result.detail);
    const out = outputs(events);
    // The second partition's child ended first, but its rlm_query waited for the first to be folded.
    const childEnds = events.filter((e): e is Extract<RlmEvent, { type: 'run_end' }> => e.type === 'run_end' && e.parentId !== undefined);
    assert.deepEqual(childEnds.map((e) => e.answer), ['second done', 'first done'], 'the fast child ended first');
    assert.match(out, /ORDER first,second/);
    assert.match(out, /first done\n\n\[edits: 1 file proposed by this partition merged into your proposals.\]/);
    assert.match(out, /second done\n\n\[edits: 1 file .* 1 conflict \(c1 overlap in src\/a.ts\)/);
    assert.match(out, /TEXT export const uno = 1;/, 'the earlier partition in the plan keeps its side');
    assert.match(out, /CONFLICTS \[\["overlap",\["src\/a.ts"\],false\]\]/);
    assert.match(out, /AFTER \[true\]/);
    const edits = result.edits!;
    assert.deepEqual(edits.partitions.map((p) => p.partition.split(':')[0]), ['partition 1', 'partition 2']);
    assert.equal(edits.conflicts.length, 1);
    assert.equal(edits.conflicts[0]!.resolved, true);
    assert.equal(await edits.changes.textOf('src/a.ts'), 'export const uno_eins = 1;\nexport const two = 2;\n');
  });
  workspace.dispose();
});

test('a partition cancelled with its cell merges nothing, and the next partition does not wait for it', async () => {
  const dir = project();
  const s = await scripted([
    code('Start one and do not wait.', 'rlm_query("PART slow -> uno after 800", {files: ["src/a.ts"]});\nprint("left it");'),
    code('Now one that finishes.', 'const r = await rlm_query("PART quick -> eins after 0", {files: ["src/a.ts"]});\nprint(r);\nprint("TEXT " + read("src/a.ts", 1, 1));'),
    code('Done.', 'FINAL("ok")'),
  ], (req) => partitionChild(req));
  const workspace = await FileSystemWorkspace.openAsync(dir);
  const events: RlmEvent[] = [];
  await withSession(s, { models: s.models, context: { kind: 'workspace', workspace }, limits: { maxDepth: 2 } }, async (session) => {
    const started = Date.now();
    const result = await session.ask('Partitions', { onEvent: (e) => events.push(e) });
    assert.equal(result.stopReason, 'final', result.detail);
    assert.ok(Date.now() - started < 5_000);
    const out = outputs(events);
    assert.match(out, /quick done\n\n\[edits: 1 file proposed by this partition merged/);
    assert.match(out, /TEXT export const eins = 1;/);
    const slow = events.find((e): e is Extract<RlmEvent, { type: 'run_end' }> => e.type === 'run_end' && e.parentId !== undefined && e.status === 'cancelled');
    assert.ok(slow, 'the unawaited child was cancelled with its cell');
    assert.deepEqual(result.edits!.partitions.map((p) => p.partition.split(':')[0]), ['partition 2']);
    assert.deepEqual(result.edits!.conflicts, []);
  });
  workspace.dispose();
});

test('a text context has no edit functions', async () => {
  const s = await scripted([code('Try.', 'print(typeof propose_edit, typeof pending_edits);\nFINAL("x")')]);
  const events: RlmEvent[] = [];
  await withSession(s, { models: s.models, context: { kind: 'text', text: 'hello' } }, async (session) => {
    const result = await session.ask('q', { onEvent: (e) => events.push(e) });
    assert.match(outputs(events), /undefined undefined/);
    assert.equal(result.edits, undefined);
    assert.doesNotMatch(s.rootRequests()[0]!.messages[0]!.content, /propose_edit/, 'the prompt does not offer them');
  });
});

test('a partition started after another was folded builds on its text: a dependent edit, no conflict', async () => {
  const dir = project();
  const s = await scripted([
    code('One after the other.', `
print(await rlm_query("PART first -> uno after 0", {files: ["src/a.ts"]}));
print(await rlm_query("STACK on top", {files: ["src/a.ts"]}));
print("TEXT " + read("src/a.ts", 1, 1));
print("CONFLICTS " + pending_edits().conflicts.length);
FINAL("done");`),
  ], (req) => {
    const task = req.messages.find((m) => m.role === 'user')?.content ?? '';
    if (/STACK/.test(task)) return code('Build on it.', 'print(read("src/a.ts", 1, 1));\npropose_edit("src/a.ts", [{find: "export const uno", replace: "export const uno_bis"}]);\nFINAL("stacked");');
    return partitionChild(req);
  });
  const workspace = await FileSystemWorkspace.openAsync(dir);
  const events: RlmEvent[] = [];
  await withSession(s, { models: s.models, context: { kind: 'workspace', workspace }, limits: { maxDepth: 2 } }, async (session) => {
    const result = await session.ask('Stacked partitions', { onEvent: (e) => events.push(e) });
    assert.equal(result.stopReason, 'final', result.detail);
    const out = outputs(events);
    assert.match(out, /export const uno = 1;\n(.|\n)*stacked/, 'the second child read the first one\'s text');
    assert.match(out, /TEXT export const uno_bis = 1;/);
    assert.match(out, /CONFLICTS 0/);
    assert.equal(await result.edits!.changes.textOf('src/a.ts'), 'export const uno_bis = 1;\nexport const two = 2;\n');
    assert.equal(readFileSync(join(dir, 'src', 'a.ts'), 'utf8'), 'export const one = 1;\nexport const two = 2;\n');
  });
  workspace.dispose();
});

test('proposeEdits: false (a host without review) offers no edit functions and reads the disk', async () => {
  const dir = project();
  const s = await scripted([code('Try.', 'print(typeof propose_edit, typeof pending_edits, read("src/a.ts", 1, 1));\nFINAL("x")')]);
  const workspace = await FileSystemWorkspace.openAsync(dir);
  const events: RlmEvent[] = [];
  await withSession(s, { models: s.models, context: { kind: 'workspace', workspace }, proposeEdits: false }, async (session) => {
    const result = await session.ask('q', { onEvent: (e) => events.push(e) });
    assert.match(outputs(events), /undefined undefined export const one = 1;/);
    assert.equal(result.edits, undefined);
    assert.doesNotMatch(s.rootRequests()[0]!.messages[0]!.content, /propose_edit/);
  });
  workspace.dispose();
});
