// Golden fixtures (test/fixtures/edits), reviewed by reading them:
// - edit/<case>/{base, edit.json} -> expected (the pending text) or expected.error (the message);
// - merge/<case>/{base, ours, theirs} -> expected (the clean merge, or diff3 markers where it conflicts);
// - changes/<case>/{base/**, partitions.json} -> expected.diff (the integrated change set as a patch) and
//   expected-conflicts.md (conflicts and resolutions, as the root model reads them). The patch must also pass
//   `git apply` onto the base and give the merged texts byte for byte (patch.test.ts checks that on every case).
// The fixtures are byte-exact (CRLF, no final newline): .gitattributes keeps git from converting them.
// Regenerate after an intended change with UPDATE_GOLDEN=1, then read the diff.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ChangeSet } from '../../../src/core/edits/ChangeSet';
import { merge3 } from '../../../src/core/edits/merge3';
import { toPatch } from '../../../src/core/edits/patch';
import { GOLDEN, runChangesCase } from './goldenCases';

const UPDATE = process.env.UPDATE_GOLDEN === '1';

const cases = (kind: string) => readdirSync(join(GOLDEN, kind)).sort();
const read = (...parts: string[]) => readFileSync(join(GOLDEN, ...parts), 'utf8');

function golden(actual: string, ...parts: string[]): void {
  const file = join(GOLDEN, ...parts);
  if (UPDATE) writeFileSync(file, actual);
  assert.ok(existsSync(file), `missing golden file ${file}: run with UPDATE_GOLDEN=1 and review it`);
  assert.equal(actual, readFileSync(file, 'utf8'), `${parts.join('/')} differs from its golden file`);
}

describe('golden: find/replace and whole-text edits', () => {
  for (const name of cases('edit')) {
    test(name, async () => {
      const base = read('edit', name, 'base');
      const cs = new ChangeSet(async (p) => (p === 'file' ? base : undefined));
      try {
        await cs.proposeEdit('file', JSON.parse(read('edit', name, 'edit.json')));
        golden((await cs.textOf('file'))!, 'edit', name, 'expected');
      } catch (error) {
        golden(`${(error as Error).message}\n`, 'edit', name, 'expected.error');
      }
    });
  }
});

describe('golden: three-way merges', () => {
  for (const name of cases('merge')) {
    test(name, () => {
      const result = merge3(read('merge', name, 'base'), read('merge', name, 'ours'), read('merge', name, 'theirs'));
      golden(result.clean ? result.text : result.marked, 'merge', name, 'expected');
      const conflicted = existsSync(join(GOLDEN, 'merge', name, 'expected')) && read('merge', name, 'expected').includes('<<<<<<< ours');
      assert.equal(!result.clean, conflicted, 'conflict markers exactly when the merge conflicts');
    });
  }
});

describe('golden: partitions integrated into one patch', () => {
  for (const name of cases('changes')) {
    test(name, async () => {
      const { integration } = await runChangesCase(name);
      golden(await toPatch(integration.changes), 'changes', name, 'expected.diff');
      const lines = ['# Conflicts', ''];
      for (const c of integration.conflicts) lines.push(`## ${c.id}: ${c.kind} (${c.partitions.join(' / ')}) in ${c.paths.join(', ')}`, '', '```text', c.description, '```', '');
      if (integration.conflicts.length === 0) lines.push('None.', '');
      lines.push('# Resolutions', '');
      for (const r of integration.resolutions) lines.push(`- ${r.kind} ${r.path} (${r.partitions.join(', ')}${r.dependsOn ? `; depends on ${r.dependsOn.join(', ')}` : ''}): ${r.how}`);
      if (integration.resolutions.length === 0) lines.push('None.');
      golden(lines.join('\n') + '\n', 'changes', name, 'expected-conflicts.md');
    });
  }
});
