// integrate() beyond the golden cases: conflicts the root resolves through propose_edit, semantic conflicts
// from injected definitions (the Tree-sitter-backed source is tested in syntaxSymbols.test.ts), path
// collisions, dependencies on a later partition, per-partition counts, bad input.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChangeSet } from '../../../src/core/edits/ChangeSet';
import { conflictedPaths, unresolvedConflicts } from '../../../src/core/edits/conflicts';
import { integrate } from '../../../src/core/edits/integrate';
import type { Definition, SymbolSource } from '../../../src/core/edits/semantic';

const BASE: Record<string, string> = {
  'src/math.ts': 'export function addOne(n: number) {\n  return n + 1;\n}\n\nexport function double(n: number) {\n  return n * 2;\n}\n',
  'src/app.ts': 'import { addOne } from "./math";\n\nexport function run() {\n  return addOne(1);\n}\n',
  'src/report.ts': 'export function report(x: number) {\n  return `x=${x}`;\n}\n',
  'README.md': '# Demo\n\nCall addOne to add one.\n',
};
const read = async (p: string) => BASE[p];

/** Definitions by a regex over `function NAME(`: enough for the integration logic, independent of grammars. */
const functionDefs: SymbolSource = {
  async definitionsOf(path, text) {
    if (!path.endsWith('.ts')) return undefined;
    const defs: Definition[] = [];
    text.split('\n').forEach((line, i) => {
      for (const m of line.matchAll(/function (\w+)\(/g)) defs.push({ name: m[1], kind: 'function', line: i + 1 });
    });
    return defs;
  },
};

async function changeSet(reader: (p: string) => Promise<string | undefined>, build: (cs: ChangeSet) => Promise<unknown>): Promise<ChangeSet> {
  const cs = new ChangeSet(reader);
  await build(cs);
  return cs;
}

describe('integrate', () => {
  test('conflicts number on from firstConflict, in their ids and descriptions (a run that folds in several times)', async () => {
    const a = await changeSet(read, (cs) => cs.proposeEdit('src/math.ts', [{ find: 'return n + 1;', replace: 'return n + 1; // inc' }]));
    const b = await changeSet(read, (cs) => cs.proposeEdit('src/math.ts', [{ find: 'return n + 1;', replace: 'return 1 + n;' }]));
    const { conflicts } = await integrate({ read, partitions: [{ partition: 'a', changes: a }, { partition: 'b', changes: b }], firstConflict: 4 });
    assert.deepEqual(conflicts.map((c) => c.id), ['c4']);
    assert.match(conflicts[0].description, /^Conflict c4 /);
    assert.doesNotMatch(conflicts[0].description, /\bc1\b/);
  });

  test('an overlap the root resolves through propose_edit is no longer unresolved', async () => {
    const a = await changeSet(read, (cs) => cs.proposeEdit('src/math.ts', [{ find: 'return n + 1;', replace: 'return n + 1; // inc' }]));
    const b = await changeSet(read, (cs) => cs.proposeEdit('src/math.ts', [{ find: 'return n + 1;', replace: 'return 1 + n;' }]));
    const { changes, conflicts } = await integrate({ read, partitions: [{ partition: 'a', changes: a }, { partition: 'b', changes: b }] });
    assert.equal(conflicts.length, 1);
    assert.equal(conflicts[0].kind, 'overlap');
    assert.deepEqual(conflicts[0].texts, { path: 'src/math.ts', base: BASE['src/math.ts'], ours: a.files()[0].text, theirs: b.files()[0].text });
    assert.match(conflicts[0].description, /"b"'s side is NOT applied yet/);
    assert.deepEqual(conflictedPaths(conflicts), new Map([['src/math.ts', 'unresolved conflict c1 (overlap) between "a" and "b": not applied']]));
    assert.equal(unresolvedConflicts(conflicts, changes).length, 1);
    // The root reads the merged text (the kept side) and combines both.
    assert.match((await changes.textOf('src/math.ts'))!, /return n \+ 1; \/\/ inc/);
    await changes.proposeEdit('src/math.ts', [{ find: 'return n + 1; // inc', replace: 'return 1 + n; // inc' }], 'resolve c1');
    assert.deepEqual(unresolvedConflicts(conflicts, changes), []);
  });

  test('proposing the kept text again, unchanged, also resolves', async () => {
    const a = await changeSet(read, (cs) => cs.proposeDelete('README.md'));
    const b = await changeSet(read, (cs) => cs.proposeEdit('README.md', [{ find: 'addOne', replace: 'increment' }]));
    const { changes, conflicts } = await integrate({ read, partitions: [{ partition: 'a', changes: a }, { partition: 'b', changes: b }] });
    assert.equal(conflicts[0].kind, 'delete-modify');
    assert.equal(await changes.textOf('README.md'), undefined, 'the earlier partition (the delete) is kept');
    await changes.proposeEdit('README.md', b.files()[0].text!);
    assert.deepEqual(unresolvedConflicts(conflicts, changes), []);
    assert.match((await changes.textOf('README.md'))!, /increment/);
  });

  test('semantic: a removed definition used by another partition\'s new code, with both places', async () => {
    const rename = await changeSet(read, async (cs) => {
      await cs.proposeEdit('src/math.ts', [{ find: 'function addOne(', replace: 'function increment(' }]);
      await cs.proposeEdit('src/app.ts', [{ find: 'import { addOne }', replace: 'import { increment }' }, { find: 'return addOne(1);', replace: 'return increment(1);' }]);
    });
    const feature = await changeSet(read, (cs) => cs.proposeEdit('src/report.ts', [{ find: 'return `x=${x}`;', replace: 'return `x=${x}, next=${addOne(x)}`;' }]));
    const docs = await changeSet(read, (cs) => cs.proposeEdit('README.md', [{ find: 'Call addOne', replace: 'Call addOne (see src/math.ts)' }]));
    const own = await changeSet(read, (cs) => cs.proposeEdit('src/report.ts', 'export function addOne(s: string) {\n  return s + "1";\n}\nexport const y = addOne("x");\n'));
    const result = await integrate({
      read, symbols: functionDefs,
      partitions: [{ partition: 'rename', changes: rename }, { partition: 'feature', changes: feature }, { partition: 'docs', changes: docs }],
    });
    const semantic = result.conflicts.filter((c) => c.kind === 'semantic');
    assert.equal(semantic.length, 2, 'the new use in report.ts, and (word scan: no grammar for Markdown) the README line');
    assert.deepEqual(semantic[0].semantic, {
      name: 'addOne', kind: 'function',
      removed: { partition: 'rename', path: 'src/math.ts', line: 1 },
      used: { partition: 'feature', path: 'src/report.ts', line: 2, text: 'return `x=${x}, next=${addOne(x)}`;' },
    });
    assert.deepEqual(semantic[0].paths, ['src/report.ts', 'src/math.ts']);
    assert.match(semantic[0].description, /removed or renamed the function `addOne` \(defined at src\/math.ts:1 in the base\), and "feature" added a use of `addOne` at src\/report.ts:2/);
    assert.equal(semantic[1].semantic?.used.path, 'README.md');
    // A partition that defines the name itself is not flagged.
    const again = await integrate({ read, symbols: functionDefs, partitions: [{ partition: 'rename', changes: rename }, { partition: 'own', changes: own }] });
    assert.deepEqual(again.conflicts.filter((c) => c.kind === 'semantic'), []);
    // Without a SymbolSource there is no semantic check.
    assert.deepEqual((await integrate({ read, partitions: [{ partition: 'rename', changes: rename }, { partition: 'feature', changes: feature }] })).conflicts, []);
    // Semantic conflicts hold their files back from applying like every other kind: the texts merge, the code does not work.
    assert.deepEqual(conflictedPaths(result.conflicts), new Map([
      ['src/report.ts', 'unresolved semantic conflict c1: "rename" removed or renamed `addOne`, which "feature" uses at src/report.ts:2: not applied'],
      ['src/math.ts', 'unresolved semantic conflict c1: "rename" removed or renamed `addOne`, which "feature" uses at src/report.ts:2: not applied'],
      ['README.md', 'unresolved semantic conflict c2: "rename" removed or renamed `addOne`, which "docs" uses at README.md:3: not applied'],
    ]));
  });

  test('two files ending at one path: the earlier partition keeps it, the other stays where it was', async () => {
    const a = await changeSet(read, (cs) => cs.proposeEdit('src/util.ts', 'export const u = 1;\n'));
    const b = await changeSet(read, async (cs) => {
      await cs.proposeEdit('src/report.ts', [{ find: 'x=', replace: 'value=' }]);
      await cs.proposeRename('src/report.ts', 'src/util.ts');
    });
    const { changes, conflicts } = await integrate({ read, partitions: [{ partition: 'a', changes: a }, { partition: 'b', changes: b }] });
    assert.deepEqual(conflicts.map((c) => [c.kind, c.paths, c.partitions]), [['path-collision', ['src/util.ts', 'src/report.ts'], ['a', 'b']]]);
    assert.deepEqual(changes.files().map((f) => [f.path, f.from, f.base === undefined]), [['src/report.ts', undefined, false], ['src/util.ts', undefined, true]]);
    assert.match((await changes.textOf('src/report.ts'))!, /value=/, 'its edit is kept at its old path');
    // A created file that loses keeps nothing in the change set, but its text is in the conflict.
    const c = await changeSet(read, (cs) => cs.proposeEdit('src/util.ts', 'export const u = 2;\n'));
    const second = await integrate({ read, partitions: [{ partition: 'a', changes: a }, { partition: 'c', changes: c }] });
    assert.equal(second.conflicts[0].kind, 'overlap', 'both created the same path: an add/add overlap');
  });

  test('a partition made against a later partition\'s output is taken after it', async () => {
    const producer = await changeSet(read, (cs) => cs.proposeEdit('src/math.ts', [{ find: 'n * 2', replace: 'n << 1' }]));
    const consumer = await changeSet((p) => producer.textOf(p), (cs) => cs.proposeEdit('src/math.ts', [{ find: 'return n << 1;', replace: 'return (n << 1) | 0;' }]));
    const { changes, conflicts, resolutions } = await integrate({ read, partitions: [{ partition: 'consumer', changes: consumer }, { partition: 'producer', changes: producer }] });
    assert.deepEqual(conflicts, []);
    assert.match((await changes.textOf('src/math.ts'))!, /return \(n << 1\) \| 0;/);
    assert.deepEqual(resolutions.map((r) => [r.kind, r.partitions, r.dependsOn]), [['dependent', ['consumer'], ['producer']]]);
  });

  test('a partition that edits a file another one moved joins that file', async () => {
    const mover = await changeSet(read, (cs) => cs.proposeRename('src/math.ts', 'src/lib/math.ts'));
    const editor = await changeSet((p) => mover.textOf(p), (cs) => cs.proposeEdit('src/lib/math.ts', [{ find: 'n * 2', replace: 'n + n' }]));
    const { changes, conflicts, resolutions } = await integrate({ read, partitions: [{ partition: 'mover', changes: mover }, { partition: 'editor', changes: editor }] });
    assert.deepEqual(conflicts, []);
    assert.deepEqual(changes.files().map((f) => [f.path, f.from]), [['src/lib/math.ts', 'src/math.ts']]);
    assert.match(changes.files()[0].text!, /n \+ n/);
    assert.equal(resolutions[0].kind, 'dependent');
  });

  test('both partitions delete, or make the same change: no conflict', async () => {
    const a = await changeSet(read, async (cs) => {
      await cs.proposeDelete('README.md');
      await cs.proposeEdit('src/app.ts', [{ find: 'addOne(1)', replace: 'addOne(2)' }]);
    });
    const b = await changeSet(read, async (cs) => {
      await cs.proposeDelete('README.md');
      await cs.proposeEdit('src/app.ts', [{ find: 'addOne(1)', replace: 'addOne(2)' }]);
    });
    const { changes, conflicts } = await integrate({ read, partitions: [{ partition: 'a', changes: a }, { partition: 'b', changes: b }] });
    assert.deepEqual(conflicts, []);
    assert.deepEqual(changes.files().map((f) => [f.path, f.text === undefined]), [['README.md', true], ['src/app.ts', false]]);
  });

  test('rename vs delete, and per-partition counts', async () => {
    const a = await changeSet(read, (cs) => cs.proposeRename('src/report.ts', 'src/reporting.ts', 'clearer name'));
    const b = await changeSet(read, async (cs) => {
      await cs.proposeDelete('src/report.ts');
      await cs.proposeEdit('src/app.ts', [{ find: 'return addOne(1);', replace: 'const one = addOne(0);\n  return addOne(one);' }]);
    });
    const { conflicts, partitions, changes } = await integrate({ read, partitions: [{ partition: 'a', instruction: 'rename report', changes: a }, { partition: 'b', changes: b }] });
    assert.deepEqual(conflicts.map((c) => c.kind), ['rename-delete']);
    assert.deepEqual(partitions, [
      { partition: 'a', instruction: 'rename report', files: 1, added: 0, removed: 0 },
      { partition: 'b', files: 2, added: 2, removed: 4 },
    ]);
    assert.deepEqual(changes.file('src/reporting.ts')?.descriptions, ['[a] clearer name']);
  });

  test('bad input: duplicate or empty partition names; no partitions at all', async () => {
    const a = new ChangeSet(read);
    await assert.rejects(integrate({ read, partitions: [{ partition: 'x', changes: a }, { partition: 'x', changes: a }] }), /must be unique/);
    await assert.rejects(integrate({ read, partitions: [{ partition: '', changes: a }] }), /needs a name/);
    const empty = await integrate({ read, partitions: [] });
    assert.equal(empty.changes.size, 0);
    assert.deepEqual([empty.conflicts, empty.resolutions, empty.partitions], [[], [], []]);
  });
});
