// The refactor summary (Markdown) and its receipt.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChangeSet } from '../../../src/core/edits/ChangeSet';
import { integrate } from '../../../src/core/edits/integrate';
import { sha256 } from '../../../src/core/edits/lineDiff';
import { changeReceipt, refactorSummary } from '../../../src/core/edits/summary';

const BASE: Record<string, string> = {
  'a.ts': 'export const a = 1;\nexport const keep = 0;\nexport const b = 2;\n',
  'b.ts': 'export const x = "x";\n',
  'c|pipe.md': 'text\n',
};
const read = async (p: string) => BASE[p];

describe('refactorSummary', () => {
  test('files, partitions, conflicts (resolved and not), validation and the receipt', async () => {
    const p1 = new ChangeSet(read);
    await p1.proposeEdit('a.ts', [{ find: 'a = 1', replace: 'a = 10' }]);
    await p1.proposeRename('b.ts', 'lib/b.ts');
    const p2 = new ChangeSet(read);
    await p2.proposeEdit('a.ts', [{ find: 'a = 1', replace: 'a = 100' }, { find: 'b = 2', replace: 'b = 20' }]);
    await p2.proposeEdit('c|pipe.md', 'new text');
    const p3 = new ChangeSet(read);
    await p3.proposeDelete('c|pipe.md');
    const integration = await integrate({ read, partitions: [
      { partition: 'first', instruction: 'Bump a | the pipe', changes: p1 }, { partition: 'second', changes: p2 }, { partition: 'third', changes: p3 },
    ] });
    assert.deepEqual(integration.conflicts.map((c) => c.kind), ['overlap', 'delete-modify']);
    await integration.changes.proposeEdit('a.ts', [{ find: 'a = 10', replace: 'a = 110' }], 'resolve c1');
    const md = await refactorSummary({
      title: 'Bump the constants\nand move b',
      changes: integration.changes, integration,
      validation: { command: 'npm test', exitCode: 1, outputTail: 'ok 1\nnot ok 2 - ```fenced```\n', durationMs: 1500 },
      traceSha256: 'f'.repeat(64),
    });
    assert.match(md, /^# Refactor summary\n\n> Bump the constants\n> and move b\n/);
    assert.match(md, /## Files touched \(3, \+3 −3\)/);
    assert.match(md, /\| `a.ts` \| modify \| 2 \| 2 \| resolved \(c1\) \|/);
    assert.match(md, /\| `c\\\|pipe.md` \| modify \| 1 \| 1 \| conflicted \(c2\) \|/);
    assert.match(md, /\| `lib\/b.ts` \| renamed from `b.ts` \| 0 \| 0 \| clean \|/);
    assert.match(md, /\| first \| Bump a \\\| the pipe \| 2 \| 1 \| 1 \|\n\| second \|  \| 2 \| 3 \| 3 \|\n\| third \|  \| 1 \| 0 \| 1 \|/);
    assert.match(md, /- c1 \(overlap\) in `a.ts` between "first" and "second": resolved by the root model/);
    assert.match(md, /- c2 \(delete-modify\) in `c\|pipe.md` between "second" and "third": \*\*unresolved\*\*/);
    assert.match(md, /`npm test` failed \(exit code 1\) in 1.5 s\.\n\n```text\nok 1\nnot ok 2 - `\u200b``fenced`\u200b``\n```/);
    const receipt = changeReceipt(integration.changes, 'f'.repeat(64));
    assert.match(md, new RegExp(`SHA-256 \`${receipt.sha256}\` over the base texts, the change set and the trajectory \\(trace receipt \`f{64}\`\\)`));
  });

  test('clean merges are listed as resolved during integration; an apply report adds a column', async () => {
    const p1 = new ChangeSet(read);
    await p1.proposeEdit('a.ts', [{ find: 'a = 1', replace: 'a = 10' }]);
    const p2 = new ChangeSet(read);
    await p2.proposeEdit('a.ts', [{ find: 'b = 2', replace: 'b = 20' }]);
    const integration = await integrate({ read, partitions: [{ partition: 'p1', changes: p1 }, { partition: 'p2', changes: p2 }] });
    const apply = { applied: [], merged: [{ path: 'a.ts', change: 'modify' as const, status: 'merged' as const, message: 'a.ts changed since the run read it; the edits were re-applied by three-way merge' }], refused: [] };
    const md = await refactorSummary({ changes: integration.changes, integration, apply });
    assert.match(md, /\| `a.ts` \| modify \| 2 \| 2 \| merged \| merged: a.ts changed since the run read it; the edits were re-applied by three-way merge \|/);
    assert.match(md, /## Conflicts\n\nNone\.\n\nResolved during integration:\n- `a.ts` \(merged, "p1" \+ "p2"\): edits to different lines, merged three-way against the base\./);
  });

  test('sensitive files are marked and listed with why; a validation that was not run says why', async () => {
    const cs = new ChangeSet(async (p) => (p === 'a.ts' ? BASE['a.ts'] : undefined));
    await cs.proposeEdit('a.ts', [{ find: 'a = 1', replace: 'a = 2' }]);
    await cs.proposeEdit('check.sh', 'touch pwned\n');
    const md = await refactorSummary({
      changes: cs, sensitive: new Map([['check.sh', 'check.sh is a shell script: its commands run as written wherever it is called']]),
      validationSkipped: { command: 'sh ./check.sh', reason: '1 file was refused (check.sh), so the check would judge half of the change.' },
    });
    assert.match(md, /\| `check.sh` \| create \| 1 \| 0 \| clean, \*\*sensitive\*\* \|/);
    assert.match(md, /\| `a.ts` \| modify \| 1 \| 1 \| clean \|/);
    assert.match(md, /Sensitive files \(they can make tools run commands, or hold secrets: review each on its own\):\n\n- check\.sh is a shell script/);
    assert.match(md, /## Validation\n\n`sh \.\/check\.sh` was not run: 1 file was refused \(check\.sh\)/);
  });

  test('no changes, no integration, no validation', async () => {
    const md = await refactorSummary({ changes: new ChangeSet(read), validation: null });
    assert.match(md, /## Files touched \(0, \+0 −0\)\n\nNo file was changed\./);
    assert.doesNotMatch(md, /## Partitions|## Conflicts/);
    assert.match(md, /No validation command was given\./);
    assert.match(md, /\(no trace was written\)/);
    const killed = await refactorSummary({ changes: new ChangeSet(read), validation: { command: 'make check', exitCode: null, outputTail: '' } });
    assert.match(killed, /`make check` did not finish \(killed or timed out\)\.\n\n## Receipt/);
  });

  test('the receipt covers the base texts, the change set and the trajectory, and nothing else', async () => {
    const cs = new ChangeSet(read);
    await cs.proposeEdit('a.ts', [{ find: 'a = 1', replace: 'a = 2' }], 'a description is not covered');
    await cs.proposeDelete('b.ts');
    const r = changeReceipt(cs, 'abc');
    assert.equal(r.covers, [
      'rlm-change-receipt 1',
      `base\ta.ts\t${sha256(BASE['a.ts'])}`, `text\ta.ts\t${sha256(BASE['a.ts'].replace('a = 1', 'a = 2'))}`,
      `base\tb.ts\t${sha256(BASE['b.ts'])}`, 'text\tb.ts\tdeleted',
      'trajectory\tabc',
    ].join('\n') + '\n');
    assert.equal(r.sha256, sha256(r.covers));
    assert.notEqual(changeReceipt(cs, 'abd').sha256, r.sha256, 'another trace, another receipt');
    await cs.proposeEdit('a.ts', [{ find: 'a = 2', replace: 'a = 3' }]);
    assert.notEqual(changeReceipt(cs, 'abc').sha256, r.sha256, 'another change, another receipt');
    assert.equal(changeReceipt(ChangeSet.fromJSON(JSON.parse(JSON.stringify(cs))), 'abc').sha256, changeReceipt(cs, 'abc').sha256, 'recomputable from the JSON');
  });
});
